"""Fixtures for agent_ws: a real migrated SQLite file with users made through crm_core,
the app wired to a FakeDesk, an in-process HTTP client, and a real uvicorn server on
127.0.0.1 port 0 for WebSocket tests."""

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agent_ws.app import create_app
from agent_ws.hub import Hub
from agent_ws.sessions import SessionStore
from crm_core.db import make_engine, make_sessionmaker, upgrade
from crm_core.users import create_user
from crm_core.vocabulary import Role

from .fakes import FakeClock, FakeDesk

#: username -> (display name, role, password, active)
USERS = {
    "alice": ("Alice Example", Role.AGENT, "alice-secret", True),
    "bob": ("Bob Builder", Role.AGENT, "bob-secret", True),
    "carol": ("Carol NoDesk", Role.AGENT, "carol-secret", True),
    "sue": ("Sue Pervisor", Role.SUPERVISOR, "sue-secret", True),
    "zed": ("Zed Gone", Role.AGENT, "zed-secret", False),
}
#: Agents the FakeDesk knows (carol has a login but no desk).
DESK_AGENTS = {"alice": "Alice Example", "bob": "Bob Builder"}


async def _build_template(url: str) -> None:
    await upgrade(url)
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            for username, (name, role, password, active) in USERS.items():
                await create_user(
                    session,
                    username=username,
                    display_name=name,
                    role=role,
                    password=password,
                    active=active,
                )
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database with the users; each test gets a copy (argon2 is slow)."""
    path = tmp_path_factory.mktemp("template") / "crm.db"
    asyncio.run(_build_template(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
async def sessionmaker(
    template_db: Path, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    path = tmp_path / "crm.db"
    shutil.copy(template_db, path)
    engine: AsyncEngine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


@dataclass
class Stack:
    clock: FakeClock
    hub: Hub
    desk: FakeDesk
    sessions: SessionStore
    app: FastAPI


StackFactory = Callable[..., Stack]


@pytest.fixture
def make_stack(sessionmaker: async_sessionmaker[AsyncSession]) -> StackFactory:
    """Build the app with hub options of the test's choosing (``max_outbox``, ``history``)."""

    def build(**hub_options: Any) -> Stack:
        clock = FakeClock()
        hub = Hub(clock=clock, **hub_options)
        desk = FakeDesk(hub, clock, DESK_AGENTS)
        sessions = SessionStore(clock)
        app = create_app(
            sessionmaker=sessionmaker, desk=desk, hub=hub, clock=clock, sessions=sessions
        )
        return Stack(clock, hub, desk, sessions, app)

    return build


@pytest.fixture
def stack(make_stack: StackFactory) -> Stack:
    return make_stack()


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of the app (no socket); it keeps cookies like a browser."""
    transport = httpx.ASGITransport(app=stack.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def login(client: httpx.AsyncClient, username: str) -> str:
    """Log ``client`` in as ``username``; return the ws token."""
    password = USERS[username][2]
    response = await client.post("/api/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token = response.json()["ws_token"]
    assert isinstance(token, str)
    return token


class LiveServer:
    """A uvicorn server on a free loopback port, serving one app."""

    def __init__(self, app: FastAPI, port: int) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.port = port
        self.clients: list[httpx.AsyncClient] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, query: str) -> str:
        return f"ws://127.0.0.1:{self.port}/ws?{query}"

    def client(self) -> httpx.AsyncClient:
        """A real-socket HTTP client with its own cookie jar (one browser); closed at teardown."""
        client = httpx.AsyncClient(base_url=self.base)
        self.clients.append(client)
        return client


@pytest.fixture
async def live_servers() -> AsyncIterator[Callable[[FastAPI], Awaitable[LiveServer]]]:
    """Start uvicorn servers for apps; each is shut down (and awaited) at teardown."""
    running: list[tuple[LiveServer, asyncio.Task[None]]] = []

    async def start(app: FastAPI) -> LiveServer:
        # Listening before uvicorn starts: a client that connects early waits in the
        # backlog, so there is nothing to poll for.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        live = LiveServer(app, sock.getsockname()[1])
        running.append((live, asyncio.create_task(live.server.serve(sockets=[sock]))))
        return live

    yield start
    for live, _ in running:
        for client in live.clients:
            await client.aclose()
        live.server.should_exit = True
    async with asyncio.timeout(15):
        await asyncio.gather(*(task for _, task in running))


@pytest.fixture
async def live(
    stack: Stack, live_servers: Callable[[FastAPI], Awaitable[LiveServer]]
) -> LiveServer:
    return await live_servers(stack.app)
