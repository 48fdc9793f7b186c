"""The audit log: what supervisors and admins did, to which call or agent, and when.

Owns ``record_action`` (one append) and ``audit_page`` (newest first, filtered, paged by
the row id: ``before`` is the smallest id of the previous page). Rows are never changed.
Must not decide what is worth auditing: the callers (the HTTP edge) do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidField
from crm_core.models import AuditEntry

MAX_PAGE = 200
ACTION_LENGTH = 32


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    agent_id: str | None
    call_id: str | None
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Rows must match every field that is set; ``since``/``until`` bound ``at`` [since, until)."""

    actor: str | None = None
    action: str | None = None
    agent_id: str | None = None
    call_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditRecord]
    #: Pass as ``before`` for the next (older) page; None on the last page.
    next_before: int | None


async def record_action(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    agent_id: str | None = None,
    call_id: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditRecord:
    if not actor:
        raise InvalidField("actor", "must not be empty")
    if not action or len(action) > ACTION_LENGTH:
        raise InvalidField("action", f"must be 1 to {ACTION_LENGTH} characters")
    row = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        agent_id=agent_id,
        call_id=call_id,
        details=dict(details or {}),
    )
    session.add(row)
    await session.flush()
    return _record(row)


async def audit_page(
    session: AsyncSession,
    where: AuditFilter = AuditFilter(),
    *,
    before: int | None = None,
    limit: int = 50,
) -> AuditPage:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidField("limit", f"must be 1 to {MAX_PAGE}")
    statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit + 1)
    if before is not None:
        statement = statement.where(AuditEntry.id < before)
    for column, value in (
        (AuditEntry.actor, where.actor),
        (AuditEntry.action, where.action),
        (AuditEntry.agent_id, where.agent_id),
        (AuditEntry.call_id, where.call_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if where.since is not None:
        statement = statement.where(AuditEntry.at >= where.since)
    if where.until is not None:
        statement = statement.where(AuditEntry.at < where.until)
    rows = list(await session.scalars(statement))
    more = len(rows) > limit
    entries = [_record(row) for row in rows[:limit]]
    return AuditPage(entries, entries[-1].id if more else None)


def _record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        agent_id=row.agent_id,
        call_id=row.call_id,
        details=dict(row.details),
    )
