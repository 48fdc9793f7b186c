"""The ACD engine: reservations, answers, misses, wrap-up, callers who leave."""

import pytest

from acd.engine import AcdEngine, UnknownCall, UnknownQueue
from acd.events import (
    AcdEvent,
    AgentReserved,
    AgentStateChanged,
    CallConnected,
    CallFinished,
    CallLeftQueue,
    CallPriorityChanged,
    OfferFailed,
)
from acd.model import AgentProfile, CallRequest, QueueConfig
from acd.states import AgentState, IllegalTransition
from cti.ids import AgentId, CallId, QueueName
from tests.acd.fakes import VirtualTime

SUPPORT = QueueName("support")
ALICE, BOB = AgentId("alice"), AgentId("bob")


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def events() -> list[AcdEvent]:
    return []


@pytest.fixture
def engine(time: VirtualTime, events: list[AcdEvent]) -> AcdEngine:
    acd = AcdEngine(
        [QueueConfig(SUPPORT, "support", 1, wrap_up_seconds=30)],
        clock=time,
        scheduler=time,
        publish=events.append,
        max_missed_offers=2,
        reservation_timeout=60,
    )
    acd.add_agent(AgentProfile(ALICE, "Alice", "PJSIP/1001", {"support": 8}))
    acd.add_agent(AgentProfile(BOB, "Bob", "PJSIP/1002", {"support": 5}))
    return acd


def ready(engine: AcdEngine, *agents: AgentId) -> None:
    for a in agents:
        engine.sign_in(a)
        engine.go_ready(a)


def enqueue(engine: AcdEngine, cid: str) -> CallId:
    engine.enqueue(CallRequest(CallId(cid), SUPPORT))
    return CallId(cid)


def test_signing_in_leaves_the_agent_not_ready_until_they_choose_ready(engine: AcdEngine) -> None:
    engine.sign_in(ALICE)
    assert engine.agent(ALICE).state is AgentState.NOT_READY


def test_a_waiting_call_is_offered_to_the_agent_who_becomes_ready(
    engine: AcdEngine, events: list[AcdEvent]
) -> None:
    call = enqueue(engine, "c1")
    assert engine.offer_for(call) is None
    ready(engine, ALICE)
    offer = engine.offer_for(call)
    assert offer is not None and offer.agent_id == ALICE and offer.endpoint == "PJSIP/1001"
    assert engine.agent(ALICE).state is AgentState.RESERVED
    assert any(isinstance(e, AgentReserved) and e.call_id == call for e in events)


def test_answered_offer_puts_the_agent_on_call_then_wrap_up_then_ready(
    engine: AcdEngine, time: VirtualTime, events: list[AcdEvent]
) -> None:
    ready(engine, ALICE)
    call = enqueue(engine, "c1")
    time.advance(4)
    offer = engine.offer_for(call)
    assert offer is not None
    engine.offer_result(offer, "ANSWER")
    assert engine.agent(ALICE).state is AgentState.ON_CALL
    assert not engine.is_waiting(call)
    connected = [e for e in events if isinstance(e, CallConnected)]
    assert connected[0].waited == pytest.approx(4)
    time.advance(60)
    engine.call_ended(call)
    assert engine.agent(ALICE).state is AgentState.WRAP_UP
    finished = [e for e in events if isinstance(e, CallFinished)]
    assert finished[0].talk_seconds == pytest.approx(60)
    time.advance(29)
    assert engine.agent(ALICE).state is AgentState.WRAP_UP
    time.advance(2)
    assert engine.agent(ALICE).state is AgentState.READY
    assert engine.agent(ALICE).reason == "wrap-up time over"


def test_agent_can_close_wrap_up_early(engine: AcdEngine, time: VirtualTime) -> None:
    ready(engine, ALICE)
    call = enqueue(engine, "c1")
    offer = engine.offer_for(call)
    assert offer is not None
    engine.offer_result(offer, "ANSWER")
    engine.call_ended(call)
    engine.finish_wrap_up(ALICE)
    assert engine.agent(ALICE).state is AgentState.READY
    time.advance(31)  # the cancelled time box does not fire later
    assert engine.agent(ALICE).state is AgentState.READY


