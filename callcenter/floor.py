"""Pushes the floor (agents and queues) to every team lead's tab, at most twice a second.

Changes on the floor come in bursts (a call queued, an agent reserved, a state changed in
the same instant); one coalesced ``floor`` message per half second keeps a wallboard live
without flooding it. Nothing is built while no team lead's tab is connected: a tab that
connects (or reconnects) reads the floor over REST on its ``hello``.
"""

import asyncio
from typing import Protocol

from agent_ws.hub import Hub

#: The longest a wallboard lags behind the floor.
FLUSH_SECONDS = 0.5


class FloorSource(Protocol):
    def floor(self) -> dict[str, object]: ...


class FloorPublisher:
    def __init__(self, desk: FloorSource, hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        self._desk = desk
        self._hub = hub
        self._loop = loop
        self._pending: asyncio.TimerHandle | None = None
        self.published = 0
        self.skipped = 0

    def changed(self, _event: object = None) -> None:
        if self._pending is None:
            self._pending = self._loop.call_later(FLUSH_SECONDS, self._flush)

    def _flush(self) -> None:
        self._pending = None
        if not self._hub.is_watched_by("supervisor", "admin"):
            self.skipped += 1
            return
        floor = self._desk.floor()
        self._hub.broadcast("floor", floor, role="supervisor")
        self._hub.broadcast("floor", floor, role="admin")
        self.published += 1
