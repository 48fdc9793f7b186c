"""Dial attempts of a campaign's leads, and the campaign's progress.

Owns ``campaign_attempts`` (and moves the lead it belongs to, in ``campaign_leads``). A
lead's attempts go ``start_attempt`` (the lead is ``dialing``) → ``finish_attempt`` with the
outcome and, if the dialer's retry rules (``dialer.retries.next_attempt``) allow another,
when (the lead is ``pending`` again); without a next time the lead is ``done`` if a person
answered, else ``exhausted``. Out-of-order requests raise ``LeadRefused``. Progress counts
leads per state and attempts per outcome with two grouped queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.campaign_leads import campaign_row, locked_lead
from crm_core.errors import InvalidField, LeadRefused, NotFound
from crm_core.models import Agent, CampaignAttempt, CampaignLead
from crm_core.vocabulary import AmdResult, AttemptOutcome, LeadState


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    attempt_id: int
    campaign_id: int
    lead_id: int
    attempt_no: int
    number: str
    call_id: str | None
    agent_id: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    outcome: AttemptOutcome | None
    cause: int | None
    amd_result: AmdResult | None
    abandoned: bool


@dataclass(frozen=True, slots=True)
class CampaignProgress:
    """Counts over the campaign's whole life; ``abandon_rate`` is abandoned ÷ answered live."""

    campaign_id: int
    leads: int
    leads_by_state: dict[LeadState, int]
    attempts: int
    in_flight: int
    attempts_by_outcome: dict[AttemptOutcome, int]
    answered_live: int
    abandoned: int
    abandon_rate: Fraction


async def start_attempt(
    session: AsyncSession,
    lead_id: int,
    *,
    number: str,
    at: datetime,
    call_id: str | None = None,
) -> AttemptRecord:
    """A dial of ``number`` (one of the lead's) began ``at``; the lead is ``dialing``."""
    lead = await locked_lead(session, lead_id)
    if lead.state != LeadState.PENDING.value:
        raise LeadRefused("lead", lead_id, f"is {lead.state}, not pending")
    if number not in (lead.phone, *lead.alternates):
        raise InvalidField("number", "is not one of the lead's numbers")
    lead.attempts += 1
    lead.state = LeadState.DIALING.value
    lead.last_attempt_at = at
    row = CampaignAttempt(
        campaign_id=lead.campaign_id,
        lead_id=lead_id,
        attempt_no=lead.attempts,
        number=number,
        call_id=call_id,
        started_at=at,
        abandoned=False,
    )
    session.add(row)
    await session.flush()
    return attempt_record(row)


async def finish_attempt(
    session: AsyncSession,
    attempt_id: int,
    outcome: AttemptOutcome,
    *,
    at: datetime,
    next_attempt_at: datetime | None = None,
    answered_at: datetime | None = None,
    cause: int | None = None,
    amd_result: AmdResult | None = None,
    abandoned: bool = False,
    agent_id: str | None = None,
) -> AttemptRecord:
    """The dial ended ``at`` with ``outcome``; ``next_attempt_at`` (from the dialer's retry
    rules) puts the lead back in line, else it is done (a person answered) or exhausted."""
    outcome = AttemptOutcome(outcome)
    if abandoned and outcome is not AttemptOutcome.HUMAN:
        raise InvalidField("abandoned", "only a call a person answered can be abandoned")
    row = await session.get(
        CampaignAttempt, attempt_id, with_for_update=True, populate_existing=True
    )
    if row is None:
        raise NotFound("attempt", attempt_id)
    if row.ended_at is not None:
        raise LeadRefused("attempt", attempt_id, "has already ended")
    if agent_id is not None and await session.get(Agent, agent_id) is None:
        raise NotFound("agent", agent_id)
    lead = await locked_lead(session, row.lead_id)
    row.ended_at, row.outcome, row.answered_at = at, outcome.value, answered_at
    row.cause, row.abandoned, row.agent_id = cause, abandoned, agent_id
    row.amd_result = None if amd_result is None else AmdResult(amd_result).value
    lead.last_outcome = outcome.value
    lead.next_attempt_at = next_attempt_at
    if next_attempt_at is not None:
        lead.state = LeadState.PENDING.value
    elif outcome is AttemptOutcome.HUMAN:
        lead.state = LeadState.DONE.value
    else:
        lead.state = LeadState.EXHAUSTED.value
    await session.flush()
    return attempt_record(row)


async def lead_attempts(session: AsyncSession, lead_id: int) -> list[AttemptRecord]:
    rows = await session.scalars(
        select(CampaignAttempt)
        .where(CampaignAttempt.lead_id == lead_id)
        .order_by(CampaignAttempt.id)
    )
    return [attempt_record(r) for r in rows]


async def campaign_progress(session: AsyncSession, campaign_id: int) -> CampaignProgress:
    await campaign_row(session, campaign_id)
    lead_rows = await session.execute(
        select(CampaignLead.state, func.count())
        .where(CampaignLead.campaign_id == campaign_id)
        .group_by(CampaignLead.state)
    )
    by_state = dict.fromkeys(LeadState, 0) | {LeadState(s): n for s, n in lead_rows}
    a = CampaignAttempt
    attempt_rows = await session.execute(
        select(a.outcome, a.abandoned, func.count())
        .where(a.campaign_id == campaign_id)
        .group_by(a.outcome, a.abandoned)
    )
    by_outcome = dict.fromkeys(AttemptOutcome, 0)
    in_flight = abandoned = 0
    for outcome, was_abandoned, n in attempt_rows:
        if outcome is None:
            in_flight += n
            continue
        by_outcome[AttemptOutcome(outcome)] += n
        abandoned += n if was_abandoned else 0
    live = by_outcome[AttemptOutcome.HUMAN]
    return CampaignProgress(
        campaign_id=campaign_id,
        leads=sum(by_state.values()),
        leads_by_state=by_state,
        attempts=sum(by_outcome.values()) + in_flight,
        in_flight=in_flight,
        attempts_by_outcome=by_outcome,
        answered_live=live,
        abandoned=abandoned,
        abandon_rate=Fraction(abandoned, live) if live else Fraction(0),
    )


def attempt_record(row: CampaignAttempt) -> AttemptRecord:
    return AttemptRecord(
        attempt_id=row.id,
        campaign_id=row.campaign_id,
        lead_id=row.lead_id,
        attempt_no=row.attempt_no,
        number=row.number,
        call_id=row.call_id,
        agent_id=row.agent_id,
        started_at=row.started_at,
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        outcome=None if row.outcome is None else AttemptOutcome(row.outcome),
        cause=row.cause,
        amd_result=None if row.amd_result is None else AmdResult(row.amd_result),
        abandoned=row.abandoned,
    )
