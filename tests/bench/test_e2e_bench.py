"""The end-to-end bench runs at a tiny size: every figure is printed and no call is lost
(figures are not judged: this machine is shared)."""

import re
from pathlib import Path

import pytest

from bench.e2e_reconcile import pop_latencies, reconcile
from callcenter.cli import main


def test_the_smoke_profile_reconciles_every_call_three_ways_and_prints_every_figure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["bench", "--profile", "smoke", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "calls: offered 12, answered " in out
    assert ", lost 0 (" in out
    for figure in (
        "screen pop, ring start -> agent's WebSocket (",
        "before the ring (counted 0):",
        "naive connector, same rings (",
        "ratio naive / ours: p50",
        "routing decision (",
        "AMI frames read by the daemon:",
        "CPU seconds: daemon",
        "simulator",
        "agents' tabs",
        "peak RSS",
    ):
        assert figure in out
    assert "p99" in out
    # Every answered call was wrapped up by its agent's tab (an accepted disposition), not by
    # the queue's backstop timer.
    answered = re.search(r"answered (\d+)", out)
    assert answered is not None
    assert f"wrap-ups: {answered.group(1)}; every agent back to ready: True" in out
    assert {p.name for p in tmp_path.iterdir()} == {"report.md", "latency.png", "queue.png"}


def test_a_call_counts_only_when_simulator_daemon_and_crm_agree() -> None:
    sim = {"a": "answered-by-agent", "b": "abandoned", "c": "answered-by-agent", "d": "unfinished"}
    daemon = {"a": "answered", "b": "abandoned_queue", "c": "answered", "d": None}
    crm = {"a": "answered", "b": "abandoned_queue", "d": "session_lost"}  # no row for c
    r = reconcile(sim, daemon, crm)
    assert (r.offered, r.answered, r.abandoned) == (4, 1, 1)
    assert r.lost == {
        "c": ("answered", "answered", "crm:missing"),
        "d": ("sim:unfinished", "daemon:None", "crm:session_lost"),
    }


def test_a_pop_is_timed_from_its_own_agents_ring_and_a_pop_before_the_ring_counts_zero() -> None:
    rings = {"c1": [("2001", 10.0), ("2002", 20.0)], "c2": [("2001", 30.0)]}
    extension_of = {"alice": "2001", "bob": "2002"}
    pops = [("c1", "bob", 20.05), ("c2", "alice", 29.9), ("c3", "alice", 40.0)]
    lat = pop_latencies(pops, rings, extension_of)
    assert [round(v, 3) for v in lat.values] == [0.05, 0.0]
    assert (lat.early, lat.unrung) == (1, 1)