def test_missed_offer_requeues_the_call_with_its_original_join_time(
    engine: AcdEngine, time: VirtualTime, events: list[AcdEvent]
) -> None:
    ready(engine, ALICE)
    first = enqueue(engine, "first")
    time.advance(5)
    offer = engine.offer_for(first)
    assert offer is not None
    second = enqueue(engine, "second")
    engine.offer_result(offer, "NOANSWER")
    assert any(isinstance(e, OfferFailed) and e.status == "NOANSWER" for e in events)
    # Alice is ready again and the first caller is still ahead of the second.
    again = engine.offer_for(first)
    assert again is not None and again.agent_id == ALICE
    assert engine.offer_for(second) is None


def test_too_many_missed_offers_make_the_agent_not_ready(engine: AcdEngine) -> None:
    ready(engine, ALICE)
    call = enqueue(engine, "c1")
    for _ in range(2):
        offer = engine.offer_for(call)
        assert offer is not None
        engine.offer_result(offer, "NOANSWER")
    status = engine.agent(ALICE)
    assert status.state is AgentState.NOT_READY
    assert status.reason == "missed 2 offers in a row"


def test_caller_hanging_up_while_the_agent_rings_does_not_count_as_a_miss(
    engine: AcdEngine,
) -> None:
    ready(engine, ALICE)
    call = enqueue(engine, "c1")
    offer = engine.offer_for(call)
    assert offer is not None
    engine.offer_result(offer, "CANCEL")
    assert engine.agent(ALICE).missed_in_a_row == 0


def test_caller_leaving_the_queue_releases_the_reserved_agent(
    engine: AcdEngine, events: list[AcdEvent]
) -> None:
    ready(engine, ALICE)
    call = enqueue(engine, "c1")
    engine.leave_queue(call, "caller hung up")
    assert engine.agent(ALICE).state is AgentState.READY
    assert engine.offer_for(call) is None
    assert any(isinstance(e, CallLeftQueue) for e in events)


def test_a_reservation_nobody_dials_expires_as_a_missed_offer(
    engine: AcdEngine, time: VirtualTime, events: list[AcdEvent]
) -> None:
    ready(engine, ALICE)
    enqueue(engine, "c1")
    time.advance(61)
    assert [e.status for e in events if isinstance(e, OfferFailed)] == ["TIMEOUT"]
    assert engine.agent(ALICE).missed_in_a_row == 1


def test_an_agent_on_a_call_cannot_go_ready_or_sign_out(engine: AcdEngine) -> None:
    ready(engine, ALICE)
    call = enqueue(engine, "c1")
    offer = engine.offer_for(call)
    assert offer is not None
    engine.offer_result(offer, "ANSWER")
    with pytest.raises(IllegalTransition):
        engine.go_ready(ALICE)
    with pytest.raises(IllegalTransition):
        engine.sign_out(ALICE)


def test_state_changes_carry_reason_and_time_spent(
    engine: AcdEngine, time: VirtualTime, events: list[AcdEvent]
) -> None:
    engine.sign_in(ALICE)
    time.advance(12)
    engine.go_not_ready(ALICE, "lunch")
    changes = [e for e in events if isinstance(e, AgentStateChanged)]
    assert changes[-1].reason == "lunch"
    assert changes[-1].duration == pytest.approx(12)


def test_unknown_queue_is_refused(engine: AcdEngine) -> None:
    with pytest.raises(UnknownQueue):
        engine.enqueue(CallRequest(CallId("x"), QueueName("nope")))


