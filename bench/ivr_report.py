"""What one phase of the IVR load bench found, and how it is printed.

Owns: ``PhaseResult`` (the simulator's report, the daemon's timings, the CRM rows of the
phase's calls), ``count_rows`` (read straight from the SQLite file, as an auditor would,
not through the daemon) and ``print_phase``. Must not run anything.
"""

import sqlite3
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bench.measure import Summary, summarise
from bench.sim_process import LoadResult

#: The daemon's outcome for a session whose caller's hang-up the AMI never confirmed.
SESSION_LOST = "session_lost"
#: Commands listed by their p99 think time: where the dead air is.
SLOWEST = 4


def count_rows(db: Path, call_ids: list[str]) -> dict[str, str | None]:
    """Each of ``call_ids`` that has an interaction row, with the row's outcome."""
    wanted = set(call_ids)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT call_id, outcome FROM interactions").fetchall()
    return {call_id: outcome for call_id, outcome in rows if call_id in wanted}


@dataclass
class PhaseResult:
    callers: int
    sim: LoadResult
    peak_sessions: int
    rows: dict[str, str | None]
    think: list[float]
    think_by_command: dict[str, list[float]]
    round_trip: list[float]
    lag: list[float]
    daemon_cpu: float
    #: the daemon's warnings and errors during the phase, counted by kind
    complaints: list[str]

    @property
    def lost(self) -> int:
        """Callers without a proper row: never placed, never recorded, recorded without an
        outcome (the handler crashed mid-call), or lost track of (``session_lost``)."""
        kept = sum(1 for outcome in self.rows.values() if outcome not in (None, SESSION_LOST))
        return self.callers - kept

    @cached_property
    def think_summary(self) -> Summary:
        return summarise(self.think)

    @cached_property
    def trip_summary(self) -> Summary:
        return summarise(self.round_trip)


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counter.items())) or "none"


def print_phase(label: str, r: PhaseResult) -> None:
    report = r.sim.report
    outcomes = Counter(outcome or "none" for outcome in r.rows.values())
    rate = len(r.think) / report.seconds if report.seconds else 0.0
    print(f"{label}: {r.callers} callers; peak {r.peak_sessions} IVR sessions open at once "
          f"in the daemon ({report.peak_in_ivr} sampled in the simulator)")  # fmt: skip
    print(f"  calls: placed {report.placed}, ended {report.ended}, interaction rows "
          f"{len(r.rows)}, lost {r.lost}")  # fmt: skip
    print(f"  outcomes: CRM {_counts(dict(outcomes))}; simulator {_counts(report.outcomes)}")
    print(f"  AGI commands: {len(r.think)} in {report.seconds:.1f} s ({rate:,.0f}/s)")
    print(f"  think time per command: {r.think_summary.ms()}")
    slowest = sorted(r.think_by_command.items(), key=lambda kv: -summarise(kv[1]).p99)
    for command, samples in slowest[:SLOWEST]:
        print(f"    before {command} ({len(samples)}): {summarise(samples).ms()}")
    print(f"  round trip, commands without media ({r.trip_summary.count}): {r.trip_summary.ms()}")
    print(f"  daemon event-loop lag ({len(r.lag)} samples): {summarise(r.lag).ms()}")
    per_call = r.daemon_cpu / max(report.placed, 1) * 1e3
    print(f"  CPU seconds: daemon {r.daemon_cpu:.2f} ({per_call:.1f} ms per call), "
          f"simulator {r.sim.cpu_seconds:.2f}")  # fmt: skip
    for line in r.complaints or ["none"]:
        print(f"  daemon warnings/errors: {line}")
