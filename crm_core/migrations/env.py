"""Alembic environment of crm_core: runs the chain on a connection handed in, or on its own.

``crm_core.db.upgrade`` passes an open connection (``config.attributes["connection"]``) inside
a transaction it owns. From the command line
(``alembic -c crm_core/migrations/alembic.ini -x url=sqlite:///var/crm.db upgrade head``) this
file builds the engine itself with ``crm_core.db.migration_engine``, so the SQLite settings
are the same either way.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from crm_core.db import migration_engine
from crm_core.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead,
        # otherwise an ALTER fails half-applied.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _run_on(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            _refuse_dangling_foreign_keys(connection)


def _refuse_dangling_foreign_keys(connection: Connection) -> None:
    # Migrations run with SQLite's foreign keys off (see crm_core.db.migration_engine), so
    # integrity is checked once here, inside the transaction: raising rolls the step back.
    orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if orphans:
        raise RuntimeError(f"migration left rows with dangling foreign keys: {orphans[:5]}")


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = url or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: pass -x url=... or set sqlalchemy.url")
    return url


async def _run_with_own_engine() -> None:
    engine = migration_engine(_url())
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_on)
    finally:
        await engine.dispose()


def _run_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
elif (shared := config.attributes.get("connection")) is not None:
    _run_on(shared)
else:
    asyncio.run(_run_with_own_engine())
