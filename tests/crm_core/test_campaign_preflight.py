"""The pre-flight counts, by rule, exactly the leads the campaign then skips when the
dialer passes each due lead through its gate (``dialer.gate.decide``) at the same moment,
with the campaign's own rules: its purchase period (a purchase 40 days ago suppresses under
its 60 days, not under the default 30) and its busy delay (30 minutes, not the default 10)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_ws.campaign_checks import facts_of, rules_of
from crm_core.campaign_attempts import campaign_progress, finish_attempt, start_attempt
from crm_core.campaign_facts import COMPLAINT, contexts_of, pending_contexts
from crm_core.campaign_leads import add_leads, due_leads, skip_lead
from crm_core.campaign_rules import DEFAULT_RETRIES, RetrySpec
from crm_core.campaigns import create_campaign, get_campaign
from crm_core.contacts import NewPhone, create_contact
from crm_core.do_not_call import add_do_not_call
from crm_core.interactions import InteractionDraft, record_interaction
from crm_core.models import Queue
from crm_core.purchases import NewPurchase, record_purchase
from crm_core.service_requests import create_request
from crm_core.vocabulary import AttemptOutcome, Direction, LeadState, PhoneKind
from dialer import gate
from dialer.gate import Skip, decide
from tests.crm_core.conftest import T0
from tests.crm_core.test_campaigns import SETTINGS

#: Thursday 19:00 UTC: 13:00 in Chicago (window open), 04:00 on Friday in Tokyo (closed).
NOW = T0 + timedelta(hours=10)


async def _contact(session: AsyncSession, name: str, number: str, zone: str | None) -> int:
    card = await create_contact(
        session,
        first_name=name,
        last_name="Lead",
        timezone=zone,
        phones=[NewPhone(PhoneKind.MOBILE, number)],
        now=T0,
    )
    return card.contact_id


async def _seeded(session: AsyncSession) -> int:
    """A campaign (no zone of its own) whose leads meet each rule, and some that pass."""
    session.add(Queue(name="sales", required_skill="sales", description=""))
    await session.flush()
    settings = replace(
        SETTINGS,
        timezone=None,
        purchased_within_days=60,
        retries={**DEFAULT_RETRIES, AttemptOutcome.BUSY: RetrySpec(1800, 3)},
    )
    created = await create_campaign(session, settings, now=T0)
    chicago, tokyo = "America/Chicago", "Asia/Tokyo"
    people = {
        "fine1": await _contact(session, "Fine1", "+13125550101", chicago),
        "fine2": await _contact(session, "Fine2", "+13125550102", chicago),
        "tokyo": await _contact(session, "Tokyo", "+81355550103", tokyo),
        "zoneless": await _contact(session, "Zoneless", "+8821612345678", None),  # no zone known
        "listed": await _contact(session, "Listed", "+13125550105", chicago),
        "listed2": await _contact(session, "Listed2", "+13125550106", chicago),
        "complains": await _contact(session, "Complains", "+13125550107", chicago),
        "called": await _contact(session, "Called", "+13125550108", chicago),
        "busy": await _contact(session, "Busy", "+13125550109", chicago),
        "bought": await _contact(session, "Bought", "+13125550110", chicago),
        "bought_long_ago": await _contact(session, "Long", "+13125550111", chicago),
    }
    report = await add_leads(session, created.campaign_id, list(people.values()), now=T0)
    assert report.added == len(people)
    # Listed after joining the list: the pre-flight must see today's do-not-call list.
    for number in ("+13125550105", "+13125550106"):
        await add_do_not_call(session, number, reason="asked", source="agent", now=T0)
    await create_request(
        session, contact_id=people["complains"], subject="Broken", category=COMPLAINT, now=T0
    )
    await record_interaction(
        session,
        InteractionDraft(
            call_id="in-1",
            direction=Direction.INBOUND,
            started_at=NOW - timedelta(days=2),
            contact_id=people["called"],
        ),
    )
    for who, days in (("bought", 40), ("bought_long_ago", 61)):
        when = NOW - timedelta(days=days)
        await record_purchase(session, people[who], NewPurchase(when, "Router", "shop"), now=NOW)
    # Busy 15 minutes ago: waits for the campaign's 30-minute busy delay, is not skipped.
    (busy,) = [
        r
        for r in await due_leads(session, created.campaign_id, at=T0)
        if r.contact_id == people["busy"]
    ]
    attempt = await start_attempt(
        session, busy.lead_id, number=busy.phone, at=NOW - timedelta(minutes=16)
    )
    await finish_attempt(
        session,
        attempt.attempt_id,
        AttemptOutcome.BUSY,
        at=NOW - timedelta(minutes=15),
        next_attempt_at=NOW + timedelta(minutes=15),
    )
    return created.campaign_id


async def test_the_preflight_counts_what_the_gate_then_skips(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        campaign_id = await _seeded(session)
    async with sessions() as session:
        record = await get_campaign(session, campaign_id)
        assert record is not None
        rules = rules_of(record)
        found = gate.preflight(
            (facts_of(c) for c in await pending_contexts(session, campaign_id, now=NOW)),
            rules,
            NOW.timestamp(),
        )

    # The dialer's pass: due leads through the gate, each Skip recorded as the runtime does.
    skipped: dict[str, list[str]] = {}
    dialable = 0
    async with sessions.begin() as session:
        due = await due_leads(session, campaign_id, at=NOW, limit=1000)
        for context in await contexts_of(session, due, record.timezone, now=NOW):
            facts, history = facts_of(context)
            decision = decide(facts, history, rules, NOW.timestamp())
            if isinstance(decision, Skip):
                skipped.setdefault(decision.reasons[0], []).append(facts.lead_id)
                await skip_lead(session, context.lead.lead_id, decision.reasons, at=NOW)
            else:
                dialable += 1
        progress = await campaign_progress(session, campaign_id)

    assert found.skipped_by_reason == {
        "internal do-not-call": 2,
        "open complaint": 1,
        "recent purchase": 1,
        "contacted recently": 1,
        "no time zone": 1,
    }
    assert {k: len(v) for k, v in skipped.items()} == found.skipped_by_reason
    assert {k: sorted(v) for k, v in skipped.items()} == {
        k: sorted(v) for k, v in found.examples.items()
    }
    assert progress.leads_by_state[LeadState.SKIPPED] == found.skipped_count == 6
    # Fine1, Fine2 and Long dial; Tokyo waits for its window; Busy for its retry (not due).
    assert found.eligible_count == 5 and dialable == 4
    assert found.waiting_for_retry == 1
