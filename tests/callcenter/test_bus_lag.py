"""The bus reports how far delivery runs behind publication (``/metrics``' AMI lag)."""

import asyncio

from callcenter.bus import Bus


class ManualClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_the_lag_is_the_wait_of_the_event_being_delivered_while_others_are_pending() -> None:
    clock = ManualClock()
    bus = Bus(now=clock)
    lag_seen: list[float] = []
    bus.subscribe(str, lambda _: lag_seen.append(bus.lag))
    bus.publish("old")
    clock.now += 2.0
    bus.publish("new")
    runner = asyncio.get_running_loop().create_task(bus.run())
    await bus.drained()
    runner.cancel()

    # "old" waited 2 s with "new" behind it; "new" waited 0 s and nothing followed
    assert lag_seen == [2.0, 0.0]
    assert bus.lag == 0.0  # nothing pending: an idle bus is not late
