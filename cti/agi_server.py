"""FastAGI server: accepts Asterisk's ``AGI(agi://host:port/script)`` connections.

Owns: listening, reading each session's environment under a deadline (a peer
that never finishes it is dropped), routing by script name, running each
handler in its connection's own task, and closing the socket when the handler
returns, which is what lets Asterisk continue the dialplan. Must not know what
the handlers do (IVR, queue wait): they get an ``AgiSession``.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping

from cti.agi_codec import AgiEnvironment, parse_env
from cti.agi_session import AgiSession, CommandObserver
from cti.errors import ChannelGone, PbxError

__all__ = ["AgiHandler", "AgiServer", "AgiSession", "CommandObserver"]

log = logging.getLogger(__name__)

AgiHandler = Callable[[AgiSession], Awaitable[None]]


class AgiServer:
    """Routes FastAGI sessions to handlers by ``agi_network_script``.

    ``command_timeout`` is each command's default deadline (a STREAM FILE lasts as long
    as its prompt, so it is generous); ``max_line`` bounds one reply line and the whole
    environment block; ``env_timeout`` drops a peer that does not finish its environment.
    """

    def __init__(
        self,
        routes: Mapping[str, AgiHandler],
        host: str = "127.0.0.1",
        port: int = 4573,
        *,
        command_timeout: float | None = 300.0,
        max_line: int = 65536,
        env_timeout: float = 5.0,
        max_env_lines: int = 256,
        command_observer: CommandObserver | None = None,
    ) -> None:
        self.routes = dict(routes)
        self.host = host
        self.port = port
        self.command_timeout = command_timeout
        self.max_line = max_line
        self.env_timeout = env_timeout
        self.max_env_lines = max_env_lines
        self.refused = 0
        self.peak_sessions = 0
        self.command_observer = command_observer
        self._server: asyncio.Server | None = None
        self._sessions: set[asyncio.Task[None]] = set()
        self._closed = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def active_sessions(self) -> int:
        return len(self._sessions)

    async def idle(self) -> None:
        """Wait until no session is running (for a graceful drain, and for tests)."""
        await self._idle.wait()

    async def start(self) -> None:
        """Bind and listen; ``port`` then holds the bound port (useful with port 0)."""
        self._closed.clear()
        self._server = await asyncio.start_server(
            self._on_client, self.host, self.port, limit=self.max_line
        )
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("FastAGI listening on %s:%d", self.host, self.port)

    async def serve_forever(self) -> None:
        """Serve until ``close()``; starts the listener first if needed."""
        if self._server is None:
            await self.start()
        try:
            await self._closed.wait()
        finally:
            await self.close()

    async def close(self) -> None:
        """Stop listening, cancel running sessions and wait for them to end."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        current = asyncio.current_task()
        sessions = [task for task in self._sessions if task is not current]
        for task in sessions:
            task.cancel()
        if sessions:
            await asyncio.gather(*sessions, return_exceptions=True)
        if server is not None:
            await server.wait_closed()
        self._closed.set()

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        self.peak_sessions = max(self.peak_sessions, len(self._sessions))
        self._idle.clear()
        peer = _peer_name(writer)
        try:
            environment = await self._read_env(reader, peer)
            if environment is None:
                return
            handler = self.routes.get(environment.script)
            if handler is None:
                self.refused += 1
                log.warning(
                    "refused FastAGI session from %s: unknown script %r (channel %s)",
                    peer,
                    environment.script,
                    environment.values.get("agi_channel", "?"),
                )
                return
            session = AgiSession(
                reader,
                writer,
                environment,
                peer=peer,
                command_timeout=self.command_timeout,
                observer=self.command_observer,
            )
            await _run_handler(handler, session)
        finally:
            self._sessions.discard(task)
            if not self._sessions:
                self._idle.set()
            await _close(writer)

    async def _read_env(self, reader: asyncio.StreamReader, peer: str) -> AgiEnvironment | None:
        try:
            async with asyncio.timeout(self.env_timeout):
                # One read up to the empty line: the whole block must fit in max_line bytes.
                raw = await reader.readuntil(b"\n\n")
        except TimeoutError:
            log.warning(
                "dropped FastAGI peer %s: no complete environment within %.1fs",
                peer,
                self.env_timeout,
            )
            return None
        except asyncio.IncompleteReadError:
            log.info("FastAGI peer %s left before sending its environment", peer)
            return None
        except (asyncio.LimitOverrunError, OSError) as exc:
            log.warning("dropped FastAGI peer %s while reading its environment: %s", peer, exc)
            return None
        lines = raw.decode("utf-8", "replace").splitlines()
        if len(lines) > self.max_env_lines:
            log.warning("dropped FastAGI peer %s: environment of %d lines", peer, len(lines))
            return None
        return parse_env(line for line in lines if line)


async def _run_handler(handler: AgiHandler, session: AgiSession) -> None:
    try:
        await handler(session)
    except ChannelGone as exc:
        log.info("FastAGI session %s (%s) ended: %s", session.channel, session.peer, exc)
    except PbxError as exc:
        log.warning("FastAGI session %s (%s) failed: %s", session.channel, session.peer, exc)
    except Exception:
        log.exception("FastAGI handler %r crashed on %s", session.script, session.channel)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    # Closing is best effort: the peer may already be gone, and it must not hang shutdown.
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(1.0):
            await writer.wait_closed()


def _peer_name(writer: asyncio.StreamWriter) -> str:
    peer = writer.get_extra_info("peername")
    if isinstance(peer, tuple) and len(peer) >= 2:
        return f"{peer[0]}:{peer[1]}"
    return str(peer)
