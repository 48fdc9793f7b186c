"""Scheduled callbacks on campaign leads (owned by one agent or anyone) and the dialer's
history reads: live answers and abandons per day, and the dial sample."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.campaign_attempts import finish_attempt, start_attempt
from crm_core.campaign_callbacks import callback_owners, schedule_callback
from crm_core.campaign_leads import add_leads, due_leads
from crm_core.campaign_ledger import DayAnswers, answers_by_day, dial_sample
from crm_core.errors import InvalidField, LeadRefused, NotFound
from crm_core.vocabulary import AttemptOutcome, LeadState
from tests.crm_core.conftest import T0, add_agents
from tests.crm_core.test_campaigns import _contact, campaign, t

__all__ = ["campaign"]  # the fixture, shared with test_campaigns


async def _answered_lead(session: AsyncSession, campaign_id: int, name: str, number: str) -> int:
    contact = await _contact(session, name, number)
    lead = (await add_leads(session, campaign_id, [contact], now=T0)).lead_ids[0]
    attempt = await start_attempt(session, lead, number=number, at=t(1))
    await finish_attempt(session, attempt.attempt_id, AttemptOutcome.HUMAN, at=t(3))
    return lead


async def test_a_callback_for_one_agent_makes_the_lead_due_then_for_that_agent_only(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        await add_agents(session, "alice")
        mine = await _answered_lead(session, campaign, "Ann", "+12125550100")
        anyone = await _answered_lead(session, campaign, "Bea", "+12125550101")
        owned = await schedule_callback(session, mine, at=t(60), agent_id="alice", now=t(5))
        await schedule_callback(session, anyone, at=t(60), agent_id=None, now=t(5))
        before = await due_leads(session, campaign, at=t(59))
        due = await due_leads(session, campaign, at=t(60))
        owners = await callback_owners(session, [d.lead_id for d in due])
    assert (owned.state, owned.next_attempt_at) == (LeadState.PENDING, t(60))
    assert before == []
    assert {d.lead_id for d in due} == {mine, anyone}
    assert owners == {mine: "alice"}


async def test_a_callback_is_refused_in_the_past_for_an_unknown_agent_or_while_dialing(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        lead = await _answered_lead(session, campaign, "Ann", "+12125550100")
        with pytest.raises(InvalidField, match="callback_at"):
            await schedule_callback(session, lead, at=t(4), agent_id=None, now=t(5))
        with pytest.raises(NotFound):
            await schedule_callback(session, lead, at=t(60), agent_id="nobody", now=t(5))
        other = await _contact(session, "Cy", "+12125550102")
        dialing = (await add_leads(session, campaign, [other], now=T0)).lead_ids[0]
        await start_attempt(session, dialing, number="+12125550102", at=t(1))
        with pytest.raises(LeadRefused, match="dialing"):
            await schedule_callback(session, dialing, at=t(60), agent_id=None, now=t(5))


async def test_the_ledger_reads_live_answers_and_abandons_per_day_and_the_dial_sample(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        outcomes = [
            (AttemptOutcome.HUMAN, False, 10),
            (AttemptOutcome.HUMAN, True, 20),
            (AttemptOutcome.BUSY, False, 30),
            (AttemptOutcome.HUMAN, False, 60 * 24 + 5),  # the next day
        ]
        for i, (outcome, abandoned, minute) in enumerate(outcomes):
            number = f"+1212555020{i}"
            lead = (await add_leads(session, campaign, [await _contact(session, f"P{i}", number)],
                                    now=T0)).lead_ids[0]  # fmt: skip
            attempt = await start_attempt(session, lead, number=number, at=t(minute - 1))
            await finish_attempt(session, attempt.attempt_id, outcome, at=t(minute),
                                 abandoned=abandoned)  # fmt: skip
        days = await answers_by_day(session, campaign, since=t(0))
        later = await answers_by_day(session, campaign, since=t(60 * 24))
        sample = await dial_sample(session, campaign)
    first: date = t(10).date()
    assert days[0] == DayAnswers(first, 2, 1)
    assert [(d.live_answered, d.abandoned) for d in days] == [(2, 1), (1, 0)]
    assert [(d.live_answered, d.abandoned) for d in later] == [(1, 0)]
    assert (sample.ended, sample.answered) == (4, 3)
