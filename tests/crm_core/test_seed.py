"""The demo seed: what it creates, and that running it again changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.agents import list_agents
from crm_core.contacts import match_caller
from crm_core.models import Base
from crm_core.routing import get_hotline, list_queues
from crm_core.seed import SeedSummary, seed_demo
from crm_core.service_requests import open_requests
from crm_core.users import authenticate
from crm_core.vocabulary import Role, Tier
from tests.crm_core.conftest import T0


async def _dump(session: AsyncSession) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order."""
    dump = {}
    for table in Base.metadata.sorted_tables:
        rows = await session.execute(select(table).order_by(*table.primary_key.columns))
        dump[table.name] = [tuple(row) for row in rows]
    return dump


async def test_seeding_twice_changes_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    first = await seed_demo(sessions, now=T0)
    async with sessions() as session:
        after_first = await _dump(session)
    second = await seed_demo(sessions)
    async with sessions() as session:
        after_second = await _dump(session)
    assert first == SeedSummary(
        users=5,
        agents=3,
        hotlines=1,
        queues=2,
        disposition_codes=7,  # the other four come with migration 0004
        contacts=12,
        service_requests=5,
        interactions=5,
    )
    assert second == SeedSummary()
    assert after_second == after_first
    assert {name: len(rows) for name, rows in after_first.items() if rows} == {
        "users": 5,
        "agents": 3,
        "agent_skills": 5,
        "hotlines": 1,
        "queues": 2,
        "contacts": 12,
        "contact_phones": 14,
        "contact_emails": 12,
        "service_requests": 5,
        "service_request_history": 5,  # each request's "opened" line
        "counters": 1,
        "interactions": 5,
        "disposition_codes": 11,
    }


async def test_the_seeded_centre_is_ready_to_take_calls(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_demo(sessions, now=T0)
    admin = await authenticate(sessions, "admin", "admin")
    alice = await authenticate(sessions, "alice", "demo")
    wrong = await authenticate(sessions, "alice", "admin")
    async with sessions() as session:
        agents = await list_agents(session)
        hotline = await get_hotline(session, "8005551234")
        queues = await list_queues(session)
    assert [(a.agent_id, a.extension, a.endpoint, a.skills) for a in agents] == [
        ("alice", "1001", "PJSIP/1001", {"sales": 3, "support": 8}),
        ("bob", "1002", "PJSIP/1002", {"support": 5}),
        ("carol", "1003", "PJSIP/1003", {"sales": 7, "support": 2}),
    ]
    assert admin is not None and admin.role is Role.ADMIN
    assert alice is not None and alice.role is Role.AGENT
    assert wrong is None
    assert hotline is not None and hotline.name == "Main hotline"
    assert (hotline.brand, hotline.ivr_menu, hotline.timezone) == (
        "Acme Telecom",
        "main",
        "America/New_York",
    )
    assert [(q.name, q.required_skill) for q in queues] == [
        ("sales", "sales"),
        ("support", "support"),
    ]


async def test_the_seed_has_a_shared_number_tiers_and_open_requests(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_demo(sessions, now=T0)
    async with sessions() as session:
        shared = await match_caller(session, "+13125550144", "8005551234")
        grace = await match_caller(session, "(212) 555-0100", "8005551234")
        alan = await match_caller(session, "212 555 0111", "8005551234")
    assert [(c.display_name, c.tier) for c in shared.candidates] == [
        ("Marie Curie", Tier.GOLD),
        ("Pierre Curie", Tier.NONE),
    ]
    [card] = grace.candidates
    assert card.tier is Tier.PLATINUM and card.account_manager == "alice"
    assert [r.number for r in card.open_requests] == [10023]
    assert [i.disposition for i in card.recent_interactions] == ["follow-up"]
    [turing] = alan.candidates
    assert turing.open_requests == []  # his only request is resolved
    async with sessions() as session:
        assert await open_requests(session, turing.contact_id) == []
