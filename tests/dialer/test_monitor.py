"""The live monitor's figures, checked against hand-computed cases."""

from fractions import Fraction

import pytest

from dialer.abandon import DAY
from dialer.monitor import Dialed, monitor

#: A Monday 12:00 UTC, so the last hour stays inside one UTC day.
NOW = 1_800_000_000.0 - 1_800_000_000.0 % DAY + 12 * 3600


def test_an_hour_of_dials_gives_rates_occupancy_and_talk_per_agent_hour() -> None:
    attempts = [
        # Started 2 h ago: outside the hour, but its answer counts in today's ledger.
        Dialed(NOW - 7200, NOW - 7190, NOW - 7000, human=True, agent="a1"),
        # In the hour: a no-answer, a busy, two answered and bridged, one abandoned.
        Dialed(NOW - 3000, None, NOW - 2975),
        Dialed(NOW - 2900, None, NOW - 2899),
        Dialed(NOW - 2000, NOW - 1990, NOW - 1390, human=True, agent="a1"),  # 600 s talk
        Dialed(NOW - 1000, NOW - 990, NOW - 90, human=True, agent="a2"),  # 900 s talk
        Dialed(NOW - 500, NOW - 492, NOW - 480, human=True, abandoned=True),
        # Bridged and still talking: 300 s so far.
        Dialed(NOW - 310, NOW - 300, None, human=True, agent="a2"),
        # Still ringing.
        Dialed(NOW - 5),
    ]
    # 29 days ago: 10 answers with one abandoned count in the 30 days, not today.
    month = [
        Dialed(
            NOW - 29 * DAY, NOW - 29 * DAY + 5, NOW - 29 * DAY + 60, human=True, abandoned=i == 0
        )
        for i in range(10)
    ]

    figures = monitor(attempts + month, NOW)

    assert figures.dials == 7 and figures.dials_per_minute == pytest.approx(7 / 60)
    # Ended in the hour: the no-answer, the busy, both bridged, the abandoned one.
    assert (figures.ended, figures.answered) == (5, 3)
    assert figures.answer_rate == pytest.approx(3 / 5)
    # Today: the 2-hours-ago answer, two bridged, the abandoned one and the one talking
    # now: 5 live answers, one abandoned.
    assert (figures.live_answered_day, figures.abandoned_day) == (5, 1)
    assert figures.abandon_rate_day == Fraction(1, 5)
    assert (figures.live_answered_30_days, figures.abandoned_30_days) == (15, 2)
    assert figures.abandon_rate_30_days == Fraction(2, 15)
    # a1: 600 s in the hour; a2: 900 + 300 s. Two agents over one hour each: 1800 / 7200.
    assert figures.agents == 2
    assert figures.occupancy == pytest.approx(1800 / 7200)
    assert figures.talk_minutes_per_agent_hour == pytest.approx(15.0)


def test_a_campaign_without_attempts_shows_zeros() -> None:
    figures = monitor([], NOW)
    assert (figures.dials, figures.answer_rate, figures.occupancy) == (0, 0.0, 0.0)
    assert figures.abandon_rate_day == figures.abandon_rate_30_days == 0


def test_attempts_after_now_are_not_counted() -> None:
    figures = monitor([Dialed(NOW + 10, NOW + 15, NOW + 60, human=True, abandoned=True)], NOW)
    assert figures.dials == 0 and figures.abandoned_day == 0


def test_a_window_that_is_not_positive_is_refused() -> None:
    with pytest.raises(ValueError, match="window"):
        monitor([], NOW, window=0)
