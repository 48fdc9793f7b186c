"""An admin's edits reach the running engine: skills, phone, agents added and retired; and a
colleague who joins a call outside an offer (an attended transfer) is on call, then wraps up."""

import pytest

from acd.engine import AcdEngine, UnknownAgent, UnknownQueue
from acd.events import AcdEvent, AgentStateChanged, CallFinished
from acd.model import AgentProfile, CallRequest, QueueConfig, WrapUpMode
from acd.states import AgentState, IllegalTransition
from cti.ids import AgentId, CallId, QueueName
from tests.acd.fakes import VirtualTime

SALES, SUPPORT = QueueName("sales"), QueueName("support")
ALICE, BOB, CAROL = AgentId("alice"), AgentId("bob"), AgentId("carol")


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def events() -> list[AcdEvent]:
    return []


@pytest.fixture
def engine(time: VirtualTime, events: list[AcdEvent]) -> AcdEngine:
    acd = AcdEngine(
        [
            QueueConfig(SALES, "sales", 1, wrap_up_seconds=30),
            QueueConfig(SUPPORT, "support", 5, wrap_up_seconds=30),
        ],
        clock=time,
        scheduler=time,
        publish=events.append,
        phone_free=lambda endpoint: endpoint != "PJSIP/busy",
    )
    acd.add_agent(AgentProfile(ALICE, "Alice", "PJSIP/1001", {"sales": 5}))
    acd.add_agent(AgentProfile(BOB, "Bob", "PJSIP/1002", {"sales": 5}))
    return acd


def ready(engine: AcdEngine, *agents: AgentId) -> None:
    for a in agents:
        engine.sign_in(a)
        engine.go_ready(a)


def enqueue(engine: AcdEngine, cid: str, queue: QueueName) -> CallId:
    engine.enqueue(CallRequest(CallId(cid), queue))
    return CallId(cid)


def answer(engine: AcdEngine, call: CallId) -> AgentId:
    offer = engine.offer_for(call)
    assert offer is not None
    engine.offer_result(offer, "ANSWER")
    return offer.agent_id


# -- skills ---------------------------------------------------------------------------------
def test_a_ready_agent_given_a_skill_is_offered_the_call_waiting_for_it_at_once(
    engine: AcdEngine,
) -> None:
    ready(engine, ALICE)
    call = enqueue(engine, "s1", SUPPORT)
    assert engine.offer_for(call) is None
    engine.set_skills(ALICE, {"sales": 5, "support": 6})
    offer = engine.offer_for(call)
    assert offer is not None and offer.agent_id == ALICE


def test_a_skill_below_the_queue_level_is_filed_under_its_level_and_not_offered(
    engine: AcdEngine,
) -> None:
    ready(engine, ALICE)
    call = enqueue(engine, "s1", SUPPORT)
    engine.set_skills(ALICE, {"support": 4})  # support needs level 5
    assert engine.offer_for(call) is None
    engine.set_skills(ALICE, {"support": 5})
    assert engine.offer_for(call) is not None


def test_a_ready_agent_whose_skill_is_taken_away_is_no_longer_offered_its_calls(
    engine: AcdEngine,
) -> None:
    ready(engine, ALICE)
    engine.set_skills(ALICE, {"support": 9})
    call = enqueue(engine, "s1", SALES)
    assert engine.offer_for(call) is None
    assert engine.agent(ALICE).state is AgentState.READY


def test_a_skill_edit_keeps_the_agents_place_in_the_longest_idle_order(
    engine: AcdEngine, time: VirtualTime
) -> None:
    ready(engine, ALICE)
    time.advance(10)
    ready(engine, BOB)
    engine.set_skills(ALICE, {"sales": 5, "support": 5})  # re-filed, still idle longer
    call = enqueue(engine, "c1", SALES)
    offer = engine.offer_for(call)
    assert offer is not None and offer.agent_id == ALICE


def test_a_skill_edit_of_an_agent_on_a_call_counts_for_their_next_call(
    engine: AcdEngine, time: VirtualTime
) -> None:
    ready(engine, ALICE)
    first = enqueue(engine, "c1", SALES)
    answer(engine, first)
    engine.set_skills(ALICE, {"support": 7})
    waiting = enqueue(engine, "s1", SUPPORT)
    assert engine.offer_for(waiting) is None
    engine.call_ended(first)
    time.advance(31)  # wrap-up over: ready, and now qualified for support
    offer = engine.offer_for(waiting)
    assert offer is not None and offer.agent_id == ALICE


def test_editing_the_skills_of_an_unknown_agent_is_refused(engine: AcdEngine) -> None:
    with pytest.raises(UnknownAgent):
        engine.set_skills(AgentId("nobody"), {"sales": 1})


# -- phone ----------------------------------------------------------------------------------
def test_a_new_phone_is_rung_by_the_next_offer(engine: AcdEngine) -> None:
    ready(engine, ALICE)
    engine.set_endpoint(ALICE, "PJSIP/2001")
    call = enqueue(engine, "c1", SALES)
    offer = engine.offer_for(call)
    assert offer is not None and offer.endpoint == "PJSIP/2001"


def test_a_ready_agent_moved_to_a_busy_phone_is_not_offered_until_it_frees(
    engine: AcdEngine,
) -> None:
    ready(engine, ALICE)
    engine.set_endpoint(ALICE, "PJSIP/busy")
    call = enqueue(engine, "c1", SALES)
    assert engine.offer_for(call) is None
    engine.set_endpoint(ALICE, "PJSIP/1001")
    assert engine.offer_for(call) is not None


