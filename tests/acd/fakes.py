"""A clock and a scheduler with behaviour: time moves only when a test advances it."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Timer:
    due: float
    callback: Callable[[], object]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class VirtualTime:
    current: float = 1_000_000.0
    timers: list[Timer] = field(default_factory=list)

    def now(self) -> float:
        return self.current

    def call_later(self, delay: float, callback: Callable[[], object]) -> Timer:
        timer = Timer(self.current + delay, callback)
        self.timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        until = self.current + seconds
        while True:
            due = [t for t in self.timers if not t.cancelled and t.due <= until]
            if not due:
                break
            timer = min(due, key=lambda t: t.due)
            self.timers.remove(timer)
            self.current = timer.due
            timer.callback()
        self.current = until
