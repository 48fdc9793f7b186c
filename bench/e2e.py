"""The whole simulated call centre under load: the end-to-end bench (issue 9).

Owns the run: a temporary SQLite CRM (``callcenter db seed``, then thousands of agents and
contacts in bulk, ``bench.e2e_seed``), the simulator in its own process with every
agent's phone (``bench.sim_process``), the real daemon as ``run_app`` composes it (in this
process, so its CPU and RSS are this process's), the agents' tabs in a third process
(``bench.e2e_agents``: REST login, sign-in, ready, WebSocket, wrap-up over the socket) and the naive
connector in a fourth (``bench.e2e_naive``), all over loopback sockets. While the
simulator places the profile's calls it samples queue depth and shows progress on
stderr; afterwards it reconciles every call three ways and times every pop from its ring
(``bench.e2e_reconcile``), then prints and writes the report (``bench.e2e_report``).
Figures are printed, never judged: the exit code says only whether a call was lost.

Run: ``callcenter bench e2e [--profile default|normal|quick|smoke] [--agents N] …``
(``callcenter bench --profile quick`` runs it too).
"""

import asyncio
import gc
import logging
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench import e2e_seed
from bench.e2e_agents import AgentsOrder, AgentsProcess
from bench.e2e_naive import NaiveProcess
from bench.e2e_profile import HOTLINE, Options, Profile, caller_scripts, parser, profile_of
from bench.e2e_reconcile import pop_latencies, reconcile
from bench.e2e_report import Run, Sample, print_run, write_report
from bench.ivr_report import count_rows
from bench.measure import FdLimitTooLow, LogTally, cpu_seconds, raise_fd_limit
from bench.sim_process import LoadOrder, Phones, SimProcess
from callcenter import commands
from callcenter.app import RunningApp, run_app
from callcenter.settings import Settings

FLOWS = Path(__file__).resolve().parent / "flows_e2e"
CONNECT_LIMIT = 60.0
#: Past the last arrival: a call's IVR, queue, ring, talk and wrap-up, plus slack.
DRAIN_SLACK = 120.0
SAMPLE_EVERY = 0.5


def time_dispatch(app: RunningApp, samples: list[float]) -> None:
    """Time each routing pass of the ACD that has calls waiting and agents ready (the
    engine keeps no timings of its own); the wrapper's cost is a few attribute reads."""
    engine = app.engine
    original = engine._dispatch

    def timed() -> None:
        if not (engine._ready.ready_count and len(engine._line)):
            return original()
        started = time.perf_counter()
        original()
        samples.append(time.perf_counter() - started)
        return None

    setattr(engine, "_dispatch", timed)  # noqa: B010 (a bench's probe on one instance)


def record_outcomes(app: RunningApp, outcomes: dict[str, str | None]) -> None:
    """The daemon's own word on each call: its outcome when it leaves the registry."""
    registry = app.registry
    close = registry.close

    def closing(call_id: str) -> None:
        call = registry.get(call_id)
        if call is not None:
            outcomes[call.call_id] = call.outcome
        close(call_id)  # type: ignore[arg-type]

    setattr(registry, "close", closing)  # noqa: B010


async def sample_floor(app: RunningApp, profile: Profile, samples: list[Sample]) -> None:
    start = time.monotonic()
    while True:
        elapsed = time.monotonic() - start
        depth = len(app.engine.waiting())
        samples.append(Sample(elapsed, depth, len(app.registry.active())))
        states = Counter(str(a.state) for a in app.engine.agents())
        progress(elapsed, profile.duration, samples[-1], states)
        await asyncio.sleep(SAMPLE_EVERY)


def progress(elapsed: float, duration: float, sample: Sample, states: Counter[str]) -> None:
    done = min(1.0, elapsed / duration)
    bar = "#" * int(done * 30)
    agents = " ".join(f"{state} {n}" for state, n in sorted(states.items()))
    print(f"\r[{bar:<30}] {elapsed:4.0f}/{duration:g} s  calls up {sample.calls:5d}  "
          f"queued {sample.queued:5d}  agents: {agents}  ", end="", file=sys.stderr,
          flush=True)  # fmt: skip


async def until(condition: Callable[[], bool], within: float) -> bool:
    """Poll ``condition`` (state no event announces) until it holds; False after ``within``."""
    try:
        async with asyncio.timeout(within):
            while True:
                if condition():
                    return True
                await asyncio.sleep(0.2)
    except TimeoutError:
        return False


async def run(profile: Profile, options: Options) -> Run:
    with tempfile.TemporaryDirectory(prefix="e2e-bench-") as tmp:
        db = Path(tmp) / "crm.db"
        url = f"sqlite+aiosqlite:///{db}"
        await commands.db("seed", url)
        note(f"seeding {profile.agents:,} agents and {profile.contacts:,} contacts")
        center = await e2e_seed.seed_center(url, profile.agents, profile.contacts, options.seed)
        e2e_seed.use_cheap_hasher()
        phones = Phones(list(center.agents.values()), profile.ring, profile.talk)
        sim = SimProcess(HOTLINE, profile.prompt_seconds, 2 * profile.calls, phones)
        naive = NaiveProcess(str(db), center.agents)
        try:
            settings = Settings(
                db_url=url,
                http_port=0,
                agi_port=0,
                ami_port=await sim.start(),
                ami_auth="md5",
                flows_dir=FLOWS,
                log_level="WARNING",
                wrap_up_seconds=profile.wrap_up + 30,  # a backstop: the agents close it
            )
            async with run_app(settings) as app:
                async with asyncio.timeout(CONNECT_LIMIT):
                    await app.pbx.connected.wait()
                return await traffic(app, profile, options, sim, naive, center, db)
        finally:
            await sim.stop()


