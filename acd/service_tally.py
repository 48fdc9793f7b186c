"""The one computation of a service level, shared by every figure that shows one.

Owns ``ServiceTally`` (answered, answered in time, abandoned, short abandoned) and the
definitions read from it: what "answered within T" means, who counts as abandoning, and
the ratios. Three readers keep their own bookkeeping around it and must not redefine it:
``acd.stats`` (per 15/30-minute interval, from the event log), ``acd.service_level`` (the
wallboard's today and last 30 minutes) and ``callcenter/service_level.py`` (``/metrics``'
counters since start). Pure: no clock, no I/O.
"""

from dataclasses import dataclass

#: ``CallLeftQueue.reason`` of a caller who gave up waiting (``callcenter/inbound.py``).
CALLER_HUNG_UP = "caller hung up"


def in_time(waited: float, answer_within: float) -> bool:
    """Answered within T: a wait of exactly T still counts (the usual "80/20" reading)."""
    return waited <= answer_within


def ratio(part: float, whole: float) -> float | None:
    """``part / whole``, or ``None`` when there is nothing to divide by yet."""
    return None if whole <= 0 else part / whole


@dataclass(slots=True)
class ServiceTally:
    answered: int = 0
    answered_in_time: int = 0
    abandoned: int = 0
    #: Abandoned after a shorter wait than the reader's threshold (0: none counted).
    short_abandoned: int = 0

    def answer(self, waited: float, answer_within: float) -> None:
        self.answered += 1
        self.answered_in_time += in_time(waited, answer_within)

    def abandon(self, waited: float = 0.0, short_below: float = 0.0) -> None:
        self.abandoned += 1
        self.short_abandoned += waited < short_below

    @property
    def offered(self) -> int:
        """Calls that left the queue answered or abandoned."""
        return self.answered + self.abandoned

    def level_of_answered(self) -> float | None:
        """Answered in time ÷ answered."""
        return ratio(self.answered_in_time, self.answered)

    def level_of_offered(self) -> float | None:
        """Answered in time ÷ (answered + abandoned): abandons count against it."""
        return ratio(self.answered_in_time, self.offered)

    def level_without_short_abandons(self) -> float | None:
        """Answered in time ÷ (answered + abandoned − short abandoned)."""
        return ratio(self.answered_in_time, self.offered - self.short_abandoned)

    def abandon_rate(self) -> float | None:
        """Abandoned ÷ (answered + abandoned)."""
        return ratio(self.abandoned, self.offered)
