"""How many dials the pacer places, mode by mode, and how the abandon cap throttles it."""

from fractions import Fraction

import pytest

from dialer.abandon import AbandonLedger
from dialer.pacing import Mode, PacingConfig, PacingState, answer_rate, pace

NOW = 1_800_000_000.0
EXACT = PacingConfig(prior_weight=0)  # measured answer rate used as is


def ledger(live: int, abandoned: int) -> AbandonLedger:
    book = AbandonLedger()
    for i in range(live):
        book = book.record(NOW, abandoned=i < abandoned)
    return book


ROOMY = ledger(10_000, 0)  # headroom 300 abandons


@pytest.mark.parametrize(
    ("mode", "state", "dials"),
    [
        (Mode.PREVIEW, PacingState(free_agents=5, preview_requests=2), 2),
        (Mode.PREVIEW, PacingState(free_agents=5), 0),
        (Mode.PROGRESSIVE, PacingState(free_agents=5, in_flight=2), 3),
        (Mode.PROGRESSIVE, PacingState(free_agents=1, in_flight=3), 0),
        (Mode.PROGRESSIVE, PacingState(free_agents=4, dials_ended=100, answered=10), 4),
    ],
)
def test_preview_and_progressive_never_dial_ahead(
    mode: Mode, state: PacingState, dials: int
) -> None:
    assert pace(state, NOW, PacingConfig(mode=mode)) == dials


def at_rate(
    percent: int,
    free: int,
    freeing: tuple[float, ...] = (),
    in_flight: int = 0,
    book: AbandonLedger = ROOMY,
) -> PacingState:
    """A state whose last 1000 dials were answered ``percent`` % of the time."""
    return PacingState(free, freeing, in_flight, 1000, 10 * percent, book)


@pytest.mark.parametrize(
    ("state", "dials"),
    [
        # 20% answer: 4 free agents want 20 calls in flight.
        (at_rate(20, 4), 20),
        (at_rate(20, 4, in_flight=15), 5),
        (at_rate(20, 4, in_flight=25), 0),
        # An agent freeing within the 10 s horizon counts; one in 30 s does not.
        (at_rate(20, 4, (5.0, 30.0)), 25),
        # 50% answer: two calls per available agent.
        (at_rate(50, 3), 6),
        # No answers at all: the floor (5%) and the ratio cap (10 per agent) hold.
        (at_rate(0, 2), 20),
        # Headroom of 2 abandons (100 answers, 1 abandoned): (4 + 2) / 0.97 → 6 in flight.
        (at_rate(20, 4, book=ledger(100, 1)), 6),
        # A fresh campaign has no headroom: 1:1 until answers accrue.
        (at_rate(20, 4, book=AbandonLedger()), 4),
        # At the cap (3 of 100): progressive, whatever the answer rate.
        (at_rate(20, 4, in_flight=1, book=ledger(100, 3)), 3),
        # Over the cap: still progressive (1:1 calls never abandon while the agent waits).
        (at_rate(20, 4, book=ledger(100, 9)), 4),
    ],
)
def test_predictive_dials_ahead_within_the_abandon_cap(state: PacingState, dials: int) -> None:
    assert pace(state, NOW, EXACT) == dials


def test_a_target_below_the_cap_throttles_earlier() -> None:
    state = at_rate(20, 4, book=ledger(100, 1))
    # Headroom at 2%: 2 - 1 = 1 abandon, so (4 + 1) / 0.98 → 5 in flight.
    assert pace(state, NOW, PacingConfig(prior_weight=0, target_abandon=Fraction(2, 100))) == 5
    # Reaching the target (2 of 100) means progressive, though the legal cap is 3%.
    at_target = at_rate(20, 4, book=ledger(100, 2))
    assert pace(at_target, NOW, PacingConfig(target_abandon=Fraction(2, 100))) == 4
    # A target above the legal cap is held to the cap.
    assert PacingConfig(target_abandon=Fraction(1, 10)).cap_for(ledger(1, 0)) == Fraction(3, 100)


@pytest.mark.parametrize(
    ("ended", "answers", "rate"),
    [
        (0, 0, Fraction(1)),  # no sample: assume everyone answers (i.e. pace 1:1)
        (20, 0, Fraction(1, 2)),  # 20 pseudo-answers blended into 20 real misses
        (980, 180, Fraction(1, 5)),
        (10_000, 0, Fraction(1, 20)),  # the floor
    ],
)
def test_a_small_sample_is_shrunk_toward_progressive(
    ended: int, answers: int, rate: Fraction
) -> None:
    state = PacingState(dials_ended=ended, answered=answers)
    assert answer_rate(state, PacingConfig(prior_weight=20)) == rate


@pytest.mark.parametrize(
    "kwargs",
    [
        {"answer_rate_floor": 0},
        {"answer_rate_floor": 1.5},
        {"max_ratio": 0.5},
        {"prior_weight": -1},
        {"target_abandon": Fraction(1)},
    ],
)
def test_a_config_that_makes_no_sense_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        PacingConfig(**kwargs)  # type: ignore[arg-type]
