"""The ACD's append-only event log: appending batches and reading them back in order.

Owns ``acd_events``. Rows are never updated or deleted here; ``seq`` only grows, so a
reader (a replay, a standby) resumes after the last sequence number it saw.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidValue
from crm_core.models import AcdEvent


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    seq: int
    at: datetime
    type: str
    payload: dict[str, Any]


async def append_events(
    session: AsyncSession, events: Sequence[tuple[datetime, str, dict[str, Any]]]
) -> None:
    """Append ``(at, type, payload)`` rows in the given order, in the caller's transaction."""
    if not events:
        return
    for at, type_, _ in events:
        if at.tzinfo is None or not type_ or len(type_) > 64:
            raise InvalidValue(f"event {type_!r} needs an aware time and a 1..64 char type")
    await session.execute(
        insert(AcdEvent), [{"at": at, "type": t, "payload": p} for at, t, p in events]
    )


async def read_events(
    session: AsyncSession, *, after_seq: int = 0, limit: int = 1000
) -> list[LoggedEvent]:
    """Events with ``seq`` above ``after_seq``, oldest first."""
    rows = await session.scalars(
        select(AcdEvent).where(AcdEvent.seq > after_seq).order_by(AcdEvent.seq).limit(limit)
    )
    return [LoggedEvent(r.seq, r.at, r.type, dict(r.payload)) for r in rows]


async def read_events_since(
    session: AsyncSession,
    since: datetime,
    *,
    limit: int = 100_000,
    types: Collection[str] | None = None,
    until: datetime | None = None,
) -> list[LoggedEvent]:
    """Events at or after ``since`` and before ``until`` (only of ``types`` if given),
    oldest first: the replay window of a restart, the span of a statistics report."""
    query = select(AcdEvent).where(AcdEvent.at >= since)
    if until is not None:
        query = query.where(AcdEvent.at < until)
    if types is not None:
        query = query.where(AcdEvent.type.in_(list(types)))
    rows = await session.scalars(query.order_by(AcdEvent.seq).limit(limit))
    return [LoggedEvent(r.seq, r.at, r.type, dict(r.payload)) for r in rows]
