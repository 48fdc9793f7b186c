"""Service level and abandonment per queue, folded from the ACD's own events.

Owns ``ServiceLevels``: it keeps one small record per call that left a queue (answered, with
its wait, or abandoned) and answers the figures of a queue since a given time, e.g. since
midnight or over the last 30 minutes. Pure: no clock, no I/O; the caller passes times.

Rules:
- A call is *offered* to a queue when it is answered there (``CallConnected``) or its caller
  hangs up while waiting there (``CallLeftQueue`` with reason ``caller hung up``). Calls that
  leave otherwise (a lost session, an overflow into another queue) are not counted here.
- Service level = calls answered within ``answer_within`` seconds / calls offered
  (abandoned calls count against it). Abandonment = abandoned / offered. ``None`` when
  nothing was offered yet. Counted and divided by ``acd.service_tally``, as every service
  level is.
- A call transferred back into a queue and answered again is counted again: the wallboard
  shows the queue's work, not unique callers.
- Records older than ``forget_before`` are dropped, so the memory holds about a day.
"""

from collections import deque
from dataclasses import dataclass

from acd.events import CallConnected, CallLeftQueue
from acd.service_tally import CALLER_HUNG_UP, ServiceTally, ratio

__all__ = ["CALLER_HUNG_UP", "QueueFigures", "ServiceLevels"]


@dataclass(frozen=True, slots=True)
class _Outcome:
    queue: str
    at: float
    waited: float
    answered: bool


@dataclass(frozen=True, slots=True)
class QueueFigures:
    offered: int
    answered: int
    answered_in_time: int
    abandoned: int

    @property
    def service_level(self) -> float | None:
        return ratio(self.answered_in_time, self.offered)

    @property
    def abandon_rate(self) -> float | None:
        return ratio(self.abandoned, self.offered)


class ServiceLevels:
    def __init__(self, answer_within: float) -> None:
        self.answer_within = answer_within
        self._outcomes: deque[_Outcome] = deque()

    def record(self, event: CallConnected | CallLeftQueue) -> None:
        if isinstance(event, CallConnected):
            self._outcomes.append(_Outcome(event.queue, event.at, event.waited, True))
        elif event.reason == CALLER_HUNG_UP:
            self._outcomes.append(_Outcome(event.queue, event.at, event.waited, False))

    def figures(self, queue: str, since: float) -> QueueFigures:
        """The queue's figures over the calls that left it at or after ``since``."""
        tally = ServiceTally()
        for outcome in reversed(self._outcomes):  # newest first: stop at the window's start
            if outcome.at < since:
                break
            if outcome.queue != queue:
                continue
            if outcome.answered:
                tally.answer(outcome.waited, self.answer_within)
            else:
                tally.abandon()
        return QueueFigures(tally.offered, tally.answered, tally.answered_in_time, tally.abandoned)

    def forget_before(self, at: float) -> None:
        while self._outcomes and self._outcomes[0].at < at:
            self._outcomes.popleft()
