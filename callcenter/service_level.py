"""Service level since start, per queue: answered within the threshold, answered, abandoned.

Owns the running tallies behind ``/metrics``' service-level figures, fed from the ACD's
events (``CallConnected`` carries the wait; ``CallLeftQueue`` is a caller gone unanswered).
Counters rather than a window: Prometheus takes rates over any window it likes. Must not
decide anything; it only counts.
"""

from dataclasses import dataclass

from acd.events import CallConnected, CallLeftQueue

#: The usual "80/20" threshold: answered within 20 seconds (docs/metrics.md).
DEFAULT_THRESHOLD_SECONDS = 20.0


@dataclass(slots=True)
class QueueTally:
    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0

    @property
    def level(self) -> float:
        """Answered within the threshold ÷ answered (1.0 before any answer)."""
        return self.answered_within / self.answered if self.answered else 1.0


class ServiceLevel:
    def __init__(self, threshold: float = DEFAULT_THRESHOLD_SECONDS) -> None:
        self.threshold = threshold
        self.queues: dict[str, QueueTally] = {}

    def call_connected(self, event: CallConnected) -> None:
        tally = self._tally(event.queue)
        tally.answered += 1
        tally.answered_within += event.waited <= self.threshold

    def call_left_queue(self, event: CallLeftQueue) -> None:
        self._tally(event.queue).abandoned += 1

    def _tally(self, queue: str) -> QueueTally:
        tally = self.queues.get(queue)
        if tally is None:
            tally = self.queues[queue] = QueueTally()
        return tally
