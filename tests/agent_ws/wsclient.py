"""A test's browser tab on the real socket: a websockets client with JSON helpers."""

import asyncio
import socket
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from .conftest import LiveServer

TIMEOUT = 5.0


class Tab:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def recv(self) -> dict[str, Any]:
        async with asyncio.timeout(TIMEOUT):
            message = await self.ws.recv()
        data: dict[str, Any] = orjson.loads(message)
        return data

    async def recv_type(self, type: str) -> dict[str, Any]:
        """The next message of ``type``, skipping others."""
        while (message := await self.recv())["type"] != type:
            pass
        return message

    async def send(self, command: dict[str, Any] | str | bytes) -> None:
        payload = command if isinstance(command, str | bytes) else orjson.dumps(command).decode()
        await self.ws.send(payload)

    async def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send a command and return its reply (``ack`` or ``error``), skipping pushes."""
        await self.send(command)
        while (message := await self.recv())["type"] not in ("ack", "error"):
            pass
        return message

    async def close_code(self) -> int:
        """Read until the server closes; the close code it sent."""
        try:
            async with asyncio.timeout(TIMEOUT):
                async for _ in self.ws:
                    pass
        except ConnectionClosed:
            pass
        assert self.ws.close_code is not None
        return self.ws.close_code

    async def close(self) -> None:
        await self.ws.close()


async def ws_token(browser: httpx.AsyncClient) -> str:
    response = await browser.get("/api/session")
    assert response.status_code == 200, response.text
    token: str = response.json()["ws_token"]
    return token


async def open_tab(
    live: LiveServer, token: str, *, slow_reader: bool = False, **query: object
) -> Tab:
    """Connect with ``token``; ``slow_reader`` makes a client whose TCP window is tiny and
    that buffers at most one frame, so the server's sends to it soon block."""
    params = httpx.QueryParams({"token": token, **{k: str(v) for k, v in query.items()}})
    url = live.ws_url(str(params))
    if not slow_reader:
        return Tab(await connect(url, open_timeout=TIMEOUT))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", live.port))
    ws = await connect(url, sock=sock, max_queue=1, compression=None, open_timeout=TIMEOUT)
    return Tab(ws)
