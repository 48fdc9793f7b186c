"""Routing policy: skills, longest idle, priority, preferred agent."""

from collections.abc import Mapping

import pytest

from acd.model import (
    AgentProfile,
    AgentStatus,
    CallRequest,
    Overflow,
    OverflowAction,
    QueueConfig,
    RoutingStep,
    WaitingCall,
)
from acd.routing import call_order, match
from acd.states import AgentState
from acd.trace import Candidate, SkipReason
from cti.ids import AgentId, CallId, QueueName

SUPPORT = QueueName("support")
QUEUES = {SUPPORT: QueueConfig(SUPPORT, "support", min_level=3)}


def agent(
    name: str, support: int, idle_since: float, state: AgentState = AgentState.READY
) -> AgentStatus:
    profile = AgentProfile(AgentId(name), name, f"PJSIP/{name}", {"support": support})
    return AgentStatus(profile, state=state, idle_since=idle_since)


def call(cid: str, joined: float, priority: int = 0, preferred: str | None = None) -> WaitingCall:
    request = CallRequest(
        CallId(cid),
        SUPPORT,
        priority=priority,
        preferred_agent=AgentId(preferred) if preferred else None,
    )
    return WaitingCall(request, joined_at=joined)


def test_longest_idle_qualified_agent_gets_the_call() -> None:
    agents = [
        agent("a", 5, idle_since=50),
        agent("b", 5, idle_since=10),
        agent("c", 5, idle_since=30),
    ]
    [m] = match([call("x", 0)], agents, QUEUES, now=100)
    assert m.agent.profile.agent_id == "b"
    assert m.trace.startswith("b by longest idle (90) at step 1")


def test_agent_below_the_queue_minimum_level_is_not_chosen() -> None:
    agents = [agent("low", 2, idle_since=0), agent("ok", 3, idle_since=50)]
    [m] = match([call("x", 0)], agents, QUEUES, now=100)
    assert m.agent.profile.agent_id == "ok"


def test_no_match_when_no_agent_is_ready() -> None:
    agents = [agent("a", 9, 0, AgentState.NOT_READY), agent("b", 9, 0, AgentState.ON_CALL)]
    assert match([call("x", 0)], agents, QUEUES, now=100) == []


def test_higher_priority_call_is_served_first_then_earliest_join() -> None:
    agents = [agent("a", 5, idle_since=0)]
    calls = [call("early", 0), call("gold", 50, priority=10), call("later", 20)]
    [m] = match(calls, agents, QUEUES, now=100)
    assert m.call.request.call_id == "gold"


def test_each_agent_is_reserved_for_at_most_one_call() -> None:
    agents = [agent("a", 5, 0), agent("b", 5, 1)]
    matches = match([call("1", 0), call("2", 1), call("3", 2)], agents, QUEUES, now=10)
    assert [m.call.request.call_id for m in matches] == ["1", "2"]
    assert len({m.agent.profile.agent_id for m in matches}) == 2


def test_preferred_agent_takes_the_call_when_ready_and_qualified() -> None:
    agents = [agent("a", 5, idle_since=0), agent("manager", 5, idle_since=90)]
    [m] = match([call("x", 0, preferred="manager")], agents, QUEUES, now=100)
    assert m.agent.profile.agent_id == "manager"
    assert "preferred" in m.trace


def test_call_already_reserved_is_not_matched_again() -> None:
    waiting = call("x", 0)
    waiting.reserved_for = AgentId("a")
    assert match([waiting], [agent("b", 5, 0)], QUEUES, now=10) == []


def test_priority_buys_a_bounded_head_start_so_long_waiting_bronze_beats_new_gold() -> None:
    # 15 s per priority point: gold (10) is 135 s ahead of bronze (1).
    agents = [agent("a", 5, idle_since=0)]
    bronze_early = call("bronze", joined=0, priority=1)
    gold_late = call("gold", joined=134, priority=10)
    [m] = match([bronze_early, gold_late], agents, QUEUES, now=134)
    assert m.call.request.call_id == "gold"
    gold_later = call("gold", joined=136, priority=10)
    [m] = match([bronze_early, gold_later], agents, QUEUES, now=136)
    assert m.call.request.call_id == "bronze"


def test_call_order_key_is_join_time_minus_priority_head_start() -> None:
    assert call_order(call("x", joined=100, priority=2), head_start=30) == (40, 100, "x")


