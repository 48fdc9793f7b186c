"""Contact cards by phone number for the ringing path: the one statement of ``crm_core.cards``
run straight on the database driver, in a single hop.

Owns ``CardReader`` (what the screen pop needs: the cards of the contacts with an E.164
number) and its three implementations, chosen by ``open_card_reader(url)``:

- **SQLite file** — ``SqliteCardReader``: worker threads that each own a stdlib ``sqlite3``
  connection (read-only: ``query_only``; WAL readers never wait for the writer). A look-up
  is one hand-over to a worker, which executes the statement, fetches the rows and builds
  the cards, and one hand-back to the event loop. Through SQLAlchemy's aiosqlite adapter
  the same statement cost about five hand-overs to aiosqlite's thread (cursor, execute,
  fetch, close, the rollback on return to the pool), each a chance to lose a scheduler
  time slice while the phone rings.
- **PostgreSQL** — ``PostgresCardReader``: an asyncpg pool running the statement as a
  prepared statement (asyncpg caches it per connection): one round trip, no transaction
  around it (a single statement reads one snapshot), no ping at checkout.
- **Anything else** (an in-memory SQLite database, which a second connection could not
  see) — ``EngineCardReader``: the statement through an SQLAlchemy async engine.

The statement's text and its column conversions (e.g. SQLite's naive timestamps to aware
UTC) come from SQLAlchemy's compiler and types, so every reader returns the same cards as
``crm_core.cards.cards_by_number`` (tested on both backends).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

import asyncpg
from sqlalchemy import URL
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine

from crm_core.cards import BY_NUMBER, ContactCard, assemble, cards_by_number
from crm_core.db import async_url, make_lookup_engine, read_once


class CardRow(NamedTuple):
    """A row of the cards statement, by the names ``crm_core.cards.assemble`` reads."""

    kind: Any
    contact_id: Any
    seq: Any
    number: Any
    t1: Any
    t2: Any
    t3: Any
    t4: Any
    t5: Any
    t6: Any
    at: Any


_Processor = Callable[[Any], Any] | None

# Seconds a SQLite reader waits on a lock (it only meets one while a checkpoint truncates
# the WAL), like the daemon's other connections.
SQLITE_BUSY_TIMEOUT_MS = 5000


class CardReader(Protocol):
    async def cards_by_number(self, e164: str) -> list[ContactCard]:
        """The cards of the contacts one of whose phones is ``e164`` (in no order)."""
        ...

    async def close(self) -> None: ...


async def open_card_reader(url: str, *, workers: int = 2) -> CardReader:
    """The fastest reader for the database at ``url`` (see the module's docstring)."""
    sa_url = async_url(url)
    if sa_url.get_backend_name() == "postgresql":
        return await PostgresCardReader.open(sa_url, max_size=workers * 2)
    database = sa_url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        return SqliteCardReader(database, workers=workers)
    return EngineCardReader(make_lookup_engine(url), owned=True)


class _Statement:
    """The cards statement compiled for one dialect, with its row conversion."""

    def __init__(self, dialect: Dialect) -> None:
        compiled = BY_NUMBER.compile(dialect=dialect)
        self.sql = str(compiled)
        names = compiled.positiontup or []
        if list(names) != ["e164"]:
            raise RuntimeError(f"the cards statement binds {names}, expected only e164")
        processors: list[_Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in BY_NUMBER.selected_columns
        ]
        if len(processors) != len(CardRow._fields):
            raise RuntimeError("the cards statement's columns no longer match CardRow")
        self._processors = processors

    def cards(self, rows: Sequence[Sequence[Any]]) -> list[ContactCard]:
        convert = self._processors
        return assemble(
            CardRow(
                *(value if f is None else f(value) for f, value in zip(convert, row, strict=True))
            )
            for row in rows
        )


class SqliteCardReader:
    """Look-ups on worker threads that each own a read-only ``sqlite3`` connection.

    The hand-over is a plain queue and ``call_soon_threadsafe`` back: measured, about 0.1 ms
    less per look-up than ``run_in_executor`` (whose concurrent.futures plumbing costs that
    much). The loop cannot see this work pending; ``tests/virtual_time.py`` shows it."""

    _statement: _Statement | None = None

    def __init__(self, path: str, *, workers: int = 2) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if SqliteCardReader._statement is None:
            SqliteCardReader._statement = _Statement(SQLiteDialect_pysqlite())
        self._path = path
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"crm-cards-{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    async def cards_by_number(self, e164: str) -> list[ContactCard]:
        if not self._threads:
            raise RuntimeError("the card reader is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[ContactCard]] = loop.create_future()
        self._jobs.put(_Job(e164, loop, future))
        return await future

    async def close(self) -> None:
        threads, self._threads = self._threads, []
        for _ in threads:
            self._jobs.put(None)
        await asyncio.to_thread(_join, threads)

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: no BEGIN from the driver; the single statement reads one snapshot.
        connection = sqlite3.connect(self._path, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = ON")
        return connection

    def _work(self) -> None:
        statement = self._statement
        assert statement is not None
        connection: sqlite3.Connection | None = None
        try:
            while (job := self._jobs.get()) is not None:
                try:
                    if connection is None:
                        connection = self._connect()
                    rows = connection.execute(statement.sql, (job.e164,)).fetchall()
                    job.resolve(statement.cards(rows), None)
                except Exception as exc:  # handed to the caller, who decides
                    job.resolve(None, exc)
        finally:
            if connection is not None:
                connection.close()


class _Job(NamedTuple):
    e164: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[list[ContactCard]]

    def resolve(self, cards: list[ContactCard] | None, error: BaseException | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
            self.loop.call_soon_threadsafe(_settle, self.future, cards, error)


def _settle(
    future: asyncio.Future[list[ContactCard]],
    cards: list[ContactCard] | None,
    error: BaseException | None,
) -> None:
    if future.done():  # the caller gave up (cancelled) while the worker read
        return
    if error is not None:
        future.set_exception(error)
    else:
        assert cards is not None
        future.set_result(cards)


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join()


# How a pooled connection that died shows itself: the socket already closed; the server's
# notice ("terminating connection due to administrator command", class 57) or a class 08
# error; or, when that notice arrived while the connection was idle and the statement was
# sent before the close was seen, the protocol's own state error.
_CONNECTION_LOST = (
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.InternalClientError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.PostgresConnectionError,
    OSError,
)


class PostgresCardReader:
    """Look-ups through an asyncpg pool of its own, as one prepared statement each."""

    _statement: _Statement | None = None

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: URL, *, max_size: int = 4) -> PostgresCardReader:
        if cls._statement is None:
            cls._statement = _Statement(PGDialect_asyncpg())  # type: ignore[no-untyped-call]
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        pool = await asyncpg.create_pool(
            dsn,
            min_size=1,
            max_size=max_size,
            # Kept open however quiet the hotline: a fresh connection costs milliseconds.
            max_inactive_connection_lifetime=0,
            # asyncpg resets a connection on its way back to the pool (advisory locks, cursors,
            # LISTEN, settings): one more round trip per look-up. A single SELECT sets none.
            reset=_nothing_to_reset,
        )
        return cls(pool)

    async def cards_by_number(self, e164: str) -> list[ContactCard]:
        try:
            return await self._read(e164)
        except _CONNECTION_LOST:
            # The server restarted (or ended that session) since the connection was pooled;
            # closed, it is replaced at the next acquire: one retry reaches the new server.
            return await self._read(e164)

    async def _read(self, e164: str) -> list[ContactCard]:
        statement = self._statement
        assert statement is not None
        async with self._pool.acquire() as connection:
            try:
                rows = await connection.fetch(statement.sql, e164)
            except _CONNECTION_LOST:
                with contextlib.suppress(asyncpg.InterfaceError):  # already let go
                    connection.terminate()
                raise
        return statement.cards(rows)

    async def close(self) -> None:
        await self._pool.close()


async def _nothing_to_reset(_connection: object) -> None:
    return None


class EngineCardReader:
    """The statement through an SQLAlchemy async engine (``crm_core.db.lookup_engine``)."""

    def __init__(self, engine: AsyncEngine, *, owned: bool = False) -> None:
        self._engine = engine
        self._owned = owned

    async def cards_by_number(self, e164: str) -> list[ContactCard]:
        return await read_once(self._engine, lambda c: cards_by_number(c, e164))

    async def close(self) -> None:
        if self._owned:
            await self._engine.dispose()
