"""The discrete-event driver: virtual time, traffic models and the two protocols it calls."""

import random
from collections.abc import Sequence

import pytest

from sim.des import VirtualTime
from sim.inbound import Assignment, InboundTraffic, RouterError, run_inbound
from sim.outbound import Floor, FloorView, run_outbound
from sim.traffic import (
    DialFate,
    DialTraffic,
    Exponential,
    Fixed,
    Lead,
    PoissonArrivals,
    StepRate,
    Uniform,
)


def test_events_run_in_time_order_and_ties_in_scheduling_order() -> None:
    time, seen = VirtualTime(), []
    time.call_at(5.0, lambda: seen.append(("b", time.now())))
    time.call_at(1.0, lambda: seen.append(("a", time.now())))
    time.call_at(5.0, lambda: seen.append(("c", time.now())))
    time.call_later(3.0, lambda: seen.append(("x", time.now()))).cancel()
    time.run()
    assert seen == [("a", 1.0), ("b", 5.0), ("c", 5.0)]


def test_running_until_a_time_leaves_later_events_and_moves_the_clock() -> None:
    time, seen = VirtualTime(), []
    time.call_at(10.0, lambda: seen.append(time.now()))
    time.run(until=4.0)
    assert (seen, time.now(), time.next_due()) == ([], 4.0, 10.0)


@pytest.mark.parametrize(
    ("duration", "mean"), [(Exponential(120), 120), (Uniform(4, 16), 10), (Fixed(15), 15)]
)
def test_durations_draw_around_their_mean(
    duration: Exponential | Uniform | Fixed, mean: float
) -> None:
    rng = random.Random(1)
    draws = [duration.draw(rng) for _ in range(20_000)]
    assert sum(draws) / len(draws) == pytest.approx(mean, rel=0.03)
    assert duration.mean == mean


def test_poisson_gaps_average_one_over_the_rate() -> None:
    rng, arrivals = random.Random(2), PoissonArrivals(0.5)
    assert sum(arrivals.gap(rng) for _ in range(20_000)) / 20_000 == pytest.approx(2, rel=0.03)


def test_a_step_rate_changes_at_its_start_times() -> None:
    rate = StepRate(((0.0, 0.25), (100.0, 0.10)))
    assert [rate.at(t) for t in (0, 99.9, 100, 5000)] == [0.25, 0.25, 0.10, 0.10]
    with pytest.raises(ValueError):
        StepRate(((5.0, 0.2),))


def test_a_leads_fate_depends_only_on_its_draws_and_the_rate_at_dial_time() -> None:
    traffic = DialTraffic(StepRate(((0.0, 0.4), (10.0, 0.1))), machine_rate=0.2)
    lead = Lead(0, u=0.3, answer_after=7.0, no_answer_after=25.0, talk=90.0)
    assert traffic.fate(lead, 0.0) == (DialFate.HUMAN, 7.0)
    assert traffic.fate(lead, 20.0) == (DialFate.MACHINE, 7.0)
    assert traffic.fate(Lead(1, 0.7, 7.0, 25.0, 90.0), 0.0) == (DialFate.NO_ANSWER, 25.0)
    assert traffic.lead(0, random.Random(3)) == traffic.lead(0, random.Random(3))


class FirstFree:
    """A router with behaviour: the lowest-numbered free agent takes the oldest call."""

    def __init__(self, agents: int) -> None:
        self.free = list(range(agents))
        self.waiting: list[int] = []

    def _match(self) -> list[Assignment]:
        made = []
        while self.free and self.waiting:
            made.append(Assignment(self.waiting.pop(0), self.free.pop(0)))
        return made

    def call_arrived(self, call: int, now: float) -> Sequence[Assignment]:
        self.waiting.append(call)
        return self._match()

    def call_abandoned(self, call: int, now: float) -> Sequence[Assignment]:
        self.waiting.remove(call)
        return []

    def call_ended(self, call: int, agent: int, now: float) -> Sequence[Assignment]:
        self.free = sorted([*self.free, agent])
        return self._match()

    def next_wake(self) -> float | None:
        return None

    def wake(self, now: float) -> Sequence[Assignment]:
        return []


TRAFFIC = InboundTraffic(PoissonArrivals(1 / 18), Exponential(180), Exponential(300))


def test_inbound_runs_repeat_for_a_seed_and_every_call_ends_once() -> None:
    first = run_inbound(FirstFree(12), TRAFFIC, 2_000, seed=5)
    assert first == run_inbound(FirstFree(12), TRAFFIC, 2_000, seed=5)
    assert len(first.waits) == 2_000
    assert any(w is None for w in first.waits) and any(w == 0 for w in first.waits)
    assert list(first.arrived_at) == sorted(first.arrived_at)


class DoubleBooker(FirstFree):
    def call_arrived(self, call: int, now: float) -> Sequence[Assignment]:
        return [Assignment(call, 0)]


def test_a_router_that_gives_a_busy_agent_is_caught() -> None:
    with pytest.raises(RouterError):
        run_inbound(DoubleBooker(2), TRAFFIC, 50, seed=1)


class FixedAhead:
    """A pacer with behaviour: keeps ``ahead`` dials per free agent, counts what it hears."""

    def __init__(self, ahead: int) -> None:
        self.ahead = ahead
        self.heard: dict[str, int] = {"ended": 0, "live": 0, "abandoned": 0, "freed": 0}

    def dials_to_start(self, view: FloorView) -> int:
        in_flight = len(view.dialling_since) + view.awaiting_agent
        return max(0, view.free_agents * self.ahead - in_flight)

    def dial_ended(self, now: float, fate: DialFate, ring_seconds: float) -> None:
        self.heard["ended"] += 1

    def live_answer(self, now: float, *, abandoned: bool) -> None:
        self.heard["live"] += 1
        self.heard["abandoned"] += abandoned

    def agent_freed(self, now: float, talk_seconds: float) -> None:
        self.heard["freed"] += 1


FLOOR = Floor(agents=5, shift=3600.0)
DIALS = DialTraffic(StepRate.constant(0.3))


def test_one_dial_per_free_agent_never_abandons() -> None:
    pacer = FixedAhead(1)
    result = run_outbound(pacer, DIALS, FLOOR, seed=1)
    assert result.live_answered > 0 and result.abandoned == 0
    assert pacer.heard["ended"] == result.dials
    assert pacer.heard["live"] == result.live_answered == pacer.heard["freed"]
    assert 0 < result.talk_minutes_per_agent_hour < 60


def test_dialling_ahead_talks_more_and_abandons_some_on_the_same_list() -> None:
    one = run_outbound(FixedAhead(1), DIALS, FLOOR, seed=2)
    five = run_outbound(FixedAhead(5), DIALS, FLOOR, seed=2)
    assert five.talk_seconds > one.talk_seconds
    assert five.abandoned > 0
    assert five == run_outbound(FixedAhead(5), DIALS, FLOOR, seed=2)


def test_no_dial_starts_after_the_shift() -> None:
    floor = Floor(agents=2, shift=600.0)
    result = run_outbound(FixedAhead(3), DIALS, floor, seed=3)
    # At most one dial per second per free slot: a shift-long bound on dials.
    assert 0 < result.dials <= 600 * 2 * 3
    assert all(at < 600 + 30 for at, _ in result.answers)
