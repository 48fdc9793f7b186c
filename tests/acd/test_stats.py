"""Interval statistics folded from the event log: each definition of docs/metrics.md."""

from typing import Any

import pytest

from acd.stats import StatsFold

Row = tuple[str, dict[str, Any]]
T0 = 1_800_000_000.0  # an interval boundary (divisible by 1800)


def queued(call: str, at: float, queue: str = "support") -> Row:
    return "CallQueued", {"call_id": call, "queue": queue, "priority": 0, "at": at}


def connected(call: str, at: float, waited: float, agent: str = "alice") -> Row:
    row = {"call_id": call, "agent_id": agent, "queue": "support", "waited": waited, "at": at}
    return "CallConnected", row


def left(call: str, at: float, waited: float, reason: str = "caller hung up") -> Row:
    row = {"call_id": call, "queue": "support", "reason": reason, "waited": waited, "at": at}
    return "CallLeftQueue", row


def state(agent: str, previous: str, duration: float, at: float, now: str = "x") -> Row:
    row = {
        "agent_id": agent,
        "state": now,
        "previous": previous,
        "reason": None,
        "duration": duration,
        "call_id": None,
        "at": at,
    }
    return "AgentStateChanged", row


TRAFFIC: list[Row] = [
    queued("c1", T0 + 1),
    queued("c2", T0 + 2),
    queued("c3", T0 + 3),
    queued("c4", T0 + 4),
    queued("c5", T0 + 5),
    connected("c1", T0 + 11, waited=10),
    connected("c2", T0 + 62, waited=60),
    left("c3", T0 + 5, waited=2),  # a short abandon
    left("c4", T0 + 44, waited=40),
    left("c5", T0 + 50, waited=45, reason="callback"),
    ("CallFinished", {"call_id": "c1", "agent_id": "alice", "talk_seconds": 100, "at": T0 + 111}),
    state("alice", "wrap_up", 20, T0 + 131, now="ready"),
]


def support(fold: StatsFold) -> dict[str, Any]:
    [line] = [q for q in fold.report()["queues"] if q["queue"] == "support"]
    return line


def test_the_figures_of_one_interval_follow_their_definitions() -> None:
    figures = support(StatsFold(interval=900, service_t=20, short_abandon=5).fold(TRAFFIC))
    assert figures["start"] == T0
    assert (figures["offered"], figures["answered"], figures["abandoned"]) == (5, 2, 2)
    assert (figures["short_abandoned"], figures["to_callback"]) == (1, 1)
    assert figures["service_level"] == 0.5  # 1 of 2 answered within 20 s
    assert figures["service_level_with_abandons"] == round(1 / 3, 6)  # 2 + 2 - 1 counted
    assert figures["asa"] == 35  # (10 + 60) / 2
    assert figures["aht"] == 120  # (100 talk + 20 wrap-up) / 1 handled
    assert figures["longest_wait"] == 60


def test_facts_count_in_the_interval_their_event_happened_in() -> None:
    rows = [queued("c1", T0 + 890), connected("c1", T0 + 910, waited=20)]
    report = StatsFold(interval=900).fold(rows).report()["queues"]
    assert [(q["start"], q["offered"], q["answered"]) for q in report] == [
        (T0, 1, 0),
        (T0 + 900, 0, 1),
    ]


def test_a_caller_queued_again_in_the_same_queue_is_offered_once() -> None:
    rows = [queued("c1", T0 + 1), queued("c1", T0 + 100), queued("c1", T0 + 200, "sales")]
    report = StatsFold(interval=1800).fold(rows).report()["queues"]
    assert {q["queue"]: q["offered"] for q in report} == {"sales": 1, "support": 1}


def test_agent_time_is_split_at_interval_boundaries_for_occupancy() -> None:
    rows = [
        state("alice", "ready", 600, T0 + 300),  # ready from T0 - 300
        state("alice", "on_call", 300, T0 + 600),
        state("alice", "wrap_up", 100, T0 + 700),
        state("alice", "ready", 200, T0 + 900),
    ]
    agents = StatsFold(interval=900).fold(rows).report()["agents"]
    by_start = {a["start"]: a for a in agents}
    assert by_start[T0 - 900]["seconds"] == {"ready": 300}
    assert by_start[T0]["seconds"] == {"on_call": 300, "ready": 500, "wrap_up": 100}
    assert by_start[T0]["occupancy"] == 0.444444  # 400 busy of 900


def test_empty_intervals_have_no_ratios_and_bad_rows_are_skipped() -> None:
    rows: list[Row] = [queued("c1", T0), ("CallConnected", {"call_id": "c1"}), ("Nope", {})]
    figures = support(StatsFold().fold(rows))
    assert figures["service_level"] is None and figures["asa"] is None


def test_only_15_and_30_minute_intervals_are_offered() -> None:
    with pytest.raises(ValueError):
        StatsFold(interval=600)
