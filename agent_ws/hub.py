"""The WebSocket hub: who is connected, and what each client is owed.

Owns the per-agent message streams (sequence numbers plus a bounded history for resume)
and one bounded outbox per connected client, drained by that client's own writer coroutine
(``HubClient.run``). Senders never wait on a client: ``send_to_agent`` and ``broadcast``
are synchronous and enqueue with ``put_nowait``. A client whose outbox is full is
disconnected with close code 4008 (``CLOSE_OVERFLOW``) and counted in
``dropped_clients``; it reconnects with ``resume_from`` and gets what it missed.

It knows nothing of HTTP, authentication or the ACD: the WebSocket route hands it a
``Connection`` and the data to greet the client with. The wire format is in docs/websocket.md.
"""

import asyncio
import logging
import secrets
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import orjson

from .clock import Clock

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
#: The ws token was missing, unknown or expired, or the login session ended.
CLOSE_UNAUTHORISED = 4001
#: The client read too slowly and its outbox filled; reconnect with ``resume_from``.
CLOSE_OVERFLOW = 4008
#: The server is shutting down (RFC 6455 "going away").
CLOSE_GOING_AWAY = 1001


class ClientGone(Exception):
    """The connection failed or was closed under the writer."""


class Connection(Protocol):
    """The two things the hub's writer does to a socket; ``ClientGone`` when it is gone."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int, reason: str) -> None: ...


@dataclass(slots=True)
class _Stream:
    """One agent's sequence of messages: every tab of the agent reads the same one."""

    role: str | None
    seq: int = 0
    history: deque[tuple[int, str]] = field(default_factory=deque)


class HubClient:
    """One connected socket: its outbox, and the writer that drains it."""

    def __init__(
        self,
        conn: Connection,
        *,
        agent_id: str,
        role: str,
        session_id: str,
        max_outbox: int,
        send_timeout: float,
    ) -> None:
        self.agent_id = agent_id
        self.role = role
        self.session_id = session_id
        #: Set once the client is being closed or its writer has stopped.
        self.closed = False
        #: The close code the hub asked for, if it closed this client.
        self.close_code: int | None = None
        self._conn = conn
        self._send_timeout = send_timeout
        self._close_reason = ""
        # ``None`` is the writer's cue to close the socket; it always gets a free slot.
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue(maxsize=max_outbox)

    def offer(self, text: str) -> bool:
        """Enqueue ``text`` without waiting; False when the outbox is full."""
        if self.closed:
            return True  # a closing client takes nothing more, and that is not an overflow
        try:
            self._outbox.put_nowait(text)
        except asyncio.QueueFull:
            return False
        return True

    def request_close(self, code: int, reason: str) -> int:
        """Drop what is still queued and have the writer close the socket with ``code``;
        returns how many queued messages were dropped."""
        if self.closed:
            return 0
        self.closed = True
        self.close_code = code
        self._close_reason = reason
        dropped = 0
        while not self._outbox.empty():
            dropped += self._outbox.get_nowait() is not None
            self._outbox.task_done()
        self._outbox.put_nowait(None)
        return dropped

    async def run(self) -> None:
        """Send queued messages in order until a close is requested or the peer is gone.

        A send stuck longer than ``send_timeout`` (a peer that stopped reading, with TCP
        buffers full) ends the writer too: nothing more could reach that peer anyway.
        """
        try:
            while (text := await self._outbox.get()) is not None:
                async with asyncio.timeout(self._send_timeout):
                    await self._conn.send_text(text)
                self._outbox.task_done()
            async with asyncio.timeout(self._send_timeout):
                await self._conn.close(self.close_code or CLOSE_GOING_AWAY, self._close_reason)
        except (ClientGone, TimeoutError):
            log.debug("writer for %s stopped: peer gone or stuck", self.agent_id)
        finally:
            self.closed = True

    async def sent(self) -> None:
        """Return once everything queued so far has been handed to the socket."""
        if not self.closed:
            await self._outbox.join()


