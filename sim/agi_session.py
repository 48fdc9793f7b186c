"""The FastAGI client side: Asterisk's AGI() application over a TCP socket.

Owns: connecting to the daemon's FastAGI server, the environment block, the command
loop of res_agi.c run_agi() and the ``AGI`` dialplan application with its AGISTATUS.
Rules copied from Asterisk (fixtures a1, a2, b, d1):
* one command, one reply; commands are read in order, never in parallel;
* when the channel hangs up or is redirected (even mid-command) the command in
  progress answers ``-1``, then ``HANGUP\\n`` is sent before the next command is read,
  and from then on only the dead-channel commands run; the others get ``511``;
* when the daemon closes its side, ``HANGUP\\n`` is sent once more and the socket
  closed: a session ALWAYS receives ``HANGUP`` when it ends;
* AGISTATUS is SUCCESS after a normal end, HANGUP after a hangup or Redirect, FAILURE
  when the server cannot be reached (the dialplan then continues);
* a caller who hangs up mid-session gets HangupRequest at once, but the channel's
  ``Hangup`` event only comes once AGI() returns, i.e. after the daemon closes the
  socket (a1: Hangup of ``;2`` 0.5 s after HANGUP, right after the server closed).
Must not interpret commands; agi_commands.py does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import zlib
from typing import Final

from sim import events
from sim.agi_codec import (
    AGI_VERSION,
    DEAD_TEXT,
    REPLY_DEAD,
    REPLY_INVALID,
    AgiResult,
    environment,
    parse_args,
)
from sim.agi_commands import find_command
from sim.caller import NO_AGI
from sim.channel import Channel
from sim.pbx import Pbx

log = logging.getLogger(__name__)

CONNECT_TIMEOUT: Final = 2.0  # res_agi's MAX_AGI_CONNECT (ms 2000)
MAX_COMMAND: Final = 2048  # res_agi's AGI_BUF_LEN
_QUEUE: Final = 16
MAX_RECORDED_COMMANDS: Final = 10_000  # SimCall.agi_commands stays bounded
_WAKE: Final = b"\x00wake"


class AgiSession:
    """One FastAGI session for one channel."""

    def __init__(
        self,
        pbx: Pbx,
        ch: Channel,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        request: str,
        script: str,
        args: list[str],
    ) -> None:
        self.pbx = pbx
        self.ch = ch
        self.dead = False
        self.status = "SUCCESS"
        self._reader = reader
        self._writer = writer
        self._request = request
        self._script = script
        self._args = args
        self._lines: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=_QUEUE)

    async def run(self) -> str:
        """Serve the session until the daemon closes its side; returns AGISTATUS."""
        try:
            await self._send(environment(self._env(), self._args).decode())
            async with asyncio.TaskGroup() as tg:
                reading = tg.create_task(self._read_commands())
                await self._loop()
                reading.cancel()
            await self._send("HANGUP\n")
        finally:
            self._writer.close()
        return self.status

    def _env(self) -> list[tuple[str, str]]:
        ch = self.ch
        return [
            ("network", "yes"),
            ("network_script", self._script),
            ("request", self._request),
            ("channel", ch.name),
            ("language", ch.language),
            ("type", ch.tech),
            ("uniqueid", ch.uniqueid),
            ("version", AGI_VERSION),
            ("callerid", ch.caller_num or "unknown"),
            ("calleridname", ch.caller_name or "unknown"),
            ("callingpres", "0"),
            ("callingani2", "0"),
            ("callington", "0"),
            ("callingtns", "0"),
            ("dnid", ch.dnid or "unknown"),
            ("rdnis", "unknown"),
            ("context", ch.context),
            ("extension", ch.exten),
            ("priority", str(ch.priority)),
            ("enhanced", "0.0"),
            ("accountcode", ch.accountcode),
            ("threadid", str(140028409439936 + 4096 * (zlib.crc32(ch.uniqueid.encode()) % 4096))),
        ]

    async def _read_commands(self) -> None:
        while True:
            try:
                line = await self._reader.readuntil(b"\n")
            except asyncio.LimitOverrunError as exc:
                await self._reader.readexactly(exc.consumed)  # drop an absurd line
                continue
            except (asyncio.IncompleteReadError, ConnectionError):
                await self._lines.put(None)
                self.ch.wake.notify()
                return
            if len(line) <= MAX_COMMAND:
                await self._lines.put(line)
                self.ch.wake.notify()

    async def _loop(self) -> None:
        while True:
            if not self.dead and self.ch.interrupted:
                self.dead = True
                self.status = "HANGUP"
                await self._send("HANGUP\n")
            line = await self._next()
            if line is None:
                return
            if line != _WAKE:
                await self._handle(line.decode("utf-8", "replace").rstrip("\r\n"))

    async def _next(self) -> bytes | None:
        while True:
            if not self._lines.empty():
                return self._lines.get_nowait()
            if not self.dead and self.ch.interrupted:
                return _WAKE
            await self.ch.wake.wait(None)

    async def _handle(self, command: str) -> None:
        ch = self.ch
        if ch.party is not None and len(ch.party.agi_commands) < MAX_RECORDED_COMMANDS:
            ch.party.agi_commands.append(command)
        command_id = random.randint(1, 2**31 - 1)
        self.pbx.emit(events.agi_exec_start(ch, command_id, command))
        argv = parse_args(command)
        spec = find_command(argv)
        if spec is None:
            result = AgiResult(REPLY_INVALID, 510, "Invalid or unknown command")
        elif self.dead and not spec.dead_ok:
            result = AgiResult(REPLY_DEAD, 511, DEAD_TEXT)
        else:
            result = await spec.handler(self, argv)
        await self._send(result.reply)
        self.pbx.emit(events.agi_exec_end(ch, command_id, command, result.code, result.result))

    async def _send(self, text: str) -> None:
        # The daemon may already have closed its side; Asterisk ignores write errors too.
        with contextlib.suppress(ConnectionError):
            self._writer.write(text.encode())
            await self._writer.drain()


def _split_url(url: str) -> tuple[str, int, str]:
    """``agi://host:port/script`` -> host, port, script."""
    rest = url.removeprefix("agi://")
    hostport, _, script = rest.partition("/")
    host, _, port = hostport.partition(":")
    return host, int(port or "4573"), script


async def agi_app(pbx: Pbx, ch: Channel, data: str) -> int:
    """The AGI() application: returns -1 (hang up) only when AGISTATUS is HANGUP."""
    url, *args = data.split(",")
    host, port, script = _split_url(url)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT):
            reader, writer = await asyncio.open_connection(host, port, limit=MAX_COMMAND * 4)
    except (OSError, TimeoutError) as exc:
        log.info("FastAGI %s unreachable for %s: %s", url, ch.name, exc)
        if ch.party is not None:
            ch.party.on_outcome(NO_AGI)
        pbx.set_var(ch, "AGISTATUS", "FAILURE")
        return 0
    if ch.party is not None:
        ch.party.on_state("ivr")
    status = await AgiSession(pbx, ch, reader, writer, url, script, args).run()
    pbx.set_var(ch, "AGISTATUS", status)
    return -1 if status == "HANGUP" else 0
