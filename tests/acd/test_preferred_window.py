"""The preferred-agent window: a call waits for its preferred agent alone while that agent
is ready or soon ready, for up to the queue's ``preferred_window`` seconds."""

import pytest

from acd.engine import AcdEngine
from acd.model import AgentProfile, AgentStatus, CallRequest, QueueConfig, WaitingCall
from acd.preferred import holds, in_window, window_end
from acd.queue_config import QueueConfigError, parse_queues
from acd.states import AgentState
from acd.trace import SkipReason
from cti.ids import AgentId, CallId, QueueName
from tests.acd.fakes import VirtualTime

SUPPORT = QueueName("support")
WINDOW = 20.0
QUEUE = QueueConfig(SUPPORT, "support", 3, wrap_up_seconds=30, preferred_window=WINDOW)
MANAGER, OTHER, FIRST = AgentId("manager"), AgentId("other"), CallId("first")


def status(state: AgentState, support: int = 5) -> AgentStatus:
    return AgentStatus(AgentProfile(MANAGER, "M", "PJSIP/m", {"support": support}), state=state)


def waiting(joined: float = 0.0, preferred: AgentId | None = MANAGER) -> WaitingCall:
    return WaitingCall(CallRequest(CallId("c"), SUPPORT, preferred_agent=preferred), joined)


@pytest.mark.parametrize(
    ("state", "held"),
    [
        (AgentState.READY, True),
        (AgentState.RESERVED, True),
        (AgentState.ON_CALL, True),
        (AgentState.WRAP_UP, True),
        (AgentState.NOT_READY, False),
        (AgentState.SIGNED_OUT, False),
    ],
)
def test_a_call_is_held_while_its_preferred_agent_is_ready_or_soon_ready(
    state: AgentState, held: bool
) -> None:
    assert holds(waiting(), QUEUE, status(state), {"support": 3}, now=5) is held


def test_the_window_counts_from_the_join_time_and_ends_after_the_queues_seconds() -> None:
    call = waiting(joined=100)
    assert window_end(call, QUEUE) == 100 + WINDOW
    assert in_window(call, QUEUE, 100 + WINDOW - 0.1)
    assert not in_window(call, QUEUE, 100 + WINDOW)


def test_no_window_without_a_preferred_agent_a_window_length_or_after_a_declined_offer() -> None:
    assert window_end(waiting(preferred=None), QUEUE) is None
    no_window = QueueConfig(SUPPORT, "support")
    assert window_end(waiting(), no_window) is None
    declined = waiting()
    declined.preferred_declined = True
    assert window_end(declined, QUEUE) is None


def test_a_preferred_agent_without_the_steps_skills_holds_nothing() -> None:
    assert not holds(waiting(), QUEUE, status(AgentState.ON_CALL, 2), {"support": 3}, now=5)


def test_the_window_is_read_from_the_queue_file_and_must_be_a_number() -> None:
    queues = parse_queues({"support": {"preferred_window": 15}})
    assert queues[SUPPORT].preferred_window == 15
    with pytest.raises(QueueConfigError, match=r"support\.preferred_window"):
        parse_queues({"support": {"preferred_window": "soon"}})


# -- in the engine -----------------------------------------------------------------------
@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def engine(time: VirtualTime) -> AcdEngine:
    acd = AcdEngine([QUEUE], clock=time, scheduler=time, publish=lambda e: None)
    for agent_id in (MANAGER, OTHER):
        acd.add_agent(AgentProfile(agent_id, agent_id, f"PJSIP/{agent_id}", {"support": 5}))
        acd.sign_in(agent_id)
        acd.go_ready(agent_id)
    return acd


def busy_manager(engine: AcdEngine) -> None:
    """The manager takes another caller's call and is on it."""
    engine.enqueue(CallRequest(CallId("other-caller"), SUPPORT))
    offer = engine.offer_for(CallId("other-caller"))
    assert offer is not None
    if offer.agent_id != MANAGER:  # the other agent got it: hand the manager one too
        engine.offer_result(offer, "ANSWER")
        engine.enqueue(CallRequest(CallId("second-caller"), SUPPORT))
        offer = engine.offer_for(CallId("second-caller"))
        assert offer is not None and offer.agent_id == MANAGER
        engine.call_ended(CallId("other-caller"))
        engine.finish_wrap_up(OTHER)
    engine.offer_result(offer, "ANSWER")


def customer_call(engine: AcdEngine) -> None:
    engine.enqueue(CallRequest(FIRST, SUPPORT, preferred_agent=MANAGER))


