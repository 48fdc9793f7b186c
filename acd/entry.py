"""Entry rules: what happens to a caller before they join a queue, decided from its state.

Owns ``EntryRule``, ``QueueSnapshot`` and ``entry_decision``. A queue lists its rules in
order; the first whose condition holds decides the caller's way:

- ``expected_wait_above`` (seconds): the expected wait of a caller joining now;
- ``depth_above`` (calls): how many callers already wait in the queue;
- ``no_agent_signed_in``: nobody signed in has the queue's skill;
- ``closed``: outside the queue's opening hours (weekly intervals in a time zone,
  holidays closed all day; an interval is open from its start up to its end).

and its action is ``queue`` (join ``queue`` instead, keeping the time the caller joined),
``voicemail``, ``callback`` (the caller is offered a call back and keeps their place) or
``message`` (``prompt`` is played, then the call ends). Pure: the time and the queue's
state arrive as arguments; no rule applies when none holds.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from cti.ids import QueueName


class EntryCondition(StrEnum):
    EXPECTED_WAIT_ABOVE = "expected_wait_above"
    DEPTH_ABOVE = "depth_above"
    NO_AGENT_SIGNED_IN = "no_agent_signed_in"
    CLOSED = "closed"


class EntryAction(StrEnum):
    QUEUE = "queue"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"
    MESSAGE = "message"


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Open intervals per weekday (0 = Monday) in ``timezone``; ``holidays`` are closed."""

    timezone: str
    days: Mapping[int, tuple[tuple[time, time], ...]]
    holidays: frozenset[date] = frozenset()

    def is_open(self, now: float) -> bool:
        local = datetime.fromtimestamp(now, UTC).astimezone(ZoneInfo(self.timezone))
        if local.date() in self.holidays:
            return False
        moment = local.time().replace(tzinfo=None)
        return any(start <= moment < end for start, end in self.days.get(local.weekday(), ()))


@dataclass(frozen=True, slots=True)
class EntryRule:
    when: EntryCondition
    action: EntryAction
    #: Seconds for ``expected_wait_above``, calls for ``depth_above``.
    above: float | None = None
    hours: OpeningHours | None = None
    #: The queue for ``action: queue``.
    queue: QueueName | None = None
    #: What the caller hears for ``message`` (required) and ``callback`` (the offer).
    prompt: str | None = None


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    """A queue as a new caller would find it."""

    depth: int
    signed_in: int
    expected_wait: float


def holds(rule: EntryRule, queue: QueueSnapshot, now: float) -> bool:
    match rule.when:
        case EntryCondition.EXPECTED_WAIT_ABOVE:
            return rule.above is not None and queue.expected_wait > rule.above
        case EntryCondition.DEPTH_ABOVE:
            return rule.above is not None and queue.depth > rule.above
        case EntryCondition.NO_AGENT_SIGNED_IN:
            return queue.signed_in == 0
        case EntryCondition.CLOSED:
            return rule.hours is not None and not rule.hours.is_open(now)


def entry_decision(
    rules: Sequence[EntryRule], queue: QueueSnapshot, now: float
) -> EntryRule | None:
    """The first rule whose condition holds, or None: the caller joins the queue."""
    return next((rule for rule in rules if holds(rule, queue, now)), None)