async def traffic(
    app: RunningApp,
    profile: Profile,
    options: Options,
    sim: SimProcess,
    naive: NaiveProcess,
    center: e2e_seed.Center,
    db: Path,
) -> Run:
    naive_url = await naive.start()
    note(f"logging in {profile.agents:,} agents (REST), WebSockets to the daemon and the naive")
    http_url = f"http://127.0.0.1:{app.http_port}"
    order = AgentsOrder(
        http_url, naive_url, list(center.agents), e2e_seed.PASSWORD, profile.wrap_up
    )
    agents = AgentsProcess(order)
    await agents.start()
    await naive.listen(app.settings.ami_port)
    routing: list[float] = []
    outcomes: dict[str, str | None] = {}
    samples: list[Sample] = []
    time_dispatch(app, routing)
    record_outcomes(app, outcomes)
    tally = LogTally()
    logging.getLogger().addHandler(tally)
    if options.gc_tuned:
        gc.freeze()  # start-up's objects (seeded agents, sockets) leave the collector's view
    profiler = start_profiler(options.pyinstrument)
    note(f"traffic: {profile.describe()}")
    agents.go()
    started, cpu_before, frames_before = time.monotonic(), cpu_seconds(), app.pbx.frames
    scripts = caller_scripts(profile, options.seed)
    deadline = profile.duration + DRAIN_SLACK + 5 * profile.talk
    load = LoadOrder(app.agi_port, scripts, profile.duration, deadline)
    async with asyncio.TaskGroup() as tg:
        sampler = tg.create_task(sample_floor(app, profile, samples))
        result = await sim.load(load)
        await until(lambda: app.agi.active_sessions == 0, DRAIN_SLACK)
        wrapped = await until(lambda: not in_wrap_up(app), profile.wrap_up + DRAIN_SLACK)
        sampler.cancel()
    print(file=sys.stderr)
    seconds = time.monotonic() - started
    daemon_cpu = cpu_seconds() - cpu_before
    frames = app.pbx.frames - frames_before
    stop_profiler(profiler, options.pyinstrument)
    logging.getLogger().removeHandler(tally)
    clients, baseline = await agents.stop(), await naive.stop()
    crm = count_rows(db, result.report.uniqueids)
    extension_of = center.agents
    return Run(
        profile=profile,
        seconds=seconds,
        calls=reconcile(result.report.call_outcomes, outcomes, crm),
        ours=pop_latencies(clients.pops, result.report.rings, extension_of),
        naive=pop_latencies(clients.naive_pops, result.report.rings, extension_of),
        routing=routing,
        ami_frames=frames,
        cpu={"daemon": daemon_cpu, "simulator": result.cpu_seconds,
             "agents' tabs": clients.cpu_seconds, "naive connector": baseline.cpu_seconds},
        daemon_peak_rss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        samples=samples,
        wrap_ups=clients.wrap_ups,
        wrap_up_retries=clients.wrap_up_retries,
        all_wrapped=wrapped,
        complaints=tally.lines() + clients.errors[:5],
        ws_dropped_frames=app.hub.dropped_frames,
    )  # fmt: skip


def in_wrap_up(app: RunningApp) -> bool:
    return any(a.state in ("wrap_up", "on_call", "reserved") for a in app.engine.agents())


def start_profiler(path: str | None) -> object | None:
    if path is None:
        return None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002, async_mode="disabled")
    profiler.start()
    started: object = profiler  # typed loosely: pyinstrument is only in the bench extra
    return started


def stop_profiler(profiler: object | None, path: str | None) -> None:
    if profiler is None or path is None:
        return
    from pyinstrument import Profiler

    assert isinstance(profiler, Profiler)
    profiler.stop()
    Path(path).write_text(profiler.output_text(unicode=False, show_all=False))
    note(f"daemon profile written to {path}")


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    profile = profile_of(args)
    try:
        raise_fd_limit(4 * profile.agents + 2 * int(profile.rate * 30))
    except FdLimitTooLow as exc:
        print(f"cannot run: {exc}")
        return 2
    options = Options(Path(args.out), args.seed, args.pyinstrument, args.gc_tuned)
    if options.gc_tuned:
        gc.set_threshold(50_000, 20, 20)
    print(f"end-to-end: {profile.describe()}{' (GC tuned)' if options.gc_tuned else ''}")
    result = asyncio.run(run(profile, options))
    print_run(result)
    report = write_report(result, options.out, " ".join(argv or []))
    print(f"report: {report}")
    return 0 if not result.calls.lost else 1


if __name__ == "__main__":
    raise SystemExit(main())
