"""The waiting primitive every simulated delay goes through."""

from __future__ import annotations

import asyncio

from sim.channel import Wakeup, wait_until
from tests.sim.simwire import virtual_time


class CountingWakeup(Wakeup):
    def __init__(self) -> None:
        super().__init__()
        self.waits = 0

    async def wait(self, seconds: float | None) -> None:
        self.waits += 1
        assert self.waits < 100, "spinning without the clock moving"
        await super().wait(seconds)


@virtual_time
async def test_a_deadline_just_off_the_clock_grid_still_expires() -> None:
    # 3.000123 + 1.5 in floats is a hair above 4.500123: a timer that close fires
    # without the loop clock moving, which once made waiters spin forever.
    loop = asyncio.get_running_loop()
    wake = CountingWakeup()
    await asyncio.sleep(3.000123)
    assert await wait_until(wake, lambda: False, loop.time() + 1.5 + 1e-13) is False
    assert wake.waits < 5


@virtual_time
async def test_notify_wakes_every_current_waiter_and_the_condition_decides() -> None:
    wake = Wakeup()
    flag = {"set": False}
    waiters = [asyncio.ensure_future(wait_until(wake, lambda: flag["set"], None)) for _ in range(3)]
    await asyncio.sleep(1)
    wake.notify()  # a spurious wake: the condition still says no
    await asyncio.sleep(1)
    assert not any(w.done() for w in waiters)
    flag["set"] = True
    wake.notify()
    assert await asyncio.gather(*waiters) == [True, True, True]
