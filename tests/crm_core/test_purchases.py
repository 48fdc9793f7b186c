"""Purchases: recorded for an existing contact, listed latest first, refused naming the
field when they make no sense, the latest one as of a moment for the dialer's facts, and a
CSV import that lands the good rows and reports the rest by line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.contact_updates import delete_contact
from crm_core.contacts import create_contact
from crm_core.errors import InvalidField, InvalidValue, NotFound
from crm_core.purchases import NewPurchase, last_purchases, list_purchases, record_purchase
from crm_core.purchases_csv import import_purchases_csv
from tests.crm_core.conftest import T0


def _bought(
    days_ago: float, item: str = "Router X2", amount_minor: int = 0, currency: str = "USD"
) -> NewPurchase:
    at = T0 - timedelta(days=days_ago)
    return NewPurchase(at, item, "shop", amount_minor=amount_minor, currency=currency)


async def test_purchases_are_listed_latest_first_and_the_latest_counts(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        ada = (await create_contact(session, first_name="Ada", last_name="Lead", now=T0)).contact_id
        bob = (await create_contact(session, first_name="Bob", last_name="Lead", now=T0)).contact_id
        await record_purchase(session, ada, _bought(40, "Modem"), now=T0)
        made = await record_purchase(
            session, ada, _bought(3, amount_minor=12_999, currency="EUR"), now=T0
        )
    async with sessions() as session:
        listed = await list_purchases(session, ada)
        latest = await last_purchases(session, [ada, bob], now=T0)
        earlier = await last_purchases(session, [ada], now=T0 - timedelta(days=10))

    assert [p.item for p in listed] == ["Router X2", "Modem"]
    assert (made.amount_minor, made.currency, made.source) == (12_999, "EUR", "shop")
    assert latest == {ada: T0 - timedelta(days=3)}
    # As of ten days ago, the purchase three days ago had not happened.
    assert earlier == {ada: T0 - timedelta(days=40)}


@pytest.mark.parametrize(
    ("purchase", "field"),
    [
        (NewPurchase(T0 + timedelta(minutes=1), "Router", "shop"), "purchased_at"),
        (NewPurchase(T0.replace(tzinfo=None), "Router", "shop"), "purchased_at"),
        (NewPurchase(T0, "  ", "shop"), "item"),
        (NewPurchase(T0, "Router", ""), "source"),
        (NewPurchase(T0, "Router", "shop", amount_minor=-1), "amount_minor"),
        (NewPurchase(T0, "Router", "shop", currency="usd"), "currency"),
    ],
)
async def test_a_purchase_that_makes_no_sense_is_refused_naming_the_field(
    sessions: async_sessionmaker[AsyncSession], purchase: NewPurchase, field: str
) -> None:
    async with sessions.begin() as session:
        ada = (await create_contact(session, first_name="Ada", last_name="Lead", now=T0)).contact_id
        with pytest.raises(InvalidField) as refused:
            await record_purchase(session, ada, purchase, now=T0)
    assert refused.value.field == field


async def test_purchases_of_an_unknown_or_deleted_contact_are_not_found(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        ada = (await create_contact(session, first_name="Ada", last_name="Lead", now=T0)).contact_id
        await record_purchase(session, ada, _bought(1), now=T0)
        await delete_contact(session, ada, 1)
    async with sessions.begin() as session:
        with pytest.raises(NotFound):
            await record_purchase(session, ada, _bought(1), now=T0)
        with pytest.raises(NotFound):
            await list_purchases(session, ada)
        assert await last_purchases(session, [ada], now=T0) == {}


async def test_a_csv_of_purchases_lands_its_good_rows_and_reports_the_rest(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        ada = (await create_contact(session, first_name="Ada", last_name="Lead", now=T0)).contact_id
    text = (
        "contact_id,purchased_at,item,amount_minor,currency,source\n"
        f"{ada},2026-11-01T10:00:00+01:00,Router,4999,EUR,\n"
        f"{ada},2026-11-01T10:00:00+01:00,Cable,100,USD,shop\n"
        f"x{ada},2026-11-01T10:00:00+01:00,Router,1,USD,\n"
        f"{ada},2026-12-01T10:00:00+00:00,Router,1,USD,\n"
        f"{ada},2026-11-01T10:00:00+00:00,Router,-1,USD,\n"
    )

    report = await import_purchases_csv(sessions, text, source="import by sue", now=T0)
    async with sessions() as session:
        listed = await list_purchases(session, ada)

    assert report.imported == 2
    assert [(e.line, e.reason.split(":")[0]) for e in report.errors] == [
        (4, "contact_id"),
        (5, "purchased_at"),
        (6, "amount_minor"),
    ]
    assert sorted((p.item, p.source) for p in listed) == [
        ("Cable", "shop"),
        ("Router", "import by sue"),
    ]


async def test_a_purchases_csv_without_its_required_columns_is_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(InvalidValue, match="contact_id, purchased_at"):
        await import_purchases_csv(sessions, "item\nRouter\n", source="x", now=T0)
