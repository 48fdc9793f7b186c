"""The migration chain builds the schema the models describe, on SQLite files and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from crm_core.db import alembic_config, make_engine, make_sessionmaker, migration_engine, upgrade
from crm_core.models import Base
from crm_core.seed import seed_demo

TABLES = {
    "users",
    "agents",
    "agent_skills",
    "queues",
    "hotlines",
    "contacts",
    "contact_phones",
    "contact_emails",
    "service_requests",
    "counters",
    "interactions",
    "acd_events",
    "service_request_history",
    "follow_ups",
    "do_not_call",
    "interaction_segments",
    "disposition_codes",
    "campaigns",
    "campaign_leads",
    "campaign_attempts",
    "campaign_lists",
    "audit_log",
    "purchases",
}
HEAD = "0009"


def _schema_drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def test_the_chain_has_one_head_starting_with_the_initial_revision() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [HEAD]
    assert [s.revision for s in scripts.walk_revisions()][-1] == "0001"


async def test_upgrade_builds_exactly_the_models_schema(engine: AsyncEngine, db_url: str) -> None:
    async with engine.connect() as connection:
        tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        drift = await connection.run_sync(_schema_drift)
        revision = await connection.run_sync(_current_revision)
    assert tables - {"alembic_version"} == TABLES
    assert drift == []
    assert revision == HEAD


async def test_upgrade_twice_is_a_no_op(engine: AsyncEngine, db_url: str) -> None:
    await upgrade(db_url)
    async with engine.connect() as connection:
        assert await connection.run_sync(_current_revision) == HEAD


async def test_upgrade_works_from_any_working_directory(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    url = f"sqlite:///{tmp_path / 'plain-url.db'}"  # no driver given: aiosqlite is filled in
    await upgrade(url)
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_current_revision) == HEAD
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_back_up(engine: AsyncEngine, db_url: str) -> None:
    def downgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    async with engine.begin() as connection:
        await connection.run_sync(downgrade)
    async with engine.connect() as connection:
        tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    assert tables <= {"alembic_version"}
    await upgrade(db_url)
    async with engine.connect() as connection:
        assert await connection.run_sync(_schema_drift) == []


async def test_the_request_counter_starts_before_10023(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        rows = (await connection.exec_driver_sql("SELECT name, value FROM counters")).all()
    assert [tuple(r) for r in rows] == [("service_request", 10022)]


def _rebuild_contacts_table(connection: Connection) -> None:
    # What any future batch migration touching `contacts` does on SQLite: copy, drop, rename.
    operations = Operations(MigrationContext.configure(connection))
    with operations.batch_alter_table("contacts", recreate="always"):
        pass


async def _phone_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return (await connection.exec_driver_sql("SELECT count(*) FROM contact_phones")).scalar()


async def test_a_table_rebuild_during_migration_keeps_the_child_rows(
    sqlite_engine: AsyncEngine, sqlite_url: str
) -> None:
    await seed_demo(make_sessionmaker(sqlite_engine))
    phones = await _phone_count(sqlite_engine)
    migrating = migration_engine(sqlite_url)
    try:
        async with migrating.begin() as connection:
            await connection.run_sync(_rebuild_contacts_table)
    finally:
        await migrating.dispose()
    assert phones > 0
    assert await _phone_count(sqlite_engine) == phones
    # The trap it avoids: with foreign keys on, the DROP inside the rebuild cascades.
    async with sqlite_engine.begin() as connection:
        await connection.run_sync(_rebuild_contacts_table)
    assert await _phone_count(sqlite_engine) == 0


async def test_upgrade_refuses_to_commit_with_dangling_foreign_keys(sqlite_url: str) -> None:
    await upgrade(sqlite_url, "0001")
    migrating = migration_engine(sqlite_url)  # foreign keys off: the orphan gets in
    try:
        async with migrating.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO contact_phones (contact_id, kind, raw) VALUES (42, 'mobile', 'x')"
            )
    finally:
        await migrating.dispose()
    with pytest.raises(RuntimeError, match="dangling foreign keys"):
        await upgrade(sqlite_url)
