"""FastAGI server throughput and reply alignment: our AgiServer against panoramisk 1.4.

Owns: replaying the recorded a1_inbound_ivr session (environment, 18 commands,
the recorded replies including the multi-line 520 and the HANGUP notice that
arrives between two replies) from many concurrent fake Asterisk clients over
loopback, and measuring per server: sessions/s, and how many commands got the
reply that Asterisk actually gave to *that* command (replies out of step are a
correctness bug, not a speed detail). Also checks panoramisk's two reported
defects: plain-function routes on Python 3.11 and a client that closes before
finishing its environment (run in a subprocess, because it freezes the loop).

Run: ``python -m bench.fastagi [--sessions N] [--concurrency N]``.
"""

import argparse
import asyncio
import functools
import json
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from cti.agi_server import AgiServer, AgiSession
from cti.errors import AgiCommandError, ChannelGone

#: handler crashes seen in panoramisk sessions, by exception type
CRASHES: dict[str, int] = {}
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "asterisk"
TRANSCRIPT = "a1_inbound_ivr"
PLAIN_PREFIX = 12


def load_session(limit: int | None = None) -> tuple[bytes, list[str], list[bytes], list[int]]:
    """(environment, commands, reply bytes per command, recorded reply code per command).

    ``limit`` keeps the first commands only: the first 12 of a1 are plain ``200`` replies,
    a prefix every library should handle, so its speed comparison is like for like.
    """
    env, commands, replies = b"", [], []
    for raw in (FIXTURES / f"{TRANSCRIPT}.agi.jsonl").read_text().splitlines():
        rec = json.loads(raw)
        if rec["kind"] == "env":
            env += rec["line"].encode()
        elif rec["kind"] == "command":
            commands.append(rec["line"].rstrip("\n"))
            replies.append(b"")
        elif rec["dir"] == "rx" and rec["kind"] != "eof" and replies:
            replies[-1] += rec["line"].encode()
    commands, replies = commands[:limit], replies[:limit]
    codes = [_first_code(r) for r in replies]
    return env, commands, replies, codes


def _first_code(reply: bytes) -> int:
    first = next(line for line in reply.split(b"\n") if line and line != b"HANGUP")
    return int(first[:3])


async def asterisk_side(port: int, env: bytes, replies: list[bytes]) -> None:
    """One fake Asterisk session: send env, answer each command with its recorded reply."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(env)
        for reply in replies:
            if not await reader.readline():
                break
            writer.write(reply)
        await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()


async def run_clients(port: int, sessions: int, concurrency: int, limit: int | None) -> float:
    env, _, replies, _ = load_session(limit)
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await asterisk_side(port, env, replies)

    start = time.perf_counter()
    async with asyncio.timeout(300):
        await asyncio.gather(*(one() for _ in range(sessions)))
    return sessions / (time.perf_counter() - start)


async def bench_ours(sessions: int, concurrency: int, limit: int | None) -> tuple[float, int, int]:
    _, commands, _, expected = load_session(limit)
    mismatched = total = 0

    async def ivr(session: AgiSession) -> None:
        nonlocal mismatched, total
        for command, code in zip(commands, expected, strict=True):
            try:
                got = (await session.command(command)).code
            except AgiCommandError as exc:
                got = exc.code
            except ChannelGone:
                got = 511
            total += 1
            mismatched += got != code

    server = AgiServer({"ivr": ivr}, "127.0.0.1", 0)
    await server.start()
    try:
        rate = await run_clients(server.port, sessions, concurrency, limit)
    finally:
        await server.close()
    return rate, mismatched, total


async def bench_panoramisk(
    sessions: int, concurrency: int, limit: int | None
) -> tuple[float, int, int]:
    from panoramisk.fast_agi import Application

    _, commands, _, expected = load_session(limit)
    mismatched = total = 0

    async def ivr(request: Any) -> None:
        nonlocal mismatched, total
        for command, code in zip(commands, expected, strict=True):
            total += 1
            try:
                result = await request.send_command(command)
            except Exception as exc:  # its reply parser chokes on a stray usage line
                CRASHES[type(exc).__name__] = CRASHES.get(type(exc).__name__, 0) + 1
                mismatched += 1
                return
            mismatched += result.get("status_code") != code

    app = Application(loop=asyncio.get_running_loop())
    app.add_route("ivr", ivr)
    server = await asyncio.start_server(app.handler, "127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        rate = await run_clients(port, sessions, concurrency, limit)
    finally:
        server.close()
        await server.wait_closed()
    return rate, mismatched, total


def panoramisk_plain_function_route() -> str:
    from panoramisk.fast_agi import Application

    async def make() -> str:
        app = Application(loop=asyncio.get_running_loop())
        try:
            app.add_route("plain", lambda request: None)
        except Exception as exc:
            return f"fails: {type(exc).__name__}: {exc}"
        return "works"

    return asyncio.run(make())


_EARLY_CLOSE = """
import asyncio
import functools
from panoramisk.fast_agi import Application
async def main():
    app = Application(loop=asyncio.get_running_loop())
    server = await asyncio.start_server(app.handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"agi_network: yes\\n")
    writer.close()
    await asyncio.wait_for(asyncio.sleep(0.5), 2)
    print("loop still responsive")
asyncio.run(main())
"""


def panoramisk_early_close(limit: float = 10.0) -> str:
    """A client that closes mid-environment: does panoramisk's loop keep running?"""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _EARLY_CLOSE], capture_output=True, text=True, timeout=limit
        )
    except subprocess.TimeoutExpired:
        return f"event loop frozen (subprocess killed after {limit:.0f}s)"
    return done.stdout.strip() or f"exit {done.returncode}: {done.stderr.strip()[-200:]}"


def _report(
    label: str, fn: Callable[[], Coroutine[Any, Any, tuple[float, int, int]]]
) -> float | None:
    try:
        rate, mismatched, total = asyncio.run(fn())
    except Exception as exc:
        print(f"  {label:<16} FAILED: {type(exc).__name__}: {exc}")
        return None
    print(f"  {label:<16} {rate:>8,.0f} sessions/s   replies out of step: {mismatched}/{total}")
    return rate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="FastAGI server bench (ours vs panoramisk 1.4)")
    ap.add_argument("--sessions", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=50)
    args = ap.parse_args(argv)
    n, c = args.sessions, args.concurrency
    for limit in (None, PLAIN_PREFIX):
        _, commands, _, _ = load_session(limit)
        print(f"{TRANSCRIPT}, first {len(commands)} commands per session, {n} sessions, "
              f"{c} at a time, loopback TCP")  # fmt: skip
        CRASHES.clear()
        ours = _report("ours: AgiServer", functools.partial(bench_ours, n, c, limit))
        pano = _report("panoramisk 1.4", functools.partial(bench_panoramisk, n, c, limit))
        if CRASHES:
            print(f"  panoramisk sessions whose command raised: {CRASHES}")
        if ours and pano:
            print(f"  ratio ours/panoramisk: {ours / pano:.2f}x (sessions/s)")
    print(f"  panoramisk plain-function route on Python {sys.version.split()[0]}: "
          f"{panoramisk_plain_function_route()}")  # fmt: skip
    print(f"  panoramisk with a client closing mid-environment: {panoramisk_early_close()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
