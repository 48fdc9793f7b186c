"""The AMI server: TCP listener, sessions, login and event delivery.

Owns: the banner, authentication (plain ``Secret`` and the md5 ``Challenge``/``Key``
handshake; a wrong secret answers ``Authentication failed`` after 1 s and closes, like
e2), ``Logoff``, the per-session event mask, and each session's bounded outbox: a
session whose outbox overflows is disconnected (Asterisk drops a manager client it
cannot write to), so a slow client never grows memory. Responses and list items go
through the same outbox as events, so they keep their order on the wire.
Must not implement the other actions; ami_actions.py does.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
from typing import Final

from sim import events
from sim.ami_actions import ACTIONS
from sim.ami_codec import STREAM_LIMIT, FrameReader, Request, parse_mask
from sim.events import Frame
from sim.pbx import Pbx, encode_frame

log = logging.getLogger(__name__)

BANNER: Final = b"Asterisk Call Manager/11.0.0\r\n"
OUTBOX: Final = 10_000
LOGIN_FAILURE_DELAY: Final = 1.0  # seen in e2
CLOSE_GRACE: Final = 1.0


class AmiSession:
    """One manager connection."""

    def __init__(
        self, pbx: Pbx, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.pbx = pbx
        self.authenticated = False
        self.mask: frozenset[str] | None = None
        self._reader = FrameReader(reader)
        self._writer = writer
        self._outbox: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=OUTBOX)
        self._challenge = ""
        self._dropped = False

    # -- output ------------------------------------------------------------------------
    def deliver(self, data: bytes, klass: str) -> None:
        if self.mask is not None and klass not in self.mask:
            return
        try:
            self._outbox.put_nowait(data)
        except asyncio.QueueFull:
            log.warning("AMI client too slow, outbox full: disconnecting it")
            self.abort()

    async def send(self, frame: Frame) -> None:
        await self._outbox.put(encode_frame(frame))

    async def respond(self, req: Request, kind: str, *fields: tuple[str, str]) -> None:
        frame: Frame = [("Response", kind)]
        if req.action_id:
            frame.append(("ActionID", req.action_id))
        await self.send([*frame, *fields])

    def abort(self) -> None:
        """Drop the connection now; ``serve`` then ends on its own."""
        self._dropped = True
        self.pbx.unsubscribe(self)
        self._writer.close()
        with contextlib.suppress(asyncio.QueueFull):
            self._outbox.put_nowait(None)

    async def _write_loop(self) -> None:
        while not self._dropped:
            data = await self._outbox.get()
            if data is None:
                break
            self._writer.write(data)
            await self._writer.drain()
        self._writer.close()

    # -- input -------------------------------------------------------------------------
    async def serve(self) -> None:
        self._writer.write(BANNER)
        try:
            async with asyncio.TaskGroup() as tg:
                writing = tg.create_task(self._write_loop())
                await self._read_loop()
                if not writing.done():
                    await self._outbox.put(None)
        except* (ConnectionError, OSError) as group:
            log.debug("AMI connection lost: %s", group.exceptions)
        finally:
            self.pbx.unsubscribe(self)
            self._writer.close()

    async def _read_loop(self) -> None:
        while not self._dropped:
            req = await self._reader.read()
            if req is None:
                return
            if not await self._dispatch(req):
                return

    async def _dispatch(self, req: Request) -> bool:
        """Handle one action; False when the session must end."""
        action = req.action.lower()
        if req.error:
            await self.respond(req, "Error", ("Message", req.error))
        elif not action:
            await self.respond(req, "Error", ("Message", "Missing action in request"))
        elif action == "login":
            return await self._login(req)
        elif action == "challenge":
            await self._challenge_action(req)
        elif action == "logoff":
            await self.respond(req, "Goodbye", ("Message", "Thanks for all the fish."))
            return False
        elif not self.authenticated:
            await self.respond(req, "Error", ("Message", "Permission denied"))
        elif action in ACTIONS:
            await ACTIONS[action](self, req)
        else:
            message = (
                f"Invalid/unknown command: {req.action}. "
                "Use Action: ListCommands to show available commands."
            )
            await self.respond(req, "Error", ("Message", message))
        return True

    async def _challenge_action(self, req: Request) -> None:
        if req.get("AuthType").lower() != "md5":
            await self.respond(req, "Error", ("Message", "Must specify AuthType"))
            return
        self._challenge = str(random.randint(100_000_000, 999_999_999))
        await self.respond(req, "Success", ("Challenge", self._challenge))

    def _credentials_ok(self, req: Request) -> bool:
        cfg = self.pbx.config
        if req.get("Username") != cfg.ami_username:
            return False
        if req.get("AuthType").lower() == "md5":
            expected = hashlib.md5((self._challenge + cfg.ami_secret).encode()).hexdigest()
            return bool(self._challenge) and req.get("Key").lower() == expected
        return req.get("Secret") == cfg.ami_secret

    async def _login(self, req: Request) -> bool:
        if not self._credentials_ok(req):
            await asyncio.sleep(LOGIN_FAILURE_DELAY)
            await self.respond(req, "Error", ("Message", "Authentication failed"))
            return False
        self.authenticated = True
        self.mask = parse_mask(req.get("Events", "on"))
        await self.respond(req, "Success", ("Message", "Authentication accepted"))
        uptime = int(self.pbx.now() - self.pbx.started_at)
        if self.mask is None or "system" in self.mask:
            await self.send(events.fully_booted(uptime))
        self.pbx.subscribe(self)
        return True


class AmiServer:
    """Listens for AMI clients; ``port`` is the bound port after ``start``."""

    def __init__(self, pbx: Pbx) -> None:
        self._pbx = pbx
        self._server: asyncio.Server | None = None
        self._sessions: set[AmiSession] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0
        #: Loop time until which new AMI connections are closed at once (an outage).
        self.refuse_until = 0.0

    async def start(self, host: str, port: int) -> int:
        self._server = await asyncio.start_server(self._client, host, port, limit=STREAM_LIMIT)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    def subscriptions(self) -> list[frozenset[str] | None]:
        """Each logged-in session's event classes (None: all), as its Login asked."""
        return [s.mask for s in self._sessions if s.authenticated]

    def drop_clients(self) -> None:
        """Cut every AMI connection, as Asterisk does to a reader that falls behind."""
        for session in list(self._sessions):
            session.abort()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if asyncio.get_running_loop().time() < self.refuse_until:
            writer.close()
            return
        task = asyncio.current_task()
        session = AmiSession(self._pbx, reader, writer)
        self._sessions.add(session)
        if task is not None:
            self._tasks.add(task)
        try:
            await session.serve()
        finally:
            self._sessions.discard(session)
            if task is not None:
                self._tasks.discard(task)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for session in list(self._sessions):
            session.abort()
        # Let the handlers end by themselves: cancelling a client_connected_cb task makes
        # asyncio.streams log an error (3.11), so cancel only a handler that hangs.
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=CLOSE_GRACE)
            for task in pending:
                task.cancel()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