def test_best_skill_fit_prefers_the_most_skilled_agent_then_longest_idle() -> None:
    queues = {SUPPORT: QueueConfig(SUPPORT, "support", min_level=3, choice="best_skill_fit")}
    agents = [
        agent("idle_longest", 4, idle_since=0),
        agent("expert", 9, idle_since=80),
        agent("expert_idle", 9, idle_since=50),
    ]
    [m] = match([call("x", 0)], agents, queues, now=100)
    assert m.agent.profile.agent_id == "expert_idle"
    assert m.decision.strategy == "best_skill_fit"
    assert [c.agent_id for c in m.decision.runners_up] == ["expert", "idle_longest"]


def test_trace_keeps_three_runners_up_with_scores_and_counts_the_rest_by_reason() -> None:
    agents = [agent(f"q{i}", 5, idle_since=i) for i in range(6)]
    agents += [agent("low", 1, idle_since=0), agent("away", 9, 0, AgentState.NOT_READY)]
    agents.append(agent("phone_busy_one", 9, idle_since=0))
    busy = {"PJSIP/phone_busy_one"}
    [m] = match([call("x", 0)], agents, QUEUES, now=100, phone_free=lambda e: e not in busy)
    trace = m.decision
    assert trace.chosen == Candidate(AgentId("q0"), (100.0,))
    assert [(c.agent_id, c.score) for c in trace.runners_up] == [
        ("q1", (99.0,)),
        ("q2", (98.0,)),
        ("q3", (97.0,)),
    ]
    assert trace.skipped == {
        SkipReason.NOT_READY: 1,
        SkipReason.PHONE_BUSY: 1,
        SkipReason.NOT_QUALIFIED: 1,
        SkipReason.OUTRANKED: 5,
    }


def test_an_agent_whose_phone_is_busy_is_not_offered_the_call() -> None:
    agents = [agent("busy", 5, idle_since=0), agent("free", 5, idle_since=50)]
    [m] = match([call("x", 0)], agents, QUEUES, now=100, phone_free=lambda e: e != "PJSIP/busy")
    assert m.agent.profile.agent_id == "free"


def test_the_call_is_matched_at_the_step_its_wait_has_reached() -> None:
    steps = (RoutingStep({"support": 7}, timeout=30), RoutingStep({"support": 3}, timeout=90))
    queues = {SUPPORT: QueueConfig(SUPPORT, "support", steps=steps)}
    agents = [agent("junior", 4, idle_since=0)]
    assert match([call("x", joined=0)], agents, queues, now=29) == []
    [m] = match([call("x", joined=0)], agents, queues, now=30)
    assert m.decision.step == 2 and m.decision.needed == {"support": 3}


def test_step_timeouts_must_increase_and_only_the_last_may_be_open() -> None:
    with pytest.raises(ValueError):
        QueueConfig(SUPPORT, "s", steps=(RoutingStep({"s": 1}), RoutingStep({"s": 1}, 30)))
    with pytest.raises(ValueError):
        QueueConfig(SUPPORT, "s", steps=(RoutingStep({"s": 1}, 60), RoutingStep({"s": 1}, 30)))


def test_an_overflow_needs_a_last_step_that_ends() -> None:
    with pytest.raises(ValueError):
        QueueConfig(SUPPORT, "s", overflow=Overflow(OverflowAction.VOICEMAIL))
    with pytest.raises(ValueError):
        Overflow(OverflowAction.QUEUE)


class LeastSkilled:
    """A plug-in strategy (no ``index_order``): keep the experts free."""

    def score(self, agent: AgentStatus, needed: Mapping[str, int], now: float) -> tuple[float, ...]:
        return (-float(agent.profile.skills.get("support", 0)),)


def test_a_plugged_in_strategy_ranks_every_qualified_free_agent_by_its_own_score() -> None:
    queues = {SUPPORT: QueueConfig(SUPPORT, "support", min_level=3, choice="least_skilled")}
    agents = [
        agent("expert", 9, idle_since=0),
        agent("middle", 6, idle_since=10),
        agent("junior", 4, idle_since=50),
        agent("too_junior", 2, idle_since=0),
    ]
    [m] = match([call("x", 0)], agents, queues, now=100, choices={"least_skilled": LeastSkilled()})
    assert m.agent.profile.agent_id == "junior"
    assert [c.agent_id for c in m.decision.runners_up] == ["middle", "expert"]
    assert m.decision.skipped == {SkipReason.NOT_QUALIFIED: 1, SkipReason.OUTRANKED: 2}
