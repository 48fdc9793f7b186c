"""Service level since start, per queue: answered within the threshold, answered, abandoned.

Owns the running tallies behind ``/metrics``' service-level figures, fed from the ACD's
events (``CallConnected`` carries the wait; ``CallLeftQueue`` is a caller gone unanswered,
whatever the reason). Counters rather than a window: Prometheus takes rates over any window
it likes. Counting and dividing are ``acd.service_tally``'s, as for every service level.
Must not decide anything; it only counts.
"""

from acd.events import CallConnected, CallLeftQueue
from acd.service_tally import ServiceTally

#: The usual "80/20" threshold: answered within 20 seconds (docs/metrics.md).
DEFAULT_THRESHOLD_SECONDS = 20.0


class QueueTally(ServiceTally):
    """A queue's tally as ``/metrics`` names it."""

    @property
    def answered_within(self) -> int:
        return self.answered_in_time

    @property
    def level(self) -> float:
        """Answered within the threshold ÷ answered (1.0 before any answer)."""
        level = self.level_of_answered()
        return 1.0 if level is None else level


class ServiceLevel:
    def __init__(self, threshold: float = DEFAULT_THRESHOLD_SECONDS) -> None:
        self.threshold = threshold
        self.queues: dict[str, QueueTally] = {}

    def call_connected(self, event: CallConnected) -> None:
        self._tally(event.queue).answer(event.waited, self.threshold)

    def call_left_queue(self, event: CallLeftQueue) -> None:
        self._tally(event.queue).abandon()

    def _tally(self, queue: str) -> QueueTally:
        tally = self.queues.get(queue)
        if tally is None:
            tally = self.queues[queue] = QueueTally()
        return tally
