"""The ACD's append-only event log: every ACD event, in order, written in batches; and the
dialer's reconciliation decisions after a restart (``callcenter/campaign_reconcile.py``).

``append`` never waits (it runs inside bus handlers); a writer task drains the bounded
buffer into ``acd_events``. A full buffer is counted and logged, never blocks routing.
"""

import asyncio
import dataclasses
import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from acd.events import AcdEvent
from callcenter.campaign_reconcile import RecoveryEvent
from callcenter.db_retry import SerialWrites
from crm_core.acd_log import append_events

log = logging.getLogger(__name__)

BATCH = 500


class EventLogWriter:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        max_pending: int = 50_000,
        *,
        writes: SerialWrites | None = None,
    ):
        self._sessions = sessions
        self._writes = writes or SerialWrites(serialize=False)
        self._queue: asyncio.Queue[AcdEvent | RecoveryEvent] = asyncio.Queue(max_pending)
        self.dropped = 0
        self.written = 0
        #: Held while a batch is written: ``flush`` waits for a write in progress, so that
        #: cancelling ``run`` at shutdown never interrupts a database call halfway (which
        #: would leave its connection unreturned).
        self._writing = asyncio.Lock()

    def append(self, event: AcdEvent | RecoveryEvent) -> None:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped += 1
            log.error("event log buffer full: dropped %s", type(event).__name__)

    async def run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            async with self._writing:
                await self._write(batch)

    async def flush(self) -> None:
        async with self._writing:
            batch: list[AcdEvent | RecoveryEvent] = []
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            if batch:
                await self._write(batch)

    async def _write(self, batch: list[AcdEvent | RecoveryEvent]) -> None:
        rows = [
            (datetime.fromtimestamp(e.at, UTC), type(e).__name__, dataclasses.asdict(e))
            for e in batch
        ]

        async def write() -> None:
            async with self._sessions() as session, session.begin():
                await append_events(session, rows)

        try:
            await self._writes.run(write, what=f"writing {len(rows)} ACD events")
            self.written += len(rows)
        except Exception:
            log.exception("could not write %d ACD events: %r", len(rows), rows)
