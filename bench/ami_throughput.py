"""AMI parse + dispatch throughput: our codec against panoramisk 1.4 and pyst2 0.5.1.

Owns: building one long byte stream from the recorded Asterisk 22 event frames
(tests/fixtures/asterisk/*.ami.rx.txt) and measuring, in the same run, how many
frames per second each library parses *and* hands to one no-op handler
subscribed to the frame's event name. Prints figures and ratios; asserts nothing.

Two measurements:
* in-process: the same chunks fed to our ``AmiParser`` + a name->handlers table
  and to panoramisk's ``AMIProtocol.data_received`` + ``Manager.dispatch``;
* loopback: a streaming fake AMI server on 127.0.0.1 (banner, Login answer, then
  the stream) read by our ``AmiClient``, panoramisk's ``Manager`` and pyst2's
  ``Manager`` (threads; fewer frames because it reads one byte per syscall).

Run: ``python -m bench.ami_throughput [--frames N] [--pyst2-frames N]``.
"""

import argparse
import asyncio
import re
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cti.ami_client import AmiClient
from cti.ami_codec import AmiMessage, AmiParser

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "asterisk"
BANNER = b"Asterisk Call Manager/11.0.0\r\n"
CHUNK = 65536


def event_frames(folder: Path = FIXTURES) -> list[bytes]:
    """Every received ``Event:`` frame of every transcript, in order (banner dropped)."""
    frames: list[bytes] = []
    for path in sorted(folder.glob("*.ami.rx.txt")):
        body = path.read_bytes().split(b"\r\n", 1)[1]
        frames += [f + b"\r\n\r\n" for f in body.split(b"\r\n\r\n") if f.startswith(b"Event: ")]
    return frames


def build_stream(frames: list[bytes], count: int) -> bytes:
    reps, rest = divmod(count, len(frames))
    return b"".join(frames) * reps + b"".join(frames[:rest])


def event_names(frames: list[bytes]) -> list[str]:
    return sorted({f.split(b"\r\n", 1)[0][7:].decode() for f in frames})


class Counter:
    """The no-op handler: counts calls and signals when the expected total is reached."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.count = 0
        self.done = threading.Event()
        self.finished_at = 0.0

    def hit(self, *_: Any) -> None:
        self.count += 1
        if self.count == self.expected:
            self.finished_at = time.perf_counter()
            self.done.set()


def by_name(
    names: list[str], handler: Callable[[AmiMessage], None]
) -> Callable[[AmiMessage], None]:
    """Our dispatch: one handler list per event name, looked up by ``msg.name``."""
    table: dict[str, list[Callable[[AmiMessage], None]]] = {name: [handler] for name in names}

    def dispatch(msg: AmiMessage) -> None:
        for h in table.get(msg.name, ()):
            h(msg)

    return dispatch


def ours_in_process(stream: bytes, names: list[str], expected: int) -> float:
    counter = Counter(expected)
    dispatch = by_name(names, counter.hit)
    parser = AmiParser(expect_banner=False)
    start = time.perf_counter()
    for pos in range(0, len(stream), CHUNK):
        for msg in parser.feed(stream[pos : pos + CHUNK]):
            dispatch(msg)
    return _rate(counter, start)


class _NullTransport:
    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


def panoramisk_in_process(stream: bytes, patterns: list[str], expected: int) -> float:
    from panoramisk.ami_protocol import AMIProtocol
    from panoramisk.manager import Manager

    counter = Counter(expected)
    manager = Manager()
    _only_our_handler(manager)
    for pattern in patterns:
        manager.register_event(pattern, counter.hit)
    protocol = AMIProtocol()
    protocol.connection_made(_NullTransport())
    protocol.factory = manager
    protocol.encoding = "utf8"
    protocol.version = "11.0.0"  # the banner was consumed at connect time
    start = time.perf_counter()
    for pos in range(0, len(stream), CHUNK):
        protocol.data_received(stream[pos : pos + CHUNK])
    return _rate(counter, start)


def _only_our_handler(manager: Any) -> None:
    """Drop panoramisk's own FullyBooted callback so every frame has exactly one handler."""
    manager.callbacks.clear()
    manager.patterns.clear()


def _rate(counter: Counter, start: float) -> float:
    end = counter.finished_at or time.perf_counter()
    if counter.count != counter.expected:
        raise RuntimeError(f"dispatched {counter.count} of {counter.expected} frames")
    return counter.count / (end - start)


