"""How many dials the pacer places, mode by mode, and how the abandon cap throttles it."""

from fractions import Fraction

import pytest

from dialer.abandon import AbandonLedger
from dialer.pacing import (
    Mode,
    PacingConfig,
    PacingState,
    answer_by,
    answer_rate,
    checkpoints,
    expected_excess,
    pace,
)

NOW = 1_800_000_000.0
#: The measured answer rate used as is, steering at 1.5%.
EXACT = PacingConfig(prior_weight=0, target_abandon=Fraction(3, 200))
WINDOW = (5.3, 17.3)


def ledger(live: int, abandoned: int) -> AbandonLedger:
    book = AbandonLedger()
    for i in range(live):
        book = book.record(NOW, abandoned=i < abandoned)
    return book


ROOMY = ledger(10_000, 150)  # 1.5%: on target, headroom at the 3% cap is 150 abandons


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
    wraps: tuple[float, ...] = (),
    talking: int = 0,
    ages: tuple[float, ...] = (),
    book: AbandonLedger = ROOMY,
) -> PacingState:
    """A state whose last 1000 dials were answered ``percent`` % of the time."""
    talking_for = (10.0,) * talking
    return PacingState(
        free, wraps, talking_for, len(ages), ages, 1000, 10 * percent, 120.0, 15.0, book
    )


@pytest.mark.parametrize(
    ("state", "dials"),
    [
        # 15% answer, 4 free agents and the rest talking: about 2 dials per free agent.
        (at_rate(15, 4, talking=16), 9),
        # Everyone talking: nobody can be free within the answer window (15 s wrap-up).
        (at_rate(15, 0, talking=20), 0),
        # Two wrap-ups ending in 3 s are agents the next answers can reach.
        (at_rate(15, 0, (3.0, 3.0), talking=18), 3),
        # Ten fresh dials already cover the 4 free agents.
        (at_rate(15, 4, talking=16, ages=(2.0,) * 10), 0),
        # Dials ringing past the window will not reach a person: they cover nobody.
        (at_rate(15, 4, talking=16, ages=(18.0,) * 10), 9),
        # 40% answer: fewer dials per free agent.
        (at_rate(40, 4, talking=16), 4),
        # Headroom of 2 abandons (100 answers, 1 abandoned): (4 + 2) / 0.97 → 6 in flight.
        (at_rate(15, 4, talking=16, book=ledger(100, 1)), 6),
        # A fresh campaign has no headroom: 1:1 until answers accrue.
        (at_rate(15, 4, talking=16, book=AbandonLedger()), 4),
        # At the cap (3 of 100): progressive, whatever the answer rate.
        (at_rate(15, 4, talking=16, ages=(1.0,), book=ledger(100, 3)), 3),
        # Over the cap: still progressive (1:1 calls never abandon while the agent waits).
        (at_rate(15, 4, talking=16, book=ledger(100, 9)), 4),
    ],
)
def test_predictive_dials_ahead_within_the_abandon_cap(state: PacingState, dials: int) -> None:
    assert pace(state, NOW, EXACT) == dials


def test_a_campaign_over_its_target_backs_off_to_progressive() -> None:
    # 2.5% of 10,000: 100 abandons over the 1.5% target, still under the 3% cap.
    over = at_rate(15, 4, talking=16, book=ledger(10_000, 250))
    assert pace(over, NOW, EXACT) == 4
    # Under target it dials at least as hard as on target.
    under = at_rate(15, 4, talking=16, book=ledger(10_000, 50))
    assert pace(under, NOW, EXACT) >= pace(at_rate(15, 4, talking=16), NOW, EXACT)


def test_a_target_above_the_legal_cap_is_held_to_the_cap() -> None:
    assert PacingConfig(target_abandon=Fraction(1, 10)).cap_for(ledger(1, 0)) == Fraction(3, 100)


@pytest.mark.parametrize(
    ("within", "age", "chance"),
    [
        (20.0, 0.0, 0.25),  # a fresh dial reaches a person at the answer rate
        (11.3, 0.0, 0.125),  # half the window
        (6.0, 5.3, 0.125 / 1.0),  # half of what is left, of the 25% still possible
        (5.0, 17.3, 0.0),  # rang past the window: nobody will answer
    ],
)
def test_a_ringing_dials_chance_of_a_live_answer(within: float, age: float, chance: float) -> None:
    assert answer_by(within, age, 0.25, WINDOW) == pytest.approx(chance)


def test_checkpoints_fall_just_before_each_wrap_up_ends() -> None:
    state = PacingState(free_agents=2, wrap_up_left=(3.0, 10.0, 30.0))
    assert checkpoints(state, EXACT) == [
        pytest.approx((2.3, 2)),
        pytest.approx((9.3, 3)),
        (17.3, 4),
    ]


@pytest.mark.parametrize(
    ("mean", "variance", "excess"),
    [(2.0, 0.0, 2.0), (-1.0, 0.0, 0.0), (0.0, 1.0, 0.3989422804014327)],
)
def test_expected_excess_of_a_normal(mean: float, variance: float, excess: float) -> None:
    assert expected_excess(mean, variance) == pytest.approx(excess)


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
        {"answer_window": (10.0, 5.0)},
        {"marginal_risk": 2.0},
        {"headroom_scale": 0.0},
    ],
)
def test_a_config_that_makes_no_sense_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        PacingConfig(**kwargs)  # type: ignore[arg-type]
