"""What the IVR needs to know about callers, and the ``CustomerDirectory`` seam that tells it.

Owns the facts the menus branch on (``Caller``), a service request's readable status
(``RequestStatus``) and the protocol ``callcenter`` implements over ``crm_core``. The pure
interpreter never calls the directory: it asks with a ``Validate`` action and the runner
answers with a ``Verdict``.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Caller:
    """What the CRM knows about the caller, passed to the flow as data."""

    ani: str = ""
    known: bool = False
    tier: str = "none"
    open_request: str | None = None


@dataclass(frozen=True, slots=True)
class RequestStatus:
    """A service request as read back to the caller.

    ``status`` names a prompt suffix (``cc-status-<status>``, e.g. ``open``, ``closed``);
    dates are Unix epochs, read with SAY DATE in the channel's language.
    """

    number: str
    status: str
    opened: int
    due: int | None = None


class CustomerDirectory(Protocol):
    async def verify_account(self, digits: str) -> bool: ...

    async def request_status(self, number: str) -> RequestStatus | None: ...

    async def lookup(self, ani: str) -> Caller | None: ...


@dataclass(frozen=True, slots=True)
class Verdict:
    """The directory's answer to a ``Validate`` action."""

    ok: bool
    status: RequestStatus | None = None
