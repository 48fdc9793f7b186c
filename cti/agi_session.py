"""One FastAGI session: the caller's channel as seen through a socket.

Owns: sending one command at a time and reading its reply (skipping the
``HANGUP`` notice, which Asterisk may send before any reply), turning replies
into results or typed errors, and the typed helpers the IVR uses. Must not
route sessions, own the socket's lifetime (``agi_server`` closes it when the
handler returns) or decide what a hangup means for the call: ``HANGUP`` on this
socket is only a hint, the AMI ``Hangup`` event is the proof.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Mapping

from cti.agi_codec import AgiEnvironment, AgiReply, AgiReplyParser, ReplyEvent, check_arg
from cti.agi_codec import quote as _q
from cti.agi_codec import token as _t
from cti.errors import AgiCommandError, ChannelGone, PbxTimeout

log = logging.getLogger(__name__)

#: Told after each answered command: (command line, think seconds, round-trip seconds).
#: Think time is how long the channel waited on us before the command (since the previous
#: reply, or since the environment for the first command): the caller's dead air.
CommandObserver = Callable[[str, float, float], None]


class AgiSession:
    """Commands for one channel. Methods raise ``ChannelGone`` once the channel is dead."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        environment: AgiEnvironment,
        *,
        peer: str,
        command_timeout: float | None,
        observer: CommandObserver | None = None,
    ) -> None:
        self.environment = environment
        self.env: Mapping[str, str] = environment.values
        self.args: tuple[str, ...] = environment.args
        self.script = environment.script
        self.channel = self.env.get("agi_channel", "")
        self.uniqueid = self.env.get("agi_uniqueid", "")
        self.caller_id = self.env.get("agi_callerid", "")
        self.caller_name = self.env.get("agi_calleridname", "")
        self.extension = self.env.get("agi_extension", "")
        self.peer = peer
        #: True once Asterisk sent ``HANGUP``: seen while reading replies, and only a hint
        #: (it is also sent after a redirect and at every session's end).
        self.hangup_received = False
        self.command_timeout = command_timeout
        self._reader = reader
        self._writer = writer
        self._parser = AgiReplyParser()
        self._lock = asyncio.Lock()
        self._broken = ""
        self._observer = observer
        # A measurement, not a decision: real seconds even under a virtual-time loop.
        self._idle_since = time.perf_counter()

    # The per-call timeout is part of the contract (docs/contracts.md); it only overrides
    # the session default and is applied with asyncio.timeout inside.
    async def command(self, line: str, timeout: float | None = None) -> AgiReply:  # noqa: ASYNC109
        """Send one raw command line; return its ``200`` reply.

        ``511`` and a lost socket raise ``ChannelGone``; ``510``/``520`` and other
        codes raise ``AgiCommandError``; no reply in time raises ``PbxTimeout``.
        """
        check_arg(line)
        limit = self.command_timeout if timeout is None else timeout
        async with self._lock:  # one command, one reply: concurrent callers would interleave
            if self._broken:
                raise ChannelGone(self._broken)
            try:
                async with asyncio.timeout(limit):
                    sent = time.perf_counter()
                    self._writer.write(line.encode() + b"\n")
                    await self._writer.drain()
                    reply = await self._read_reply(line)
            except TimeoutError:
                # A late reply would answer the *next* command: the session cannot continue.
                self._break(f"{line!r}: no reply within {limit}s")
                raise PbxTimeout(f"AGI {line!r} on {self.channel}: no reply in time") from None
            except OSError as exc:
                self._break(f"{line!r}: socket error {exc}")
                raise ChannelGone(self._broken) from exc
            self._observe(line, sent)
        return self._check(line, reply)

    def _observe(self, line: str, sent: float) -> None:
        done = time.perf_counter()
        if self._observer is not None:
            self._observer(line, sent - self._idle_since, done - sent)
        self._idle_since = done

    async def _read_reply(self, line: str) -> AgiReply:
        while True:
            try:
                raw = await self._reader.readline()
            except ValueError as exc:  # a line beyond the stream limit
                self._break(f"{line!r}: reply line too long")
                raise ChannelGone(self._broken) from exc
            if not raw:
                self._break(f"{line!r}: Asterisk closed the session")
                raise ChannelGone(self._broken)
            item = self._parser.feed_line(raw.decode("utf-8", "replace"))
            if item is ReplyEvent.HANGUP:
                self.hangup_received = True
            elif isinstance(item, AgiReply):
                return item

    def end(self, why: str) -> None:
        """Close the socket now, before the handler returns.

        Asterisk finishes a channel (hangs it up, or moves it after a Redirect) only once
        the FastAGI socket is closed (fixtures a2, e3), so a handler that must see what
        becomes of a dead channel ends its session first. Later commands raise
        ``ChannelGone``.
        """
        if not self._broken:
            self._broken = f"AGI session {self.channel or self.peer} ended by us: {why}"
            self._writer.close()

    def _break(self, why: str) -> None:
        self._broken = f"AGI session {self.channel or self.peer} unusable: {why}"
        self._writer.transport.abort()

    def _check(self, line: str, reply: AgiReply) -> AgiReply:
        if reply.code == 200:
            return reply
        if reply.code == 511:
            raise ChannelGone(f"AGI {line!r} on {self.channel}: dead channel (511)")
        raise AgiCommandError(reply.code, "\n".join(reply.lines))

    async def _digit_command(self, line: str) -> str | None:
        """Commands whose result is 0 (no key), a key's ASCII code, or -1 (hung up)."""
        reply = await self.command(line)
        value = reply.result_int
        if value is None or value < 0:
            raise ChannelGone(f"AGI {line!r} on {self.channel}: result={reply.result}")
        return chr(value) if value else None

    async def answer(self) -> None:
        reply = await self.command("ANSWER")
        if reply.result == "-1":
            raise ChannelGone(f"AGI ANSWER on {self.channel}: result=-1")

    async def stream_file(self, name: str, escape_digits: str = "") -> str | None:
        """Play a prompt; return the escape digit pressed, or None if it played out."""
        return await self._digit_command(f"STREAM FILE {_t(name)} {_q(escape_digits)}")

    async def get_data(self, prompt: str, timeout_ms: int, max_digits: int) -> str:
        """Play ``prompt`` and collect digits; ``""`` when nobody typed anything."""
        reply = await self.command(f"GET DATA {_t(prompt)} {int(timeout_ms)} {int(max_digits)}")
        if reply.result.startswith("-"):
            raise ChannelGone(f"AGI GET DATA on {self.channel}: result={reply.result}")
        return reply.result

    async def wait_for_digit(self, timeout_ms: int) -> str | None:
        return await self._digit_command(f"WAIT FOR DIGIT {int(timeout_ms)}")

    async def set_music(self, on: bool, moh_class: str = "default") -> None:
        await self.command(f"SET MUSIC on {_t(moh_class)}" if on else "SET MUSIC off")

    async def exec(self, app: str, options: str = "") -> int:
        """Run a dialplan application; return its result.

        -1 is returned, not raised: EXEC also answers -1 when the channel was
        redirected away (fixture b_redirect_dial_agent), which is not a hangup.
        """
        line = f"EXEC {_t(app)} {_t(options)}" if options else f"EXEC {_t(app)}"
        reply = await self.command(line)
        value = reply.result_int
        if value is None:
            raise AgiCommandError(reply.code, f"EXEC {app}: unexpected result {reply.result!r}")
        return value

    async def get_variable(self, name: str) -> str | None:
        reply = await self.command(f"GET VARIABLE {_t(name)}")
        return (reply.data or "") if reply.result == "1" else None

    async def get_full_variable(self, expression: str) -> str | None:
        """Evaluate ``${...}`` expressions, e.g. ``${CALLERID(all)}``."""
        reply = await self.command(f"GET FULL VARIABLE {_q(expression)}")
        return (reply.data or "") if reply.result == "1" else None

    async def set_variable(self, name: str, value: str) -> None:
        await self.command(f"SET VARIABLE {_t(name)} {_q(value)}")

    async def say_number(self, n: int, escape_digits: str = "") -> str | None:
        return await self._digit_command(f"SAY NUMBER {int(n)} {_q(escape_digits)}")

    async def say_digits(self, digits: str, escape_digits: str = "") -> str | None:
        if not digits.isdigit():
            raise ValueError(f"SAY DIGITS needs digits, got {digits!r}")
        return await self._digit_command(f"SAY DIGITS {digits} {_q(escape_digits)}")

    async def channel_status(self) -> int:
        """Asterisk's channel state number (6 = up)."""
        reply = await self.command("CHANNEL STATUS")
        value = reply.result_int
        if value is None or value < 0:
            raise ChannelGone(f"AGI CHANNEL STATUS on {self.channel}: result={reply.result}")
        return value

    async def hangup(self) -> None:
        """Hang the channel up; Asterisk then sends ``HANGUP`` and later commands get 511."""
        await self.command("HANGUP")

    async def verbose(self, msg: str, level: int = 1) -> None:
        await self.command(f"VERBOSE {_q(msg)} {int(level)}")
