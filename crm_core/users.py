"""Users of the centre (agents, team leads, admins): look-up, creation, changes, login checks.

Owns the ``users`` rows; roles are enforced by the HTTP edge, not here. A user is never
deleted, only deactivated: the history (interactions, request changes) names them.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.errors import AlreadyExists, InvalidField, NotFound
from crm_core.models import User
from crm_core.passwords import hash_password, needs_rehash, verify_password
from crm_core.vocabulary import Role


@dataclass(frozen=True, slots=True)
class UserRecord:
    username: str
    display_name: str
    role: Role
    active: bool
    created_at: datetime
    password_hash: str = field(repr=False)


def _record(row: User) -> UserRecord:
    return UserRecord(
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
        created_at=row.created_at,
        password_hash=row.password_hash,
    )


async def _row(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username))


async def get_user(session: AsyncSession, username: str) -> UserRecord | None:
    row = await _row(session, username)
    return None if row is None else _record(row)


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    active: bool = True,
    now: datetime | None = None,
) -> UserRecord:
    """Add a user; ``now`` defaults to the wall clock (bookkeeping only).

    Hashing (~100 ms, in a thread) happens inside the caller's transaction: fine for an
    admin action, not for a hot path.
    """
    if await _row(session, username) is not None:
        raise AlreadyExists("user", username)
    password_hash = await asyncio.to_thread(hash_password, password)
    row = User(
        username=username,
        display_name=display_name,
        role=Role(role).value,
        password_hash=password_hash,
        active=active,
    )
    if now is not None:
        row.created_at = now
    session.add(row)
    await session.flush()
    return _record(row)


async def list_users(session: AsyncSession) -> list[UserRecord]:
    return [_record(row) for row in await session.scalars(select(User).order_by(User.username))]


async def update_user(
    session: AsyncSession,
    username: str,
    *,
    display_name: str | None = None,
    role: Role | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> UserRecord:
    """Change what is given; a new password is hashed (~100 ms, in a thread)."""
    if display_name is not None and not (0 < len(display_name.strip()) <= 128):
        raise InvalidField("display_name", "must be 1..128 characters")
    if password is not None and not password:
        raise InvalidField("password", "must not be empty")
    row = await _row(session, username)
    if row is None:
        raise NotFound("user", username)
    if display_name is not None:
        row.display_name = display_name.strip()
    if role is not None:
        row.role = Role(role).value
    if active is not None:
        row.active = active
    if password is not None:
        row.password_hash = await asyncio.to_thread(hash_password, password)
    await session.flush()
    return _record(row)


# Verified against when the user does not exist, so a wrong username costs as long as a wrong
# password and response times do not reveal which usernames exist.
@functools.cache
def _dummy_hash() -> str:
    return hash_password("no such user")


async def authenticate(
    sessions: async_sessionmaker[AsyncSession], username: str, password: str
) -> UserRecord | None:
    """The active user with this password, else None. Upgrades an outdated hash in place.

    Unlike the other query functions this takes the sessionmaker: verifying takes ~100 ms,
    and on SQLite a transaction holds the database's one write lock from its first statement,
    so the check must run between short transactions, not inside the caller's.
    """
    async with sessions() as session:
        row = await _row(session, username)
    stored = _dummy_hash() if row is None else row.password_hash
    ok = await asyncio.to_thread(verify_password, stored, password)
    if row is None or not ok or not row.active:
        return None
    if needs_rehash(row.password_hash):
        new_hash = await asyncio.to_thread(hash_password, password)
        async with sessions.begin() as session:
            await session.execute(
                update(User).where(User.id == row.id).values(password_hash=new_hash)
            )
    return _record(row)
