"""Statistics per 15- or 30-minute interval, per queue and per agent, folded from the log.

Owns ``StatsFold``: it reads ``(type, payload)`` pairs in log order, exactly as
``callcenter/event_log.py`` writes them (the event's class name, ``dataclasses.asdict``),
so the daemon's live figures (the fold fed from the bus) and the historical ones (the same
fold fed from ``acd_events``) agree by construction. Pure and incremental; a malformed row
is skipped, never raised on. Every definition is in docs/metrics.md; in short, each fact
counts in the interval its event happened in:

- ``offered``: a call entered the queue (first ``CallQueued`` of a call in that queue, or an
  overflow into it); ``answered``: ``CallConnected``; ``abandoned``: ``CallLeftQueue`` because
  the caller hung up (``short_abandoned`` when they waited less than the threshold);
- service level: answered within T / answered, and answered within T / (answered +
  abandoned − short abandoned), both from ``acd.service_tally``; ASA: mean wait of the
  answered calls;
- AHT: (talk + wrap-up) / handled, talk from ``CallFinished`` (our hold is inside it);
- occupancy (agents): time reserved, on call or in wrap-up / that plus time ready.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from acd.service_tally import CALLER_HUNG_UP, ServiceTally, ratio
from acd.states import AgentState

#: Agent states that count as busy with calls for occupancy; ready counts as available.
BUSY_STATES = frozenset({AgentState.RESERVED, AgentState.ON_CALL, AgentState.WRAP_UP})


@dataclass(slots=True)
class QueueFigures:
    offered: int = 0
    #: Answered (within T or not), abandoned and short abandoned.
    service: ServiceTally = field(default_factory=ServiceTally)
    overflowed: int = 0
    to_callback: int = 0
    handled: int = 0
    wait_answered: float = 0.0
    talk: float = 0.0
    wrap_up: float = 0.0
    longest_wait: float = 0.0

    @property
    def answered(self) -> int:
        return self.service.answered

    @property
    def abandoned(self) -> int:
        return self.service.abandoned

    @property
    def short_abandoned(self) -> int:
        return self.service.short_abandoned

    def report(self) -> dict[str, float | int | None]:
        service = self.service
        return {
            "offered": self.offered,
            "answered": service.answered,
            "abandoned": service.abandoned,
            "short_abandoned": service.short_abandoned,
            "overflowed": self.overflowed,
            "to_callback": self.to_callback,
            "handled": self.handled,
            "service_level": _rounded(service.level_of_answered()),
            "service_level_with_abandons": _rounded(service.level_without_short_abandons()),
            "asa": _ratio(self.wait_answered, service.answered),
            "aht": _ratio(self.talk + self.wrap_up, self.handled),
            "longest_wait": round(self.longest_wait, 3),
        }


@dataclass(slots=True)
class AgentFigures:
    answered: int = 0
    handled: int = 0
    talk: float = 0.0
    wrap_up: float = 0.0
    #: Seconds per state, split at interval boundaries.
    seconds: dict[str, float] = field(default_factory=dict)

    def report(self) -> dict[str, object]:
        busy = sum(self.seconds.get(s.value, 0.0) for s in BUSY_STATES)
        ready = self.seconds.get(AgentState.READY.value, 0.0)
        return {
            "answered": self.answered,
            "handled": self.handled,
            "aht": _ratio(self.talk + self.wrap_up, self.handled),
            "occupancy": _ratio(busy, busy + ready),
            "seconds": {k: round(v, 3) for k, v in sorted(self.seconds.items())},
        }


def _ratio(part: float, whole: float) -> float | None:
    return _rounded(ratio(part, whole))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


class StatsFold:
    def __init__(
        self, *, interval: int = 900, service_t: float = 20.0, short_abandon: float = 5.0
    ) -> None:
        if interval not in (900, 1800):
            raise ValueError("interval must be 900 or 1800 seconds")
        self.interval, self.service_t, self.short_abandon = interval, service_t, short_abandon
        self.queues: dict[tuple[float, str], QueueFigures] = {}
        self.agents: dict[tuple[float, str], AgentFigures] = {}
        self._offered: set[tuple[str, str]] = set()
        self._queue_of: dict[str, str] = {}
        #: The queue of each agent's last finished call: their wrap-up belongs to it.
        self._wrapping: dict[str, str] = {}

    def fold(self, events: Iterable[tuple[str, Mapping[str, Any]]]) -> "StatsFold":
        for type_, payload in events:
            self.add(type_, payload)
        return self

    def add(self, type_: str, payload: Mapping[str, Any]) -> None:
        handler = self._HANDLERS.get(type_)
        if handler is None:
            return
        try:
            handler(self, payload, float(payload["at"]))
        except (KeyError, TypeError, ValueError):
            return

    def report(self) -> dict[str, list[dict[str, object]]]:
        return {
            "queues": [
                {"start": start, "queue": q, **f.report()}
                for (start, q), f in sorted(self.queues.items())
            ],
            "agents": [
                {"start": start, "agent_id": a, **f.report()}
                for (start, a), f in sorted(self.agents.items())
            ],
        }

    # -- one handler per event type --------------------------------------------------------
    def _queued(self, p: Mapping[str, Any], at: float) -> None:
        self._offer(str(p["call_id"]), str(p["queue"]), at)

    def _overflowed(self, p: Mapping[str, Any], at: float) -> None:
        self._queue(str(p["queue"]), at).overflowed += 1
        if p.get("to_queue"):
            self._offer(str(p["call_id"]), str(p["to_queue"]), at)

    def _connected(self, p: Mapping[str, Any], at: float) -> None:
        call, queue, waited = str(p["call_id"]), str(p["queue"]), float(p["waited"])
        figures = self._queue(queue, at)
        figures.service.answer(waited, self.service_t)
        figures.wait_answered += waited
        figures.longest_wait = max(figures.longest_wait, waited)
        self._agent(str(p["agent_id"]), at).answered += 1
        self._queue_of[call] = queue

    def _left(self, p: Mapping[str, Any], at: float) -> None:
        figures, waited = self._queue(str(p["queue"]), at), float(p["waited"])
        if p.get("reason") == "callback":
            figures.to_callback += 1
            return
        figures.longest_wait = max(figures.longest_wait, waited)
        if p.get("reason") == CALLER_HUNG_UP:
            figures.service.abandon(waited, self.short_abandon)

    def _finished(self, p: Mapping[str, Any], at: float) -> None:
        agent, talk = str(p["agent_id"]), float(p["talk_seconds"])
        queue = self._queue_of.pop(str(p["call_id"]), None)
        agent_figures = self._agent(agent, at)
        agent_figures.handled += 1
        agent_figures.talk += talk
        if queue is not None:
            figures = self._queue(queue, at)
            figures.handled += 1
            figures.talk += talk
            self._wrapping[agent] = queue

    def _state_changed(self, p: Mapping[str, Any], at: float) -> None:
        agent, previous, duration = str(p["agent_id"]), str(p["previous"]), float(p["duration"])
        self._split(agent, previous, at - duration, at)
        if previous == AgentState.WRAP_UP.value:
            self._agent(agent, at).wrap_up += duration
            queue = self._wrapping.pop(agent, None)
            if queue is not None:
                self._queue(queue, at).wrap_up += duration

    _HANDLERS: ClassVar[dict[str, Callable[["StatsFold", Mapping[str, Any], float], None]]] = {
        "CallQueued": _queued,
        "CallOverflowed": _overflowed,
        "CallConnected": _connected,
        "CallLeftQueue": _left,
        "CallFinished": _finished,
        "AgentStateChanged": _state_changed,
    }

    # -- bookkeeping -----------------------------------------------------------------------
    def _offer(self, call: str, queue: str, at: float) -> None:
        # A caller queued again in the same queue (a restart, a failed offer) is one offer.
        if (call, queue) not in self._offered:
            self._offered.add((call, queue))
            self._queue(queue, at).offered += 1

    def _split(self, agent: str, state: str, start: float, end: float) -> None:
        """Time in ``state`` over [start, end), cut at interval boundaries."""
        while start < end:
            bucket = self._start(start)
            until = min(end, bucket + self.interval)
            seconds = self._agent(agent, start).seconds
            seconds[state] = seconds.get(state, 0.0) + (until - start)
            start = until

    def _start(self, at: float) -> float:
        return at - at % self.interval

    def _queue(self, queue: str, at: float) -> QueueFigures:
        return self.queues.setdefault((self._start(at), queue), QueueFigures())

    def _agent(self, agent: str, at: float) -> AgentFigures:
        return self.agents.setdefault((self._start(at), agent), AgentFigures())