class StreamingAmi:
    """Answers every action with Success (Logoff with Goodbye); after Login, sends the stream."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.started_at = 0.0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> "StreamingAmi":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.append(writer)
        writer.write(BANNER)
        try:
            while True:
                action = await reader.readuntil(b"\r\n\r\n")
                name = re.search(rb"Action: (\S+)", action, re.I)
                found = re.search(rb"ActionID: ([^\r]*)", action, re.I)
                action_id = found.group(1) if found else b""
                verb = b"Goodbye" if name and name.group(1).lower() == b"logoff" else b"Success"
                writer.write(b"Response: %s\r\nActionID: %s\r\n\r\n" % (verb, action_id))
                if verb == b"Goodbye":
                    break
                if name and name.group(1).lower() == b"login":
                    self.started_at = time.perf_counter()
                    writer.write(self.payload)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def ours_loopback(stream: bytes, names: list[str], expected: int) -> float:
    counter = Counter(expected)
    async with StreamingAmi(stream) as server:
        client = AmiClient(
            "127.0.0.1", server.port, "bench", "bench", on_event=by_name(names, counter.hit)
        )
        await client.connect()
        async with asyncio.TaskGroup() as tg:
            runner = tg.create_task(client.run())
            await asyncio.to_thread(counter.done.wait, 120)
            await client.close()
            await runner
        return _rate(counter, server.started_at)


async def panoramisk_loopback(stream: bytes, names: list[str], expected: int) -> float:
    from panoramisk.manager import Manager

    counter = Counter(expected)
    async with StreamingAmi(stream) as server:
        manager = Manager(
            host="127.0.0.1", port=server.port, username="bench", secret="bench",
            ping_delay=3600, loop=asyncio.get_running_loop(),
        )  # fmt: skip
        _only_our_handler(manager)
        for name in names:
            manager.register_event(name, counter.hit)
        await manager.connect()
        await asyncio.to_thread(counter.done.wait, 120)
        manager.close()
        return _rate(counter, server.started_at)


async def pyst2_loopback(stream: bytes, names: list[str], expected: int) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # setDaemon/isSet on 3.11
        from asterisk.manager import Manager

        counter = Counter(expected)
        async with StreamingAmi(stream) as server:
            manager = Manager()
            for name in names:
                manager.register_event(name, counter.hit)

            def session() -> None:
                manager.connect("127.0.0.1", server.port)
                manager.login("bench", "bench")
                counter.done.wait(120)
                manager.close()

            await asyncio.to_thread(session)
            return _rate(counter, server.started_at)


def _best(runs: int, fn: Callable[[], float]) -> float:
    return max(fn() for _ in range(runs))


def _try(label: str, fn: Callable[[], float]) -> float | None:
    try:
        return fn()
    except Exception as exc:  # a third-party crash is a finding to print, not to hide
        print(f"  {label:<44} FAILED: {type(exc).__name__}: {exc}")
        return None


def _line(label: str, rate: float | None, ours: float) -> None:
    if rate is not None:
        print(f"  {label:<44} {rate:>10,.0f} frames/s   ours/this = {ours / rate:5.2f}x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--frames", type=int, default=200_000, help="frames per in-process run")
    ap.add_argument("--loopback-frames", type=int, default=100_000)
    ap.add_argument("--pyst2-frames", type=int, default=5_000)
    ap.add_argument("--runs", type=int, default=3, help="best of N for in-process runs")
    ap.add_argument("--skip-pyst2", action="store_true")
    args = ap.parse_args(argv)

    frames = event_frames()
    names = event_names(frames)
    stream = build_stream(frames, args.frames)
    print(f"{len(frames)} recorded event frames, {len(names)} event names, "
          f"avg {sum(map(len, frames)) / len(frames):.0f} bytes; stream of {args.frames:,} "
          f"frames ({len(stream) / 1e6:.1f} MB) in {CHUNK}-byte reads")  # fmt: skip

    print("in-process (parse + dispatch to one no-op handler per event name):")
    ours = _best(args.runs, lambda: ours_in_process(stream, names, args.frames))
    print(f"  {'ours: AmiParser + name table':<44} {ours:>10,.0f} frames/s")
    pano = _try("panoramisk", lambda: _best(
        args.runs, lambda: panoramisk_in_process(stream, names, args.frames)))  # fmt: skip
    _line(f"panoramisk 1.4: {len(names)} name patterns", pano, ours)
    star = _try("panoramisk *", lambda: _best(
        args.runs, lambda: panoramisk_in_process(stream, ["*"], args.frames)))  # fmt: skip
    _line("panoramisk 1.4: one '*' pattern (best case)", star, ours)

    print("loopback TCP (fake AMI server in the same process):")
    loop_stream = build_stream(frames, args.loopback_frames)
    n = args.loopback_frames
    ours_lb = asyncio.run(ours_loopback(loop_stream, names, n))
    print(f"  {'ours: AmiClient':<44} {ours_lb:>10,.0f} frames/s")
    pano_lb = _try("panoramisk", lambda: asyncio.run(panoramisk_loopback(loop_stream, names, n)))
    _line("panoramisk 1.4: Manager", pano_lb, ours_lb)
    if not args.skip_pyst2:
        small = build_stream(frames, args.pyst2_frames)
        pyst = _try("pyst2", lambda: asyncio.run(pyst2_loopback(small, names, args.pyst2_frames)))
        _line(f"pyst2 0.5.1: Manager ({args.pyst2_frames:,} frames)", pyst, ours_lb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
