"""Thousands of FastAGI sessions open at once against our AgiServer (issue 3, item 4).

Owns: serving a short IVR dialogue (ANSWER, STREAM FILE, WAIT FOR DIGIT, then ``--rounds``
more prompt-and-digit pairs, SET VARIABLE) from ``AgiServer`` in this process, while a
child process (``bench.agi_client``) opens every session, holds each one's first digit
wait until all are open, then lets them all continue at once, each prompt and digit wait
lasting ``--media-ms`` on average (0: one burst, for capacity). Prints peak concurrent
sessions, commands/s after the release, per-command latency (the turnaround Asterisk would
see, measured in the client; the server's think time and event-loop lag, measured here),
sessions lost and resident memory per open session, against the same load at 100 sessions
measured in the same run. Must not assert on figures.

Run: ``python -m bench.fastagi_concurrency [--sessions N] [--media-ms MS] [--rounds N]``.
"""

import argparse
import asyncio
import multiprocessing
from dataclasses import dataclass, field

from bench.agi_client import ClientReport, run_in_child
from bench.measure import (
    FdLimitTooLow,
    LoopWatch,
    Summary,
    cpu_seconds,
    raise_fd_limit,
    ratio,
    summarise,
)
from cti.agi_server import AgiServer, AgiSession

CHILD_LIMIT = 600.0


@dataclass
class Result:
    sessions: int
    client: ClientReport
    handled: int = 0
    peak: int = 0
    rss_before: int = 0
    rss_peak: int = 0
    think: list[float] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)
    cpu: float = 0.0

    @property
    def lost(self) -> int:
        return self.sessions - min(self.handled, self.client.completed)

    @property
    def commands_per_second(self) -> float:
        burst = self.client.burst_seconds
        return self.client.commands_after_release / burst if burst else 0.0


def commands_per_session(rounds: int) -> int:
    return 4 + 2 * rounds


class Ivr:
    """The server side: a menu that plays, listens, and plays again, ``rounds`` times."""

    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        self.handled = 0

    async def __call__(self, session: AgiSession) -> None:
        await session.answer()
        await session.stream_file("cc-welcome", "12")
        await session.wait_for_digit(5000)  # the client holds this one until all are open
        for _ in range(self.rounds):
            await session.stream_file("cc-main-menu", "12")
            await session.wait_for_digit(3000)
        await session.set_variable("CTI_DONE", "1")
        self.handled += 1


async def measure(sessions: int, rounds: int, media: float) -> Result:
    ivr = Ivr(rounds)
    think: list[float] = []
    server = AgiServer({"ivr": ivr}, "127.0.0.1", 0)
    server.command_observer = lambda line, seconds, trip: think.append(seconds)
    await server.start()
    watch = LoopWatch()
    cpu = cpu_seconds()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(watch.run())
            client = await run_client(server.port, sessions, commands_per_session(rounds), media)
            watch.stop()
        await server.idle()
    finally:
        await server.close()
    peak, cpu = server.peak_sessions, cpu_seconds() - cpu
    return Result(
        sessions, client, ivr.handled, peak, watch.rss_before, watch.rss_peak, think, watch.lag, cpu
    )


async def run_client(port: int, sessions: int, commands: int, media: float) -> ClientReport:
    """The load from a child process, so that the client's work is not in our loop."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=run_in_child, args=(send, port, sessions, commands, media), name="agi-load"
    )
    child.start()
    send.close()
    try:
        async with asyncio.timeout(CHILD_LIMIT):
            report: ClientReport = await asyncio.to_thread(receive.recv)
    finally:
        await asyncio.to_thread(child.join, 10)
        receive.close()
    return report


def print_result(label: str, r: Result) -> tuple[Summary, Summary]:
    think, seen = summarise(r.think), summarise(r.client.turnaround)
    growth = (r.rss_peak - r.rss_before) / max(r.peak, 1)
    print(f"{label}: {r.sessions} sessions, peak {r.peak} open at once")
    print(f"  sessions: completed {r.client.completed}, handled by the server {r.handled}, "
          f"lost {r.lost}")  # fmt: skip
    released = r.client.commands_after_release
    print(f"  commands/s after the release: {r.commands_per_second:,.0f} "
          f"({released} commands in {r.client.burst_seconds:.3f} s)")  # fmt: skip
    print(f"  per-command turnaround seen by the client ({seen.count}): {seen.ms()}")
    print(f"  server think time per command ({think.count}): {think.ms()}")
    print(f"  server event-loop lag ({len(r.lag)} samples): {summarise(r.lag).ms()}")
    print(f"  server RSS {r.rss_before / 2**20:.1f} -> {r.rss_peak / 2**20:.1f} MiB, "
          f"{growth / 1024:.1f} KiB per open session")  # fmt: skip
    print(f"  CPU: server {r.cpu:.2f} s ({r.cpu / max(len(r.think), 1) * 1e6:.0f} us per command), "
          f"client {r.client.cpu_seconds:.2f} s")  # fmt: skip
    for failure in sorted(set(r.client.failed))[:5]:
        print(f"  client failure: {failure}")
    return think, seen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.fastagi_concurrency", description=__doc__)
    ap.add_argument("--sessions", type=int, default=5000)
    ap.add_argument("--baseline", type=int, default=100, help="sessions of the baseline run")
    ap.add_argument("--rounds", type=int, default=3, help="prompt-and-digit pairs after the hold")
    ap.add_argument(
        "--media-ms", type=float, default=2000.0, help="mean prompt/digit-wait time; 0 = burst"
    )
    args = ap.parse_args(argv)
    try:
        limit = raise_fd_limit(max(args.sessions, args.baseline))
    except FdLimitTooLow as exc:
        print(f"cannot run: {exc}")
        return 2
    media = args.media_ms / 1000
    pace = f"media {args.media_ms:g} ms per prompt/wait" if media else "no media time (burst)"
    print(f"FastAGI concurrency over loopback, {commands_per_session(args.rounds)} commands per "
          f"session, {pace}, client in a child process; open-files limit {limit}")  # fmt: skip
    base = asyncio.run(measure(args.baseline, args.rounds, media))
    base_think, base_seen = print_result("baseline", base)
    load = asyncio.run(measure(args.sessions, args.rounds, media))
    think, seen = print_result("load", load)
    turnaround, thinking = ratio(seen.p99, base_seen.p99), ratio(think.p99, base_think.p99)
    print(f"  p99 {args.sessions} / {args.baseline} sessions: client turnaround {turnaround}, "
          f"server think {thinking}")  # fmt: skip
    print(f"sessions lost: {base.lost + load.lost}")
    return 0 if base.lost + load.lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