# -- agents added and retired ---------------------------------------------------------------
def test_an_agent_added_while_running_can_sign_in_and_take_calls(engine: AcdEngine) -> None:
    engine.keep_agent(AgentProfile(CAROL, "Carol", "PJSIP/1003", {"support": 5}))
    ready(engine, CAROL)
    call = enqueue(engine, "s1", SUPPORT)
    offer = engine.offer_for(call)
    assert offer is not None and offer.agent_id == CAROL


def test_a_retired_agent_at_their_desk_is_signed_out_and_forgotten(
    engine: AcdEngine, events: list[AcdEvent]
) -> None:
    ready(engine, ALICE)
    engine.retire_agent(ALICE)
    assert not engine.has_agent(ALICE)
    last = [e for e in events if isinstance(e, AgentStateChanged)][-1]
    assert (last.agent_id, last.state, last.reason) == (ALICE, "signed_out", "no longer an agent")
    call = enqueue(engine, "c1", SALES)
    assert engine.offer_for(call) is None
    with pytest.raises(UnknownAgent):
        engine.sign_in(ALICE)


def retired_on_a_call(engine: AcdEngine) -> CallId:
    """Alice answers a call, then an admin removes her."""
    ready(engine, ALICE)
    call = enqueue(engine, "c1", SALES)
    answer(engine, call)
    engine.retire_agent(ALICE)
    return call


def test_a_retired_agent_on_a_call_finishes_it_and_is_forgotten_after_wrap_up(
    engine: AcdEngine, time: VirtualTime
) -> None:
    call = retired_on_a_call(engine)
    assert engine.agent(ALICE).state is AgentState.ON_CALL
    engine.call_ended(call)
    assert engine.agent(ALICE).state is AgentState.WRAP_UP
    time.advance(31)
    assert not engine.has_agent(ALICE)


def test_an_agent_kept_again_before_their_call_ends_stays(
    engine: AcdEngine, time: VirtualTime
) -> None:
    call = retired_on_a_call(engine)
    engine.keep_agent(AgentProfile(ALICE, "Alice", "PJSIP/1001", {"sales": 5}))
    engine.call_ended(call)
    time.advance(31)
    assert engine.agent(ALICE).state is AgentState.READY


def test_retiring_an_unknown_agent_changes_nothing(engine: AcdEngine) -> None:
    engine.retire_agent(AgentId("nobody"))
    assert {a.profile.agent_id for a in engine.agents()} == {ALICE, BOB}


# -- a call joined outside an offer ---------------------------------------------------------
def test_a_colleague_who_joins_a_call_is_on_call_and_offered_nothing(
    engine: AcdEngine, events: list[AcdEvent]
) -> None:
    ready(engine, BOB)
    engine.join_call(BOB, CallId("t1"), SALES, "consultation from alice")
    status = engine.agent(BOB)
    assert (status.state, status.call_id) == (AgentState.ON_CALL, CallId("t1"))
    call = enqueue(engine, "c2", SALES)
    assert engine.offer_for(call) is None
    changed = [e for e in events if isinstance(e, AgentStateChanged)][-1]
    assert (changed.state, changed.call_id) == ("on_call", CallId("t1"))


def test_a_joined_call_ends_in_the_queues_wrap_up_with_its_talk_time(
    engine: AcdEngine, time: VirtualTime, events: list[AcdEvent]
) -> None:
    engine.sign_in(BOB)  # not ready (a break): a consultation still reaches them
    engine.join_call(BOB, CallId("t1"), SALES)
    time.advance(45)
    engine.leave_call(BOB)
    assert engine.agent(BOB).state is AgentState.WRAP_UP
    [finished] = [e for e in events if isinstance(e, CallFinished)]
    assert (finished.call_id, finished.agent_id) == (CallId("t1"), BOB)
    assert finished.talk_seconds == pytest.approx(45)
    time.advance(31)
    assert engine.agent(BOB).state is AgentState.READY


def test_a_joined_call_follows_an_optional_wrap_up_straight_to_ready(
    time: VirtualTime, events: list[AcdEvent]
) -> None:
    queue = QueueConfig(SALES, "sales", wrap_up_mode=WrapUpMode.OPTIONAL)
    engine = AcdEngine([queue], clock=time, scheduler=time, publish=events.append)
    engine.add_agent(AgentProfile(BOB, "Bob", "PJSIP/1002", {"sales": 5}))
    ready(engine, BOB)
    engine.join_call(BOB, CallId("t1"), SALES)
    engine.leave_call(BOB)
    assert engine.agent(BOB).state is AgentState.READY


def test_joining_a_call_is_refused_to_an_agent_signed_out_or_already_busy(
    engine: AcdEngine,
) -> None:
    with pytest.raises(IllegalTransition):
        engine.join_call(BOB, CallId("t1"), SALES)
    ready(engine, ALICE)
    call = enqueue(engine, "c1", SALES)
    assert engine.agent(ALICE).state is AgentState.RESERVED
    with pytest.raises(IllegalTransition):
        engine.join_call(ALICE, CallId("t1"), SALES)
    assert engine.agent(ALICE).call_id == call


def test_joining_a_call_of_an_unknown_queue_is_refused(engine: AcdEngine) -> None:
    ready(engine, BOB)
    with pytest.raises(UnknownQueue):
        engine.join_call(BOB, CallId("t1"), QueueName("nowhere"))


def test_leaving_a_call_never_joined_changes_nothing(engine: AcdEngine) -> None:
    ready(engine, BOB)
    engine.leave_call(BOB)
    assert engine.agent(BOB).state is AgentState.READY
