"""Replaying the ACD event log: which calls were waiting, where, since when."""

from typing import Any

from acd.replay import AgentEntry, WaitingEntry, agent_states, waiting_calls
from acd.states import AgentState
from cti.ids import AgentId, CallId, QueueName

Row = tuple[str, dict[str, Any]]


def queued(call: str, queue: str = "support", at: float = 100.0, priority: int = 0) -> Row:
    return "CallQueued", {"call_id": call, "queue": queue, "priority": priority, "at": at}


def test_a_queued_call_with_no_later_event_is_still_waiting() -> None:
    assert waiting_calls([queued("c1", priority=3)]) == {
        CallId("c1"): WaitingEntry(CallId("c1"), QueueName("support"), 3, 100.0)
    }


def test_connected_and_abandoned_calls_are_no_longer_waiting() -> None:
    rows = [
        queued("c1"),
        queued("c2"),
        queued("c3"),
        ("CallConnected", {"call_id": "c1", "agent_id": "alice", "queue": "support"}),
        ("CallLeftQueue", {"call_id": "c2", "queue": "support", "reason": "caller hung up"}),
    ]
    assert list(waiting_calls(rows)) == ["c3"]


def test_an_overflow_to_another_queue_keeps_the_join_time() -> None:
    rows = [
        queued("c1", at=50.0),
        ("CallOverflowed", {"call_id": "c1", "action": "queue", "to_queue": "sales"}),
    ]
    assert waiting_calls(rows)[CallId("c1")] == WaitingEntry(
        CallId("c1"), QueueName("sales"), 0, 50.0
    )


def test_an_overflow_to_callback_or_voicemail_leaves_the_queues() -> None:
    rows = [
        queued("c1"),
        queued("c2"),
        ("CallOverflowed", {"call_id": "c1", "action": "callback", "to_queue": None}),
        ("CallOverflowed", {"call_id": "c2", "action": "voicemail", "to_queue": None}),
    ]
    assert waiting_calls(rows) == {}


def test_a_call_queued_again_keeps_its_first_join_time() -> None:
    rows = [queued("c1", at=10.0), queued("c1", queue="sales", at=90.0)]
    assert waiting_calls(rows)[CallId("c1")].joined_at == 10.0
    assert waiting_calls(rows)[CallId("c1")].queue == "sales"


def test_malformed_and_unknown_rows_are_skipped_without_raising() -> None:
    rows: list[Row] = [
        ("CallQueued", {"call_id": "c1"}),  # no queue
        ("CallQueued", {"call_id": "c2", "queue": "support", "priority": "x", "at": 1}),
        ("SomethingNew", {"call_id": "c3"}),
        ("CallConnected", {}),
        queued("c4"),
    ]
    assert list(waiting_calls(rows)) == ["c4"]


def changed(agent: str, state: str, at: float, reason: str | None = None) -> Row:
    return "AgentStateChanged", {
        "agent_id": agent,
        "state": state,
        "previous": "x",
        "reason": reason,
        "duration": 1.0,
        "call_id": None,
        "at": at,
    }


def test_each_agent_gets_back_their_last_state_with_its_reason_and_start() -> None:
    rows = [
        changed("alice", "not_ready", 10.0, "signed in"),
        changed("alice", "ready", 20.0),
        changed("alice", "not_ready", 30.0, "Lunch"),
        changed("bob", "not_ready", 15.0, "signed in"),
        changed("bob", "ready", 25.0),
    ]
    assert agent_states(rows) == {
        AgentId("alice"): AgentEntry(AgentId("alice"), AgentState.NOT_READY, "Lunch", 30.0),
        AgentId("bob"): AgentEntry(AgentId("bob"), AgentState.READY, None, 25.0),
    }


def test_signed_out_agents_are_not_restored() -> None:
    rows = [changed("alice", "ready", 20.0), changed("alice", "signed_out", 40.0)]
    assert agent_states(rows) == {}


def test_an_agent_on_a_call_comes_back_ready_since_before_the_call() -> None:
    rows = [
        changed("alice", "ready", 20.0),
        changed("alice", "reserved", 30.0),
        changed("alice", "on_call", 35.0),
    ]
    assert agent_states(rows)[AgentId("alice")] == AgentEntry(
        AgentId("alice"), AgentState.READY, None, 20.0
    )


def test_an_agent_in_wrap_up_comes_back_not_ready_saying_why() -> None:
    rows = [changed("alice", "on_call", 35.0), changed("alice", "wrap_up", 90.0)]
    entry = agent_states(rows)[AgentId("alice")]
    assert (entry.state, entry.reason) == (AgentState.NOT_READY, "wrap-up interrupted by a restart")


def test_malformed_agent_rows_are_skipped() -> None:
    rows: list[Row] = [
        ("AgentStateChanged", {"agent_id": "alice", "state": "dancing", "at": 1.0}),
        ("AgentStateChanged", {"agent_id": "bob", "state": "ready"}),
        changed("carol", "ready", 5.0),
    ]
    assert list(agent_states(rows)) == ["carol"]


def test_a_changed_priority_is_replayed() -> None:
    rows = [
        queued("c1", priority=0),
        ("CallPriorityChanged", {"call_id": "c1", "priority": 30, "previous": 0, "at": 120.0}),
    ]
    assert waiting_calls(rows)[CallId("c1")].priority == 30


def test_a_call_moved_by_a_lead_waits_in_its_new_queue_from_its_first_join_time() -> None:
    rows = [
        queued("c1", at=10.0, priority=5),
        ("CallMoved", {"call_id": "c1", "queue": "support", "to_queue": "sales", "by": "lead"}),
    ]
    entry = waiting_calls(rows)[CallId("c1")]
    assert (entry.queue, entry.joined_at, entry.priority) == ("sales", 10.0, 5)
