"""Routing policy: skills, longest idle, priority, preferred agent."""

from acd.model import AgentProfile, AgentStatus, CallRequest, QueueConfig, WaitingCall
from acd.routing import match
from acd.states import AgentState
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
    assert "longest idle (90.0s) of 3" in m.trace


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
