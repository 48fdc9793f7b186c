"""Writes of a call's history survive a database that is briefly unable (callcenter.db_retry)."""

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from acd.events import AgentStateChanged
from callcenter.calls import ActiveCall
from callcenter.crm_port import CrmAdapter
from callcenter.db_retry import SerialWrites, is_transient, with_retries
from callcenter.event_log import EventLogWriter
from crm_core.db import make_engine, make_sessionmaker
from crm_core.interactions import get_interaction_by_call
from crm_core.models.acd_log import AcdEvent as AcdEventRow
from cti.ids import AgentId, CallId, UniqueId
from tests.e2e.harness import seeded_db

LOCKED = sa_exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
DUPLICATE = sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE failed"))


def test_a_locked_database_or_an_exhausted_pool_is_worth_retrying_a_constraint_is_not() -> None:
    assert is_transient(LOCKED)
    assert is_transient(sa_exc.TimeoutError("QueuePool limit reached"))
    assert is_transient(ConnectionResetError())
    assert not is_transient(DUPLICATE)
    assert not is_transient(ValueError("bug"))


class _FakeTime:
    def __init__(self) -> None:
        self.t = 0.0
        self.pauses: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.t += seconds


async def test_a_write_is_retried_with_growing_pauses_until_it_succeeds() -> None:
    time = _FakeTime()
    failures = [LOCKED, LOCKED, LOCKED]

    async def write() -> str:
        if failures:
            raise failures.pop()
        return "written"

    result = await with_retries(write, what="test", now=time.now, sleep=time.sleep)
    assert result == "written"
    assert time.pauses == [0.05, 0.1, 0.2]


async def test_a_permanent_error_is_raised_at_once() -> None:
    time = _FakeTime()

    async def write() -> None:
        raise DUPLICATE

    with pytest.raises(sa_exc.IntegrityError):
        await with_retries(write, what="test", now=time.now, sleep=time.sleep)
    assert time.pauses == []


async def test_retrying_stops_when_the_budget_is_spent() -> None:
    time = _FakeTime()

    async def write() -> None:
        raise LOCKED

    with pytest.raises(sa_exc.OperationalError):
        await with_retries(write, what="test", budget=30.0, now=time.now, sleep=time.sleep)
    assert sum(time.pauses) <= 30.0
    assert max(time.pauses) == 5.0


def _hold_write_lock(path: Path, seconds: float, taken: threading.Event) -> None:
    """Another process's writer: holds SQLite's write lock for ``seconds``."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    taken.set()
    threading.Event().wait(seconds)
    other.execute("ROLLBACK")
    other.close()


async def _with_lock_held(db_url: str, seconds: float) -> threading.Thread:
    path = Path(db_url.split("///", 1)[1])
    taken = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, seconds, taken))
    holder.start()
    await asyncio.to_thread(taken.wait)
    return holder


async def test_an_interaction_is_recorded_after_the_write_lock_was_held_past_the_busy_timeout(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db_url = await seeded_db(tmp_path)
    engine = make_engine(db_url, busy_timeout_ms=20)
    try:
        crm = CrmAdapter(make_sessionmaker(engine), "US")
        call = ActiveCall(
            call_id=CallId("1700000000.1"),
            uniqueid=UniqueId("1700000000.1"),
            channel="PJSIP/trunk-00000001",
            ani="+12125550100",
            dnis="8005550100",
            hotline="support",
            started_at=1_700_000_000.0,
            ended_at=1_700_000_030.0,
            outcome="abandoned_ivr",
        )
        holder = await _with_lock_held(db_url, 0.5)
        await crm.record(call)  # fails on the lock at first, then lands
        holder.join()
        async with make_sessionmaker(engine)() as session:
            row = await get_interaction_by_call(session, call.call_id)
        assert row is not None
        assert row.ani == "+12125550100"
        assert "database is locked" in caplog.text  # it did fail first
    finally:
        await engine.dispose()


async def test_acd_events_are_written_after_the_write_lock_was_held_past_the_busy_timeout(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db_url = await seeded_db(tmp_path)
    engine = make_engine(db_url, busy_timeout_ms=20)
    try:
        writer = EventLogWriter(make_sessionmaker(engine))
        writer.append(
            AgentStateChanged(AgentId("alice"), "ready", "not_ready", None, 3.0, None, 1.7e9)
        )
        holder = await _with_lock_held(db_url, 0.5)
        await writer.flush()
        holder.join()
        assert writer.written == 1
        async with make_sessionmaker(engine)() as session:
            count = await session.scalar(select(func.count()).select_from(AcdEventRow))
        assert count == 1
        assert "database is locked" in caplog.text
    finally:
        await engine.dispose()


async def _overlap(writes: SerialWrites) -> int:
    """The most writes that were inside their transaction at once."""
    inside, most = 0, 0

    async def write() -> None:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)  # the transaction's round trips
        inside -= 1

    await asyncio.gather(*(writes.run(write, what="test") for _ in range(5)))
    return most


async def test_on_sqlite_the_daemons_writes_take_turns_and_on_postgresql_they_overlap() -> None:
    assert await _overlap(SerialWrites(serialize=True)) == 1
    assert await _overlap(SerialWrites(serialize=False)) == 5
