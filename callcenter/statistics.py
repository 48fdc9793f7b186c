"""Interval statistics for the team lead: live from the bus, historical from the event log.

Both come from ``acd.stats.StatsFold`` over the same ``(type, asdict)`` rows the event log
stores, so a live figure and the same interval read back from ``acd_events`` agree. The live
folds are seeded from the log at start-up (``LIVE_WINDOW``), so a restart does not zero the
wallboard's current interval.
"""

import dataclasses
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from acd.events import AcdEvent
from acd.stats import StatsFold
from callcenter.clock import LoopClock
from crm_core.acd_log import read_events_since

log = logging.getLogger(__name__)

INTERVALS = (900, 1800)
#: How much of the log the live folds start from.
LIVE_WINDOW = timedelta(hours=2)
#: The longest span one report may cover (one fold of up to this many events' worth).
LONGEST_SPAN = timedelta(days=7)


class Statistics:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: LoopClock) -> None:
        self._sessions = sessions
        self._clock = clock
        self._live = {size: StatsFold(interval=size) for size in INTERVALS}

    async def load(self) -> None:
        """Seed the live folds with the log's recent window (call before the bus runs)."""
        now = datetime.fromtimestamp(self._clock.now(), UTC)
        start = now - LIVE_WINDOW
        async with self._sessions() as session:
            events = await read_events_since(session, start)
        for fold in self._live.values():
            fold.fold((e.type, e.payload) for e in events)

    def event(self, event: AcdEvent) -> None:
        payload = dataclasses.asdict(event)
        for fold in self._live.values():
            fold.add(type(event).__name__, payload)

    def live(self, interval: int) -> dict[str, object]:
        """The current interval, from the live fold."""
        now = self._clock.now()
        start = now - now % interval
        report = self._live[interval].report()
        return {
            "interval": interval,
            "from": start,
            "to": start + interval,
            **{kind: [r for r in rows if r["start"] == start] for kind, rows in report.items()},
        }

    async def history(self, interval: int, start: float, end: float) -> dict[str, object]:
        """Every interval that begins in [start, end), folded from the event log."""
        start -= start % interval
        since, until = (datetime.fromtimestamp(t, UTC) for t in (start, end))
        if until - since > LONGEST_SPAN:
            raise ValueError(f"a report covers at most {LONGEST_SPAN.days} days")
        async with self._sessions() as session:
            events = await read_events_since(session, since, until=until)
        report = StatsFold(interval=interval).fold((e.type, e.payload) for e in events).report()
        # Agents' time before ``start`` is split into earlier intervals: not asked for.
        inside = {
            kind: [r for r in rows if start <= float(str(r["start"])) < end]
            for kind, rows in report.items()
        }
        return {"interval": interval, "from": start, "to": end, **inside}
