"""Upgrading a 0001 database that holds data to 0002 keeps every row and fills the new columns."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from crm_core.db import make_engine, make_sessionmaker, upgrade
from crm_core.search import search_contacts

SEED_0001 = [
    "INSERT INTO users (id, username, display_name, role, password_hash, active, created_at)"
    " VALUES (1, 'alice', 'Alice', 'agent', 'x', true, '2026-11-01 09:00:00+00')",
    "INSERT INTO agents (agent_id, extension, endpoint) VALUES ('alice', '1001', 'PJSIP/1001')",
    "INSERT INTO contacts (id, first_name, last_name, organisation, language, timezone, notes,"
    " tier, account_manager, created_at, updated_at) VALUES (7, 'Grace', 'Hopper', 'Navy', 'en',"
    " NULL, 'keep me', 'gold', 'alice', '2026-11-01 09:00:00+00', '2026-11-01 09:00:00+00')",
    "INSERT INTO contact_phones (contact_id, kind, raw, e164) VALUES"
    " (7, 'mobile', '(212) 555-0100', '+12125550100')",
    "INSERT INTO contact_emails (contact_id, address) VALUES (7, 'Grace.Hopper@Navy.MIL')",
    "INSERT INTO service_requests (id, number, contact_id, subject, description, category,"
    " priority, status, assignee, opened_at, updated_at) VALUES (3, 10023, 7, 'Bug', '',"
    " 'general', 'high', 'in_progress', 'alice', '2026-11-01 09:00:00+00',"
    " '2026-11-01 09:00:00+00')",
    "INSERT INTO interactions (call_id, direction, channel, ani, dnis, contact_id, ivr_path,"
    " started_at, notes) VALUES ('c-1', 'inbound', 'voice', '+12125550100', '8005551234', 7,"
    " '[]', '2026-11-01 09:00:00+00', 'first call')",
]

CHECKS = {
    "SELECT first_name, notes, tier, account_manager, version, value_score FROM contacts": [
        ("Grace", "keep me", "gold", "alice", 1, 0)
    ],
    "SELECT e164 FROM contact_phones": [("+12125550100",)],
    "SELECT address, address_key FROM contact_emails": [
        ("Grace.Hopper@Navy.MIL", "grace.hopper@navy.mil")
    ],
    "SELECT number, status, assignee, version FROM service_requests": [
        (10023, "in_progress", "alice", 1)
    ],
    "SELECT call_id, contact_id, notes FROM interactions": [("c-1", 7, "first call")],
}


async def _rows(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        return [tuple(r) for r in (await connection.exec_driver_sql(sql)).all()]


async def test_upgrading_a_0001_database_with_data_keeps_the_data(db_url: str) -> None:
    await upgrade(db_url, "0001")
    engine = make_engine(db_url)
    try:
        async with engine.begin() as connection:
            for statement in SEED_0001:
                await connection.exec_driver_sql(statement)
        await upgrade(db_url)
        for sql, expected in CHECKS.items():
            assert await _rows(engine, sql) == expected, sql
        # The e-mail key filled in by the migration is what search looks up.
        async with make_sessionmaker(engine)() as session:
            page = await search_contacts(session, "GRACE.hopper@navy.mil")
        assert [hit.contact_id for hit in page.items] == [7]
    finally:
        await engine.dispose()
