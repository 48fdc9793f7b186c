"""The baseline of the end-to-end bench: the screen-pop path of a typical connector.

Owns a child process that does what many AMI-to-CRM connectors do: one AMI connection
read line by line, and on each agent ring (``DialBegin``) in turn — look the caller up in
the CRM's SQLite file with an unindexed suffix match on the raw numbers (``LIKE '%' ||``
the last seven digits), serialise the pop with the standard ``json`` module, and send it
to each of the ringing agent's WebSocket clients one after the other. The agents' tabs
(``bench.e2e_agents``) stamp its pops as they stamp ours, so both are timed from the same
ring. Must not import the daemon: it stands for someone else's product.
"""

import asyncio
import contextlib
import json
import multiprocessing
import os
import sqlite3
from dataclasses import dataclass
from multiprocessing.connection import Connection
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve

from bench.measure import cpu_seconds, raise_fd_limit

START_LIMIT = 60.0
LOOKUP = """
SELECT c.id, c.first_name, c.last_name, c.organisation, c.tier, p.raw
FROM contact_phones p JOIN contacts c ON c.id = p.contact_id
WHERE p.raw LIKE '%' || ?
"""


@dataclass
class NaiveResult:
    rings: int = 0
    pops_sent: int = 0
    cpu_seconds: float = 0.0


def child_main(conn: Connection, db: str, agents: dict[str, str], max_clients: int) -> None:
    raise_fd_limit(2 * max_clients)
    # Lowest priority: the baseline gets only CPU nobody else wants, so its scans do not
    # slow the daemon it is compared with (on a busy machine its own latency pays for it).
    os.nice(19)
    asyncio.run(Connector(conn, db, agents).serve())


class Connector:
    def __init__(self, conn: Connection, db: str, agents: dict[str, str]) -> None:
        self.conn = conn
        self.crm = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        self.agent_by_extension = {ext: agent for agent, ext in agents.items()}
        self.clients: dict[str, list[ServerConnection]] = {}
        self.result = NaiveResult()

    async def serve(self) -> None:
        async with serve(self.client, "127.0.0.1", 0) as server:
            self.conn.send(server.sockets[0].getsockname()[1])
            ami_port = await asyncio.to_thread(self.conn.recv)
            started = cpu_seconds()
            reader = asyncio.get_running_loop().create_task(self.read_ami(ami_port))
            assert await asyncio.to_thread(self.conn.recv) == "stop"
            self.result.cpu_seconds = cpu_seconds() - started
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await reader
        self.conn.send(self.result)
        self.conn.close()

    async def client(self, ws: ServerConnection) -> None:
        agent = parse_qs(urlsplit(ws.request.path if ws.request else "").query)["agent"][0]
        self.clients.setdefault(agent, []).append(ws)
        await ws.wait_closed()
        self.clients[agent].remove(ws)

    async def read_ami(self, port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await reader.readline()  # banner
        writer.write(b"Action: Login\r\nUsername: cti\r\nSecret: cti\r\nEvents: call\r\n\r\n")
        frame: dict[str, str] = {}
        while line := await reader.readline():
            text = line.decode().rstrip("\r\n")
            if text:
                key, _, value = text.partition(": ")
                frame[key] = value
                continue
            if frame.get("Response") == "Success":
                self.conn.send("listening")
            elif frame.get("Event") == "DialBegin":
                await self.ring(frame)
            frame = {}

    async def ring(self, frame: dict[str, str]) -> None:
        agent = self.agent_by_extension.get(frame.get("DialString", ""))
        if agent is None:
            return
        self.result.rings += 1
        ani = frame.get("CallerIDNum", "")
        rows = self.crm.execute(LOOKUP, (ani[-7:],)).fetchall()  # blocking, as they do
        contacts = [
            {"id": r[0], "name": f"{r[1]} {r[2]}", "organisation": r[3], "tier": r[4], "raw": r[5]}
            for r in rows
        ]
        text = json.dumps({"call_id": frame.get("Uniqueid"), "ani": ani, "contacts": contacts})
        for ws in list(self.clients.get(agent, ())):
            with contextlib.suppress(Exception):
                await ws.send(text)
                self.result.pops_sent += 1


class NaiveProcess:
    def __init__(self, db: str, agents: dict[str, str]) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(
            target=child_main,
            args=(child_end, db, agents, len(agents)),
            name="naive-connector",
            daemon=True,
        )
        self._child_end = child_end

    async def start(self) -> str:
        """Start the process; its WebSocket URL for the agents' tabs."""
        self._process.start()
        self._child_end.close()
        async with asyncio.timeout(START_LIMIT):
            port = await asyncio.to_thread(self._conn.recv)
        return f"ws://127.0.0.1:{port}"

    async def listen(self, ami_port: int) -> None:
        """Log in to the simulator's AMI; returns once logged in."""
        self._conn.send(ami_port)
        async with asyncio.timeout(START_LIMIT):
            assert await asyncio.to_thread(self._conn.recv) == "listening"

    async def stop(self) -> NaiveResult:
        self._conn.send("stop")
        async with asyncio.timeout(START_LIMIT):
            result: NaiveResult = await asyncio.to_thread(self._conn.recv)
        await asyncio.to_thread(self._process.join, 30)
        if self._process.is_alive():
            self._process.terminate()  # only our own child, by its handle
        self._conn.close()
        return result
