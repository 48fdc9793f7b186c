"""The one clock every decision reads: the event loop's, offset to wall time at start.

``now()`` is the wall time at start plus the loop time elapsed since, so business hours and
time boxes advance under a virtual-time loop in tests exactly as they do in production.
"""

import asyncio
import time


class LoopClock:
    def __init__(
        self, loop: asyncio.AbstractEventLoop | None = None, *, wall_start: float | None = None
    ) -> None:
        """``wall_start`` is the wall time at the loop's current time (default: now). Tests
        that restart the daemon in one virtual-time loop pass the first run's anchor, so
        the second run's clock continues the first's instead of restarting at real time."""
        self._loop = loop or asyncio.get_running_loop()
        self._loop_start = self._loop.time()
        # The only wall-clock read in the daemon: it anchors loop time to the epoch.
        self._wall_start = time.time() if wall_start is None else wall_start

    def now(self) -> float:
        return self._wall_start + (self._loop.time() - self._loop_start)
