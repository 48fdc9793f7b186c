"""Engine behaviour: SQLite pragmas and BEGIN IMMEDIATE, constraints enforced, URL handling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from crm_core.db import (
    async_url,
    lookup_engine,
    make_engine,
    make_lookup_engine,
    make_sessionmaker,
    read_once,
    upgrade,
)
from crm_core.models import Contact, ContactPhone, Counter
from tests.crm_core.conftest import T0, StatementLog


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(
    sqlite_engine: AsyncEngine,
) -> None:
    async with sqlite_engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
        assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 5000


async def test_foreign_keys_are_enforced_on_sqlite(
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        async with sqlite_sessions.begin() as session:
            session.add(ContactPhone(contact_id=999, kind="mobile", raw="x", e164="+12125550100"))


async def test_deleting_a_contact_deletes_its_phones(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        contact = Contact(first_name="Ann", created_at=T0, updated_at=T0)
        contact.phones = [ContactPhone(kind="mobile", raw="2125550100", e164="+12125550100")]
        session.add(contact)
    async with sessions.begin() as session:
        await session.execute(text("DELETE FROM contacts"))
    async with sessions() as session:
        assert (await session.scalars(select(ContactPhone))).all() == []


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO contacts (first_name, last_name, language, notes, tier, created_at,"
        " updated_at) VALUES ('a', 'b', 'en', '', 'diamond', '2026-01-01', '2026-01-01')",
        "INSERT INTO queues (name, required_skill, description) VALUES ('q', 's', '');"
        " INSERT INTO users (username, display_name, role, password_hash, active, created_at)"
        " VALUES ('u', 'U', 'janitor', 'x', true, '2026-01-01')",
    ],
    ids=["tier", "role"],
)
async def test_check_constraints_refuse_values_outside_the_vocabulary(
    engine: AsyncEngine, statement: str
) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            for part in statement.split(";"):
                await conn.exec_driver_sql(part)


async def test_naive_timestamps_are_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(StatementError, match="timezone-aware"):
        async with sessions.begin() as session:
            naive = datetime(2026, 1, 1, 12, 0)
            session.add(Contact(first_name="Ann", created_at=naive, updated_at=naive))


async def test_timestamps_come_back_as_utc_aware(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        session.add(Contact(first_name="Ann", created_at=T0, updated_at=T0))
    async with sessions() as session:
        created = await session.scalar(select(Contact.created_at))
    assert created == T0
    assert created is not None and created.utcoffset() is not None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///var/crm.db", "sqlite+aiosqlite:///var/crm.db"),
        ("sqlite+aiosqlite:///var/crm.db", "sqlite+aiosqlite:///var/crm.db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_urls_get_their_async_driver(given: str, expected: str) -> None:
    assert async_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+psycopg://u@h/db"])
def test_other_databases_and_drivers_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"sqlite or postgresql|driver"):
        async_url(url)


async def test_sqlite_transactions_begin_immediate(
    sqlite_engine: AsyncEngine, statement_log: Callable[[AsyncEngine], StatementLog]
) -> None:
    log = statement_log(sqlite_engine)
    async with make_sessionmaker(sqlite_engine).begin() as session:
        await session.scalar(select(Counter.value))
    assert log.statements[0][0] == "BEGIN IMMEDIATE"


async def _increment_by_read_then_write(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        counter = await session.get_one(Counter, "service_request")
        value = counter.value
        await asyncio.sleep(0)  # let every other writer read the same value if it can
        counter.value = value + 1


async def test_concurrent_read_modify_writes_lose_no_update_on_sqlite(
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    writers = 40
    async with asyncio.TaskGroup() as group:
        for _ in range(writers):
            group.create_task(_increment_by_read_then_write(sqlite_sessions))
    async with sqlite_sessions() as session:
        assert await session.scalar(select(Counter.value)) == 10022 + writers


async def test_read_only_sessions_read_while_a_writer_holds_the_lock(
    sqlite_engine: AsyncEngine,
) -> None:
    writer = make_sessionmaker(sqlite_engine)
    reader = make_sessionmaker(sqlite_engine, read_only=True)
    async with writer.begin() as w:
        await w.execute(text("UPDATE counters SET value = value + 1"))
        async with asyncio.timeout(1), reader() as r:
            # The uncommitted write is invisible, and the reader did not wait for it.
            assert await r.scalar(select(Counter.value)) == 10022


async def test_read_only_sessions_cannot_write_on_postgresql(postgres_url: str) -> None:
    await upgrade(postgres_url)
    engine = make_engine(postgres_url)
    try:
        with pytest.raises(DBAPIError, match="read-only transaction"):
            async with make_sessionmaker(engine, read_only=True).begin() as session:
                await session.execute(text("UPDATE counters SET value = value + 1"))
    finally:
        await engine.dispose()


async def test_lookup_connections_send_no_begin_and_read_past_a_writer_on_sqlite(
    sqlite_engine: AsyncEngine, statement_log: Callable[[AsyncEngine], StatementLog]
) -> None:
    writer = make_sessionmaker(sqlite_engine)
    log = statement_log(sqlite_engine)
    async with writer.begin() as w:
        await w.execute(text("UPDATE counters SET value = value + 1"))
        async with asyncio.timeout(1), lookup_engine(sqlite_engine).connect() as connection:
            # The uncommitted write is invisible, and the look-up did not wait for it.
            assert await connection.scalar(select(Counter.value)) == 10022
    assert [s for s, _ in log.statements] == [
        "BEGIN IMMEDIATE",
        "UPDATE counters SET value = value + 1",
        "SELECT counters.value \nFROM counters",
    ]
    # The connection went back to the pool unchanged: the next session still begins IMMEDIATE.
    async with writer.begin() as session:
        assert await session.scalar(select(Counter.value)) == 10023


async def test_lookup_connections_see_committed_rows_on_both_backends(
    engine: AsyncEngine, statement_log: Callable[[AsyncEngine], StatementLog]
) -> None:
    async with make_sessionmaker(engine).begin() as session:
        await session.execute(text("UPDATE counters SET value = 7"))
    log = statement_log(engine)
    async with lookup_engine(engine).connect() as connection:
        assert await connection.scalar(select(Counter.value)) == 7
    assert len(log.statements) == 1  # the SELECT alone: no BEGIN, no pre-statement


async def test_a_lookup_engine_on_postgresql_begins_no_transaction(postgres_url: str) -> None:
    await upgrade(postgres_url)
    lookups = make_lookup_engine(postgres_url)
    try:
        async with lookups.connect() as connection:
            # now() is the start of the transaction: each statement here is one of its own.
            first = await connection.scalar(text("SELECT now()"))
            await asyncio.sleep(0.01)
            assert await connection.scalar(text("SELECT now()")) != first
            assert await connection.scalar(select(Counter.value)) == 10022
    finally:
        await lookups.dispose()


async def test_a_lookup_survives_its_pooled_connection_being_killed(postgres_url: str) -> None:
    await upgrade(postgres_url)
    lookups = make_lookup_engine(postgres_url)
    admin = make_engine(postgres_url)

    async def read(connection: AsyncConnection) -> tuple[int | None, int | None]:
        pid = await connection.scalar(text("SELECT pg_backend_pid()"))
        return pid, await connection.scalar(select(Counter.value))

    try:
        first_pid, _ = await read_once(lookups, read)
        async with admin.connect() as connection:  # as a server restart would
            await connection.scalar(text(f"SELECT pg_terminate_backend({first_pid})"))
        second_pid, value = await read_once(lookups, read)
        assert value == 10022 and second_pid != first_pid
    finally:
        await lookups.dispose()
        await admin.dispose()


async def test_read_once_does_not_retry_a_statement_that_is_wrong(
    sqlite_url: str, sqlite_engine: AsyncEngine
) -> None:
    lookups = make_lookup_engine(sqlite_url)
    calls = 0

    async def read(connection: AsyncConnection) -> object:
        nonlocal calls
        calls += 1
        return await connection.scalar(text("SELECT no_such_column FROM counters"))

    try:
        with pytest.raises(DBAPIError, match="no_such_column"):
            await read_once(lookups, read)
        assert calls == 1
    finally:
        await lookups.dispose()
