"""The whole product on loopback: seeded CRM file, simulator, daemon, an agent's tab.

Everything is real (TCP sockets on port 0, a SQLite file, the FastAPI app under uvicorn, a
WebSocket client); only time is virtual (see ``tests.virtual_time``). Waits are on
conditions under a deadline, never on sleeps.
"""

import asyncio
import json
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from callcenter.app import RunningApp, run_app
from callcenter.clock import LoopClock
from callcenter.settings import Settings
from sim import SimConfig, Simulator
from tests.db_templates import copy_seeded_sqlite

HOTLINE = "8005551234"
DEADLINE = 60.0


@dataclass
class Stack:
    app: RunningApp
    sim: Simulator
    db_url: str

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.app.http_port}"


async def seeded_db(tmp_path: Path) -> str:
    """A migrated, seeded SQLite CRM file; returns its URL."""
    # A copy of one seeded template per test process: migrating and seeding (argon2 for
    # every demo login) cost about a second per test.
    await copy_seeded_sqlite(tmp_path / "callcenter.db")
    return f"sqlite+aiosqlite:///{tmp_path / 'callcenter.db'}"


#: Wall time at loop time 0, per simulator: a daemon restarted against the same simulator
#: keeps one clock, as a real restart does. (Under virtual time each run would otherwise
#: anchor loop time to the real wall time at its start, and virtual time runs ahead.)
_ANCHORS: "weakref.WeakKeyDictionary[Simulator, float]" = weakref.WeakKeyDictionary()


@asynccontextmanager
async def daemon(sim: Simulator, db_url: str, **overrides: Any) -> AsyncIterator[RunningApp]:
    """The daemon against a running simulator, logged in to its AMI; stops on exit."""
    settings = Settings(
        db_url=db_url, http_port=0, agi_port=0, ami_port=sim.ami_port, ami_auth="md5"
    ).with_overrides(**overrides)
    loop = asyncio.get_running_loop()
    anchor = _ANCHORS.setdefault(sim, time.time() - loop.time())
    async with run_app(settings, LoopClock(loop, wall_start=anchor + loop.time())) as app:
        sim.config.agi_port = app.agi_port
        async with asyncio.timeout(DEADLINE):
            await app.pbx.connected.wait()
        yield app


@asynccontextmanager
async def running_stack(
    tmp_path: Path, *, prompt_seconds: float = 2.0, **overrides: Any
) -> AsyncIterator[Stack]:
    db_url = await seeded_db(tmp_path)
    config = SimConfig(ami_port=0, hotlines={HOTLINE: "inbound"}, prompt_seconds=prompt_seconds)
    sim = Simulator(config)
    await sim.start()
    try:
        async with daemon(sim, db_url, **overrides) as app:
            yield Stack(app, sim, db_url)
    finally:
        await sim.close()


@dataclass
class AgentTab:
    """One agent's browser tab, as a program: logged in over HTTP, reading its WebSocket."""

    ws: ClientConnection
    http: httpx.AsyncClient
    seen: list[dict[str, Any]] = field(default_factory=list)
    _next_id: int = 0

    async def next_message(self) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await self.ws.recv())
        self.seen.append(message)
        return message

    async def expect(
        self, type_: str, where: Callable[[dict[str, Any]], bool] = lambda d: True
    ) -> dict[str, Any]:
        """The data of the next message of ``type_`` that satisfies ``where``."""
        async with asyncio.timeout(DEADLINE):
            while True:
                message = await self.next_message()
                if message["type"] == type_ and where(message["data"]):
                    return dict(message["data"])

    async def command(self, type_: str, **fields: object) -> dict[str, Any]:
        self._next_id += 1
        await self.ws.send(json.dumps({"id": self._next_id, "type": type_, **fields}))
        data = await self.expect("ack", lambda d: d.get("id") == self._next_id)
        return data


def http_client(stack: Stack) -> httpx.AsyncClient:
    """An HTTP client for virtual-time tests: one connection per request.

    A keep-alive connection reused under looptime stalls until the next timer (uvicorn's
    5 s keep-alive or the client's timeout) fires; fresh connections do not. Production
    clients are unaffected: this is about the test loop's clock only.
    """
    return httpx.AsyncClient(
        base_url=stack.base_url, limits=httpx.Limits(max_keepalive_connections=0)
    )


async def log_in(http: httpx.AsyncClient, username: str, password: str = "demo") -> str:
    """Log the client in (its cookie jar keeps the session); returns the WebSocket token."""
    login = await http.post("/api/login", json={"username": username, "password": password})
    login.raise_for_status()
    token: str = login.json()["ws_token"]
    return token


@asynccontextmanager
async def agent_tab(stack: Stack, username: str, password: str = "demo") -> AsyncIterator[AgentTab]:
    async with http_client(stack) as http:
        token = await log_in(http, username, password)
        url = f"ws://127.0.0.1:{stack.app.http_port}/ws?token={token}"
        async with connect(url) as ws:
            tab = AgentTab(ws, http)
            await tab.expect("hello")
            yield tab


@asynccontextmanager
async def ready_agent(stack: Stack, username: str) -> AsyncIterator[AgentTab]:
    """An agent's tab, signed in and ready for calls."""
    async with agent_tab(stack, username) as tab:
        await tab.command("sign_in")
        ready = await tab.command("ready")
        # A call already waiting is offered at once, in the same step.
        assert ready["agent"]["state"] in {"ready", "reserved"}
        yield tab


async def until(condition: Callable[[], bool], *, within: float, step: float = 0.1) -> None:
    """Wait (in loop time) until ``condition()`` holds; TimeoutError after ``within``.

    For state that no event announces (the tracker's view after a resync); everything that
    is announced is awaited through its event instead.
    """
    async with asyncio.timeout(within):
        while True:
            if condition():
                return
            await asyncio.sleep(step)
