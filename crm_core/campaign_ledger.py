"""What a campaign's dialer needs from its history: the abandon ledger and the answer rate.

Owns two read queries over ``campaign_attempts``: live answers and abandons per UTC day
(``dialer.abandon.AbandonLedger``'s input) since a moment, and the dial sample (ended
attempts, and how many a person answered) that ``dialer.pacing`` estimates the answer
rate from. Writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.models import CampaignAttempt
from crm_core.vocabulary import AttemptOutcome


@dataclass(frozen=True, slots=True)
class DayAnswers:
    day: date
    live_answered: int
    abandoned: int


@dataclass(frozen=True, slots=True)
class DialSample:
    ended: int
    answered: int


async def answers_by_day(
    session: AsyncSession, campaign_id: int, *, since: datetime
) -> list[DayAnswers]:
    """Live answers and abandons per UTC day of the attempts that ended from ``since``."""
    a = CampaignAttempt
    rows = await session.execute(
        select(a.ended_at, a.abandoned).where(
            a.campaign_id == campaign_id,
            a.outcome == AttemptOutcome.HUMAN.value,
            a.ended_at >= since,
        )
    )
    days: dict[date, list[int]] = {}
    for ended_at, abandoned in rows:
        if ended_at is None:  # pragma: no cover - the WHERE excludes it
            continue
        count = days.setdefault(ended_at.date(), [0, 0])
        count[0] += 1
        count[1] += int(bool(abandoned))
    return [DayAnswers(d, n, b) for d, (n, b) in sorted(days.items())]


async def dial_sample(session: AsyncSession, campaign_id: int) -> DialSample:
    """Ended attempts of the campaign, and those a person answered."""
    a = CampaignAttempt
    rows = await session.execute(
        select(a.outcome, func.count())
        .where(a.campaign_id == campaign_id, a.outcome.is_not(None))
        .group_by(a.outcome)
    )
    counts = {outcome: n for outcome, n in rows}
    return DialSample(sum(counts.values()), counts.get(AttemptOutcome.HUMAN.value, 0))
