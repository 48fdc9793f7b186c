"""Migrated (and seeded) test databases copied from templates built once per test process.

Running the Alembic chain costs 0.6–0.8 s per SQLite database (more on PostgreSQL) and the
demo seed hashes five passwords with argon2: paid for every test, that was minutes of the
suite. A template is built by the same ``crm_core.db.upgrade`` (and ``seed_demo``) the
first time a test process needs one; each test then gets a copy: a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL. Tests of the migrations themselves still
call ``upgrade`` on empty databases.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
from sqlalchemy import make_url

from crm_core.db import make_engine, make_sessionmaker, upgrade
from crm_core.seed import seed_demo

_FOLDER = Path(tempfile.mkdtemp(prefix="crm-test-templates-"))
atexit.register(shutil.rmtree, _FOLDER, True)
_files: dict[str, Path] = {}


async def copy_migrated_sqlite(path: Path) -> None:
    """A migrated SQLite CRM at ``path`` (which must not exist yet)."""
    await _copy("migrated", path, _migrate)


async def copy_seeded_sqlite(path: Path) -> None:
    """A migrated SQLite CRM at ``path`` holding the demo seed (``callcenter db seed``)."""
    await _copy("seeded", path, _migrate_and_seed)


async def _copy(kind: str, path: Path, build: Callable[[str], Awaitable[None]]) -> None:
    template = _files.get(kind)
    if template is None:
        template = _FOLDER / f"{kind}.db"
        await build(f"sqlite+aiosqlite:///{template}")
        _check_self_contained(template)
        _files[kind] = template
    _place(template, path)


def _check_self_contained(template: Path) -> None:
    for suffix in ("-wal", "-shm"):  # the last connection's close checkpointed the WAL
        if Path(f"{template}{suffix}").exists():
            raise RuntimeError(f"template {template} still has its {suffix} file")


def _place(template: Path, path: Path) -> None:
    if path.exists():
        raise FileExistsError(path)
    shutil.copyfile(template, path)


async def _migrate(url: str) -> None:
    await upgrade(url)


async def _migrate_and_seed(url: str) -> None:
    await upgrade(url)
    engine = make_engine(url)
    try:
        await seed_demo(make_sessionmaker(engine))
    finally:
        await engine.dispose()


_pg_templates: dict[tuple[str, int, str], str] = {}


async def clone_migrated_postgres(admin: asyncpg.Connection, url: str) -> None:
    """Replace the empty PostgreSQL database of ``url`` with a migrated one. ``admin`` is a
    connection to a maintenance database on the same server, as the same user."""
    target = make_url(url)
    name = target.database
    assert name and target.host and target.port and target.username
    key = (target.host, target.port, target.username)
    template = _pg_templates.get(key)
    if template is None:
        template = f"{name}_template"
        await admin.execute(f'CREATE DATABASE "{template}"')
        _pg_templates[key] = template
        atexit.register(_drop_postgres, target.set(database=template).render_as_string(False))
        await upgrade(target.set(database=template).render_as_string(hide_password=False))
    await admin.execute(f'DROP DATABASE "{name}"')
    for attempt in range(5):
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return
        except asyncpg.ObjectInUseError:  # e.g. autovacuum visiting the template just then
            if attempt == 4:
                raise
            await asyncio.sleep(0.2)


def _drop_postgres(url: str) -> None:
    target = make_url(url)

    async def drop() -> None:
        for maintenance in ("test", "postgres"):  # as tests/crm_core/conftest.py connects
            try:
                admin = await asyncpg.connect(
                    host=target.host, port=target.port, user=target.username, database=maintenance
                )
            except (OSError, asyncpg.PostgresError):
                continue
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
            finally:
                await admin.close()
            return

    asyncio.run(drop())
