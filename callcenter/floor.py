"""Pushes the floor (agents and queues) to every team lead's tab, at most twice a second.

Changes on the floor come in bursts (a call queued, an agent reserved, a state changed in
the same instant); one coalesced ``floor`` message per half second keeps a wallboard live
without flooding it.
"""

import asyncio

from agent_ws.hub import Hub
from callcenter.desk import Desk

#: The longest a wallboard lags behind the floor.
FLUSH_SECONDS = 0.5


class FloorPublisher:
    def __init__(self, desk: Desk, hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        self._desk = desk
        self._hub = hub
        self._loop = loop
        self._pending: asyncio.TimerHandle | None = None
        self.published = 0

    def changed(self, _event: object = None) -> None:
        if self._pending is None:
            self._pending = self._loop.call_later(FLUSH_SECONDS, self._flush)

    def _flush(self) -> None:
        self._pending = None
        floor = self._desk.floor()
        self._hub.broadcast("floor", floor, role="supervisor")
        self._hub.broadcast("floor", floor, role="admin")
        self.published += 1
