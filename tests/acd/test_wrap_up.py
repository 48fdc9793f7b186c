"""Wrap-up modes per queue: optional, mandatory, time-boxed, time-boxed with no early exit."""

import pytest

from acd.engine import AcdEngine, WrapUpLocked
from acd.model import AgentProfile, CallRequest, QueueConfig, WrapUpMode
from acd.states import AgentState, IllegalTransition
from cti.ids import AgentId, CallId, QueueName
from tests.acd.fakes import VirtualTime

Q, ALICE = QueueName("q"), AgentId("alice")


def after_a_call(mode: WrapUpMode) -> tuple[AcdEngine, VirtualTime]:
    time = VirtualTime()
    engine = AcdEngine(
        [QueueConfig(Q, "s", wrap_up_seconds=30, wrap_up_mode=mode)],
        clock=time,
        scheduler=time,
        publish=lambda e: None,
    )
    engine.add_agent(AgentProfile(ALICE, "Alice", "PJSIP/1", {"s": 5}))
    engine.sign_in(ALICE)
    engine.go_ready(ALICE)
    engine.enqueue(CallRequest(CallId("c"), Q))
    offer = engine.offer_for(CallId("c"))
    assert offer is not None
    engine.offer_result(offer, "ANSWER")
    engine.call_ended(CallId("c"))
    return engine, time


def test_optional_wrap_up_makes_the_agent_ready_as_soon_as_the_call_ends() -> None:
    engine, _ = after_a_call(WrapUpMode.OPTIONAL)
    assert engine.agent(ALICE).state is AgentState.READY


def test_mandatory_wrap_up_never_ends_by_itself_but_the_agent_may_close_it() -> None:
    engine, time = after_a_call(WrapUpMode.MANDATORY)
    time.advance(3600)
    assert engine.agent(ALICE).state is AgentState.WRAP_UP
    engine.finish_wrap_up(ALICE)
    assert engine.agent(ALICE).state is AgentState.READY


def test_timed_wrap_up_ends_at_the_time_box_or_earlier_on_request() -> None:
    engine, time = after_a_call(WrapUpMode.TIMED)
    time.advance(30)
    assert engine.agent(ALICE).state is AgentState.READY
    engine, time = after_a_call(WrapUpMode.TIMED)
    engine.finish_wrap_up(ALICE)
    assert engine.agent(ALICE).state is AgentState.READY


def test_timed_wrap_up_without_early_exit_refuses_to_end_before_the_time_box() -> None:
    engine, time = after_a_call(WrapUpMode.TIMED_NO_EARLY_EXIT)
    time.advance(10)
    with pytest.raises(WrapUpLocked) as refused:
        engine.finish_wrap_up(ALICE)
    assert isinstance(refused.value, IllegalTransition)
    assert "20 s left" in str(refused.value)
    with pytest.raises(WrapUpLocked):
        engine.go_not_ready(ALICE, "break")
    time.advance(20)
    assert engine.agent(ALICE).state is AgentState.READY
    engine.go_not_ready(ALICE, "break")
    assert engine.agent(ALICE).state is AgentState.NOT_READY
