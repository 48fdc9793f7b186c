"""The ringing path's card reader: the same cards as the SQLAlchemy statement, straight on
the driver, on SQLite files and on PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from crm_core.card_reader import (
    CardReader,
    EngineCardReader,
    PostgresCardReader,
    SqliteCardReader,
    open_card_reader,
)
from crm_core.cards import ContactCard, cards_by_number
from crm_core.contacts import NewPhone, create_contact
from crm_core.db import make_engine, make_sessionmaker, upgrade
from crm_core.interactions import InteractionDraft, record_interaction
from crm_core.service_requests import create_request
from crm_core.vocabulary import Direction, Outcome, PhoneKind, Tier
from tests.crm_core.conftest import T0

SHARED = "+13125550144"


async def _seed(session: AsyncSession) -> None:
    """Two contacts sharing a number, one with calls and open requests, and a stranger."""
    ada = await create_contact(
        session,
        first_name="Ada",
        last_name="Gold",
        tier=Tier.GOLD,
        organisation="Analytical",
        phones=[
            NewPhone(PhoneKind.MOBILE, "(312) 555-0144"),
            NewPhone(PhoneKind.WORK, "2125550100"),
        ],
        now=T0,
    )
    await create_contact(
        session,
        first_name="Bob",
        last_name="Shared",
        phones=[NewPhone(PhoneKind.HOME, "+1 312 555 0144")],
        now=T0,
    )
    await create_contact(
        session,
        first_name="Eve",
        last_name="Other",
        phones=[NewPhone(PhoneKind.MOBILE, "6465550123")],
        now=T0,
    )
    for hours in (1, 2, 3, 4, 5, 6, 7):
        draft = InteractionDraft(
            call_id=f"ada-{hours}",
            direction=Direction.INBOUND,
            started_at=T0 - timedelta(hours=hours),
            contact_id=ada.contact_id,
            queue="support",
            outcome=Outcome.ANSWERED,
        )
        await record_interaction(session, draft)
    await create_request(
        session, contact_id=ada.contact_id, subject="Broken", due_at=T0 + timedelta(days=1), now=T0
    )
    await create_request(session, contact_id=ada.contact_id, subject="Undated", now=T0)


@asynccontextmanager
async def _seeded_reader(
    engine: AsyncEngine, url: str, workers: int = 2
) -> AsyncIterator[CardReader]:
    async with make_sessionmaker(engine).begin() as session:
        await _seed(session)
    reader = await open_card_reader(url, workers=workers)
    try:
        yield reader
    finally:
        await reader.close()


def _by_id(cards: list[ContactCard]) -> list[ContactCard]:
    return sorted(cards, key=lambda c: c.contact_id)


async def test_the_reader_returns_the_same_cards_as_the_sqlalchemy_statement(
    engine: AsyncEngine, db_url: str
) -> None:
    async with _seeded_reader(engine, db_url) as reader:
        expected_kind = SqliteCardReader if db_url.startswith("sqlite") else PostgresCardReader
        assert isinstance(reader, expected_kind)
        for number in (SHARED, "+12125550100", "+16465550123", "+19995550000"):
            async with engine.connect() as connection:
                expected = await cards_by_number(connection, number)
            assert _by_id(await reader.cards_by_number(number)) == _by_id(expected)
        shared = await reader.cards_by_number(SHARED)
        ada = next(c for c in shared if c.display_name == "Ada Gold")
        assert len(shared) == 2 and ada.tier is Tier.GOLD
        assert len(ada.recent_interactions) == 5 and len(ada.open_requests) == 2
        # Timestamps come back timezone-aware UTC on both backends, as through SQLAlchemy.
        assert ada.recent_interactions[0].at == T0 - timedelta(hours=1)


async def test_concurrent_lookups_each_get_their_own_callers_cards(
    engine: AsyncEngine, db_url: str
) -> None:
    async with _seeded_reader(engine, db_url) as reader:
        numbers = [SHARED, "+12125550100", "+16465550123", "+19995550000"] * 25
        found = await asyncio.gather(*(reader.cards_by_number(n) for n in numbers))
        sizes = [len(cards) for cards in found]
        assert sizes == [2, 1, 1, 0] * 25


async def test_the_sqlite_reader_never_waits_for_a_writer_holding_the_lock(
    sqlite_url: str, sqlite_engine: AsyncEngine
) -> None:
    async with _seeded_reader(sqlite_engine, sqlite_url) as reader:
        async with make_sessionmaker(sqlite_engine).begin() as writer:
            await writer.execute(text("UPDATE contacts SET tier = 'none'"))
            async with asyncio.timeout(1):
                cards = await reader.cards_by_number("+12125550100")
            # The uncommitted write is invisible: the reader saw the last committed snapshot.
            assert [c.tier for c in cards] == [Tier.GOLD]
        assert [c.tier for c in await reader.cards_by_number("+12125550100")] == [Tier.NONE]


async def test_the_sqlite_reader_cannot_write_to_the_crm(
    sqlite_url: str, sqlite_engine: AsyncEngine
) -> None:
    reader = await open_card_reader(sqlite_url)
    assert isinstance(reader, SqliteCardReader)
    try:
        connection = reader._connect()  # the connection every worker opens
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("DELETE FROM contacts")
        connection.close()
    finally:
        await reader.close()


async def test_a_database_error_reaches_the_caller_and_the_reader_keeps_working(
    sqlite_url: str,
) -> None:
    reader = await open_card_reader(sqlite_url)  # before the schema exists
    try:
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await reader.cards_by_number(SHARED)
        await upgrade(sqlite_url)
        engine = make_engine(sqlite_url)
        async with make_sessionmaker(engine).begin() as session:
            await _seed(session)
        await engine.dispose()
        assert len(await reader.cards_by_number(SHARED)) == 2
    finally:
        await reader.close()


async def test_a_lookup_given_up_by_its_caller_leaves_the_reader_working(
    sqlite_url: str, sqlite_engine: AsyncEngine
) -> None:
    async with _seeded_reader(sqlite_engine, sqlite_url, workers=1) as reader:
        abandoned = asyncio.ensure_future(reader.cards_by_number(SHARED))
        await asyncio.sleep(0)
        abandoned.cancel()
        with pytest.raises(asyncio.CancelledError):
            await abandoned
        assert len(await reader.cards_by_number(SHARED)) == 2


async def test_a_closed_reader_refuses_lookups(sqlite_url: str, sqlite_engine: AsyncEngine) -> None:
    reader = await open_card_reader(sqlite_url)
    await reader.close()
    with pytest.raises(RuntimeError, match="closed"):
        await reader.cards_by_number(SHARED)


async def test_an_in_memory_database_is_read_through_the_engine() -> None:
    # A second connection to ":memory:" would open another, empty database.
    reader = await open_card_reader("sqlite+aiosqlite:///:memory:")
    try:
        assert isinstance(reader, EngineCardReader)
    finally:
        await reader.close()


async def test_the_postgres_reader_survives_its_connections_being_killed(postgres_url: str) -> None:
    await upgrade(postgres_url)
    admin = make_engine(postgres_url)
    try:
        async with _seeded_reader(admin, postgres_url) as reader:
            assert len(await reader.cards_by_number(SHARED)) == 2
            async with admin.connect() as connection:  # as a server restart would
                await connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            assert len(await reader.cards_by_number(SHARED)) == 2
    finally:
        await admin.dispose()
