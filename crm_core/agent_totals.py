"""Each agent's own share of the calls: ring, talk, hold and wrap-up summed over their legs.

Reads ``interaction_segments`` (owned by ``crm_core.segments``) with one grouped query, so a
call transferred from one agent to another counts for each with the time of their own leg.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.models import InteractionSegment
from crm_core.vocabulary import SegmentEnd


@dataclass(frozen=True, slots=True)
class AgentTotals:
    """One agent's share of the segments that began in a period."""

    agent_id: str
    segments: int
    answered: int
    transferred: int
    ring_seconds: float
    talk_seconds: float
    hold_seconds: float
    wrap_up_seconds: float


async def agent_totals(
    session: AsyncSession,
    *,
    since: datetime,
    until: datetime,
    agent_id: str | None = None,
) -> list[AgentTotals]:
    """Per agent, the legs that began in [``since``, ``until``): counts and summed seconds.

    Legs still open count with the seconds known so far; legs whose agent was deleted are
    left out. One grouped query, ordered by agent id.
    """
    s = InteractionSegment
    query = (
        select(
            s.agent_id,
            func.count(),
            func.count(s.answered_at),
            func.sum(case((s.end_reason == SegmentEnd.TRANSFERRED.value, 1), else_=0)),
            func.coalesce(func.sum(s.ring_seconds), 0.0),
            func.coalesce(func.sum(s.talk_seconds), 0.0),
            func.coalesce(func.sum(s.hold_seconds), 0.0),
            func.coalesce(func.sum(s.wrap_up_seconds), 0.0),
        )
        .where(s.agent_id.is_not(None), s.started_at >= since, s.started_at < until)
        .group_by(s.agent_id)
        .order_by(s.agent_id)
    )
    if agent_id is not None:
        query = query.where(s.agent_id == agent_id)
    return [
        AgentTotals(
            agent, n, answered, int(moved), float(ring), float(talk), float(hold), float(wrap)
        )
        for agent, n, answered, moved, ring, talk, hold, wrap in await session.execute(query)
    ]
