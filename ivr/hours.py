"""Business hours: is the hotline open at an instant? Pure, over an aware datetime.

Owns the ``hours`` node's schedule format and its evaluation. The instant always comes
from the caller (the runner's injected clock); this module never reads the time. In the
flow file::

    timezone: Asia/Shanghai
    week: {mon: "09:00-18:00", sat: "09:00-12:00, 13:00-17:00"}   # missing day = closed
    holidays: [2026-10-01, 2026-10-02]                            # closed all day

An interval ``start-end`` is open from ``start`` included to ``end`` excluded.
"""

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ivr.errors import Path, Source
from ivr.nodes import OpeningHours

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Interval = tuple[time, time]


def is_open(hours: OpeningHours, now: datetime) -> bool:
    """Whether ``now`` (timezone-aware) falls in an open interval of the hotline's day."""
    if now.tzinfo is None:
        raise ValueError("business hours need an aware datetime, got a naive one")
    local = now.astimezone(ZoneInfo(hours.timezone))
    if local.date() in hours.holidays:
        return False
    moment = local.time().replace(tzinfo=None)
    return any(start <= moment < end for start, end in hours.days.get(local.weekday(), ()))


def parse_hours(data: Mapping[str, Any], src: Source, path: Path) -> OpeningHours:
    zone = src.text(data, "timezone", path)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise src.error((*path, "timezone"), f"unknown timezone {zone!r}") from exc
    week = src.mapping(data.get("week"), (*path, "week"))
    days: dict[int, tuple[Interval, ...]] = {}
    for day, spec in week.items():
        if str(day) not in WEEKDAYS:
            raise src.error((*path, "week", str(day)), f"{day!r} is not one of {WEEKDAYS}")
        days[WEEKDAYS.index(str(day))] = _intervals(str(spec), src, (*path, "week", str(day)))
    return OpeningHours(zone, days, _holidays(data.get("holidays", []), src, path))


def _intervals(spec: str, src: Source, path: Path) -> tuple[Interval, ...]:
    if spec.strip() == "closed":
        return ()
    intervals = []
    for part in spec.split(","):
        try:
            start, end = (time.fromisoformat(t.strip()) for t in part.split("-"))
        except ValueError as exc:
            raise src.error(path, f"hours {part.strip()!r} must look like 09:00-18:00") from exc
        if not start < end:
            raise src.error(path, f"hours {part.strip()!r} end before they start")
        intervals.append((start, end))
    return tuple(intervals)


def _holidays(raw: object, src: Source, path: Path) -> frozenset[date]:
    if not isinstance(raw, list):
        raise src.error((*path, "holidays"), "holidays must be a list of dates")
    days = set()
    for position, item in enumerate(raw):
        if isinstance(item, date) and not isinstance(item, datetime):
            days.add(item)
            continue
        try:
            days.add(date.fromisoformat(str(item)))
        except ValueError as exc:
            where = (*path, "holidays", str(position))
            raise src.error(where, f"holiday {item!r} is not a date (YYYY-MM-DD)") from exc
    return frozenset(days)
