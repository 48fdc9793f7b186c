"""Password hashing with Argon2id (argon2-cffi's defaults: RFC 9106 low-memory profile).

Hashing and verifying are deliberately slow (tens of milliseconds, CPU-bound): async callers
should run them in a thread (``crm_core.users.authenticate`` does), not on the event loop.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if ``password`` matches; a wrong password or a malformed hash is simply False."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters than the current ones."""
    return _HASHER.check_needs_rehash(password_hash)
