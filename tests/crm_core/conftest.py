"""Fixtures for crm_core: migrated databases on real SQLite files and on PostgreSQL.

PostgreSQL tests create and drop a database of their own on 127.0.0.1:5432. They are skipped
when the server cannot be reached, unless CALLCENTER_REQUIRE_POSTGRES=1 makes that a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_core.db import make_engine, make_sessionmaker
from tests.db_templates import clone_migrated_postgres, copy_migrated_sqlite

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

PG_HOST = os.environ.get("CALLCENTER_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("CALLCENTER_PG_PORT", "5432"))
PG_USERS = ("postgres", "root")
PG_MAINTENANCE_DBS = ("test", "postgres")


def _postgres_required() -> bool:
    return os.environ.get("CALLCENTER_REQUIRE_POSTGRES") == "1"


async def _admin_connection() -> tuple[asyncpg.Connection, str]:
    errors: list[str] = []
    for user in PG_USERS:
        for database in PG_MAINTENANCE_DBS:
            try:
                conn = await asyncpg.connect(
                    host=PG_HOST, port=PG_PORT, user=user, database=database, timeout=3
                )
            except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
                errors.append(f"{user}@{database}: {exc!r}")
            else:
                return conn, user
    message = f"PostgreSQL at {PG_HOST}:{PG_PORT} unreachable: {'; '.join(errors)}"
    if _postgres_required():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    admin, user = await _admin_connection()
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    """Runs the test once per backend."""
    if request.param == "sqlite":
        return sqlite_url
    url: str = request.getfixturevalue("postgres_url")
    return url


async def migrate_new_database(url: str) -> None:
    """``upgrade(url)`` for a test's new, empty database: a copy of a template migrated once
    per test process (``tests/db_templates.py``)."""
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        await copy_migrated_sqlite(Path(target.database or ""))
        return
    admin, _ = await _admin_connection()
    try:
        await clone_migrated_postgres(admin, url)
    finally:
        await admin.close()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated database on each backend."""
    await migrate_new_database(db_url)
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def sqlite_engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    await migrate_new_database(sqlite_url)
    engine = make_engine(sqlite_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture
def sqlite_sessions(sqlite_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(sqlite_engine)


class StatementLog:
    """The SQL an engine sends, with parameters, for asserting on queries actually run."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.statements.append((statement, params))

    def matching(self, *words: str) -> list[tuple[str, Any]]:
        return [(s, p) for s, p in self.statements if all(w in s for w in words)]


@pytest.fixture
def statement_log() -> Iterator[Callable[[AsyncEngine], StatementLog]]:
    attached: list[tuple[AsyncEngine, StatementLog]] = []

    def attach(engine: AsyncEngine) -> StatementLog:
        log = StatementLog()
        event.listen(engine.sync_engine, "before_cursor_execute", log)
        attached.append((engine, log))
        return log

    yield attach
    for engine, log in attached:
        event.remove(engine.sync_engine, "before_cursor_execute", log)


async def add_agents(session: AsyncSession, *names: str) -> None:
    """Users with agent rows (extensions 1001, 1002, … in order), for tests that assign work."""
    from crm_core.agents import create_agent
    from crm_core.users import create_user
    from crm_core.vocabulary import Role

    for offset, name in enumerate(names):
        await create_user(session, username=name, display_name=name, role=Role.AGENT, password="pw")
        extension = str(1001 + offset)
        await create_agent(
            session, agent_id=name, extension=extension, endpoint=f"PJSIP/{extension}", skills={}
        )
