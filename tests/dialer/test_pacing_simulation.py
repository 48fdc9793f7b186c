"""A simulated shift driven by the real pacer: the abandon cap holds whatever answers.

A small discrete-event model (agents, calls ringing, answers that find an agent or are
abandoned) asks ``pace`` every tick how many calls to place; hypothesis chooses the
answer rate, the team size, the history already in the ledger and the seed of every draw.
"""

import heapq
import random
from dataclasses import dataclass, field
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialer.abandon import DAY, AbandonLedger
from dialer.pacing import Mode, PacingConfig, PacingState, pace

START = 1_800_000_000.0 - 1_800_000_000.0 % DAY + 9 * 3600  # 09:00 UTC
SHIFT = 8 * 3600.0
TICK = 2.0
FREE, ANSWER, NO_ANSWER = 0, 1, 2  # same instant: an agent frees before a call answers


@dataclass
class Floor:
    """Agents and calls in flight; ``events`` is a heap of (time, kind, agent)."""

    rng: random.Random
    answer_rate: float
    free: int
    ledger: AbandonLedger
    busy_until: dict[int, float] = field(default_factory=dict)
    events: list[tuple[float, int, int]] = field(default_factory=list)
    in_flight: int = 0
    ended: int = 0
    answered: int = 0
    worst_excess: Fraction = Fraction(0)

    def dial(self, now: float) -> None:
        self.in_flight += 1
        if self.rng.random() < self.answer_rate:
            heapq.heappush(self.events, (now + self.rng.uniform(4, 16), ANSWER, -1))
        else:
            heapq.heappush(self.events, (now + self.rng.uniform(20, 30), NO_ANSWER, -1))

    def run_until(self, now: float) -> None:
        while self.events and self.events[0][0] <= now:
            at, kind, agent = heapq.heappop(self.events)
            if kind == FREE:
                self.free += 1
                del self.busy_until[agent]
                continue
            self.in_flight -= 1
            self.ended += 1
            if kind == ANSWER:
                self.answer(at)

    def answer(self, at: float) -> None:
        self.answered += 1
        abandoned = self.free == 0
        self.ledger = self.ledger.record(at, abandoned=abandoned)
        if not abandoned:
            self.free -= 1
            agent = self.rng.getrandbits(64)
            done = at + self.rng.expovariate(1 / 120) + 15
            self.busy_until[agent] = done
            heapq.heappush(self.events, (done, FREE, agent))
        totals = self.ledger.totals(at)
        excess = totals.abandoned - self.ledger.cap * totals.live_answered
        self.worst_excess = max(self.worst_excess, excess)

    def state(self, now: float) -> PacingState:
        # This floor does not tell talk from wrap-up: every busy agent counts as talking.
        talking = tuple(0.0 for _ in self.busy_until)
        return PacingState(
            free_agents=self.free,
            talking_for=talking,
            in_flight=self.in_flight,
            dials_ended=self.ended,
            answered=self.answered,
            wrap_up=15.0,
            ledger=self.ledger,
        )


def history(days: list[tuple[int, int]]) -> AbandonLedger:
    """Earlier days of the campaign, each within the cap: (live answers, abandons)."""
    ledger = AbandonLedger()
    for back, (live, abandoned) in enumerate(days, start=1):
        at = START - back * DAY
        for i in range(live):
            ledger = ledger.record(at, abandoned=i < min(abandoned, live * 3 // 100))
    return ledger


def run_shift(floor: Floor, config: PacingConfig) -> Floor:
    now = START
    while now < START + SHIFT:
        floor.run_until(now)
        for _ in range(pace(floor.state(now), now, config)):
            floor.dial(now)
        now += TICK
    floor.run_until(float("inf"))
    return floor


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    rate=st.floats(0.05, 0.9),
    agents=st.integers(1, 20),
    past=st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 60)), max_size=5),
)
def test_the_thirty_day_abandon_rate_never_exceeds_the_cap_by_more_than_one_call(
    seed: int, rate: float, agents: int, past: list[tuple[int, int]]
) -> None:
    floor = Floor(random.Random(seed), rate, agents, history(past))
    run_shift(floor, PacingConfig(mode=Mode.PREDICTIVE))
    assert floor.worst_excess <= 1, "more than one call's worth over the cap"


def test_a_lower_target_keeps_the_day_under_it() -> None:
    config = PacingConfig(target_abandon=Fraction(2, 100))
    floor = run_shift(Floor(random.Random(7), 0.15, 20, AbandonLedger()), config)
    day = floor.ledger.day(START)
    assert day.abandoned > 0, "the pacer did dial ahead"
    assert Fraction(day.abandoned, day.live_answered) <= Fraction(2, 100)


def test_predictive_reaches_more_people_than_progressive_at_a_low_answer_rate() -> None:
    def live_answers(mode: Mode) -> int:
        floor = run_shift(Floor(random.Random(3), 0.15, 20, AbandonLedger()), PacingConfig(mode))
        return floor.ledger.day(START).live_answered

    assert live_answers(Mode.PREDICTIVE) >= 1.3 * live_answers(Mode.PROGRESSIVE)
