"""A campaign's retry rules per outcome and suppression periods: stored and read back on
SQLite and PostgreSQL, defaults that are the dialer's, an update that names one outcome
keeping the others, and bad values refused naming the part."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.campaign_rules import DEFAULT_RETRIES, RetrySpec
from crm_core.campaigns import create_campaign, get_campaign, update_campaign
from crm_core.errors import InvalidField
from crm_core.models import Queue
from crm_core.vocabulary import AttemptOutcome
from dialer.compliance import ComplianceRules
from dialer.retries import Outcome, RetryRules
from tests.crm_core.conftest import T0
from tests.crm_core.test_campaigns import SETTINGS

BUSY, MACHINE = AttemptOutcome.BUSY, AttemptOutcome.MACHINE


async def _queue(session: AsyncSession) -> None:
    session.add(Queue(name="sales", required_skill="sales", description=""))
    await session.flush()


def test_the_stored_defaults_are_the_dialers_defaults() -> None:
    dialer = RetryRules().per_outcome
    assert {o.value: (s.delay_seconds, s.max_attempts) for o, s in DEFAULT_RETRIES.items()} == {
        o.value: (r.delay, r.max_attempts) for o, r in dialer.items()
    }
    assert (SETTINGS.contacted_within_days, SETTINGS.purchased_within_days) == (
        ComplianceRules().contacted_within_days,
        ComplianceRules().purchased_within_days,
    )
    assert set(DEFAULT_RETRIES) == {AttemptOutcome(o.value) for o in Outcome} - {
        AttemptOutcome.HUMAN
    }


async def test_rules_are_stored_and_an_update_naming_one_outcome_keeps_the_others(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    own = {**DEFAULT_RETRIES, BUSY: RetrySpec(90, 5)}
    async with sessions.begin() as session:
        await _queue(session)
        created = await create_campaign(
            session,
            replace(SETTINGS, retries=own, contacted_within_days=0, purchased_within_days=90),
            now=T0,
        )
        updated = await update_campaign(
            session, created.campaign_id, 1, {"retries": {MACHINE: RetrySpec(0, 1)}}, at=T0
        )
    async with sessions() as session:
        read = await get_campaign(session, created.campaign_id)

    assert created.retries == own
    assert (created.contacted_within_days, created.purchased_within_days) == (0, 90)
    assert updated.retries == {**own, MACHINE: RetrySpec(0, 1)}
    assert read == updated


async def test_a_campaign_from_before_the_rules_has_the_defaults(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await _queue(session)
        created = await create_campaign(session, SETTINGS, now=T0)
    assert created.retries == DEFAULT_RETRIES
    assert (created.contacted_within_days, created.purchased_within_days) == (7, 30)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"retries": {"human": RetrySpec(60, 2)}}, "retries"),
        ({"retries": {"busy": (60, 2)}}, "retries.busy"),
        ({"retries": {"busy": RetrySpec(-1, 2)}}, "retries.busy.delay_seconds"),
        ({"retries": {"busy": RetrySpec(31 * 86_400, 2)}}, "retries.busy.delay_seconds"),
        ({"retries": {"failed": RetrySpec(60, 0)}}, "retries.failed.max_attempts"),
        ({"retries": {"no_answer": RetrySpec(60, 101)}}, "retries.no_answer.max_attempts"),
        ({"retries": "often"}, "retries"),
        ({"contacted_within_days": -1}, "contacted_within_days"),
        ({"purchased_within_days": 3651}, "purchased_within_days"),
        ({"purchased_within_days": 1.5}, "purchased_within_days"),
    ],
)
async def test_bad_rules_are_refused_naming_the_part(
    sessions: async_sessionmaker[AsyncSession], changes: dict[str, object], field: str
) -> None:
    async with sessions.begin() as session:
        await _queue(session)
        created = await create_campaign(session, SETTINGS, now=T0)
        with pytest.raises(InvalidField) as refused:
            await update_campaign(session, created.campaign_id, 1, changes, at=T0)
    assert refused.value.field == field
