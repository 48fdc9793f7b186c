"""Scripted load for benchmarks: many carrier callers placed over a ramp, each with keys to press.

Owns: ``CallerScript`` (who dials which number and the entries they key in, as
``Simulator.place_call`` takes them), ``run_load`` (places the calls evenly over ``ramp``
seconds, samples how many callers are in a FastAGI session at once, waits until every
call ended or the deadline passed) and the ``LoadReport`` it returns.
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
            calls.append(await sim.place_call(script.ani, script.dnis, digits=script.digits))
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
    report.outcomes = dict(
        Counter(c.outcome if c.ended.is_set() and c.outcome else UNFINISHED for c in calls)
    )
    report.uniqueids = [c.uniqueid for c in calls]
    return report
