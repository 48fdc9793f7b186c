"""The supervisor's live monitor of one campaign, computed from its stored dial attempts.

Owns ``Dialed`` (one attempt as plain numbers: seconds since the epoch) and ``monitor``,
which gives at ``now``:

- ``dials_per_minute``: attempts started in the last ``window`` seconds, per minute;
- ``answer_rate``: of the attempts that *ended* in the window, the share a person answered;
- ``abandon_rate_day`` / ``abandon_rate_30_days``: the abandon ledger's rates
  (``dialer.abandon``: abandoned ÷ live answers, per UTC day and over 30 days), built from
  every live answer, counted on the day it was answered;
- ``agents``: the agents who talked on the campaign in the window;
- ``occupancy``: the share of those agents' time in the window spent talking on the
  campaign's calls, and ``talk_minutes_per_agent_hour`` (the same figure × 60, the pacing
  study's unit). Talk is the part of each bridged call inside the window; a call still
  in progress counts up to ``now``.

Must not read a clock or the database: the caller passes the attempts and ``now``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from dialer.abandon import WINDOW_DAYS, AbandonLedger, day_of

#: The monitor's rolling window for rates of activity (seconds).
WINDOW = 3600.0


@dataclass(frozen=True, slots=True)
class Dialed:
    started_at: float
    #: When a person answered (``None``: nobody did, or not yet).
    answered_at: float | None = None
    ended_at: float | None = None
    #: A person answered (the outcome ``human``).
    human: bool = False
    abandoned: bool = False
    #: The agent the call was bridged to.
    agent: str | None = None


@dataclass(frozen=True, slots=True)
class Monitor:
    window: float
    dials: int
    dials_per_minute: float
    ended: int
    answered: int
    answer_rate: float
    live_answered_day: int
    abandoned_day: int
    abandon_rate_day: Fraction
    live_answered_30_days: int
    abandoned_30_days: int
    abandon_rate_30_days: Fraction
    agents: int
    occupancy: float
    talk_minutes_per_agent_hour: float


def ledger_of(attempts: Iterable[Dialed], cap: Fraction) -> AbandonLedger:
    """The abandon ledger of these attempts: each live answer on the day it was answered."""
    ledger = AbandonLedger(cap=cap)
    answers = sorted(
        (a.answered_at if a.answered_at is not None else a.started_at, a.abandoned)
        for a in attempts
        if a.human
    )
    for at, abandoned in answers:
        ledger = ledger.record(at, abandoned=abandoned)
    return ledger


def monitor(
    attempts: Iterable[Dialed],
    now: float,
    *,
    cap: Fraction = Fraction(3, 100),
    window: float = WINDOW,
) -> Monitor:
    """The figures at ``now`` (attempts after ``now`` are ignored)."""
    if window <= 0:
        raise ValueError("window must be positive")
    seen = [a for a in attempts if a.started_at <= now]
    since = now - window
    dials = sum(1 for a in seen if a.started_at > since)
    ended = [a for a in seen if a.ended_at is not None and since < a.ended_at <= now]
    answered = sum(1 for a in ended if a.human)
    talk: dict[str, float] = {}
    for a in seen:
        if a.agent is None or a.answered_at is None or a.abandoned:
            continue
        end = now if a.ended_at is None else min(a.ended_at, now)
        inside = end - max(a.answered_at, since)
        if inside > 0:
            talk[a.agent] = talk.get(a.agent, 0.0) + inside
    ledger = ledger_of(seen, cap)
    today, month = ledger.day(now), ledger.totals(now)
    occupancy = sum(talk.values()) / (len(talk) * window) if talk else 0.0
    return Monitor(
        window=window,
        dials=dials,
        dials_per_minute=dials * 60 / window,
        ended=len(ended),
        answered=answered,
        answer_rate=answered / len(ended) if ended else 0.0,
        live_answered_day=today.live_answered,
        abandoned_day=today.abandoned,
        abandon_rate_day=ledger.day_rate(now),
        live_answered_30_days=month.live_answered,
        abandoned_30_days=month.abandoned,
        abandon_rate_30_days=ledger.rate(now),
        agents=len(talk),
        occupancy=occupancy,
        talk_minutes_per_agent_hour=occupancy * 60,
    )


def since_for_ledger(now: float) -> float:
    """The earliest moment whose answers still count in the 30-day ledger at ``now``."""
    return (day_of(now) - WINDOW_DAYS + 1) * 86_400.0
