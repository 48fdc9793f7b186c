"""A tiny AMI server for client tests: real loopback socket, replies from the transcripts.

Owns: accepting one client at a time, parsing its actions with its own few lines
(not our codec, so a codec bug cannot hide on both sides), and answering each
action through a handler that returns the bytes to send (fixture frames with the
client's ActionID patched in). Keeps every received action for assertions.
"""

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.cti.transcripts import ami_frames_by_action_id, ami_raw_event

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
E3_CHALLENGE = "170824882"
E3_KEY = "4ecc74cbd4c7a43586930e3933bdd33c"  # md5("170824882" + "cti") as sent in e3


@dataclass
class ReceivedAction:
    fields: list[tuple[str, str]]

    @property
    def name(self) -> str:
        return self.get("Action")

    @property
    def action_id(self) -> str:
        return self.get("ActionID")

    def get(self, key: str) -> str:
        return next((v for k, v in self.fields if k == key), "")


Handler = Callable[[ReceivedAction], bytes | None]


def with_action_id(frames: list[bytes], action_id: str) -> bytes:
    """Fixture frames with their ActionID replaced by the client's."""
    new = b"ActionID: " + action_id.encode()
    return b"".join(re.sub(rb"ActionID: [^\r]*", new, frame) for frame in frames)


def fixture_reply(transcript: str, fixture_action_id: str) -> Handler:
    frames = ami_frames_by_action_id(transcript, fixture_action_id)
    assert frames, fixture_action_id
    return lambda action: with_action_id(frames, action.action_id)


def silent(action: ReceivedAction) -> bytes:
    return b""


def _login(action: ReceivedAction) -> bytes | None:
    good = action.get("Secret") == "cti" or action.get("Key") == E3_KEY
    if not good:
        return None  # the server answers with e2's error, then closes (see _serve)
    frames = ami_frames_by_action_id("a1_inbound_ivr", "a1_inbound_ivr-login-1")
    return with_action_id(frames, action.action_id) + ami_raw_event("a1_inbound_ivr", "FullyBooted")


def default_handlers() -> dict[str, Handler]:
    return {
        "Login": _login,
        "Challenge": fixture_reply("e3_login_md5_challenge", "e3-challenge-1"),
        "Ping": fixture_reply("e3_login_md5_challenge", "e3-ping-3"),
        "Logoff": fixture_reply("e3_login_md5_challenge", "e3-logoff-4"),
    }


class FakeAmi:
    """``async with FakeAmi() as ami``: listens on 127.0.0.1, port 0."""

    def __init__(self, handlers: dict[str, Handler] | None = None) -> None:
        self.handlers = default_handlers() | (handlers or {})
        self.actions: list[ReceivedAction] = []
        self.received: asyncio.Queue[ReceivedAction] = asyncio.Queue()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> "FakeAmi":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def push(self, data: bytes) -> None:
        """Send bytes (events, garbage) to every connected client."""
        for writer in self._writers:
            writer.write(data)
            await writer.drain()

    async def drop(self) -> None:
        """Close every client connection, as a crashed Asterisk would."""
        for writer in self._writers:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.append(writer)
        try:
            writer.write(BANNER)
            while True:
                try:
                    raw = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = raw.decode()[:-4].split("\r\n")
                action = ReceivedAction(
                    [(k, v) for k, _, v in (ln.partition(": ") for ln in lines)]
                )
                self.actions.append(action)
                self.received.put_nowait(action)
                if not await self._answer(action, writer):
                    return
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _answer(self, action: ReceivedAction, writer: asyncio.StreamWriter) -> bool:
        """Write the handler's reply; False when the connection must end."""
        handler = self.handlers.get(action.name)
        reply = handler(action) if handler else None
        if action.name == "Login" and reply is None:
            frames = ami_frames_by_action_id("e2_login_failure", "e2-login-1")
            writer.write(with_action_id(frames, action.action_id))
            return False
        if reply is None:
            return False  # a handler returning None means: drop the connection
        writer.write(reply)
        await writer.drain()
        return action.name != "Logoff"
