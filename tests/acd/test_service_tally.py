"""The one service-level computation: what counts as in time, and each ratio's definition."""

import pytest

from acd.service_tally import ServiceTally, in_time, ratio


@pytest.mark.parametrize(("waited", "expected"), [(0.0, True), (20.0, True), (20.001, False)])
def test_a_wait_of_exactly_the_threshold_is_still_in_time(waited: float, expected: bool) -> None:
    assert in_time(waited, 20.0) is expected


def test_an_empty_tally_has_no_ratios() -> None:
    tally = ServiceTally()
    assert tally.offered == 0
    assert tally.level_of_answered() is None
    assert tally.level_of_offered() is None
    assert tally.level_without_short_abandons() is None
    assert tally.abandon_rate() is None
    assert ratio(1, 0) is None


def test_each_ratio_follows_its_definition() -> None:
    tally = ServiceTally()
    for waited in (5.0, 20.0, 40.0):
        tally.answer(waited, answer_within=20.0)
    tally.abandon(waited=2.0, short_below=5.0)  # short
    tally.abandon(waited=30.0, short_below=5.0)
    assert (tally.answered, tally.answered_in_time, tally.abandoned) == (3, 2, 2)
    assert (tally.short_abandoned, tally.offered) == (1, 5)
    assert tally.level_of_answered() == pytest.approx(2 / 3)
    assert tally.level_of_offered() == pytest.approx(2 / 5)
    assert tally.level_without_short_abandons() == pytest.approx(2 / 4)
    assert tally.abandon_rate() == pytest.approx(2 / 5)


def test_an_abandon_without_a_short_threshold_is_never_short() -> None:
    tally = ServiceTally()
    tally.abandon()
    assert (tally.abandoned, tally.short_abandoned) == (1, 0)
