"""Routing steps over time: relaxation at the step timeout, overflow after the last step."""

import pytest

from acd.engine import AcdEngine, UnknownQueue
from acd.events import AcdEvent, AgentReserved, CallOverflowed
from acd.model import (
    AgentProfile,
    CallRequest,
    Overflow,
    OverflowAction,
    QueueConfig,
    RoutingStep,
)
from cti.ids import AgentId, CallId, QueueName
from tests.acd.fakes import VirtualTime

SUPPORT, GENERAL = QueueName("support"), QueueName("general")
JUNIOR, GENERALIST = AgentId("junior"), AgentId("generalist")
STEPS = (RoutingStep({"support": 7}, timeout=30), RoutingStep({"support": 3}, timeout=90))


def build(overflow: Overflow | None) -> tuple[AcdEngine, VirtualTime, list[AcdEvent]]:
    time, events = VirtualTime(), []
    engine = AcdEngine(
        [
            QueueConfig(SUPPORT, "support", steps=STEPS, overflow=overflow),
            QueueConfig(GENERAL, "general"),
        ],
        clock=time,
        scheduler=time,
        publish=events.append,
    )
    engine.add_agent(AgentProfile(JUNIOR, "J", "PJSIP/1", {"support": 4}))
    engine.add_agent(AgentProfile(GENERALIST, "G", "PJSIP/2", {"general": 5}))
    return engine, time, events


def test_call_waits_for_a_senior_then_relaxes_to_a_junior_at_the_step_timeout() -> None:
    engine, time, _ = build(None)
    engine.sign_in(JUNIOR)
    engine.go_ready(JUNIOR)
    engine.enqueue(CallRequest(CallId("c"), SUPPORT))
    time.advance(29)
    assert engine.offer_for(CallId("c")) is None
    time.advance(1)
    offer = engine.offer_for(CallId("c"))
    assert offer is not None and offer.agent_id == JUNIOR
    assert engine.explain(CallId("c")).decision is not None


def test_after_the_last_step_the_call_overflows_to_another_queue_keeping_its_join_time() -> None:
    engine, time, events = build(Overflow(OverflowAction.QUEUE, GENERAL))
    engine.enqueue(CallRequest(CallId("c"), SUPPORT))
    time.advance(90)
    [overflowed] = [e for e in events if isinstance(e, CallOverflowed)]
    assert (overflowed.action, overflowed.to_queue, overflowed.waited) == ("queue", GENERAL, 90)
    assert engine.is_waiting(CallId("c"))
    time.advance(10)
    engine.sign_in(GENERALIST)
    engine.go_ready(GENERALIST)
    [reserved] = [e for e in events if isinstance(e, AgentReserved)]
    assert (reserved.agent_id, reserved.queue, reserved.waited) == (GENERALIST, GENERAL, 100)


@pytest.mark.parametrize("action", [OverflowAction.CALLBACK, OverflowAction.VOICEMAIL])
def test_callback_or_voicemail_overflow_takes_the_call_out_of_the_queue(
    action: OverflowAction,
) -> None:
    engine, time, events = build(Overflow(action))
    engine.enqueue(CallRequest(CallId("c"), SUPPORT))
    time.advance(89)
    assert engine.is_waiting(CallId("c"))
    time.advance(1)
    assert not engine.is_waiting(CallId("c"))
    assert [e.action for e in events if isinstance(e, CallOverflowed)] == [action.value]
    time.advance(1000)
    assert len([e for e in events if isinstance(e, CallOverflowed)]) == 1


def test_a_call_ringing_an_agent_at_the_last_timeout_overflows_only_if_the_offer_fails() -> None:
    engine, time, events = build(Overflow(OverflowAction.VOICEMAIL))
    engine.enqueue(CallRequest(CallId("c"), SUPPORT))
    time.advance(85)
    engine.sign_in(JUNIOR)
    engine.go_ready(JUNIOR)
    offer = engine.offer_for(CallId("c"))
    assert offer is not None
    time.advance(10)
    assert engine.is_waiting(CallId("c"))
    engine.offer_result(offer, "NOANSWER")
    assert not engine.is_waiting(CallId("c"))
    assert [e.action for e in events if isinstance(e, CallOverflowed)] == ["voicemail"]


def test_overflow_to_a_queue_that_does_not_exist_is_refused_at_start() -> None:
    time = VirtualTime()
    with pytest.raises(UnknownQueue):
        AcdEngine(
            [
                QueueConfig(
                    SUPPORT, "s", steps=STEPS, overflow=Overflow(OverflowAction.QUEUE, GENERAL)
                )
            ],
            clock=time,
            scheduler=time,
            publish=lambda e: None,
        )


def test_a_busy_phone_keeps_the_agent_from_being_offered_until_it_is_free() -> None:
    time, busy = VirtualTime(), {"PJSIP/1"}
    engine = AcdEngine(
        [QueueConfig(SUPPORT, "support")],
        clock=time,
        scheduler=time,
        publish=lambda e: None,
        phone_free=lambda endpoint: endpoint not in busy,
    )
    engine.add_agent(AgentProfile(JUNIOR, "J", "PJSIP/1", {"support": 4}))
    engine.sign_in(JUNIOR)
    engine.go_ready(JUNIOR)
    engine.enqueue(CallRequest(CallId("c"), SUPPORT))
    assert engine.offer_for(CallId("c")) is None
    assert "1 phone busy" in engine.explain(CallId("c")).text()
