"""The PBX simulator in a process of its own, driven by a benchmark over a pipe.

Owns: the child side (start a ``Simulator`` with the agents' ``Phones`` if any, send back
its AMI port, run each scripted load it is sent with ``sim.run_load``, send back the
report and its own CPU seconds) and ``SimProcess``, the parent's handle on it. One
process per side means the daemon's event loop is measured alone, as it would be next to
a real Asterisk.
Must import nothing of ours but ``sim`` and ``bench.measure``: the child stands for Asterisk.
"""

import asyncio
import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection

from bench.measure import cpu_seconds, raise_fd_limit
from sim import CallerScript, LoadReport, SimConfig, Simulator, run_load

START_LIMIT = 60.0


@dataclass(frozen=True, slots=True)
class LoadOrder:
    agi_port: int
    scripts: list[CallerScript]
    ramp: float
    deadline: float


@dataclass(frozen=True, slots=True)
class Phones:
    """Agents' softphones to register before the daemon logs in: each answers after
    ``answer_after`` seconds of ringing and hangs up after ``talk_for`` seconds."""

    extensions: list[str]
    answer_after: float
    talk_for: float


@dataclass(frozen=True, slots=True)
class LoadResult:
    report: LoadReport
    cpu_seconds: float


def child_main(
    conn: Connection, hotline: str, prompt_seconds: float, max_calls: int, phones: Phones | None
) -> None:
    raise_fd_limit(max_calls)
    asyncio.run(_serve(conn, hotline, prompt_seconds, phones))


async def _serve(
    conn: Connection, hotline: str, prompt_seconds: float, phones: Phones | None
) -> None:
    config = SimConfig(ami_port=0, hotlines={hotline: "inbound"}, prompt_seconds=prompt_seconds)
    sim = Simulator(config)
    for extension in phones.extensions if phones else ():
        assert phones is not None
        sim.add_phone(extension, answer_after=phones.answer_after, talk_for=phones.talk_for)
    await sim.start()
    conn.send(sim.ami_port)
    try:
        while (order := await asyncio.to_thread(conn.recv)) is not None:
            assert isinstance(order, LoadOrder)
            sim.config.agi_port = order.agi_port
            started = cpu_seconds()
            report = await run_load(sim, order.scripts, ramp=order.ramp, deadline=order.deadline)
            conn.send(LoadResult(report, cpu_seconds() - started))
    finally:
        await sim.close()
        conn.close()


class SimProcess:
    """``start()`` → the simulator's AMI port; ``load()`` as often as needed; ``stop()``."""

    def __init__(
        self, hotline: str, prompt_seconds: float, max_calls: int, phones: Phones | None = None
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(
            target=child_main,
            args=(child_end, hotline, prompt_seconds, max_calls, phones),
            name="pbx-simulator",
            daemon=True,
        )
        self._child_end = child_end

    async def start(self) -> int:
        self._process.start()
        self._child_end.close()
        async with asyncio.timeout(START_LIMIT):
            port: int = await asyncio.to_thread(self._conn.recv)
        return port

    async def load(self, order: LoadOrder) -> LoadResult:
        self._conn.send(order)
        # The child stops its load at the deadline; a starved machine may need long after.
        async with asyncio.timeout(order.deadline + 5 * START_LIMIT):
            result: LoadResult = await asyncio.to_thread(self._conn.recv)
        return result

    async def stop(self) -> None:
        if self._process.is_alive():
            self._conn.send(None)
            await asyncio.to_thread(self._process.join, 30)
        if self._process.is_alive():
            self._process.terminate()  # only our own child, by its handle
            await asyncio.to_thread(self._process.join, 5)
        self._conn.close()
