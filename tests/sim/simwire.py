"""Tiny wire-level test doubles for the simulator's tests: a raw AMI client and a
FastAGI server, written with asyncio streams only (no code shared with ``cti``).

Everything waits on conditions under ``asyncio.timeout``; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

from sim import SimConfig, Simulator
from tests.virtual_time import run_in_virtual_time

Frame = list[tuple[str, str]]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "asterisk"


def virtual_time(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    """Turn an async scenario into a test run on a virtual-time loop (tests.virtual_time)."""

    def run() -> None:
        run_in_virtual_time(test())

    run.__name__, run.__doc__ = test.__name__, test.__doc__
    return run


def get(frame: Frame, key: str) -> str | None:
    for name, value in frame:
        if name == key:
            return value
    return None


def keys(frame: Frame) -> list[str]:
    return [name for name, _ in frame]


def is_event(frame: Frame, name: str, **fields: str) -> bool:
    return get(frame, "Event") == name and all(get(frame, k) == v for k, v in fields.items())


class AmiClient:
    """Reads every frame in the background; tests look for frames by predicate."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.banner = ""
        self.frames: list[Frame] = []
        self.times: list[float] = []
        self.closed = asyncio.Event()
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._ids = 0

    @classmethod
    async def connect(cls, port: int) -> AmiClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        client = cls(reader, writer)
        client.banner = (await reader.readline()).decode()
        client._task = asyncio.get_running_loop().create_task(client._read())
        return client

    async def _read(self) -> None:
        frame: Frame = []
        while True:
            line = await self.reader.readline()
            if not line:
                break
            text = line.decode().rstrip("\r\n")
            if text:
                key, _, value = text.partition(": ")
                frame.append((key, value))
                continue
            self.frames.append(frame)
            self.times.append(asyncio.get_running_loop().time())
            frame = []
            self._notify()
        self.closed.set()
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def send_raw(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def send(self, action: str, *fields: tuple[str, str], action_id: str = "") -> str:
        self._ids += 1
        action_id = action_id or f"t-{self._ids}"
        lines = [("Action", action), ("ActionID", action_id), *fields]
        await self.send_raw("".join(f"{k}: {v}\r\n" for k, v in lines).encode() + b"\r\n")
        return action_id

    async def wait_for(
        self, predicate: Callable[[Frame], bool], start: int = 0, within: float = 10
    ) -> Frame:
        """The first frame at or after index ``start`` that satisfies ``predicate``."""
        async with asyncio.timeout(within):
            while True:
                for frame in self.frames[start:]:
                    if predicate(frame):
                        return frame
                if self.closed.is_set():
                    raise AssertionError("AMI connection closed")
                await self._changed.wait()

    def index(self, frame: Frame) -> int:
        return next(i for i, f in enumerate(self.frames) if f is frame)

    def time_of(self, frame: Frame) -> float:
        return self.times[self.index(frame)]

    async def action(self, action: str, *fields: tuple[str, str]) -> Frame:
        action_id = await self.send(action, *fields)
        return await self.wait_for(
            lambda f: get(f, "Response") is not None and get(f, "ActionID") == action_id
        )

    async def event(self, name: str, start: int = 0, within: float = 10, **fields: str) -> Frame:
        return await self.wait_for(lambda f: is_event(f, name, **fields), start, within)

    def events(self, name: str, **fields: str) -> list[Frame]:
        return [f for f in self.frames if is_event(f, name, **fields)]

    async def login(self, username: str = "cti", secret: str = "cti", events: str = "on") -> Frame:
        return await self.action(
            "Login", ("Username", username), ("Secret", secret), ("Events", events)
        )

    async def close(self) -> None:
        self.writer.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await self._task
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


class AgiConn:
    """One FastAGI session as the daemon's server sees it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.env: list[tuple[str, str]] = []
        self.received: list[str] = []

    async def read_env(self) -> None:
        while True:
            line = (await self.reader.readline()).decode()
            assert line.endswith("\n"), "FastAGI environment cut short"
            if line == "\n":
                return
            key, _, value = line.rstrip("\n").partition(": ")
            self.env.append((key, value))

    async def line(self) -> str:
        raw = await self.reader.readline()
        if not raw:
            raise EOFError("FastAGI socket closed")
        text = raw.decode().rstrip("\n")
        self.received.append(text)
        return text

    async def command(self, command: str, within: float = 60) -> str:
        """Send a command and return its reply, skipping (but recording) HANGUP lines."""
        self.writer.write(command.encode() + b"\n")
        await self.writer.drain()
        async with asyncio.timeout(within):
            reply = await self.line()
            while reply == "HANGUP":
                reply = await self.line()
            if reply.startswith("520-"):
                while not (await self.line()).startswith("520 "):
                    pass
        return reply

    async def finish(self, within: float = 10) -> list[str]:
        """Half-close like the fixtures' server did, then read until Asterisk closes."""
        self.writer.write_eof()
        rest: list[str] = []
        async with asyncio.timeout(within):
            with contextlib.suppress(EOFError):
                while True:
                    rest.append(await self.line())
        self.writer.close()
        return rest


class AgiServer:
    """Accepts FastAGI sessions from the simulator and queues them for the test."""

    def __init__(self) -> None:
        self.sessions: asyncio.Queue[AgiConn] = asyncio.Queue()
        self._server: asyncio.Server | None = None
        self._conns: list[AgiConn] = []
        self.port = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = AgiConn(reader, writer)
        self._conns.append(conn)
        await conn.read_env()
        await self.sessions.put(conn)

    async def next_session(self, within: float = 10) -> AgiConn:
        async with asyncio.timeout(within):
            return await self.sessions.get()

    async def close(self) -> None:
        for conn in self._conns:
            conn.writer.close()
            with contextlib.suppress(ConnectionError):
                await conn.writer.wait_closed()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@contextlib.asynccontextmanager
async def running(
    config: SimConfig | None = None, agi: bool = True
) -> AsyncIterator[tuple[Simulator, AmiClient, AgiServer]]:
    """A started simulator, a logged-in AMI client and (optionally) a FastAGI server."""
    agi_server = AgiServer()
    cfg = config or SimConfig()
    if agi:
        cfg.agi_port = await agi_server.start()
    sim = Simulator(cfg)
    await sim.start()
    client = await AmiClient.connect(sim.ami_port)
    try:
        response = await client.login()
        assert get(response, "Response") == "Success"
        yield sim, client, agi_server
        assert sim.errors == []
    finally:
        await client.close()
        await sim.close()
        await agi_server.close()


def fixture_events(name: str) -> list[Frame]:
    """The AMI events of a recorded transcript, as ordered (key, value) lists."""
    frames = []
    for line in (FIXTURES / f"{name}.ami.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["kind"] == "event":
            frames.append([(k, v) for k, v in record["headers"]])
    return frames


def fixture_agi(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (FIXTURES / f"{name}.agi.jsonl").read_text().splitlines()]
