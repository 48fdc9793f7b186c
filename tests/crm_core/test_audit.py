"""The audit log: appended rows read back newest first, filtered and paged by id."""

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.agents import get_agent, update_agent
from crm_core.audit import AuditFilter, audit_page, record_action
from crm_core.errors import InvalidField
from tests.crm_core.conftest import T0, add_agents


async def test_audit_rows_come_back_newest_first_in_pages_that_follow_each_other(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for n in range(5):
            await record_action(
                session,
                at=T0 + timedelta(minutes=n),
                actor="lead",
                action="barge" if n % 2 else "listen",
                agent_id="alice",
                call_id=f"c-{n}",
                details={"phone": "1100", "n": n},
            )
    async with sessions() as session:
        first = await audit_page(session, limit=2)
        assert first.next_before is not None
        second = await audit_page(session, before=first.next_before, limit=2)
        assert second.next_before is not None
        last = await audit_page(session, before=second.next_before, limit=2)
    calls = [e.call_id for page in (first, second, last) for e in page.entries]
    assert calls == ["c-4", "c-3", "c-2", "c-1", "c-0"]
    assert last.next_before is None
    assert first.entries[0].details == {"phone": "1100", "n": 4}
    assert first.entries[0].at == T0 + timedelta(minutes=4)


async def test_audit_filters_by_actor_action_target_and_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await record_action(session, at=T0, actor="lead", action="barge", agent_id="alice")
        await record_action(
            session, at=T0 + timedelta(hours=1), actor="boss", action="barge", agent_id="bob"
        )
        await record_action(
            session, at=T0 + timedelta(hours=2), actor="lead", action="priority", call_id="c-9"
        )
    async with sessions() as session:
        by_lead = await audit_page(session, AuditFilter(actor="lead"))
        barges = await audit_page(session, AuditFilter(action="barge"))
        on_bob = await audit_page(session, AuditFilter(agent_id="bob"))
        on_call = await audit_page(session, AuditFilter(call_id="c-9"))
        window = await audit_page(
            session, AuditFilter(since=T0 + timedelta(minutes=30), until=T0 + timedelta(hours=2))
        )
    assert [e.action for e in by_lead.entries] == ["priority", "barge"]
    assert [e.actor for e in barges.entries] == ["boss", "lead"]
    assert [e.actor for e in on_bob.entries] == ["boss"]
    assert [e.actor for e in on_call.entries] == ["lead"]
    assert [e.actor for e in window.entries] == ["boss"]


async def test_audit_refuses_an_empty_actor_a_long_action_and_a_bad_page_size(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        with pytest.raises(InvalidField) as no_actor:
            await record_action(session, at=T0, actor="", action="barge")
        with pytest.raises(InvalidField) as long_action:
            await record_action(session, at=T0, actor="lead", action="x" * 33)
        with pytest.raises(InvalidField) as page:
            await audit_page(session, limit=0)
    assert (no_actor.value.field, long_action.value.field, page.value.field) == (
        "actor",
        "action",
        "limit",
    )


async def test_auto_answer_is_off_by_default_and_stored_when_switched_on(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await add_agents(session, "alice")
        before = await get_agent(session, "alice")
        await update_agent(session, "alice", auto_answer=True)
    async with sessions() as session:
        after = await get_agent(session, "alice")
    assert before is not None and not before.auto_answer
    assert after is not None and after.auto_answer
