"""Agent legs of an interaction: live ring → answer → hold → end → wrap-up, whole legs at
once, the rules that keep them consistent, and each agent's own totals of a transferred call."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.agent_totals import AgentTotals, agent_totals
from crm_core.errors import InvalidField, NotFound, SegmentRefused
from crm_core.interactions import InteractionDraft, get_interaction, record_interaction
from crm_core.models import Interaction
from crm_core.segments import (
    SegmentDraft,
    add_hold,
    answer_segment,
    close_segment,
    interaction_segments,
    open_segment,
    record_segments,
    set_wrap_up,
)
from crm_core.vocabulary import Direction, Outcome, SegmentEnd
from tests.crm_core.conftest import T0, add_agents


def t(seconds: float) -> datetime:
    """``seconds`` after the call began."""
    return T0 + timedelta(seconds=seconds)


CALL = InteractionDraft(
    call_id="call-1",
    direction=Direction.INBOUND,
    started_at=T0,
    ani="+12125550100",
    queue="support",
    outcome=Outcome.ANSWERED,
)


@pytest.fixture
async def call(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        await add_agents(session, "alice", "bob", "carol")
        return await record_interaction(session, CALL)


async def test_a_live_leg_records_ring_talk_hold_and_wrap_up(
    sessions: async_sessionmaker[AsyncSession], call: int
) -> None:
    async with sessions.begin() as session:
        opened = await open_segment(session, call, "alice", at=t(10))
        await answer_segment(session, opened.segment_id, at=t(16), recording="rec/call-1.wav")
        await add_hold(session, opened.segment_id, 30)
        await close_segment(session, opened.segment_id, SegmentEnd.COMPLETED, at=t(316))
        done = await set_wrap_up(session, opened.segment_id, 45)
    assert (opened.seq, opened.ring_seconds, opened.end_reason) == (1, None, None)
    assert (done.ring_seconds, done.talk_seconds, done.hold_seconds) == (6.0, 270.0, 30.0)
    assert (done.wrap_up_seconds, done.recording, done.end_reason) == (
        45.0,
        "rec/call-1.wav",
        SegmentEnd.COMPLETED,
    )
    async with sessions() as session:
        assert await interaction_segments(session, call) == [done]


async def test_a_transferred_call_credits_each_agent_with_their_own_leg(
    sessions: async_sessionmaker[AsyncSession], call: int
) -> None:
    async with sessions.begin() as session:
        first = await open_segment(session, call, "alice", at=t(0))
        await answer_segment(session, first.segment_id, at=t(5))
        second = await open_segment(session, call, "bob", at=t(100))
        await close_segment(session, first.segment_id, SegmentEnd.TRANSFERRED, at=t(105))
        await set_wrap_up(session, first.segment_id, 20)
        await answer_segment(session, second.segment_id, at=t(108))
        await add_hold(session, second.segment_id, 12)
        await close_segment(session, second.segment_id, SegmentEnd.COMPLETED, at=t(408))
    async with sessions() as session:
        detail = await get_interaction(session, call)
        totals = await agent_totals(session, since=T0, until=t(3600))
    assert detail is not None
    assert [(s.seq, s.agent_id, s.end_reason) for s in detail.segments] == [
        (1, "alice", SegmentEnd.TRANSFERRED),
        (2, "bob", SegmentEnd.COMPLETED),
    ]
    assert totals == [
        AgentTotals("alice", 1, 1, 1, 5.0, 100.0, 0.0, 20.0),
        AgentTotals("bob", 1, 1, 0, 8.0, 288.0, 12.0, 0.0),
    ]


async def test_agent_totals_count_only_legs_begun_in_the_period_and_one_agent_on_request(
    sessions: async_sessionmaker[AsyncSession], call: int
) -> None:
    async with sessions.begin() as session:
        early = await open_segment(session, call, "alice", at=t(0))
        await close_segment(session, early.segment_id, SegmentEnd.NO_ANSWER, at=t(20))
        late = await open_segment(session, call, "alice", at=t(7200))
        await close_segment(session, late.segment_id, SegmentEnd.REJECTED, at=t(7203))
        await open_segment(session, call, "bob", at=t(30))
    async with sessions() as session:
        first_hour = await agent_totals(session, since=T0, until=t(3600))
        alice_only = await agent_totals(session, since=T0, until=t(9000), agent_id="alice")
    assert first_hour == [
        AgentTotals("alice", 1, 0, 0, 20.0, 0.0, 0.0, 0.0),
        AgentTotals("bob", 1, 0, 0, 0.0, 0.0, 0.0, 0.0),  # still ringing: nothing known yet
    ]
    assert alice_only == [AgentTotals("alice", 2, 0, 0, 23.0, 0.0, 0.0, 0.0)]


async def test_hold_added_after_the_end_moves_time_from_talk_to_hold(
    sessions: async_sessionmaker[AsyncSession], call: int
) -> None:
    async with sessions.begin() as session:
        leg = await open_segment(session, call, "alice", at=t(0))
        await answer_segment(session, leg.segment_id, at=t(10))
        await close_segment(session, leg.segment_id, SegmentEnd.COMPLETED, at=t(70))
        late = await add_hold(session, leg.segment_id, 15)
        with pytest.raises(InvalidField) as too_much:
            await add_hold(session, leg.segment_id, 46)
    assert (late.talk_seconds, late.hold_seconds) == (45.0, 15.0)
    assert too_much.value.field == "seconds"


@pytest.mark.parametrize(
    ("answered", "end"),
    [
        (False, SegmentEnd.COMPLETED),
        (False, SegmentEnd.TRANSFERRED),
        (True, SegmentEnd.NO_ANSWER),
        (True, SegmentEnd.REJECTED),
        (True, SegmentEnd.CALLER_HUNG_UP),
    ],
)
async def test_an_ending_that_contradicts_whether_the_leg_was_answered_is_refused(
    sessions: async_sessionmaker[AsyncSession], call: int, answered: bool, end: SegmentEnd
) -> None:
    async with sessions.begin() as session:
        leg = await open_segment(session, call, "alice", at=t(0))
        if answered:
            await answer_segment(session, leg.segment_id, at=t(3))
        with pytest.raises(SegmentRefused):
            await close_segment(session, leg.segment_id, end, at=t(9))


async def test_a_leg_only_moves_forward(
    sessions: async_sessionmaker[AsyncSession], call: int
) -> None:
    async with sessions.begin() as session:
        leg = await open_segment(session, call, "alice", at=t(0))
        with pytest.raises(SegmentRefused):
            await add_hold(session, leg.segment_id, 5)  # nobody answered yet
        with pytest.raises(SegmentRefused):
            await set_wrap_up(session, leg.segment_id, 5)  # still ringing
        with pytest.raises(InvalidField):
            await answer_segment(session, leg.segment_id, at=t(-1))
        await answer_segment(session, leg.segment_id, at=t(2))
        with pytest.raises(SegmentRefused):
            await answer_segment(session, leg.segment_id, at=t(3))
        await close_segment(session, leg.segment_id, SegmentEnd.COMPLETED, at=t(9))
        with pytest.raises(SegmentRefused):
            await close_segment(session, leg.segment_id, SegmentEnd.COMPLETED, at=t(10))
        with pytest.raises(InvalidField):
            await set_wrap_up(session, leg.segment_id, -1)


async def test_unknown_interactions_agents_and_segments_are_not_found(
    sessions: async_sessionmaker[AsyncSession], call: int
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(NotFound) as no_call:
            await open_segment(session, 4242, "alice", at=t(0))
        with pytest.raises(NotFound) as no_agent:
            await open_segment(session, call, "zed", at=t(0))
        with pytest.raises(NotFound) as no_leg:
            await answer_segment(session, 4242, at=t(0))
    assert (no_call.value.what, no_agent.value.what, no_leg.value.what) == (
        "interaction",
        "agent",
        "segment",
    )


async def test_whole_legs_recorded_at_the_end_of_the_call_follow_the_live_ones(
    sessions: async_sessionmaker[AsyncSession], call: int
) -> None:
    async with sessions.begin() as session:
        live = await open_segment(session, call, "carol", at=t(0))
        await close_segment(session, live.segment_id, SegmentEnd.NO_ANSWER, at=t(15))
        stored = await record_segments(
            session,
            call,
            [
                SegmentDraft("bob", t(120), t(400), SegmentEnd.COMPLETED, answered_at=t(125),
                             hold_seconds=20, wrap_up_seconds=30, recording="r2.wav"),
                SegmentDraft("alice", t(20), t(120), SegmentEnd.TRANSFERRED, answered_at=t(24)),
            ],
        )  # fmt: skip
    assert [(s.seq, s.agent_id) for s in stored] == [(2, "alice"), (3, "bob")]
    assert [(s.ring_seconds, s.talk_seconds, s.hold_seconds) for s in stored] == [
        (4.0, 96.0, 0.0),
        (5.0, 255.0, 20.0),
    ]
    async with sessions() as session:
        assert [s.seq for s in await interaction_segments(session, call)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (SegmentDraft("alice", t(10), t(5), SegmentEnd.NO_ANSWER), "ended_at"),
        (SegmentDraft("alice", t(0), t(5), SegmentEnd.COMPLETED), "end_reason"),
        (SegmentDraft("alice", t(0), t(9), SegmentEnd.COMPLETED, t(2), -1.0), "hold_seconds"),
    ],
)
async def test_a_whole_leg_that_does_not_add_up_is_refused_naming_the_field(
    sessions: async_sessionmaker[AsyncSession], call: int, draft: SegmentDraft, field: str
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(InvalidField) as refused:
            await record_segments(session, call, [draft])
        assert await interaction_segments(session, call) == []
    assert refused.value.field == field


async def test_deleting_the_interaction_deletes_its_legs(
    sessions: async_sessionmaker[AsyncSession], call: int
) -> None:
    async with sessions.begin() as session:
        await open_segment(session, call, "alice", at=t(0))
    async with sessions.begin() as session:
        await session.execute(delete(Interaction).where(Interaction.id == call))
    async with sessions() as session:
        assert await interaction_segments(session, call) == []
        assert await get_interaction(session, call) is None