def test_a_busy_phone_is_skipped_until_it_is_free_again(time: VirtualTime) -> None:
    busy = {"PJSIP/1001"}
    acd = AcdEngine(
        [QueueConfig(SUPPORT, "support", 1)],
        clock=time,
        scheduler=time,
        publish=lambda e: None,
        phone_free=lambda endpoint: endpoint not in busy,
    )
    acd.add_agent(AgentProfile(ALICE, "Alice", "PJSIP/1001", {"support": 8}))
    ready(acd, ALICE)
    call = enqueue(acd, "c1")
    assert acd.offer_for(call) is None
    busy.clear()
    acd.phone_changed("PJSIP/1001")
    offer = acd.offer_for(call)
    assert offer is not None and offer.agent_id == ALICE


def test_a_call_queued_again_with_its_old_join_time_goes_ahead_of_newer_callers(
    engine: AcdEngine, time: VirtualTime
) -> None:
    joined_long_ago = time.now()
    time.advance(120)
    newer = enqueue(engine, "newer")
    time.advance(5)
    engine.enqueue(CallRequest(CallId("resumed"), SUPPORT), joined_at=joined_long_ago)
    ready(engine, ALICE)
    offer = engine.offer_for(CallId("resumed"))
    assert offer is not None and offer.agent_id == ALICE
    assert engine.offer_for(newer) is None


def test_a_join_time_in_the_future_is_taken_as_now(engine: AcdEngine, time: VirtualTime) -> None:
    engine.enqueue(CallRequest(CallId("c1"), SUPPORT), joined_at=time.now() + 60)
    [waiting] = engine.waiting()
    assert waiting.joined_at == time.now()


def test_a_restored_agent_is_signed_in_in_their_old_state_and_takes_calls_if_ready(
    engine: AcdEngine, time: VirtualTime, events: list[AcdEvent]
) -> None:
    engine.restore(ALICE, AgentState.NOT_READY, "Lunch", time.now() - 60)
    alice = engine.agent(ALICE)
    assert (alice.state, alice.reason, alice.since) == (
        AgentState.NOT_READY,
        "Lunch",
        time.now() - 60,
    )
    cid = enqueue(engine, "c1")
    engine.restore(BOB, AgentState.READY, None, time.now() - 10)
    offer = engine.offer_for(cid)
    assert offer is not None and offer.agent_id == BOB
    restored = [e for e in events if isinstance(e, AgentStateChanged) and e.agent_id == ALICE]
    assert [e.reason for e in restored] == ["restored after a restart", "Lunch"]


def test_restoring_an_agent_already_signed_in_changes_nothing(engine: AcdEngine) -> None:
    ready(engine, ALICE)
    engine.restore(ALICE, AgentState.NOT_READY, "Lunch", 0.0)
    assert engine.agent(ALICE).state is AgentState.READY


def test_a_raised_priority_moves_a_waiting_call_ahead_and_is_logged(
    engine: AcdEngine, time: VirtualTime, events: list[AcdEvent]
) -> None:
    first = enqueue(engine, "c1")
    time.advance(10)
    second = enqueue(engine, "c2")
    engine.change_priority(second, 5, "lead")
    assert [w.request.call_id for w in engine.in_line()] == [second, first]
    assert events[-1] == CallPriorityChanged(second, SUPPORT, 5, 0, "lead", time.now())
    ready(engine, BOB)
    offer = engine.offer_for(second)
    assert offer is not None and offer.agent_id == BOB


def test_a_lowered_priority_keeps_the_original_join_time(
    engine: AcdEngine, time: VirtualTime
) -> None:
    engine.enqueue(CallRequest(CallId("gold"), SUPPORT, priority=10))
    joined = time.now()
    time.advance(5)
    second = enqueue(engine, "c2")
    engine.change_priority(CallId("gold"), 0, "lead")
    assert [w.request.call_id for w in engine.in_line()] == [CallId("gold"), second]
    assert engine.in_line()[0].joined_at == joined


def test_changing_the_priority_of_a_call_not_waiting_is_refused(engine: AcdEngine) -> None:
    with pytest.raises(UnknownCall):
        engine.change_priority(CallId("nobody"), 3, "lead")
