"""Running the simulator on its own, for ``callcenter sim`` and the demo.

Owns: ``run_standalone``: start a Simulator whose agents' phones appear on first
Dial, then place a call every ``call_every`` seconds (random ANI, random hotline,
one random menu digit) until ``stop`` is set or the task is cancelled.
Must not know about the daemon.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

from sim.config import SimConfig
from sim.simulator import Simulator

KEEP_CALLS = 1000


async def run_standalone(
    config: SimConfig,
    *,
    call_every: float,
    anis: Sequence[str],
    menu_digits: Sequence[str],
    stop: asyncio.Event | None = None,
    patience: tuple[float, float] | None = (60.0, 240.0),
) -> None:
    sim = Simulator(config)
    sim.auto_create_phones()
    await sim.start()
    rng = random.Random()
    hotlines = list(config.hotlines)
    try:
        while hotlines and anis and not (stop is not None and stop.is_set()):
            digits = [rng.choice(list(menu_digits))] if menu_digits else []
            # Real callers give up: without patience an unattended demo would pile up calls.
            waits = rng.uniform(*patience) if patience else None
            await sim.place_call(
                rng.choice(list(anis)), rng.choice(hotlines), digits=digits, patience=waits
            )
            _forget_ended(sim)
            await _pause(call_every, stop)
        if stop is not None:
            await stop.wait()
    finally:
        await sim.close()


def _forget_ended(sim: Simulator) -> None:
    """Keep ``sim.calls`` bounded in a long demo: drop the oldest calls that ended."""
    while len(sim.calls) > KEEP_CALLS:
        oldest = next((c for c in sim.calls if c.ended.is_set()), None)
        if oldest is None:
            return
        sim.calls.remove(oldest)


async def _pause(seconds: float, stop: asyncio.Event | None) -> None:
    if stop is None:
        await asyncio.sleep(seconds)
        return
    try:
        async with asyncio.timeout(seconds):
            await stop.wait()
    except TimeoutError:
        return
