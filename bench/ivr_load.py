"""Hundreds of callers in the IVR at once: the real daemon against the simulator (issue 6).

Owns: a seeded SQLite CRM in a temporary directory (``callcenter db seed``'s code path),
the daemon as ``run_app`` composes it, serving ``flows/ivr_load.yaml``, and the simulator in
a child process (``bench.sim_process``). ``--callers`` callers dial within ``--ramp``
seconds and walk the menu: language, identification, a status readback from the CRM (their
open request, or one they key in), then a menu they answer or let time out, and the IVR
hangs up. No agent is needed. Prints, for ``--baseline`` callers and then the full load in
the same run: peak concurrent IVR sessions, calls placed / ended / recorded / lost (every
call must have its interaction row in the SQLite file), per-command latency, the daemon's
event-loop lag and CPU seconds, and the ratio of the p99s.

Latency is measured in the daemon (the FastAGI server's command observer): **think time**
is how long the channel waited on the daemon before each command (from the previous reply
read, or from the session's start for the first), i.e. the caller's dead air, including
CRM look-ups; the **round trip** of commands without media time (ANSWER, SET/GET
VARIABLE...) adds both processes' loops and loopback. Round trips of prompts and digit
waits are media time by design and are left out.

Run: ``python -m bench.ivr_load [--callers N] [--baseline N] [--ramp S] [--prompt-seconds S]``.
"""

import argparse
import asyncio
import logging
import tempfile
from pathlib import Path

from bench.ivr_report import PhaseResult, count_rows, print_phase
from bench.measure import (
    FdLimitTooLow,
    LogTally,
    LoopWatch,
    cpu_seconds,
    raise_fd_limit,
    ratio,
)
from bench.sim_process import LoadOrder, SimProcess
from callcenter import commands
from callcenter.app import RunningApp, run_app
from callcenter.settings import Settings
from sim import CallerScript

HOTLINE = "8005550500"
FLOWS = Path(__file__).resolve().parent / "flows"
#: Seeded customers with an open service request: they hear its status without keying it.
KNOWN = ("+12125550100", "+12125550122")
#: Seeded request numbers that unknown callers key in.
REQUESTS = ("10023", "10024")
#: Commands whose reply comes only after media time on a real channel.
MEDIA = ("STREAM FILE", "WAIT FOR DIGIT", "GET DATA", "SAY ", "EXEC", "RECORD")
CONNECT_LIMIT = 60.0
DRAIN_LIMIT = 60.0


def caller_scripts(count: int) -> list[CallerScript]:
    """A fixed mix: both languages; a third unknown (keying a request number), the rest
    known; half leave with 9, half let the last menu time out twice."""
    scripts = []
    for n in range(count):
        language = "1" if n % 2 == 0 else "2"
        leave = ("9",) if (n // 2) % 2 == 0 else ()
        if n % 3 == 0:
            digits = (language, f"{REQUESTS[n % 2]}#", *leave)
            scripts.append(CallerScript(f"+1305555{n % 10_000:04d}", HOTLINE, digits))
        else:
            scripts.append(CallerScript(KNOWN[n % 2], HOTLINE, (language, *leave)))
    return scripts


class CommandTimes:
    """The FastAGI server's command observer: think times and media-free round trips."""

    def __init__(self) -> None:
        self.think: list[float] = []
        self.round_trip: list[float] = []
        self.think_by_command: dict[str, list[float]] = {}

    def __call__(self, line: str, think: float, round_trip: float) -> None:
        self.think.append(think)
        command = " ".join(line.split()[: 3 if line.startswith("STREAM") else 2])
        self.think_by_command.setdefault(command, []).append(think)
        if not line.startswith(MEDIA):
            self.round_trip.append(round_trip)


async def run_phase(
    app: RunningApp, sim: SimProcess, callers: int, args: argparse.Namespace, db: Path
) -> PhaseResult:
    times, watch, tally = CommandTimes(), LoopWatch(), LogTally()
    logging.getLogger().addHandler(tally)
    app.agi.command_observer = times
    app.agi.peak_sessions = 0  # this phase's peak, not the run's
    started = cpu_seconds()
    order = LoadOrder(app.agi_port, caller_scripts(callers), args.ramp, args.deadline)
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(watch.run())
            result = await sim.load(order)
            async with asyncio.timeout(DRAIN_LIMIT):
                await app.agi.idle()  # every session has written its interaction row
            watch.stop()
    finally:
        logging.getLogger().removeHandler(tally)
    return PhaseResult(
        callers=callers,
        sim=result,
        peak_sessions=app.agi.peak_sessions,
        rows=count_rows(db, result.report.uniqueids),
        think=times.think,
        think_by_command=times.think_by_command,
        round_trip=times.round_trip,
        lag=watch.lag,
        daemon_cpu=cpu_seconds() - started,
        complaints=tally.lines(),
    )


async def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="ivr-load-") as tmp:
        db = Path(tmp) / "crm.db"
        await commands.db("seed", f"sqlite+aiosqlite:///{db}")
        sim = SimProcess(HOTLINE, args.prompt_seconds, max(args.callers, args.baseline))
        try:
            settings = Settings(
                db_url=f"sqlite+aiosqlite:///{db}",
                http_port=0,
                agi_port=0,
                ami_port=await sim.start(),
                ami_auth="md5",
                flows_dir=FLOWS,
                log_level="WARNING",
            )
            async with run_app(settings) as app:
                async with asyncio.timeout(CONNECT_LIMIT):
                    await app.pbx.connected.wait()
                base = await run_phase(app, sim, args.baseline, args, db)
                print_phase("baseline", base)
                load = await run_phase(app, sim, args.callers, args, db)
                print_phase("load", load)
        finally:
            await sim.stop()
    think_ratio = ratio(load.think_summary.p99, base.think_summary.p99)
    trip_ratio = ratio(load.trip_summary.p99, base.trip_summary.p99)
    print(f"  p99 {args.callers} / {args.baseline} callers: think time {think_ratio}, "
          f"round trip {trip_ratio}")  # fmt: skip
    print(f"calls lost: {base.lost + load.lost}")
    return 0 if base.lost + load.lost == 0 else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.ivr_load", description=__doc__)
    ap.add_argument("--callers", type=int, default=500)
    ap.add_argument("--baseline", type=int, default=50, help="callers of the baseline run")
    ap.add_argument("--ramp", type=float, default=15.0, help="seconds over which callers dial")
    ap.add_argument("--prompt-seconds", type=float, default=3.0, help="length of each prompt")
    ap.add_argument("--deadline", type=float, default=300.0, help="seconds a phase may take")
    args = ap.parse_args(argv)
    try:
        raise_fd_limit(2 * max(args.callers, args.baseline))
    except FdLimitTooLow as exc:
        print(f"cannot run: {exc}")
        return 2
    print(f"IVR load: the daemon (run_app, SQLite CRM) against the simulator in a child "
          f"process; callers dial within {args.ramp:g} s, prompts last "
          f"{args.prompt_seconds:g} s")  # fmt: skip
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
