"""The customer-value pyramid: counts per tier and per value band, zeros included."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.contact_updates import update_contact
from crm_core.contacts import create_contact
from crm_core.search import search_contacts
from crm_core.value import value_pyramid
from crm_core.vocabulary import Tier, ValueBand, band_of
from tests.crm_core.conftest import T0

# tier, value score
CONTACTS = [
    (Tier.PLATINUM, 95),
    (Tier.PLATINUM, 90),
    (Tier.GOLD, 89),
    (Tier.GOLD, 70),
    (Tier.GOLD, 40),
    (Tier.SILVER, 39),
    (Tier.NONE, 0),
    (Tier.NONE, 0),
]


def test_band_boundaries() -> None:
    cases = {0: "low", 39: "low", 40: "medium", 69: "medium", 70: "high", 89: "high", 90: "top"}
    assert {score: band_of(score).value for score in cases} == cases
    assert band_of(100) is ValueBand.TOP


async def test_an_empty_crm_has_a_pyramid_of_zeros(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        pyramid = await value_pyramid(session)
    assert pyramid.total == 0
    assert [level.tier for level in pyramid.levels] == [
        Tier.PLATINUM,
        Tier.GOLD,
        Tier.SILVER,
        Tier.BRONZE,
        Tier.NONE,
    ]
    assert set(pyramid.by_band.values()) == {0}


async def test_contacts_are_counted_per_tier_and_band(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for n, (tier, score) in enumerate(CONTACTS):
            card = await create_contact(session, first_name=f"C{n}", last_name="", now=T0)
            await update_contact(
                session, card.contact_id, 1, {"tier": tier.value, "value_score": score}, at=T0
            )
    async with sessions() as session:
        pyramid = await value_pyramid(session)
    counts = {level.tier: level.count for level in pyramid.levels}
    assert counts == {Tier.PLATINUM: 2, Tier.GOLD: 3, Tier.SILVER: 1, Tier.BRONZE: 0, Tier.NONE: 2}
    gold = next(level for level in pyramid.levels if level.tier is Tier.GOLD)
    assert gold.by_band == {
        ValueBand.TOP: 0,
        ValueBand.HIGH: 2,
        ValueBand.MEDIUM: 1,
        ValueBand.LOW: 0,
    }
    assert pyramid.by_band == {
        ValueBand.TOP: 2,
        ValueBand.HIGH: 2,
        ValueBand.MEDIUM: 1,
        ValueBand.LOW: 3,
    }
    assert pyramid.total == len(CONTACTS)


async def test_search_lists_the_contacts_of_one_tier_and_band(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for n, (tier, score) in enumerate(CONTACTS):
            card = await create_contact(session, first_name=f"C{n}", last_name="", now=T0)
            await update_contact(
                session, card.contact_id, 1, {"tier": tier.value, "value_score": score}, at=T0
            )
    async with sessions() as session:
        gold_high = await search_contacts(session, "", tier=Tier.GOLD, band=ValueBand.HIGH)
        top = await search_contacts(session, "", band=ValueBand.TOP)
        low = await search_contacts(session, "", band=ValueBand.LOW)
    assert [h.display_name for h in gold_high.items] == ["C2", "C3"]
    assert [h.display_name for h in top.items] == ["C0", "C1"]
    assert [h.display_name for h in low.items] == ["C5", "C6", "C7"]
