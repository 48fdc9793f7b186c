"""Call windows are judged in the recipient's local time, in every candidate zone."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.windows import (
    NO_ZONE,
    OUTSIDE_WINDOW,
    UNKNOWN_ZONE,
    CallWindow,
    may_dial,
    utc_from_timestamp,
)

NY, LA, PARIS = "America/New_York", "America/Los_Angeles", "Europe/Paris"
# Wednesday 2026-11-25 (UTC): New York is UTC-5, Los Angeles UTC-8, Paris UTC+1.
WED = datetime(2026, 11, 25, tzinfo=UTC)


def at(hour: int, minute: int = 0, day: datetime = WED) -> datetime:
    return day + timedelta(hours=hour, minutes=minute)


@pytest.mark.parametrize(
    ("zones", "now", "allowed", "reason", "zone"),
    [
        ((NY,), at(14), True, None, None),  # 09:00 New York: the window opens
        ((NY,), at(13, 59), False, OUTSIDE_WINDOW, NY),  # 08:59 New York
        ((NY,), at(24, 59), True, None, None),  # 19:59 New York
        ((NY,), at(25), False, OUTSIDE_WINDOW, NY),  # 20:00 New York: closed
        ((NY, LA), at(14), False, OUTSIDE_WINDOW, LA),  # 06:00 Los Angeles
        ((NY, LA), at(17), True, None, None),  # 12:00 New York, 09:00 Los Angeles
        ((LA, PARIS), at(17), True, None, None),  # 09:00 Los Angeles, 18:00 Paris
        ((LA, PARIS), at(19), False, OUTSIDE_WINDOW, PARIS),  # 11:00 LA, 20:00 Paris
        ((PARIS,), at(8, day=WED + timedelta(days=3)), False, OUTSIDE_WINDOW, PARIS),  # Sat
        ((), at(17), False, NO_ZONE, None),
        (("Mars/Olympus_Mons",), at(17), False, UNKNOWN_ZONE, "Mars/Olympus_Mons"),
        ((NY, "not a zone"), at(17), False, UNKNOWN_ZONE, "not a zone"),
        ((NY, "../etc/passwd"), at(17), False, UNKNOWN_ZONE, "../etc/passwd"),
    ],
)
def test_a_dial_is_allowed_only_when_every_zone_is_inside_the_window(
    zones: tuple[str, ...], now: datetime, allowed: bool, reason: str | None, zone: str | None
) -> None:
    decision = may_dial(zones, now)
    assert (decision.allowed, decision.reason, decision.zone) == (allowed, reason, zone)


def test_the_window_follows_daylight_saving_time() -> None:
    # New York is UTC-4 in July: 13:00 UTC is 09:00 local, open; in November it is 08:00.
    assert may_dial((NY,), datetime(2026, 7, 15, 13, tzinfo=UTC)).allowed
    assert not may_dial((NY,), datetime(2026, 11, 25, 13, tzinfo=UTC)).allowed


def test_a_campaign_window_with_its_own_hours_and_days() -> None:
    saturday_mornings = CallWindow(time(10), time(12), frozenset({5}))
    saturday_11_paris = datetime(2026, 11, 28, 10, tzinfo=UTC)
    assert may_dial((PARIS,), saturday_11_paris, saturday_mornings).allowed
    assert not may_dial((PARIS,), saturday_11_paris - timedelta(days=3), saturday_mornings).allowed


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [(time(20), time(9), {0}), (time(9), time(9), {0}), (time(9), time(10), {7})],
)
def test_a_window_that_cannot_be_open_is_refused(start: time, end: time, days: set[int]) -> None:
    with pytest.raises(ValueError):
        CallWindow(start, end, frozenset(days))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        may_dial((NY,), datetime(2026, 11, 25, 17))


ZONES = st.lists(st.sampled_from([NY, LA, PARIS, "Asia/Tokyo", "Australia/Sydney"]), max_size=4)
INSTANTS = st.integers(1_700_000_000, 1_900_000_000).map(utc_from_timestamp)


@given(ZONES, INSTANTS)
def test_several_zones_allow_exactly_when_each_alone_allows(
    zones: list[str], now: datetime
) -> None:
    alone = [may_dial((z,), now).allowed for z in zones]
    assert may_dial(zones, now).allowed == (bool(zones) and all(alone))
    assert may_dial(list(reversed(zones)), now).allowed == may_dial(zones, now).allowed
