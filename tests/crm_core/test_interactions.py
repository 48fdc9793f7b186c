"""Recording calls once per call id, agents' wrap-up, and reading the history back."""

from __future__ import annotations

import asyncio
from dataclasses import fields, replace
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_core.agents import create_agent
from crm_core.db import make_engine, make_sessionmaker, upgrade
from crm_core.errors import DuplicateInteraction, InvalidValue, NotFound, NotYourInteraction
from crm_core.interactions import (
    InteractionDraft,
    complete_interaction,
    get_interaction_by_call,
    list_interactions,
    record_interaction,
    set_disposition,
)
from crm_core.users import create_user
from crm_core.vocabulary import Direction, Outcome, Role
from tests.crm_core.conftest import T0

ANSWERED = InteractionDraft(
    call_id="call-1",
    direction=Direction.INBOUND,
    started_at=T0,
    ani="+12125550100",
    dnis="8005551234",
    ivr_path=("main", "support"),
    ivr_choice="2",
    queue="support",
    agent_id="alice",
    queued_at=T0 + timedelta(seconds=20),
    answered_at=T0 + timedelta(seconds=65),
    ended_at=T0 + timedelta(seconds=365),
    outcome=Outcome.ANSWERED,
)


@pytest.fixture
async def agents(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        for name, ext in (("alice", "1001"), ("bob", "1002")):
            await create_user(
                session, username=name, display_name=name, role=Role.AGENT, password="pw"
            )
            await create_agent(
                session, agent_id=name, extension=ext, endpoint=f"PJSIP/{ext}", skills={}
            )


async def test_a_recorded_call_reads_back_with_derived_wait_and_talk_times(
    sessions: async_sessionmaker[AsyncSession], agents: None
) -> None:
    async with sessions.begin() as session:
        interaction_id = await record_interaction(session, ANSWERED)
    async with sessions() as session:
        record = await get_interaction_by_call(session, "call-1")
        missing = await get_interaction_by_call(session, "call-404")
    assert record is not None and missing is None
    assert record.id == interaction_id
    expected = replace(ANSWERED, wait_seconds=45.0, talk_seconds=300.0)
    assert _draft_fields(record) == _draft_fields(expected)


def _draft_fields(draft: InteractionDraft) -> dict[str, object]:
    return {f.name: getattr(draft, f.name) for f in fields(InteractionDraft)}


async def test_an_abandoned_call_waits_until_it_ended(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    abandoned = replace(ANSWERED, agent_id=None, answered_at=None, outcome=Outcome.ABANDONED_QUEUE)
    async with sessions.begin() as session:
        await record_interaction(session, abandoned)
        record = await get_interaction_by_call(session, "call-1")
    assert record is not None
    assert (record.wait_seconds, record.talk_seconds) == (345.0, None)


async def test_recording_a_call_twice_raises_with_the_existing_id_and_keeps_the_transaction(
    sessions: async_sessionmaker[AsyncSession], agents: None
) -> None:
    async with sessions.begin() as session:
        first = await record_interaction(session, ANSWERED)
    async with sessions.begin() as session:
        with pytest.raises(DuplicateInteraction) as refused:
            await record_interaction(session, replace(ANSWERED, notes="again"))
        assert refused.value.interaction_id == first
        second = await record_interaction(session, replace(ANSWERED, call_id="call-2"))
    async with sessions() as session:
        assert [r.id for r in await list_interactions(session)] == [second, first]
        record = await get_interaction_by_call(session, "call-1")
    assert record is not None and record.notes == ""


async def test_the_handling_agent_sets_the_disposition(
    sessions: async_sessionmaker[AsyncSession], agents: None
) -> None:
    async with sessions.begin() as session:
        interaction_id = await record_interaction(session, ANSWERED)
    wrapped = T0 + timedelta(minutes=7)
    async with sessions.begin() as session:
        record = await set_disposition(
            session, interaction_id, "alice", "resolved", "reset the router", wrapped
        )
    assert (record.disposition, record.notes, record.wrapped_up_at) == (
        "resolved",
        "reset the router",
        wrapped,
    )
    async with sessions() as session:
        assert await get_interaction_by_call(session, "call-1") == record


async def test_another_agent_cannot_set_the_disposition(
    sessions: async_sessionmaker[AsyncSession], agents: None
) -> None:
    async with sessions.begin() as session:
        handled = await record_interaction(session, ANSWERED)
        unhandled = await record_interaction(
            session, replace(ANSWERED, call_id="call-2", agent_id=None)
        )
        with pytest.raises(NotYourInteraction):
            await set_disposition(session, handled, "bob", "resolved", "", T0)
        with pytest.raises(NotYourInteraction):
            await set_disposition(session, unhandled, "bob", "resolved", "", T0)
        with pytest.raises(NotFound):
            await set_disposition(session, 4242, "alice", "resolved", "", T0)
        with pytest.raises(InvalidValue):
            await set_disposition(session, handled, "alice", "  ", "", T0)


async def test_naive_timestamps_are_refused_before_anything_is_written(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(InvalidValue, match="timezone-aware"):
            await record_interaction(session, replace(ANSWERED, started_at=T0.replace(tzinfo=None)))


async def test_history_lists_newest_first_filtered_and_limited(
    sessions: async_sessionmaker[AsyncSession], agents: None
) -> None:
    async with sessions.begin() as session:
        for n in range(5):
            await record_interaction(
                session,
                replace(
                    ANSWERED,
                    call_id=f"call-{n}",
                    started_at=T0 + timedelta(minutes=n),
                    agent_id="alice" if n % 2 else "bob",
                ),
            )
    async with sessions() as session:
        newest_two = await list_interactions(session, limit=2)
        alices = await list_interactions(session, agent_id="alice")
        nobodys = await list_interactions(session, contact_id=99)
    assert [r.call_id for r in newest_two] == ["call-4", "call-3"]
    assert [r.call_id for r in alices] == ["call-3", "call-1"]
    assert nobodys == []


async def _record_elsewhere(
    sessions: async_sessionmaker[AsyncSession], draft: InteractionDraft
) -> DuplicateInteraction | int:
    try:
        async with sessions.begin() as session:
            return await record_interaction(session, draft)
    except DuplicateInteraction as refused:
        return refused


async def _until_a_query_waits_for_a_lock(engine: AsyncEngine) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with asyncio.timeout(5):
        # The server's view is the only signal there is, so poll it under a deadline; one
        # transaction per poll, as pg_stat_activity is a snapshot frozen for a transaction.
        while True:
            async with engine.connect() as conn:
                if (await conn.execute(waiting)).scalar():
                    return
            await asyncio.sleep(0.01)


async def test_losing_the_race_for_a_call_id_on_postgresql_reports_the_winner(
    postgres_url: str,
) -> None:
    await upgrade(postgres_url)
    engine = make_engine(postgres_url)
    sessions = make_sessionmaker(engine)
    draft = replace(ANSWERED, agent_id=None)
    try:
        async with asyncio.TaskGroup() as group, sessions.begin() as winner:
            first = await record_interaction(winner, draft)
            # The loser passes the existence check (the row is uncommitted), then blocks
            # on the unique index until the winner commits.
            loser = group.create_task(_record_elsewhere(sessions, draft))
            await _until_a_query_waits_for_a_lock(engine)
        outcome = loser.result()
    finally:
        await engine.dispose()
    assert isinstance(outcome, DuplicateInteraction)
    assert outcome.interaction_id == first


async def test_a_provisional_session_lost_row_is_completed_by_the_calls_real_end(
    sessions: async_sessionmaker[AsyncSession], agents: None
) -> None:
    provisional = replace(
        ANSWERED, agent_id=None, answered_at=None, outcome=Outcome.SESSION_LOST, notes="stopped"
    )
    async with sessions.begin() as session:
        first = await record_interaction(session, provisional)
    async with sessions.begin() as session:
        again = await complete_interaction(session, ANSWERED, replacing=Outcome.SESSION_LOST)
    async with sessions() as session:
        record = await get_interaction_by_call(session, "call-1")
    assert again == first and record is not None
    assert (record.outcome, record.agent_id, record.talk_seconds) == ("answered", "alice", 300.0)


async def test_completing_a_call_never_recorded_records_it(
    sessions: async_sessionmaker[AsyncSession], agents: None
) -> None:
    async with sessions.begin() as session:
        new_id = await complete_interaction(session, ANSWERED, replacing=Outcome.SESSION_LOST)
    async with sessions() as session:
        record = await get_interaction_by_call(session, "call-1")
    assert record is not None and record.id == new_id


async def test_a_final_row_is_never_overwritten(
    sessions: async_sessionmaker[AsyncSession], agents: None
) -> None:
    async with sessions.begin() as session:
        first = await record_interaction(session, ANSWERED)
    async with sessions.begin() as session:
        with pytest.raises(DuplicateInteraction) as refused:
            later = replace(ANSWERED, notes="overwrite?")
            await complete_interaction(session, later, replacing=Outcome.SESSION_LOST)
    assert refused.value.interaction_id == first
