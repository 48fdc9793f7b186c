"""Writes the audit log of supervisor and admin actions (crm_core.audit), from the edge.

Owns ``AuditTrail``: the routes call it after an action succeeded, with who acted (the
session's user), what, on which agent or call, and details worth reading later. The row is
written before the route answers, so a client that saw 200 can find the row. (The desk
logs the same actions on ``callcenter.audit`` for operators who follow the logs.)
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crm_core.audit import record_action

from .clock import Clock
from .sessions import LoginSession

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


async def audit_in(
    db: "AsyncSession",
    at: datetime,
    session: LoginSession,
    action: str,
    *,
    agent_id: str | None = None,
    **details: Any,
) -> None:
    """An admin's or team lead's edit of CRM records, audited in the edit's own transaction
    (so a refused edit leaves no row); a ``password`` shows only as ``password_changed``."""
    if details.pop("password", None) is not None:
        details["password_changed"] = True
    await record_action(
        db, at=at, actor=session.user.username, action=action, agent_id=agent_id, details=details
    )


class AuditTrail:
    def __init__(self, sessionmaker: "async_sessionmaker[AsyncSession]", clock: Clock) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock

    async def record(
        self,
        actor: str,
        action: str,
        *,
        agent_id: str | None = None,
        call_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        at = datetime.fromtimestamp(self._clock.now(), UTC)
        async with self._sessionmaker.begin() as session:
            await record_action(
                session,
                at=at,
                actor=actor,
                action=action,
                agent_id=agent_id,
                call_id=call_id,
                details=details,
            )
