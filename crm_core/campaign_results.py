"""A campaign's results as stored: recent attempts for the live monitor, and one row per
lead for the supervisor's export.

Owns reading ``campaign_attempts`` for those two purposes (writing them is
``crm_core.campaign_attempts``). The export joins each lead's contact (name), its attempts
(numbers, outcomes, times, the agent of the last bridged call) and the disposition an agent
gave the call, from ``interactions`` by the attempt's ``call_id``: three queries in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.campaign_attempts import AttemptRecord, attempt_record
from crm_core.campaign_leads import campaign_row
from crm_core.models import CampaignAttempt, CampaignLead, Contact, Interaction


async def attempts_since(
    session: AsyncSession, campaign_id: int, since: datetime
) -> list[AttemptRecord]:
    """Attempts started at or after ``since``, and any still in flight, oldest first."""
    await campaign_row(session, campaign_id)
    a = CampaignAttempt
    rows = await session.scalars(
        select(a)
        .where(a.campaign_id == campaign_id, or_(a.started_at >= since, a.ended_at.is_(None)))
        .order_by(a.started_at, a.id)
    )
    return [attempt_record(r) for r in rows]


@dataclass(frozen=True, slots=True)
class LeadResult:
    lead_id: int
    contact_id: int
    contact_name: str
    #: The lead's numbers, primary first.
    numbers: tuple[str, ...]
    state: str
    skip_reason: str
    attempts: int
    #: Each attempt's number and outcome (``in_flight`` while it rings), oldest first.
    dialed: tuple[tuple[str, str], ...]
    #: The disposition of the last call an agent wrapped up (``""``: none).
    disposition: str
    #: The agent of the last bridged call.
    agent: str | None
    first_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_ended_at: datetime | None


async def lead_results(session: AsyncSession, campaign_id: int) -> list[LeadResult]:
    """Every lead of the campaign with its attempts, in lead order."""
    await campaign_row(session, campaign_id)
    leads = (
        await session.execute(
            select(CampaignLead, Contact.first_name, Contact.last_name)
            .join(Contact, Contact.id == CampaignLead.contact_id)
            .where(CampaignLead.campaign_id == campaign_id)
            .order_by(CampaignLead.id)
        )
    ).all()
    a = CampaignAttempt
    attempts = (
        await session.execute(
            select(a, Interaction.disposition)
            .outerjoin(Interaction, Interaction.call_id == a.call_id)
            .where(a.campaign_id == campaign_id)
            .order_by(a.id)
        )
    ).all()
    by_lead: dict[int, list[tuple[CampaignAttempt, str | None]]] = {}
    for attempt, disposition in attempts:
        by_lead.setdefault(attempt.lead_id, []).append((attempt, disposition))
    return [
        _result(lead, f"{first} {last}".strip(), by_lead.get(lead.id, []))
        for lead, first, last in leads
    ]


def _result(
    lead: CampaignLead, name: str, tries: list[tuple[CampaignAttempt, str | None]]
) -> LeadResult:
    bridged = [t for t, _ in tries if t.agent_id is not None]
    dispositions = [d for _, d in tries if d]
    ended = [t.ended_at for t, _ in tries if t.ended_at is not None]
    return LeadResult(
        lead_id=lead.id,
        contact_id=lead.contact_id,
        contact_name=name,
        numbers=(lead.phone, *lead.alternates),
        state=lead.state,
        skip_reason=lead.skip_reason,
        attempts=len(tries),
        dialed=tuple((t.number, t.outcome or "in_flight") for t, _ in tries),
        disposition=dispositions[-1] if dispositions else "",
        agent=bridged[-1].agent_id if bridged else None,
        first_attempt_at=tries[0][0].started_at if tries else None,
        last_attempt_at=tries[-1][0].started_at if tries else None,
        last_ended_at=max(ended) if ended else None,
    )
