"""The discrete-event core: a virtual clock and a heap of timed events.

Owns ``VirtualTime``: ``now`` jumps from one due event to the next, ties run in the order
they were scheduled, and a cancelled event is skipped when its turn comes. It also serves
as a ``Clock`` (``now()``) and a ``Scheduler`` (``call_later``) for code that asks for
those. Must not sleep, read a real clock, or do I/O: a shift of eight hours runs in as
long as its events take to compute.
"""

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class Event:
    due: float
    seq: int
    action: Callable[[], object]
    cancelled: bool = False

    def __lt__(self, other: "Event") -> bool:
        return (self.due, self.seq) < (other.due, other.seq)

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class VirtualTime:
    current: float = 0.0
    heap: list[Event] = field(default_factory=list)
    _seq: "itertools.count[int]" = field(default_factory=itertools.count)

    def now(self) -> float:
        return self.current

    def call_at(self, due: float, action: Callable[[], object]) -> Event:
        """Run ``action`` at virtual second ``due`` (never before now)."""
        event = Event(max(due, self.current), next(self._seq), action)
        heapq.heappush(self.heap, event)
        return event

    def call_later(self, delay: float, action: Callable[[], object]) -> Event:
        return self.call_at(self.current + delay, action)

    def next_due(self) -> float | None:
        """When the next live event is due, or ``None`` when nothing is left."""
        while self.heap and self.heap[0].cancelled:
            heapq.heappop(self.heap)
        return self.heap[0].due if self.heap else None

    def step(self) -> bool:
        """Run the next live event; ``False`` when there was none."""
        while self.heap:
            event = heapq.heappop(self.heap)
            if not event.cancelled:
                self.current = event.due
                event.action()
                return True
        return False

    def run(self, until: float = float("inf")) -> None:
        """Run events in time order while the next one is due at or before ``until``."""
        while True:
            due = self.next_due()
            if due is None or due > until:
                break
            self.step()
        if until != float("inf"):
            self.current = max(self.current, until)
