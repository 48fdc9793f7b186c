"""The abandon rate, checked against hand-computed cases over a rolling 30-day window."""

from fractions import Fraction

import pytest

from dialer.abandon import DAY, AbandonLedger, DayCount, day_of

T0 = 1_800_000_000.0 - 1_800_000_000.0 % DAY  # midnight UTC


def ledger_of(*days: tuple[float, int, int], cap: Fraction = Fraction(3, 100)) -> AbandonLedger:
    """A ledger from (day offset, live answers, of which abandoned)."""
    ledger = AbandonLedger(cap)
    for offset, live, abandoned in days:
        for i in range(live):
            ledger = ledger.record(T0 + offset * DAY, abandoned=i < abandoned)
    return ledger


@pytest.mark.parametrize(
    ("days", "now_day", "rate", "headroom"),
    [
        ((), 0, Fraction(0), Fraction(0)),
        (((0, 100, 3),), 0, Fraction(3, 100), Fraction(0)),
        (((0, 100, 2),), 0, Fraction(2, 100), Fraction(1)),
        (((0, 200, 3),), 0, Fraction(3, 200), Fraction(3)),
        (((0, 50, 5),), 0, Fraction(1, 10), Fraction(-7, 2)),
        # Day 0 is still inside the window on day 29 and gone on day 30.
        (((0, 10, 5), (29, 90, 0)), 29, Fraction(5, 100), Fraction(-2)),
        (((0, 10, 5), (29, 90, 0)), 30, Fraction(0), Fraction(27, 10)),
        # Days across the window add up; the newest day counts.
        (((1, 40, 1), (15, 30, 1), (30, 30, 1)), 30, Fraction(3, 100), Fraction(0)),
    ],
)
def test_rate_and_headroom_over_thirty_days(
    days: tuple[tuple[float, int, int], ...], now_day: int, rate: Fraction, headroom: Fraction
) -> None:
    ledger = ledger_of(*days)
    now = T0 + now_day * DAY + 3600
    assert ledger.rate(now) == rate
    assert ledger.headroom(now) == headroom
    assert ledger.at_cap(now) is (rate >= Fraction(3, 100))


def test_the_daily_rate_counts_only_today() -> None:
    ledger = ledger_of((0, 100, 1), (1, 20, 2))
    assert ledger.day(T0 + DAY) == DayCount(20, 2)
    assert ledger.day_rate(T0 + DAY) == Fraction(1, 10)
    assert ledger.rate(T0 + DAY) == Fraction(3, 120)


def test_recording_forgets_days_that_left_the_window() -> None:
    ledger = ledger_of((0, 5, 1), (10, 5, 1), (40, 1, 0))
    assert sorted(ledger.days) == [day_of(T0 + 40 * DAY)]


def test_a_ledger_is_never_changed_in_place() -> None:
    empty = AbandonLedger()
    empty.record(T0, abandoned=True)
    assert empty.totals(T0) == DayCount()


def test_a_stricter_cap() -> None:
    ledger = ledger_of((0, 100, 1), cap=Fraction(1, 100))
    assert ledger.at_cap(T0) and ledger.headroom(T0) == 0
