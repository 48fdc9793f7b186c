"""A lean fake Asterisk for FastAGI load: thousands of sessions from one child process.

Owns: opening ``sessions`` FastAGI connections (raw asyncio streams, a canned reply per
command verb), holding each session's first ``WAIT FOR DIGIT`` until every session has
reached it, so that all are open at once, then releasing them together, and timing the
server's turnaround as Asterisk sees it (our reply sent → the server's next command
received). After the release, prompts and digit waits last ``media`` seconds on average
(0.5-1.5x), as a caller's would; with ``media`` 0 every reply is immediate and the sessions
run as one burst, which measures capacity rather than latency at a realistic pace.
Runs in its own process (``run_in_child``) so the server's loop is measured
alone. Must not import the server: it speaks the wire protocol only.
"""

import asyncio
import random
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from bench.measure import cpu_seconds, raise_fd_limit

#: Connections being set up at once: asyncio's listen backlog is 100.
CONNECTING = 64
HOLD_LIMIT = 120.0
ENV = b"".join(
    line.encode() + b"\n"
    for line in (
        "agi_network: yes",
        "agi_network_script: ivr",
        "agi_request: agi://127.0.0.1/ivr",
        "agi_channel: PJSIP/trunk-00000001",
        "agi_uniqueid: 1795664215.1",
        "agi_callerid: 2125550100",
        "agi_extension: 8005551234",
        "",
    )
)
REPLIES = {
    b"ANSWER": b"200 result=0\n",
    b"STREAM": b"200 result=0 endpos=8000\n",
    b"WAIT": b"200 result=49\n",  # the caller pressed 1
    b"SET": b"200 result=1\n",
}
#: Commands that take media time on a real channel.
TIMED = {b"STREAM", b"WAIT"}


@dataclass
class ClientReport:
    sessions: int
    connected: int = 0
    completed: int = 0
    failed: list[str] = field(default_factory=list)
    commands: int = 0
    commands_after_release: int = 0
    burst_seconds: float = 0.0
    cpu_seconds: float = 0.0
    #: our reply written → the server's next command read, seconds (after the release)
    turnaround: list[float] = field(default_factory=list)


class Load:
    def __init__(self, port: int, sessions: int, commands: int, media: float) -> None:
        self.port, self.commands, self.media = port, commands, media
        self.report = ClientReport(sessions)
        self.gate = asyncio.Semaphore(CONNECTING)
        self.held = 0
        self.released = asyncio.Event()
        self.released_at = 0.0

    def _arrived(self) -> None:
        """A session holds its first digit wait, or ended without one: release when all did."""
        self.held += 1
        if self.held == self.report.sessions and not self.released.is_set():
            self.released_at = time.perf_counter()
            self.released.set()

    async def session(self) -> None:
        holding = [False]
        try:
            async with self.gate:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.report.connected += 1
            try:
                await self._dialogue(reader, writer, holding)
            finally:
                writer.close()
        except (OSError, TimeoutError) as exc:
            self.report.failed.append(f"{type(exc).__name__}: {exc}")
        finally:
            if not holding[0]:
                self._arrived()

    async def _dialogue(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, holding: list[bool]
    ) -> None:
        writer.write(ENV)
        got, sent = 0, 0.0
        while line := await reader.readline():
            got += 1
            if self.released.is_set() and sent:
                self.report.turnaround.append(time.perf_counter() - sent)
                self.report.commands_after_release += 1
            verb = line.split(b" ", 1)[0].rstrip()
            if verb == b"WAIT" and not holding[0]:
                holding[0] = True
                self._arrived()
                async with asyncio.timeout(HOLD_LIMIT):
                    await self.released.wait()
                # Spread the release over one media time: a herd of replies at one instant
                # would measure the release, not the pace callers make.
                await asyncio.sleep(self.media * random.random())
            elif verb in TIMED and self.media and self.released.is_set():
                await asyncio.sleep(self.media * random.uniform(0.5, 1.5))
            writer.write(REPLIES.get(verb, b"200 result=0\n"))
            sent = time.perf_counter()
        self.report.commands += got
        if got == self.commands:
            self.report.completed += 1
        else:
            self.report.failed.append(f"session ended after {got} of {self.commands} commands")

    async def run(self) -> ClientReport:
        async with asyncio.TaskGroup() as tg:
            for _ in range(self.report.sessions):
                tg.create_task(self.session())
        if self.released_at:
            self.report.burst_seconds = time.perf_counter() - self.released_at
        return self.report


def run_in_child(out: Connection, port: int, sessions: int, commands: int, media: float) -> None:
    """Child process entry: run the load against ``port``, send the ``ClientReport`` back."""
    raise_fd_limit(sessions)
    started = cpu_seconds()
    report = asyncio.run(Load(port, sessions, commands, media).run())
    report.cpu_seconds = cpu_seconds() - started
    out.send(report)
    out.close()
