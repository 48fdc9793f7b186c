"""When and on which number a lead is tried again.

Owns: ``Outcome`` of one attempt, ``RetryRules`` (per outcome: delay and a cap on
attempts ending that way; plus a cap on all attempts), and ``next_attempt``, which
reads a lead's history and says which number to dial and from when, or ``None`` when
the lead is done. Must not check do-not-call or call windows (``compliance`` and
``windows`` do, at dial time) nor read a clock.

Numbers are tried in the order given (the primary first, then the alternates): each
new attempt goes to the number after the one last tried, wrapping round. A number whose
attempt ended ``failed`` (invalid, unreachable) is not tried again. An outcome with no
rule (``human``: a person answered) ends the lead.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    HUMAN = "human"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    MACHINE = "machine"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RetryRule:
    #: Seconds to wait after an attempt ending this way.
    delay: float
    #: At most this many attempts of the lead may end this way.
    max_attempts: int

    def __post_init__(self) -> None:
        if self.delay < 0 or self.max_attempts < 1:
            raise ValueError("a retry rule needs delay >= 0 and max_attempts >= 1")


def _default_rules() -> dict[Outcome, RetryRule]:
    return {
        Outcome.BUSY: RetryRule(delay=10 * 60, max_attempts=3),
        Outcome.NO_ANSWER: RetryRule(delay=2 * 3600, max_attempts=3),
        Outcome.MACHINE: RetryRule(delay=4 * 3600, max_attempts=2),
        Outcome.FAILED: RetryRule(delay=60, max_attempts=2),
    }


@dataclass(frozen=True, slots=True)
class RetryRules:
    per_outcome: Mapping[Outcome, RetryRule] = field(default_factory=_default_rules)
    #: All attempts of one lead, on any number.
    max_attempts: int = 5


@dataclass(frozen=True, slots=True)
class Attempt:
    number: str
    outcome: Outcome
    #: When the attempt ended (seconds since the epoch).
    at: float


@dataclass(frozen=True, slots=True)
class LeadHistory:
    #: The primary number first, then the alternates in the order to try them.
    numbers: tuple[str, ...]
    attempts: tuple[Attempt, ...] = ()


@dataclass(frozen=True, slots=True)
class NextAttempt:
    number: str
    #: Dial no earlier than this (never before ``now``).
    due_at: float
    #: 1 for the first attempt of the lead.
    attempt_no: int


def _next_number(history: LeadHistory) -> str | None:
    dead = {a.number for a in history.attempts if a.outcome is Outcome.FAILED}
    live = [n for n in history.numbers if n not in dead]
    if not live:
        return None
    if not history.attempts:
        return live[0]
    order = history.numbers
    last = history.attempts[-1].number
    start = order.index(last) + 1 if last in order else 0
    for i in range(len(order)):
        candidate = order[(start + i) % len(order)]
        if candidate not in dead:
            return candidate
    return None  # pragma: no cover - live is not empty


def next_attempt(history: LeadHistory, rules: RetryRules, now: float) -> NextAttempt | None:
    """The next dial for this lead, or ``None`` when its attempts are over."""
    count = len(history.attempts)
    if count >= rules.max_attempts:
        return None
    number = _next_number(history)
    if number is None:
        return None
    if not history.attempts:
        return NextAttempt(number, now, 1)
    last = history.attempts[-1]
    rule = rules.per_outcome.get(last.outcome)
    if rule is None:
        return None
    ended_so = sum(1 for a in history.attempts if a.outcome is last.outcome)
    if ended_so >= rule.max_attempts:
        return None
    return NextAttempt(number, max(now, last.at + rule.delay), count + 1)