class Hub:
    """Routes messages to the connected tabs of each agent; see the module docstring."""

    def __init__(
        self,
        max_outbox: int = 256,
        *,
        clock: Clock,
        history: int = 200,
        send_timeout: float = 10.0,
    ) -> None:
        if max_outbox < 2:
            raise ValueError("max_outbox must leave room for hello and snapshot")
        self.max_outbox = max_outbox
        self.history = history
        #: Clients disconnected because their outbox overflowed.
        self.dropped_clients = 0
        #: Messages those clients never got from this connection: the one that did not
        #: fit and what was still queued (they are replayed on a resume, if still kept).
        self.dropped_frames = 0
        #: Changes on every start, so a resume across a restart gets a snapshot.
        self.epoch = secrets.token_hex(4)
        self._clock = clock
        self._send_timeout = send_timeout
        self._streams: dict[str, _Stream] = {}
        self._clients: dict[str, set[HubClient]] = {}

    # -- connections -------------------------------------------------------------------

    def connect(
        self,
        conn: Connection,
        *,
        agent_id: str,
        role: str,
        session_id: str,
        state: Mapping[str, object],
        resume_from: int | None = None,
        epoch: str | None = None,
    ) -> HubClient:
        """Register a client and queue its ``hello`` (plus replay or ``snapshot``).

        ``state`` is the current snapshot (for an agent, ``{"agent": view}``). Registering
        and queuing happen in one synchronous step, so no live message falls in between.
        """
        stream = self._stream(agent_id)
        stream.role = role
        client = HubClient(
            conn,
            agent_id=agent_id,
            role=role,
            session_id=session_id,
            max_outbox=self.max_outbox,
            send_timeout=self._send_timeout,
        )
        missed = self._missed(stream, resume_from, epoch)
        outcome = "fresh" if resume_from is None else "replay" if missed is not None else "snapshot"
        hello = {**state, "epoch": self.epoch, "resume": outcome}
        client.offer(self._encode(stream.seq, "hello", hello))
        if outcome == "snapshot":
            client.offer(self._encode(stream.seq, "snapshot", {**state, "epoch": self.epoch}))
        for text in missed or ():
            client.offer(text)
        self._clients.setdefault(agent_id, set()).add(client)
        return client

    def disconnect(self, client: HubClient) -> None:
        """Forget a client whose socket has ended; safe to call more than once."""
        clients = self._clients.get(client.agent_id)
        if clients is not None:
            clients.discard(client)
            if not clients:
                del self._clients[client.agent_id]

    @property
    def client_count(self) -> int:
        """Connected clients across all agents (for metrics)."""
        return sum(len(clients) for clients in self._clients.values())

    async def delivered(self, agent_id: str, within: float) -> bool:
        """Wait (at most ``within`` seconds) until every connected tab of the agent has been
        handed all its queued messages; False when one is still behind (a slow tab)."""
        clients = [c for c in self._clients.get(agent_id, ()) if not c.closed]
        if not clients:
            return True
        try:
            async with asyncio.timeout(within):
                await asyncio.gather(*(c.sent() for c in clients))
        except TimeoutError:
            return False
        return True

    def is_watched_by(self, *roles: str) -> bool:
        """Whether a socket is connected for someone last connected as one of ``roles`` (so a
        broadcast for them is worth building)."""
        return any(
            self._streams[agent_id].role in roles
            for agent_id, clients in self._clients.items()
            if clients and agent_id in self._streams
        )

    def clients_for(self, agent_id: str) -> int:
        """How many sockets of this agent are connected and not being closed."""
        return sum(not c.closed for c in self._clients.get(agent_id, ()))

    def close_session(self, session_id: str, reason: str = "session ended") -> None:
        """Close every socket opened under a login session (on logout) with 4001."""
        for client in self._all_clients():
            if client.session_id == session_id:
                self._close(client, CLOSE_UNAUTHORISED, reason)

    def close_all(self, reason: str = "server shutting down") -> None:
        """Close every socket with 1001; the composition root calls this on shutdown."""
        for client in self._all_clients():
            self._close(client, CLOSE_GOING_AWAY, reason)

    # -- sending -----------------------------------------------------------------------

    def send_to_agent(self, agent_id: str, type: str, data: Mapping[str, object]) -> None:
        """Append a message to the agent's stream and queue it for each of its tabs."""
        self._publish(self._stream(agent_id), agent_id, type, data)

    def broadcast(self, type: str, data: Mapping[str, object], role: str | None = None) -> None:
        """Send to every known agent's stream, or only to those last connected as ``role``."""
        for agent_id, stream in list(self._streams.items()):
            if role is None or stream.role == role:
                self._publish(stream, agent_id, type, data)

    def reply(self, client: HubClient, type: str, data: Mapping[str, object]) -> None:
        """Queue a message for one client only (``ack``, ``error``).

        Replies are not part of the stream: they carry the stream's current ``seq`` and are
        never replayed, so a client's resume point stays exact.
        """
        stream = self._stream(client.agent_id)
        if not client.offer(self._encode(stream.seq, type, data)):
            self._overflow(client)

    def last_seq(self, agent_id: str) -> int:
        """The sequence number of the agent's latest stream message (0 before any)."""
        stream = self._streams.get(agent_id)
        return 0 if stream is None else stream.seq

    # -- internals ---------------------------------------------------------------------

    def _publish(
        self, stream: _Stream, agent_id: str, type: str, data: Mapping[str, object]
    ) -> None:
        text = self._encode(stream.seq + 1, type, data)  # encode first: a bad payload raises
        stream.seq += 1
        stream.history.append((stream.seq, text))
        if len(stream.history) > self.history:
            stream.history.popleft()
        for client in list(self._clients.get(agent_id, ())):
            if not client.offer(text):
                self._overflow(client)

    def _overflow(self, client: HubClient) -> None:
        self.dropped_clients += 1
        log.warning("outbox of a %s client of %s overflowed", client.role, client.agent_id)
        self.dropped_frames += 1 + self._close(client, CLOSE_OVERFLOW, "outbox overflow")

    def _close(self, client: HubClient, code: int, reason: str) -> int:
        dropped = client.request_close(code, reason)
        self.disconnect(client)
        return dropped

    def _missed(
        self, stream: _Stream, resume_from: int | None, epoch: str | None
    ) -> list[str] | None:
        """Stream messages after ``resume_from``, or None when they cannot all be replayed."""
        if resume_from is None or resume_from > stream.seq or resume_from < 0:
            return None
        if epoch is not None and epoch != self.epoch:
            return None
        oldest = stream.history[0][0] if stream.history else stream.seq + 1
        if resume_from + 1 < oldest:
            return None  # the gap reaches back past the history kept
        missed = [text for seq, text in stream.history if seq > resume_from]
        # hello, the replay and a little headroom must fit in the outbox
        return missed if len(missed) < self.max_outbox - 1 else None

    def _stream(self, agent_id: str) -> _Stream:
        stream = self._streams.get(agent_id)
        if stream is None:
            stream = self._streams[agent_id] = _Stream(role=None)
        return stream

    def _all_clients(self) -> list[HubClient]:
        return [c for clients in self._clients.values() for c in clients]

    def _encode(self, seq: int, type: str, data: Mapping[str, object]) -> str:
        envelope = {
            "v": PROTOCOL_VERSION,
            "seq": seq,
            "type": type,
            "data": dict(data),
            "at": self._clock.now(),
        }
        return orjson.dumps(envelope).decode()
