"""Campaign state: settings checked by field, versions, leads from ids or a pyramid segment
(do-not-call and the rest skipped with a reason), attempts moving leads, and progress."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from fractions import Fraction

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.campaign_attempts import (
    campaign_progress,
    finish_attempt,
    lead_attempts,
    start_attempt,
)
from crm_core.campaign_leads import (
    SkippedContact,
    SkipReason,
    add_leads,
    add_segment_leads,
    due_leads,
    skip_lead,
)
from crm_core.campaigns import (
    CallWindowSpec,
    CampaignSettings,
    create_campaign,
    delete_campaign,
    get_campaign,
    list_campaigns,
    update_campaign,
)
from crm_core.contact_updates import update_contact
from crm_core.contacts import NewPhone, create_contact
from crm_core.do_not_call import add_do_not_call
from crm_core.errors import AlreadyExists, InvalidField, LeadRefused, NotFound, VersionConflict
from crm_core.models import Queue
from crm_core.vocabulary import (
    AmdResult,
    AttemptOutcome,
    CampaignMode,
    CampaignStatus,
    LeadState,
    PhoneKind,
    Tier,
    ValueBand,
)
from tests.crm_core.conftest import T0

SETTINGS = CampaignSettings(
    name="Gold renewals",
    mode=CampaignMode.PROGRESSIVE,
    queue="sales",
    caller_id="+18005551234",
    window=CallWindowSpec(time(10), time(19, 30), frozenset({0, 1, 2, 3, 4, 5})),
    timezone="America/New_York",
)


def t(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def _contact(
    session: AsyncSession, name: str, *numbers: str, tier: Tier = Tier.GOLD, score: int = 0
) -> int:
    card = await create_contact(
        session,
        first_name=name,
        last_name="Lead",
        tier=tier,
        timezone="America/Chicago",
        phones=[NewPhone(PhoneKind.MOBILE, n) for n in numbers],
        now=T0,
    )
    if score:
        await update_contact(session, card.contact_id, 1, {"value_score": score}, at=T0)
    return card.contact_id


@pytest.fixture
async def campaign(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        session.add(Queue(name="sales", required_skill="sales", description=""))
        await session.flush()
        created = await create_campaign(session, SETTINGS, now=T0)
    return created.campaign_id


async def test_a_new_campaign_is_a_draft_with_its_settings_read_back(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions() as session:
        found = await get_campaign(session, campaign)
        listed = await list_campaigns(session, status=CampaignStatus.DRAFT)
        running = await list_campaigns(session, status=CampaignStatus.RUNNING)
    assert found is not None
    assert (found.status, found.mode, found.abandon_cap, found.version) == (
        CampaignStatus.DRAFT,
        CampaignMode.PROGRESSIVE,
        Fraction(3, 100),
        1,
    )
    assert found.window == SETTINGS.window
    assert (found.queue, found.caller_id, found.timezone) == (
        "sales",
        "+18005551234",
        "America/New_York",
    )
    assert listed == [found] and running == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"queue": "nowhere"}, "queue"),
        ({"mode": "turbo"}, "mode"),
        ({"caller_id": "ACME"}, "caller_id"),
        ({"abandon_cap": Fraction(3, 2)}, "abandon_cap"),
        ({"window": CallWindowSpec(time(20), time(9))}, "window"),
        ({"window": CallWindowSpec(weekdays=frozenset({7}))}, "window"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"starts_at": t(60), "ends_at": t(0)}, "ends_at"),
        ({"name": " "}, "name"),
    ],
)
async def test_bad_settings_are_refused_naming_the_field(
    sessions: async_sessionmaker[AsyncSession],
    campaign: int,
    change: dict[str, object],
    field: str,
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(InvalidField) as refused:
            changed = replace(SETTINGS, **({"name": "Other"} | change))  # type: ignore[arg-type]
            await create_campaign(session, changed, now=T0)
    assert refused.value.field == field


async def test_updates_need_the_current_version_and_names_stay_unique(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        await create_campaign(session, replace(SETTINGS, name="Silver"), now=T0)
        with pytest.raises(AlreadyExists):
            await create_campaign(session, SETTINGS, now=T0)
        changed = await update_campaign(
            session, campaign, 1, {"mode": "predictive", "status": "scheduled"}, at=t(1)
        )
        with pytest.raises(VersionConflict):
            await update_campaign(session, campaign, 1, {"max_attempts": 2}, at=t(2))
        with pytest.raises(AlreadyExists):
            await update_campaign(session, campaign, 2, {"name": "Silver"}, at=t(2))
        with pytest.raises(InvalidField) as unknown:
            await update_campaign(session, campaign, 2, {"colour": "red"}, at=t(2))
    assert (changed.mode, changed.status, changed.version) == (
        CampaignMode.PREDICTIVE,
        CampaignStatus.SCHEDULED,
        2,
    )
    assert changed.updated_at == t(1) and unknown.value.field == "colour"


async def test_leads_skip_do_not_call_numbers_and_say_why_others_were_left_out(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        ann = await _contact(session, "Ann", "+1 212 555 0100", "+1 212 555 0101")
        bob = await _contact(session, "Bob", "(312) 555-0144")
        cy = await _contact(session, "Cy")
        dee = await _contact(session, "Dee", "+1 617 555 0110")
        await add_do_not_call(session, "2125550100", reason="asked", source="agent", now=T0)
        await add_do_not_call(session, "3125550144", reason="asked", source="agent", now=T0)
        await add_do_not_call(
            session, "6175550110", reason="old", source="registry", now=t(-90),
            expires_at=t(-1),
        )  # fmt: skip
        first = await add_leads(session, campaign, [ann, bob, cy, 999, dee, ann], now=T0)
        again = await add_leads(session, campaign, [ann], now=T0)
        due = await due_leads(session, campaign, at=T0)
    assert first.added == 2
    assert first.skipped == [
        SkippedContact(bob, SkipReason.DO_NOT_CALL),
        SkippedContact(cy, SkipReason.NO_PHONE),
        SkippedContact(999, SkipReason.NO_CONTACT),
    ]
    assert again.skipped_by_reason == {"already in the campaign": 1}
    assert [(d.contact_id, d.phone, d.alternates, d.timezone) for d in due] == [
        (ann, "+12125550101", (), "America/Chicago"),  # the listed number is left out
        (dee, "+16175550110", (), "America/Chicago"),  # its entry has expired
    ]


async def test_a_segment_of_the_value_pyramid_becomes_leads(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        top = await _contact(session, "Top", "+1 212 555 0120", score=95)
        await _contact(session, "Mid", "+1 212 555 0121", score=50)
        await _contact(session, "Silver", "+1 212 555 0122", tier=Tier.SILVER, score=95)
        report = await add_segment_leads(
            session, campaign, tier=Tier.GOLD, band=ValueBand.TOP, now=T0
        )
        gold = await add_segment_leads(session, campaign, tier=Tier.GOLD, now=T0)
        with pytest.raises(InvalidField):
            await add_segment_leads(session, campaign, now=T0)
        with pytest.raises(NotFound):
            await add_leads(session, 4242, [top], now=T0)
    assert report.added == 1
    assert (gold.added, gold.skipped_by_reason) == (1, {"already in the campaign": 1})


async def test_attempts_move_the_lead_until_a_person_answers(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        ann = await _contact(session, "Ann", "+1 212 555 0100", "+1 212 555 0101")
        lead = (await add_leads(session, campaign, [ann], now=T0)).lead_ids[0]
        busy = await start_attempt(session, lead, number="+12125550100", at=t(1), call_id="c1")
        with pytest.raises(LeadRefused):
            await start_attempt(session, lead, number="+12125550100", at=t(1))
        await finish_attempt(
            session, busy.attempt_id, AttemptOutcome.BUSY, at=t(2), cause=17,
            next_attempt_at=t(12),
        )  # fmt: skip
        not_yet = await due_leads(session, campaign, at=t(11))
        now_due = await due_leads(session, campaign, at=t(12))
        with pytest.raises(InvalidField):
            await start_attempt(session, lead, number="+19999999999", at=t(12))
        human = await start_attempt(session, lead, number="+12125550101", at=t(12))
        done = await finish_attempt(
            session, human.attempt_id, AttemptOutcome.HUMAN, at=t(15), answered_at=t(12.5),
            amd_result=AmdResult.HUMAN, cause=16,
        )  # fmt: skip
        with pytest.raises(LeadRefused):
            await finish_attempt(session, human.attempt_id, AttemptOutcome.HUMAN, at=t(16))
        history = await lead_attempts(session, lead)
        left = await due_leads(session, campaign, at=t(100))
    assert (not_yet, [d.attempts for d in now_due]) == ([], [1])
    assert [(a.attempt_no, a.number, a.outcome, a.cause) for a in history] == [
        (1, "+12125550100", AttemptOutcome.BUSY, 17),
        (2, "+12125550101", AttemptOutcome.HUMAN, 16),
    ]
    assert (done.amd_result, done.answered_at, history[0].call_id) == (
        AmdResult.HUMAN,
        t(12.5),
        "c1",
    )
    assert left == []


async def test_a_lead_without_a_next_attempt_is_exhausted_and_a_skipped_one_keeps_why(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        ann = await _contact(session, "Ann", "+1 212 555 0100")
        bob = await _contact(session, "Bob", "+1 212 555 0102")
        leads = (await add_leads(session, campaign, [ann, bob], now=T0)).lead_ids
        dial = await start_attempt(session, leads[0], number="+12125550100", at=t(1))
        with pytest.raises(InvalidField) as abandoned:
            await finish_attempt(
                session, dial.attempt_id, AttemptOutcome.MACHINE, at=t(2), abandoned=True
            )
        await finish_attempt(session, dial.attempt_id, AttemptOutcome.MACHINE, at=t(2))
        skipped = await skip_lead(session, leads[1], ["open complaint"], at=t(3))
        with pytest.raises(LeadRefused):
            await skip_lead(session, leads[1], ["again"], at=t(3))
        progress = await campaign_progress(session, campaign)
    assert abandoned.value.field == "abandoned"
    assert (skipped.state, skipped.skip_reason) == (LeadState.SKIPPED, "open complaint")
    assert progress.leads_by_state[LeadState.EXHAUSTED] == 1


async def test_progress_counts_leads_attempts_and_the_abandon_rate(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        ids = [await _contact(session, f"C{n}", f"+1 212 555 01{n:02d}") for n in range(5)]
        leads = (await add_leads(session, campaign, ids, now=T0)).lead_ids
        for n, lead in enumerate(leads[:4]):
            dial = await start_attempt(session, lead, number=f"+121255501{n:02d}", at=t(n))
            if n < 3:
                await finish_attempt(
                    session, dial.attempt_id, AttemptOutcome.HUMAN, at=t(n + 1),
                    abandoned=n == 0,
                )  # fmt: skip
        progress = await campaign_progress(session, campaign)
    assert progress.leads == 5
    assert progress.leads_by_state == {
        LeadState.PENDING: 1,
        LeadState.DIALING: 1,
        LeadState.DONE: 3,
        LeadState.EXHAUSTED: 0,
        LeadState.SKIPPED: 0,
    }
    assert (progress.attempts, progress.in_flight, progress.answered_live) == (4, 1, 3)
    assert progress.attempts_by_outcome[AttemptOutcome.HUMAN] == 3
    assert (progress.abandoned, progress.abandon_rate) == (1, Fraction(1, 3))


async def test_deleting_a_campaign_takes_its_leads_and_attempts(
    sessions: async_sessionmaker[AsyncSession], campaign: int
) -> None:
    async with sessions.begin() as session:
        ann = await _contact(session, "Ann", "+1 212 555 0100")
        lead = (await add_leads(session, campaign, [ann], now=T0)).lead_ids[0]
        await start_attempt(session, lead, number="+12125550100", at=t(1))
        with pytest.raises(VersionConflict):
            await delete_campaign(session, campaign, 7)
        await delete_campaign(session, campaign, 1)
    async with sessions() as session:
        assert await get_campaign(session, campaign) is None
        assert await lead_attempts(session, lead) == []
        with pytest.raises(NotFound):
            await campaign_progress(session, campaign)
