"""Time as the engine is given it: the clock and scheduler it is injected, and its timers.

Owns the ``Clock`` and ``Scheduler`` protocols (the event loop in production, a
virtual-time loop in tests and benchmarks) and ``Timers``, at most one pending timer per
key (an agent's offer or wrap-up, a call's next routing moment), so setting one cancels
the one it replaces.
"""

from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar

K = TypeVar("K", bound=Hashable)


class Clock(Protocol):
    def now(self) -> float:
        """Wall-clock seconds (epoch) as the event loop sees them."""
        ...


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    def call_later(self, delay: float, callback: Callable[[], object]) -> Cancellable: ...


class Timers(Generic[K]):
    def __init__(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler
        self._pending: dict[K, Cancellable] = {}

    def set(self, key: K, delay: float, callback: Callable[[], object]) -> None:
        self.cancel(key)
        self._pending[key] = self._scheduler.call_later(delay, callback)

    def cancel(self, key: K) -> None:
        timer = self._pending.pop(key, None)
        if timer is not None:
            timer.cancel()

    def fired(self, key: K) -> None:
        """The timer for ``key`` ran: forget it without cancelling."""
        self._pending.pop(key, None)
