"""Explainability: why a call is still waiting, and why its agent was chosen."""

import pytest

from acd.engine import AcdEngine, UnknownCall
from acd.model import AgentProfile, CallRequest, QueueConfig, RoutingStep
from acd.trace import SkipReason
from cti.ids import AgentId, CallId, QueueName
from tests.acd.fakes import VirtualTime

SUPPORT = QueueName("support")
STEPS = (RoutingStep({"support": 7}, timeout=30), RoutingStep({"support": 3}))


@pytest.fixture
def engine() -> AcdEngine:
    time = VirtualTime()
    acd = AcdEngine(
        [QueueConfig(SUPPORT, "support", steps=STEPS)],
        clock=time,
        scheduler=time,
        publish=lambda e: None,
    )
    for name, level in [("senior", 8), ("junior", 4), ("mid", 5), ("away", 9)]:
        acd.add_agent(AgentProfile(AgentId(name), name, f"PJSIP/{name}", {"support": level}))
    for name in ["junior", "mid"]:
        acd.sign_in(AgentId(name))
        acd.go_ready(AgentId(name))
    return acd


def test_a_waiting_call_explains_its_step_position_and_the_agents_skipped_by_reason(
    engine: AcdEngine,
) -> None:
    engine.enqueue(CallRequest(CallId("first"), SUPPORT))
    engine.enqueue(CallRequest(CallId("second"), SUPPORT))
    why = engine.explain(CallId("second"))
    assert (why.state, why.step, why.position) == ("waiting", 1, 2)
    assert why.needed == {"support": 7}
    assert why.skipped == {SkipReason.NOT_READY: 2, SkipReason.NOT_QUALIFIED: 2}
    assert why.text().startswith("waiting at position 2 in support, step 1")


def test_a_connected_call_explains_why_this_agent(engine: AcdEngine) -> None:
    engine.sign_in(AgentId("senior"))
    engine.go_ready(AgentId("senior"))
    engine.enqueue(CallRequest(CallId("c"), SUPPORT, skills={"support": 4}))
    offer = engine.offer_for(CallId("c"))
    assert offer is not None
    assert engine.explain(CallId("c")).state == "reserved"
    engine.offer_result(offer, "ANSWER")
    why = engine.explain(CallId("c"))
    assert why.state == "connected" and why.decision is not None
    assert why.decision.chosen.agent_id == "senior"
    assert why.decision.skipped == {SkipReason.NOT_READY: 1, SkipReason.NOT_QUALIFIED: 2}
    assert "senior by longest idle" in why.text()


def test_explaining_an_unknown_or_finished_call_is_refused(engine: AcdEngine) -> None:
    with pytest.raises(UnknownCall):
        engine.explain(CallId("nope"))
    engine.enqueue(CallRequest(CallId("c"), SUPPORT))
    engine.leave_queue(CallId("c"), "caller hung up")
    with pytest.raises(UnknownCall):
        engine.explain(CallId("c"))