def test_a_free_preferred_agent_is_offered_the_call_first(engine: AcdEngine) -> None:
    customer_call(engine)
    offer = engine.offer_for(FIRST)
    assert offer is not None and offer.agent_id == MANAGER
    assert "by preferred agent" in offer.trace


def test_while_the_preferred_agent_is_on_a_call_nobody_else_is_offered_it(
    engine: AcdEngine, time: VirtualTime
) -> None:
    busy_manager(engine)
    customer_call(engine)
    assert engine.offer_for(FIRST) is None
    why = engine.explain(FIRST)
    assert why.skipped.get(SkipReason.PREFERRED_WINDOW) == 1
    assert "1 preferred window" in why.text()
    time.advance(WINDOW - 1)
    assert engine.offer_for(FIRST) is None


def test_the_preferred_agent_gets_the_call_when_free_within_the_window(
    engine: AcdEngine, time: VirtualTime
) -> None:
    busy_manager(engine)
    customer_call(engine)
    time.advance(5)
    talking = next(a.call_id for a in engine.agents() if a.profile.agent_id == MANAGER)
    assert talking is not None
    engine.call_ended(talking)
    time.advance(3)
    assert engine.offer_for(FIRST) is None  # wrap-up is soon ready: still held
    engine.finish_wrap_up(MANAGER)
    offer = engine.offer_for(FIRST)
    assert offer is not None and offer.agent_id == MANAGER
    assert "1 preferred window" in offer.trace  # the other ready agent, passed over


def test_when_the_window_ends_the_call_goes_to_normal_routing(
    engine: AcdEngine, time: VirtualTime
) -> None:
    busy_manager(engine)
    customer_call(engine)
    time.advance(WINDOW)
    offer = engine.offer_for(FIRST)
    assert offer is not None and offer.agent_id == OTHER


@pytest.mark.parametrize("leaves", ["not ready", "sign out"])
def test_a_preferred_agent_who_goes_away_releases_the_call_at_once(
    engine: AcdEngine, time: VirtualTime, leaves: str
) -> None:
    busy_manager(engine)
    customer_call(engine)
    talking = engine.agent(MANAGER).call_id
    assert talking is not None
    engine.call_ended(talking)  # timed wrap-up: may leave it early
    if leaves == "not ready":
        engine.go_not_ready(MANAGER, "lunch")
    else:
        engine.go_not_ready(MANAGER, "leaving")
        engine.sign_out(MANAGER)
    offer = engine.offer_for(FIRST)
    assert offer is not None and offer.agent_id == OTHER


def test_a_preferred_agent_who_lets_the_offer_ring_out_ends_the_wait_for_them(
    time: VirtualTime,
) -> None:
    """Their phone still rings when the no-answer comes back, so they are ready with a busy
    phone (soon ready): without the miss the call would keep waiting for them."""
    busy: set[str] = set()
    acd = AcdEngine(
        [QUEUE],
        clock=time,
        scheduler=time,
        publish=lambda e: None,
        phone_free=lambda endpoint: endpoint not in busy,
    )
    for agent_id in (MANAGER, OTHER):
        acd.add_agent(AgentProfile(agent_id, agent_id, f"PJSIP/{agent_id}", {"support": 5}))
        acd.sign_in(agent_id)
    acd.go_ready(MANAGER)
    customer_call(acd)
    offer = acd.offer_for(FIRST)
    assert offer is not None and offer.agent_id == MANAGER
    acd.go_ready(OTHER)
    busy.add("PJSIP/manager")
    acd.phone_changed("PJSIP/manager")
    acd.offer_result(offer, "NOANSWER")
    offer = acd.offer_for(FIRST)
    assert offer is not None and offer.agent_id == OTHER


def test_a_held_call_claims_its_preferred_agent_before_older_calls(
    engine: AcdEngine, time: VirtualTime
) -> None:
    """When the manager is free again, their customer's call (held for them) is offered to
    them even though an older call waits too: the window gives the call first claim."""
    busy_manager(engine)
    engine.go_not_ready(OTHER, "break")
    engine.enqueue(CallRequest(CallId("older"), SUPPORT))
    time.advance(1)
    customer_call(engine)
    talking = engine.agent(MANAGER).call_id
    assert talking is not None
    engine.call_ended(talking)
    engine.finish_wrap_up(MANAGER)
    offer = engine.offer_for(FIRST)
    assert offer is not None and offer.agent_id == MANAGER
    assert engine.offer_for(CallId("older")) is None
