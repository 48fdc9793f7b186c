"""The agents' side of the end-to-end bench: thousands of logged-in tabs in one process.

Owns: the child process that logs each agent in through the REST API, opens its WebSocket
(a lean ``websockets`` client, no browser), signs it in and makes it ready over REST, and
then reads: each ``pop`` is stamped with ``time.monotonic()`` on receipt (system-wide on
Linux, so it compares with the simulator's ring stamps), and each ended call is wrapped up
with the socket's ``wrap_up`` command after the wrap-up time. Each agent also holds a socket
to the naive connector (``bench.e2e_naive``), whose pops are stamped the same way.
``AgentsProcess`` is the parent's handle. Must not import the daemon: it is the browser side.
"""

import asyncio
import contextlib
import multiprocessing
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from bench.measure import cpu_seconds, raise_fd_limit

START_LIMIT = 600.0
COOKIE = "cc_session"
#: Logins and sign-ins in flight at once.
CONCURRENCY = 32
WRAP_UP_ID = "wrap-up"
#: The desk's refusal while the call's interaction row is still being written.
STILL_WRITING = "still being written"
RETRY_SECONDS = 1.0
WRAP_UP = orjson.dumps({"type": "wrap_up", "id": WRAP_UP_ID, "disposition": "resolved"}).decode()


@dataclass(frozen=True, slots=True)
class AgentsOrder:
    http_url: str
    naive_url: str
    agents: list[str]
    password: str
    wrap_up: float


@dataclass
class AgentsResult:
    #: (call id, agent id, monotonic receipt) of every pop from the daemon
    pops: list[tuple[str, str, float]] = field(default_factory=list)
    #: the same for the naive connector's pops
    naive_pops: list[tuple[str, str, float]] = field(default_factory=list)
    wrap_ups: int = 0
    #: Wrap-ups sent again because the call's row was still being written.
    wrap_up_retries: int = 0
    errors: list[str] = field(default_factory=list)
    #: CPU seconds between ``go`` and ``stop`` (the traffic, not the logins)
    cpu_seconds: float = 0.0
    messages: int = 0


def child_main(conn: Connection, order: AgentsOrder) -> None:
    raise_fd_limit(3 * len(order.agents))
    asyncio.run(_serve(conn, order))


async def _serve(conn: Connection, order: AgentsOrder) -> None:
    result = AgentsResult()
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=order.http_url, limits=limits, timeout=60) as http:
        floor = Floor(http, order, result)
        try:
            await floor.open_all()
            conn.send("ready")
            assert await asyncio.to_thread(conn.recv) == "go"
            started = cpu_seconds()
            assert await asyncio.to_thread(conn.recv) == "stop"
            result.cpu_seconds = cpu_seconds() - started
            await floor.close_all()
        except Exception as exc:  # the parent must hear why, not wait forever
            causes = exc.exceptions if isinstance(exc, ExceptionGroup) else (exc,)
            result.errors += [f"{type(c).__name__}: {c}" for c in causes]
            conn.send("failed")
    conn.send(result)
    conn.close()


class Floor:
    """Every agent's tab: its cookie, its two sockets and the tasks that read them."""

    def __init__(self, http: httpx.AsyncClient, order: AgentsOrder, result: AgentsResult) -> None:
        self.http, self.order, self.result = http, order, result
        self.cookies: dict[str, str] = {}
        self.sockets: list[ClientConnection] = []
        self.tasks: set[asyncio.Task[None]] = set()

    async def open_all(self) -> None:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(agent: str) -> None:
            async with gate:
                await self.open(agent)

        async with asyncio.TaskGroup() as tg:
            for agent in self.order.agents:
                tg.create_task(one(agent))

    async def open(self, agent: str) -> None:
        login = await self.http.post(
            "/api/login", json={"username": agent, "password": self.order.password}
        )
        login.raise_for_status()
        self.cookies[agent] = login.cookies[COOKIE]
        ws_url = self.order.http_url.replace("http", "ws", 1)
        ours = await connect(f"{ws_url}/ws?token={login.json()['ws_token']}")
        naive = await connect(f"{self.order.naive_url}/?agent={agent}")
        self.sockets += [ours, naive]
        self._spawn(self.read(agent, ours))
        self._spawn(self.read_naive(agent, naive))
        for step in ("sign-in", "ready"):
            (await self.post(agent, f"/api/agent/{step}")).raise_for_status()

    async def post(self, agent: str, path: str, body: Any = None) -> httpx.Response:
        headers = {"cookie": f"{COOKIE}={self.cookies[agent]}"}
        return await self.http.post(path, json=body, headers=headers)

    async def read(self, agent: str, ws: ClientConnection) -> None:
        pops = self.result.pops
        with contextlib.suppress(Exception):
            async for raw in ws:
                received = time.monotonic()
                self.result.messages += 1
                message = orjson.loads(raw)
                kind, data = message["type"], message["data"]
                if kind == "pop":
                    pops.append((data["call_id"], agent, received))
                elif kind == "call_state" and data["state"] == "ended":
                    self._spawn(self.wrap_up(agent, ws))
                elif kind == "ack" and data.get("id") == WRAP_UP_ID:
                    self.result.wrap_ups += 1
                elif kind == "error" and STILL_WRITING in str(data.get("error")):
                    # As an agent would: the row is being written; press Done again shortly.
                    self.result.wrap_up_retries += 1
                    self._spawn(self.wrap_up(agent, ws, after=RETRY_SECONDS))
                elif kind == "error":
                    self.result.errors.append(f"wrap-up of {agent}: {data.get('error')}")

    async def read_naive(self, agent: str, ws: ClientConnection) -> None:
        pops = self.result.naive_pops
        with contextlib.suppress(Exception):
            async for raw in ws:
                pops.append((orjson.loads(raw)["call_id"], agent, time.monotonic()))

    async def wrap_up(self, agent: str, ws: ClientConnection, after: float | None = None) -> None:
        """The wrap-up command over the tab's socket, as the agent page sends it (its ``ack``
        or ``error`` is counted by ``read``)."""
        await asyncio.sleep(self.order.wrap_up if after is None else after)
        try:
            await ws.send(WRAP_UP)
        except Exception as exc:  # the socket is gone: the parent must hear it
            self.result.errors.append(f"wrap-up of {agent}: {type(exc).__name__}: {exc}")

    async def close_all(self) -> None:
        for task in self.tasks:
            task.cancel()
        for ws in self.sockets:
            with contextlib.suppress(Exception):
                await ws.close()

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


class AgentsProcess:
    """``start()`` logs everyone in and returns once all are ready; ``go``; ``stop()``."""

    def __init__(self, order: AgentsOrder) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(
            target=child_main, args=(child_end, order), name="bench-agents", daemon=True
        )
        self._child_end = child_end

    async def start(self) -> None:
        self._process.start()
        self._child_end.close()
        async with asyncio.timeout(START_LIMIT):
            word = await asyncio.to_thread(self._conn.recv)
        if word != "ready":
            result: AgentsResult = await asyncio.to_thread(self._conn.recv)
            raise RuntimeError(f"agents could not log in: {result.errors[:3]}")

    def go(self) -> None:
        self._conn.send("go")

    async def stop(self) -> AgentsResult:
        self._conn.send("stop")
        async with asyncio.timeout(START_LIMIT):
            result: AgentsResult = await asyncio.to_thread(self._conn.recv)
        await asyncio.to_thread(self._process.join, 30)
        if self._process.is_alive():
            self._process.terminate()  # only our own child, by its handle
        self._conn.close()
        return result
