"""A campaign's lists in the database, dialed the way the runtime picks leads: each tick
``dialer.lists.allocate`` splits the dials over ``list_counts``, ``due_leads(from_list=…)``
hands out the leads. Quotas are never overshot, a lower-priority list waits while a higher
one has leads, and of two same-priority lists the one that yields gets more dials."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.campaign_attempts import finish_attempt, start_attempt
from crm_core.campaign_leads import add_leads, due_leads
from crm_core.campaign_lists import create_list, list_counts
from crm_core.campaigns import create_campaign
from crm_core.contacts import NewPhone, create_contact
from crm_core.errors import AlreadyExists, InvalidField, NotFound
from crm_core.models import Queue
from crm_core.vocabulary import AttemptOutcome, PhoneKind
from dialer.lists import ListStats, allocate
from tests.crm_core.conftest import T0
from tests.crm_core.test_campaigns import SETTINGS

#: Which leads of each list answer: every one of "warm", one in five of "cold".
ANSWERS = {"vip": lambda i: True, "warm": lambda i: True, "cold": lambda i: i % 5 == 0}


async def _campaign_with_lists(session: AsyncSession) -> tuple[int, dict[str, int]]:
    session.add(Queue(name="sales", required_skill="sales", description=""))
    await session.flush()
    campaign = (await create_campaign(session, SETTINGS, now=T0)).campaign_id
    lists = {
        "vip": (await create_list(session, campaign, "vip", now=T0, quota=3)).list_id,
        "warm": (await create_list(session, campaign, "warm", now=T0, priority=2)).list_id,
        "cold": (await create_list(session, campaign, "cold", now=T0, priority=2)).list_id,
    }
    for name, list_id in lists.items():
        ids = []
        for i in range(40):
            card = await create_contact(
                session,
                first_name=f"{name}{i}",
                last_name="Lead",
                timezone="America/Chicago",
                phones=[NewPhone(PhoneKind.MOBILE, f"+1312555{list_id}{i:03d}")],
                now=T0,
            )
            ids.append(card.contact_id)
        report = await add_leads(session, campaign, ids, now=T0, list_id=list_id)
        assert report.added == 40
    return campaign, lists


async def test_dialing_by_list_honours_quotas_priorities_and_yield(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        campaign, lists = await _campaign_with_lists(session)
    names = {v: k for k, v in lists.items()}
    dialed: list[list[str]] = []
    for tick in range(12):
        now = T0 + timedelta(minutes=tick)
        async with sessions.begin() as session:
            counts = await list_counts(session, campaign, at=now)
            stats = [
                ListStats(
                    str(c.list.list_id), c.list.priority, c.list.quota, c.dials, c.answered, c.due
                )
                for c in counts
            ]
            share = allocate(stats, 5)
            this_tick = []
            for list_id, k in share.items():
                for lead in await due_leads(
                    session, campaign, at=now, limit=k, from_list=int(list_id)
                ):
                    name = names[int(list_id)]
                    attempt = await start_attempt(session, lead.lead_id, number=lead.phone, at=now)
                    answered = ANSWERS[name](lead.lead_id)
                    await finish_attempt(
                        session,
                        attempt.attempt_id,
                        AttemptOutcome.HUMAN if answered else AttemptOutcome.NO_ANSWER,
                        at=now + timedelta(seconds=30),
                    )
                    this_tick.append(name)
            dialed.append(this_tick)
        async with sessions() as session:
            by_name = {
                names[c.list.list_id]: c for c in await list_counts(session, campaign, at=now)
            }
        assert by_name["vip"].dials <= 3, "the quota was overshot"

    # Tick 0: vip's quota of 3 first, then 2 from the priority-2 lists.
    assert sorted(dialed[0]) == ["cold", "vip", "vip", "vip", "warm"]
    assert all("vip" not in tick for tick in dialed[1:])
    warm = sum(tick.count("warm") for tick in dialed)
    cold = sum(tick.count("cold") for tick in dialed)
    assert warm + cold == 5 * 12 - 3
    # Same priority, by yield: warm answers every call, cold one in five, so warm's shrunk
    # score soon outweighs cold's (e.g. after 11 ticks (34+13)/54 against (5+13)/43 with a
    # pooled yield near 0.65): 3 of every 5 dials, never fewer, cold keeping 2.
    assert all(sorted(tick) == ["cold", "cold", "warm", "warm", "warm"] for tick in dialed[1:])
    assert (by_name["warm"].answered, by_name["warm"].dials) == (warm, warm)


async def test_lists_refuse_bad_settings_and_foreign_leads(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        campaign, _ = await _campaign_with_lists(session)
        with pytest.raises(AlreadyExists):
            await create_list(session, campaign, "vip", now=T0)
        with pytest.raises(InvalidField, match="priority"):
            await create_list(session, campaign, "zero", now=T0, priority=0)
        with pytest.raises(InvalidField, match="quota"):
            await create_list(session, campaign, "minus", now=T0, quota=-1)
        with pytest.raises(NotFound):
            await add_leads(session, campaign, [1], now=T0, list_id=999)
