"""Engines, sessions and schema migrations: how crm_core reaches its database.

Owns the per-backend connection settings (SQLite pragmas and transaction mode, PostgreSQL via
asyncpg) and running the Alembic chain in ``crm_core/migrations`` programmatically. It holds no
engine of its own: the composition root builds one and passes it around.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Connection, event, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

T = TypeVar("T")

# Execution option read by the SQLite BEGIN hook: "IMMEDIATE" (default), "DEFERRED", or
# "NONE" (no BEGIN: each statement runs in its own implicit transaction; see lookup_engine).
SQLITE_BEGIN = "crm_sqlite_begin"

_MIGRATIONS = Path(__file__).with_name("migrations")
_ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}


def make_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = 5000) -> AsyncEngine:
    """An async engine for ``sqlite[+aiosqlite]:///file`` or ``postgresql[+asyncpg]://…``.

    On SQLite every transaction starts with ``BEGIN IMMEDIATE``: the write lock is taken up
    front, so a read-modify-write cannot interleave with another writer (in the default
    deferred mode most concurrent read-modify-writes were lost or failed with "database is
    locked" when measured); a writer waits ``busy_timeout_ms`` for the lock. Sessions from
    ``make_sessionmaker(engine, read_only=True)`` begin DEFERRED instead and never wait.
    """
    sa_url = async_url(url)
    if sa_url.get_backend_name() == "sqlite":
        engine = create_async_engine(sa_url, echo=echo)
        _install_sqlite_hooks(engine, busy_timeout_ms)
        return engine
    # pre_ping: the daemon runs for weeks and PostgreSQL restarts should not fail one request.
    return create_async_engine(sa_url, echo=echo, pool_pre_ping=True)


def async_url(url: str) -> URL:
    """``url`` with its async driver filled in; other backends or drivers are refused."""
    sa_url = make_url(url)
    backend = sa_url.get_backend_name()
    if backend == "postgres":  # Heroku-style alias
        sa_url, backend = sa_url.set(drivername="postgresql"), "postgresql"
    driver = _ASYNC_DRIVERS.get(backend)
    if driver is None:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    if "+" in sa_url.drivername and sa_url.get_driver_name() != driver:
        raise ValueError(f"use the {driver} driver for {backend}, not {sa_url.drivername}")
    return sa_url.set(drivername=f"{backend}+{driver}")


def make_sessionmaker(
    engine: AsyncEngine, *, read_only: bool = False
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (no lazy refresh, which async forbids).

    ``read_only=True`` is for lookups on hot paths such as the screen pop: on SQLite they begin
    DEFERRED (a WAL reader sees a snapshot and never waits for a writer), on PostgreSQL they run
    as READ ONLY transactions. Writing through them fails instead of waiting.
    """
    bind = engine
    if read_only:
        options = (
            {SQLITE_BEGIN: "DEFERRED"}
            if engine.dialect.name == "sqlite"
            else {"postgresql_readonly": True}
        )
        bind = engine.execution_options(**options)
    return async_sessionmaker(bind, expire_on_commit=False)


def make_lookup_engine(url: str) -> AsyncEngine:
    """An engine (its own small pool) for one-statement look-ups on the ringing path, such
    as the screen pop's ``match_caller``: no transaction is begun or rolled back around the
    statement. On PostgreSQL its connections stay in autocommit and are not pinged at
    checkout (on ``make_engine``'s pool asyncpg's ping is three round trips, ``;`` wrapped in
    BEGIN … ROLLBACK): run look-ups through ``read_once``, which replaces a connection found
    dead once. A single statement still reads one consistent snapshot on both backends, and
    a WAL reader never waits for a writer. Dispose of it with the main engine.
    """
    sa_url = async_url(url)
    if sa_url.get_backend_name() == "sqlite":
        return lookup_engine(make_engine(url))
    return create_async_engine(sa_url, isolation_level="AUTOCOMMIT")


async def read_once(engine: AsyncEngine, read: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """``read`` on a connection of ``engine``, retried once on a fresh connection if the
    first turned out dead (the server restarted since it was pooled; the pool drops it)."""
    try:
        async with engine.connect() as connection:
            return await read(connection)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    async with engine.connect() as connection:
        return await read(connection)


def lookup_engine(engine: AsyncEngine) -> AsyncEngine:
    """``engine``'s pool used as ``make_lookup_engine``'s: for single SELECT statements only
    (several statements through one connection would each see a different snapshot).

    On SQLite the connection's isolation level is not touched (``_on_sqlite_connect`` keeps
    the driver out of transaction control for good); only the BEGIN hook is told to stay
    quiet. On PostgreSQL the connection is in autocommit while checked out (asyncpg sets
    that without a round trip), but the pool's check at checkout still costs three.
    """
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{SQLITE_BEGIN: "NONE"})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def sessionmaker_engine(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    """The engine the sessions of ``sessions`` are bound to."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise TypeError("the sessionmaker is not bound to an AsyncEngine")
    return bind


async def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision`` with the chain in crm_core/migrations.

    Works from any working directory and from an installed package: the Alembic environment
    is located next to this module, and no alembic.ini is needed.
    """
    engine = migration_engine(url)
    try:
        # One outer transaction: on SQLite the whole upgrade is atomic too (its DDL is
        # transactional once we issue BEGIN ourselves), so a failed step leaves nothing behind.
        async with engine.begin() as connection:
            await connection.run_sync(_run_upgrade, revision)
    finally:
        await engine.dispose()


def migration_engine(url: str) -> AsyncEngine:
    """An engine for schema changes only: like ``make_engine``, but on SQLite foreign keys
    are off (the migration environment checks them before committing instead)."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        # Batch mode changes a SQLite table by copying it, dropping the old one and renaming
        # the copy; with foreign keys on, that DROP cascades and silently empties every child
        # table. So migrations run with them off (the pragma is ignored inside a transaction,
        # hence on connect) and env.py runs PRAGMA foreign_key_check before committing.
        event.listen(engine.sync_engine, "connect", _foreign_keys_off)
    return engine


def alembic_config() -> Config:
    """The Alembic configuration of crm_core's migration chain (no file on disk needed)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def _run_upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    # env.py sees this connection and migrates on it instead of building its own engine.
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _install_sqlite_hooks(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    def on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        _on_sqlite_connect(dbapi_connection, record, busy_timeout_ms)

    event.listen(engine.sync_engine, "connect", on_connect)
    event.listen(engine.sync_engine, "begin", _on_sqlite_begin)


def _on_sqlite_connect(
    dbapi_connection: Any, _record: ConnectionPoolEntry, busy_timeout_ms: int
) -> None:
    # isolation_level=None stops the sqlite3 module's own implicit BEGIN (which it skips for
    # SELECT), so _on_sqlite_begin alone decides how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # busy_timeout first: switching to WAL needs a lock another connection may hold.
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys=ON")  # off by default: orphans would be accepted
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer, nor it them
    cursor.close()


def _foreign_keys_off(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
    if mode == "NONE":
        return
    if mode not in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
        raise ValueError(
            f"{SQLITE_BEGIN} must be IMMEDIATE, DEFERRED, EXCLUSIVE or NONE, not {mode!r}"
        )
    connection.exec_driver_sql(f"BEGIN {mode}")
