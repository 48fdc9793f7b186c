"""Scripted load for benchmarks: many carrier callers placed over a ramp, each with keys to press.

Owns: ``CallerScript`` (who dials which number, the entries they key in and how long
they wait before hanging up, as ``Simulator.place_call`` takes them), ``run_load``
(places the calls evenly over ``ramp`` seconds, samples how many callers are in a
FastAGI session at once, waits until every call ended or the deadline passed)
and the ``LoadReport`` it returns.
Must not know about the daemon: the dialplan and the FastAGI server end the calls.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.caller import SimCall
from sim.simulator import Simulator

#: The outcome counted for a call that had not ended by the deadline.
UNFINISHED = "unfinished"


@dataclass(frozen=True, slots=True)
class CallerScript:
    ani: str
    dnis: str
    digits: tuple[str, ...] = ()
    #: seconds before the caller hangs up unless an agent answered (None: never)
    patience: float | None = None


@dataclass
class LoadReport:
    placed: int = 0
    ended: int = 0
    #: most callers in the IVR (state ``ivr``) at one sample
    peak_in_ivr: int = 0
    #: loop seconds from the first call placed to the last call ended (or the deadline)
    seconds: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)
    uniqueids: list[str] = field(default_factory=list)
    #: each call's outcome by its Uniqueid (``UNFINISHED`` when still up at the deadline)
    call_outcomes: dict[str, str] = field(default_factory=dict)
    #: each call's agent rings by its Uniqueid: (destination, ``time.monotonic()`` of the
    #: DialBegin), so a benchmark in another process can time what followed each ring
    rings: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


async def run_load(
    sim: Simulator,
    scripts: Sequence[CallerScript],
    *,
    ramp: float,
    deadline: float,
    sample_every: float = 0.05,
) -> LoadReport:
    """Place one call per script within ``ramp`` seconds; report once all ended.

    Calls still up after ``deadline`` seconds are left as they are and counted as
    ``unfinished``: a benchmark reports them, it does not hide them by hanging up.
    """
    loop = asyncio.get_running_loop()
    start = loop.time()
    calls: list[SimCall] = []
    report = LoadReport()
    placing_done = asyncio.Event()

    async def place() -> None:
        for n, script in enumerate(scripts):
            await asyncio.sleep(max(0.0, start + ramp * n / len(scripts) - loop.time()))
            call = await sim.place_call(
                script.ani, script.dnis, digits=script.digits, patience=script.patience
            )
            calls.append(call)
        placing_done.set()

    async def sample() -> None:
        while not (placing_done.is_set() and all(c.ended.is_set() for c in calls)):
            in_ivr = sum(1 for c in calls if c.state == "ivr")
            report.peak_in_ivr = max(report.peak_in_ivr, in_ivr)
            await asyncio.sleep(sample_every)

    try:
        async with asyncio.timeout(deadline), asyncio.TaskGroup() as tg:
            tg.create_task(place())
            tg.create_task(sample())
    except TimeoutError:
        pass
    report.seconds = loop.time() - start
    report.placed = len(calls)
    report.ended = sum(1 for c in calls if c.ended.is_set())
    report.call_outcomes = {
        c.uniqueid: c.outcome if c.ended.is_set() and c.outcome else UNFINISHED for c in calls
    }
    report.outcomes = dict(Counter(report.call_outcomes.values()))
    report.uniqueids = [c.uniqueid for c in calls]
    report.rings = {c.uniqueid: list(c.rings) for c in calls if c.rings}
    return report
