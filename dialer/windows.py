"""Call windows in the recipient's local time.

Owns: ``CallWindow`` (local opening hours and weekdays of a campaign) and ``may_dial``,
which allows a dial only when the window is open in *every* candidate IANA zone of the
lead (a number can map to several zones; the strictest wins). A lead with no zone, or
with a zone name ``zoneinfo`` does not know, is refused with a reason the pre-flight
counts. Must not read a clock: ``now_utc`` is passed in by the caller.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Reasons a dial is refused; plain strings so the pre-flight can count them as keys.
NO_ZONE = "no time zone"
UNKNOWN_ZONE = "unknown time zone"
OUTSIDE_WINDOW = "outside call window"

WEEKDAYS = frozenset(range(5))  # Monday=0 … Friday=4, as ``datetime.weekday()``


@dataclass(frozen=True, slots=True)
class CallWindow:
    """Dial from ``start`` (inclusive) to ``end`` (exclusive) local time on ``weekdays``."""

    start: time = time(9, 0)
    end: time = time(20, 0)
    weekdays: frozenset[int] = WEEKDAYS

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("a call window must start before it ends (same local day)")
        if not self.weekdays <= frozenset(range(7)):
            raise ValueError("weekdays are 0 (Monday) .. 6 (Sunday)")

    def is_open_at(self, local: datetime) -> bool:
        """Whether the window is open at this local wall-clock time."""
        return local.weekday() in self.weekdays and self.start <= local.time() < self.end


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    #: Why the dial is refused (``None`` when allowed); names the zone when one is at fault.
    reason: str | None = None
    zone: str | None = None


def zone_of(name: str) -> ZoneInfo | None:
    """The ``ZoneInfo`` for an IANA name, or ``None`` when the name is not a known zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_problem(zones: Iterable[str]) -> Decision | None:
    """A refusal that does not depend on the time (no zone, unknown zone), else ``None``."""
    names = tuple(zones)
    if not names:
        return Decision(False, NO_ZONE)
    for name in names:
        if zone_of(name) is None:
            return Decision(False, UNKNOWN_ZONE, name)
    return None


def may_dial(zones: Iterable[str], now_utc: datetime, window: CallWindow | None = None) -> Decision:
    """Allowed only when ``window`` is open at ``now_utc`` in every zone of ``zones``."""
    if now_utc.tzinfo is None:
        raise ValueError("now_utc must be timezone-aware")
    names = tuple(zones)
    problem = zone_problem(names)
    if problem is not None:
        return problem
    window = window or CallWindow()
    for name in names:
        tz = zone_of(name)
        assert tz is not None  # checked by zone_problem
        if not window.is_open_at(now_utc.astimezone(tz)):
            return Decision(False, OUTSIDE_WINDOW, name)
    return Decision(True)


def utc_from_timestamp(seconds: float) -> datetime:
    """The aware UTC datetime of a ``Clock.now()`` reading (seconds since the epoch)."""
    return datetime.fromtimestamp(seconds, UTC)
