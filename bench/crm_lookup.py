"""ANI look-up behind the screen pop, at 1,000,000 contacts, on SQLite and on PostgreSQL.

Owns: building a migrated database per backend (a temporary SQLite file; a PostgreSQL
database of its own, created and dropped here), bulk-loading N contacts with one phone
number each (executemany on SQLite, COPY on PostgreSQL: the real import path is far too
slow for a million rows, and it is measured separately below), then timing:

- the screen-pop look-up — what the daemon does while the agent's phone rings:
  ``CrmAdapter.identify`` (``match_caller``'s one statement on the daemon's look-up engine,
  ``crm_core.db.make_lookup_engine``) then ``build_pop`` — over a mix of caller-id forms:
  E.164, national, ``1``-prefixed, punctuated, international dialled from the US
  (``011 44 …``), and numbers nobody on file has. One contact in four has three past calls
  and one in ten an open service request, so the cards come back with history;
- the ANI look-up alone: the caller id normalised to E.164, then the indexed match that finds
  the contacts (the part of that statement that finds them), on the card reader's driver;
- the floor under both: a look-up connection running ``SELECT 1`` (what any query through
  SQLAlchemy's async engine costs on this machine before touching a table);
- the baseline: the unindexed suffix match many connectors use, ``raw LIKE '%<last N
  digits>'`` over the stored raw form with its punctuation stripped;
- CSV import rows per second through ``crm_core.contacts_csv.import_contacts_csv``
  into the loaded database (1 % of the rows malformed on purpose, so the error path is
  part of the figure).

Prints p50/p99 and the baseline ÷ ours ratio, measured in the same run. It must not
assert on time.

Run: ``python -m bench.crm_lookup [--contacts N] [--backend sqlite|postgres|both]
[--pg-url URL]``.
"""

import argparse
import asyncio
import functools
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from callcenter.calls import ActiveCall
from callcenter.crm_port import CrmAdapter
from callcenter.pop import build_pop
from crm_core.card_reader import EngineCardReader, open_card_reader
from crm_core.contacts import CallerMatch
from crm_core.contacts_csv import import_contacts_csv
from crm_core.db import async_url, lookup_engine, make_engine, make_sessionmaker, upgrade
from crm_core.phones import NumberKind, normalise
from cti.ids import CallId, UniqueId

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/callcenter_bench"
REGION = "US"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
# Real North American area codes; every generated number is checked with crm_core.phones.
AREAS: tuple[str, ...] = (
    "201",
    "202",
    "212",
    "213",
    "214",
    "305",
    "310",
    "312",
    "404",
    "415",
    "503",
    "512",
)
AREAS += ("617", "646", "702", "713", "718", "917", "206", "303", "602", "619", "704", "919")
MISS_AREA = "808"  # Hawaii: no contact on file has a number there
TIERS = ("none", "none", "none", "bronze", "silver", "gold", "platinum")
CHUNK = 50_000
SUFFIX_DIGITS = 9
# Stripped before the suffix comparison, as connectors do on the fly.
STRIP = (" ", "-", "(", ")", ".", "+")


@dataclass(frozen=True, slots=True)
class Number:
    e164: str
    raw: str
    #: What a caller id for this number may look like when it arrives.
    presented: tuple[str, ...]


def number_of(i: int) -> Number:
    """The ``i``-th number: nine in ten in the US, one in ten in London; raw forms vary."""
    if i % 10 == 9:
        rest = i // 10
        local = f"7{rest // 10_000 % 1000:03d}{rest % 10_000:04d}"
        e164 = f"+4420{local}"
        return Number(e164, f"+44 20 {local[:4]} {local[4:]}", (e164, f"01144 20{local}"))
    area, rest = AREAS[i % len(AREAS)], i // len(AREAS)
    exchange, line = f"{234 + rest // 10_000}", f"{rest % 10_000:04d}"
    digits = f"{area}{exchange}{line}"
    raws = (
        f"({area}) {exchange}-{line}",
        f"{area}-{exchange}-{line}",
        f"+1 {area} {exchange} {line}",
    )
    presented = (f"+1{digits}", digits, f"1{digits}", f"({area}) {exchange}-{line}")
    return Number(f"+1{digits}", raws[i % 3], presented)


def shares_previous(i: int) -> bool:
    """Every 50th contact shares the number of the one before (an office line, a family)."""
    return i % 50 == 1


def phone_index(i: int) -> int:
    return i - 1 if shares_previous(i) else i


def contact_rows(count: int, start: int = 0) -> Iterator[tuple[Any, ...]]:
    for i in range(start, start + count):
        yield (
            i + 1,
            f"First{i}",
            f"Last{i}",
            TIERS[i % len(TIERS)],
            (i * 37) % 101,
        )


def phone_rows(count: int) -> Iterator[tuple[Any, ...]]:
    for i in range(count):
        number = number_of(phone_index(i))
        yield (i + 1, i + 1, "mobile" if i % 2 else "work", number.raw, number.e164)


#: One contact in HISTORY_EVERY has INTERACTIONS_EACH past calls and one in REQUEST_EVERY an
#: open service request, so the cards the look-up returns carry history, as real ones do.
HISTORY_EVERY = 4
INTERACTIONS_EACH = 3
REQUEST_EVERY = 10


def interaction_rows(count: int) -> Iterator[tuple[Any, ...]]:
    n = 0
    for i in range(0, count, HISTORY_EVERY):
        for k in range(INTERACTIONS_EACH):
            n += 1
            started = NOW - timedelta(days=k + 1, minutes=i % 1440)
            yield (n, f"bench-{n}", "inbound", number_of(phone_index(i)).e164, started, i + 1)


def request_rows(count: int) -> Iterator[tuple[Any, ...]]:
    for n, i in enumerate(range(0, count, REQUEST_EVERY), start=1):
        yield (n, 10_000 + n, i + 1, f"Request {n}", ("new", "assigned", "in_progress")[n % 3])


def chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def check_numbers(count: int) -> None:
    """Every form the bench stores or presents must mean the number it stands for."""
    rng = random.Random(1)
    picks = {0, 9, count - 1, *(rng.randrange(count) for _ in range(200))}
    for i in picks:
        number = number_of(i)
        for form in (number.raw, *number.presented):
            seen = normalise(form, REGION)
            if seen.kind is not NumberKind.E164 or seen.e164 != number.e164:
                raise SystemExit(f"bench number {form!r} does not normalise to {number.e164}")


def caller_ids(count: int, samples: int, seed: int) -> list[tuple[str, str | None]]:
    """(caller id as presented, the E.164 on file or None for a miss); 1 in 8 misses."""
    rng = random.Random(seed)
    found: list[tuple[str, str | None]] = []
    for n in range(samples):
        if n % 8 == 7:
            digits = f"{MISS_AREA}{rng.randrange(234, 300)}{rng.randrange(10_000):04d}"
            found.append((rng.choice((f"+1{digits}", digits)), None))
            continue
        number = number_of(phone_index(rng.randrange(count)))
        found.append((rng.choice(number.presented), number.e164))
    return found


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def sqlite_stamp(at: datetime) -> str:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")  # SQLAlchemy's form


async def load_sqlite(engine: AsyncEngine, count: int) -> None:
    stamp = sqlite_stamp(NOW)
    async with engine.begin() as connection:
        for batch in chunks(contact_rows(count)):
            await connection.exec_driver_sql(
                "INSERT INTO contacts (id, first_name, last_name, tier, value_score, language,"
                " notes, created_at, updated_at, current_value_cents, potential_value_cents,"
                " version) VALUES (?, ?, ?, ?, ?, 'en', '', ?, ?, 0, 0, 1)",
                [(*row, stamp, stamp) for row in batch],
            )
        for batch in chunks(phone_rows(count)):
            await connection.exec_driver_sql(
                "INSERT INTO contact_phones (id, contact_id, kind, raw, e164)"
                " VALUES (?, ?, ?, ?, ?)",
                batch,
            )
        for batch in chunks(interaction_rows(count)):
            await connection.exec_driver_sql(
                "INSERT INTO interactions (id, call_id, direction, ani, started_at, contact_id,"
                " channel, dnis, ivr_path, notes, queue, outcome)"
                " VALUES (?, ?, ?, ?, ?, ?, 'voice', '8005551234', '[]', '', 'support',"
                " 'answered')",
                [(*row[:4], sqlite_stamp(row[4]), row[5]) for row in batch],
            )
        for batch in chunks(request_rows(count)):
            await connection.exec_driver_sql(
                "INSERT INTO service_requests (id, number, contact_id, subject, status,"
                " description, category, priority, opened_at, updated_at, version)"
                " VALUES (?, ?, ?, ?, ?, '', 'general', 'normal', ?, ?, 1)",
                [(*row, stamp, stamp) for row in batch],
            )
        await connection.exec_driver_sql("ANALYZE")


async def load_postgres(engine: AsyncEngine, count: int) -> None:
    async with engine.begin() as connection:
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection  # asyncpg's connection, for COPY
        columns: tuple[str, ...] = (
            "id",
            "first_name",
            "last_name",
            "tier",
            "value_score",
            "language",
            "notes",
        )
        columns += ("created_at", "updated_at", "current_value_cents", "potential_value_cents")
        for batch in chunks(contact_rows(count)):
            records = [(*row, "en", "", NOW, NOW, 0, 0) for row in batch]
            await driver.copy_records_to_table("contacts", records=records, columns=columns)
        phone_columns = ("id", "contact_id", "kind", "raw", "e164")
        for batch in chunks(phone_rows(count)):
            await driver.copy_records_to_table(
                "contact_phones", records=batch, columns=phone_columns
            )
        interaction_columns: tuple[str, ...] = (
            "id",
            "call_id",
            "direction",
            "ani",
            "started_at",
            "contact_id",
        )
        interaction_columns += ("channel", "dnis", "ivr_path", "notes", "queue", "outcome")
        for batch in chunks(interaction_rows(count)):
            records = [
                (*row, "voice", "8005551234", "[]", "", "support", "answered") for row in batch
            ]
            await driver.copy_records_to_table(
                "interactions", records=records, columns=interaction_columns
            )
        request_columns: tuple[str, ...] = ("id", "number", "contact_id", "subject", "status")
        request_columns += ("description",)
        request_columns += ("category", "priority", "opened_at", "updated_at")
        for batch in chunks(request_rows(count)):
            records = [(*row, "", "general", "normal", NOW, NOW) for row in batch]
            await driver.copy_records_to_table(
                "service_requests", records=records, columns=request_columns
            )
        for table in ("contacts", "contact_phones", "interactions", "service_requests"):
            await connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 0) + 1 FROM {table}))"
            )
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("contacts", "contact_phones", "interactions", "service_requests"):
            await connection.exec_driver_sql(f"ANALYZE {table}")


async def timed(
    calls: Sequence[Callable[[], Awaitable[object]]],
) -> tuple[list[float], list[object]]:
    seconds: list[float] = []
    results: list[object] = []
    for call in calls:
        started = time.perf_counter()
        results.append(await call())
        seconds.append(time.perf_counter() - started)
    return seconds, results


def stripped_raw() -> str:
    expression = "raw"
    for char in STRIP:
        expression = f"replace({expression}, '{char}', '')"
    return expression


@dataclass(frozen=True, slots=True)
class Figures:
    backend: str
    load_seconds: float
    #: Baseline look-ups whose contacts differ from the exact match's (strangers, or none).
    baseline_wrong: int
    pop: tuple[float, float]
    #: The same screen-pop look-up through SQLAlchemy's async engine (the path before the
    #: card reader), measured in the same run.
    pop_engine: tuple[float, float]
    indexed: tuple[float, float]
    floor: tuple[float, float]
    baseline: tuple[float, float]
    csv_rows_per_second: float


async def no_reset(_connection: object) -> None:
    return None  # as the card reader: its single SELECTs leave nothing to reset


class DriverProbe:
    """Statements on the driver the card reader uses, handed over the same way: a sqlite3
    connection on a thread of its own (one hop each way), or an asyncpg pool."""

    def __init__(self, url: str) -> None:
        self._url = async_url(url)
        self._sqlite = self._url.get_backend_name() == "sqlite"
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-probe")
        self._local: sqlite3.Connection | None = None
        self._pool: Any = None

    async def open(self) -> None:
        if not self._sqlite:
            dsn = self._url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1, reset=no_reset)

    async def fetch(self, sql: str, *args: object) -> list[Any]:
        """``sql`` with ``?`` placeholders (rewritten to ``$n`` for PostgreSQL)."""
        if self._sqlite:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._thread, self._sqlite_fetch, sql, args)
        for n in range(len(args)):
            sql = sql.replace("?", f"${n + 1}", 1)
        return list(await self._pool.fetch(sql, *args))

    def _sqlite_fetch(self, sql: str, args: tuple[object, ...]) -> list[Any]:
        if self._local is None:
            self._local = sqlite3.connect(self._url.database or "", isolation_level=None)
        return self._local.execute(sql, args).fetchall()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        if self._local is not None:
            self._thread.submit(self._local.close).result()
        self._thread.shutdown()


async def measure(
    engine: AsyncEngine,
    url: str,
    args: argparse.Namespace,
    backend: str,
    loaded: float,
) -> Figures:
    # The daemon's own set-up (callcenter/app.py): caller matching through the card reader.
    reader = await open_card_reader(url)
    probe = DriverProbe(url)
    await probe.open()
    try:
        readers = make_sessionmaker(engine, read_only=True)
        adapter = CrmAdapter(make_sessionmaker(engine), REGION, readers, reader)
        through_engine = CrmAdapter(
            make_sessionmaker(engine), REGION, readers, EngineCardReader(lookup_engine(engine))
        )
        return await _measure(engine, adapter, through_engine, probe, args, backend, loaded)
    finally:
        await probe.close()
        await reader.close()


async def _measure(
    engine: AsyncEngine,
    adapter: CrmAdapter,
    through_engine: CrmAdapter,
    probe: DriverProbe,
    args: argparse.Namespace,
    backend: str,
    loaded: float,
) -> Figures:
    ids = caller_ids(args.contacts, args.samples, args.seed)
    expected_hits = sum(1 for _, e164 in ids if e164 is not None)

    async def pop(crm: CrmAdapter, ani: str) -> object:
        # What the daemon does while the agent's phone rings: identify, then build the pop.
        call = ActiveCall(CallId("b"), UniqueId("b"), "PJSIP/t-1", ani, "8005551234", "h", 0.0)
        await crm.identify(call)
        build_pop(call)
        return call.match

    async def exact(ani: str) -> object:
        # The ANI look-up proper: the caller id as it arrives, normalised to E.164, then the
        # contacts with that number through ix_contact_phones_e164 (no card).
        e164 = e164_of(ani)
        if not e164:
            return []
        rows = await probe.fetch(
            "SELECT DISTINCT contact_id FROM contact_phones WHERE e164 = ?", e164
        )
        return sorted(row[0] for row in rows)

    async def select_one() -> object:
        return await probe.fetch("SELECT 1")

    suffix_sql = text(
        f"SELECT DISTINCT contact_id FROM contact_phones WHERE {stripped_raw()} LIKE :suffix"
    )

    async def suffix(ani: str) -> object:
        digits = "".join(c for c in ani if c.isdigit())
        async with lookup_engine(engine).connect() as connection:
            found = await connection.scalars(suffix_sql, {"suffix": "%" + digits[-SUFFIX_DIGITS:]})
            return sorted(found)

    def e164_of(ani: str) -> str:
        return normalise(ani, REGION).e164 or ""

    for crm in (adapter, through_engine):
        await timed([functools.partial(pop, crm, a) for a, _ in ids[:100]])  # warm up
    pop_times, matches = await timed([functools.partial(pop, adapter, a) for a, _ in ids])
    engine_times, engine_matches = await timed(
        [functools.partial(pop, through_engine, a) for a, _ in ids]
    )
    if engine_matches != matches:
        raise SystemExit(f"{backend}: the card reader and the engine found different cards")
    hits = sum(1 for m in matches if isinstance(m, CallerMatch) and m.candidates)
    if hits != expected_hits:
        raise SystemExit(f"{backend}: the look-up found {hits} callers, expected {expected_hits}")
    with_history = sum(
        1
        for m in matches
        if isinstance(m, CallerMatch) and any(c.recent_interactions for c in m.candidates)
    )
    if not with_history:
        raise SystemExit(f"{backend}: no card came back with its history")
    index_times, _ = await timed([functools.partial(exact, a) for a, _ in ids])
    floor_times, _ = await timed([select_one for _ in ids])
    few = ids[: args.baseline_samples]
    base_times, base_found = await timed([functools.partial(suffix, a) for a, _ in few])
    _, exact_found = await timed([functools.partial(exact, a) for a, _ in few])
    wrong = sum(1 for b, e in zip(base_found, exact_found, strict=True) if b != e)
    rate = await csv_rate(engine, args)
    return Figures(
        backend,
        loaded,
        wrong,
        quantiles(pop_times),
        quantiles(engine_times),
        quantiles(index_times),
        quantiles(floor_times),
        quantiles(base_times),
        rate,
    )


def quantiles(seconds: Sequence[float]) -> tuple[float, float]:
    return percentile(seconds, 0.5), percentile(seconds, 0.99)


def csv_text(args: argparse.Namespace) -> str:
    lines = ["first_name,last_name,phones,emails,tier,timezone"]
    for n in range(args.csv_rows):
        i = args.contacts + n  # numbers nobody has yet
        number = number_of(i).raw if n % 100 != 99 else "12345"  # 1 % refused
        lines.append(
            f'Csv{n},Row{n},"{number}",csv{n}@example.com,{TIERS[n % len(TIERS)]},America/New_York'
        )
    return "\n".join(lines) + "\n"


async def csv_rate(engine: AsyncEngine, args: argparse.Namespace) -> float:
    body = csv_text(args)
    started = time.perf_counter()
    report = await import_contacts_csv(
        make_sessionmaker(engine), body, default_region=REGION, now=NOW
    )
    elapsed = time.perf_counter() - started
    refused = args.csv_rows // 100
    if report.imported != args.csv_rows - refused or len(report.errors) != refused:
        raise SystemExit(f"CSV import landed {report.imported}, refused {len(report.errors)}")
    return float(args.csv_rows / elapsed)


async def run_backend(backend: str, url: str, args: argparse.Namespace) -> Figures:
    await upgrade(url)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        loader = load_sqlite if backend == "sqlite" else load_postgres
        await loader(engine, args.contacts)
        loaded = time.perf_counter() - started
        print(f"{backend}: loaded {args.contacts:,} contacts and phones in {loaded:.1f} s")
        return await measure(engine, url, args, backend, loaded)
    finally:
        await engine.dispose()


async def fresh_postgres(url: str, *, drop_only: bool = False) -> None:
    """(Re)create the bench's own database on the server of ``url``."""
    target = async_url(url)
    name = target.database
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"--pg-url must name a plain database, not {name!r}")
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if not drop_only:
                await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        await admin.dispose()


def report(figures: Figures, args: argparse.Namespace) -> None:
    ms = 1e3
    pop, index, base, floor = figures.pop, figures.indexed, figures.baseline, figures.floor
    name = figures.backend
    print(
        f"{name}: screen-pop look-up        p50 {pop[0] * ms:.3f} ms  p99 {pop[1] * ms:.3f} ms"
        f"  ({args.samples} look-ups, {args.contacts:,} contacts)"
    )
    engine = figures.pop_engine
    print(
        f"{name}: same through SQLAlchemy p50 {engine[0] * ms:.3f} ms  p99 {engine[1] * ms:.3f} ms"
        f"  (the async engine's connection; reader / engine p50 x{engine[0] / pop[0]:.2f}"
        f"  p99 x{engine[1] / pop[1]:.2f})"
    )
    print(
        f"{name}: ANI look-up (normalise + indexed E.164 match) p50 {index[0] * ms:.3f} ms"
        f"  p99 {index[1] * ms:.3f} ms"
    )
    print(
        f"{name}: floor (driver hop + SELECT 1) p50 {floor[0] * ms:.3f} ms"
        f"  p99 {floor[1] * ms:.3f} ms"
    )
    print(
        f"{name}: suffix LIKE baseline      p50 {base[0] * ms:.3f} ms  p99 {base[1] * ms:.3f} ms"
        f"  ({args.baseline_samples} look-ups, {figures.baseline_wrong} of them found other"
        " contacts than the exact match)"
    )
    print(
        f"{name}: baseline / screen-pop look-up  p50 x{base[0] / pop[0]:.0f}"
        f"  p99 x{base[1] / pop[1]:.0f};"
        f" baseline / ANI look-up p50 x{base[0] / index[0]:.0f}"
    )
    print(f"{name}: bulk load {figures.load_seconds:.1f} s")
    print(f"{name}: CSV import {figures.csv_rows_per_second:,.0f} rows/s ({args.csv_rows} rows)")


async def run(args: argparse.Namespace) -> int:
    check_numbers(args.contacts)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: list[Figures] = []
    for backend in backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="crm-bench-") as folder:
                url = f"sqlite+aiosqlite:///{Path(folder) / 'crm.db'}"
                results.append(await run_backend(backend, url, args))
        else:
            await fresh_postgres(args.pg_url)
            try:
                results.append(await run_backend(backend, args.pg_url, args))
            finally:
                await fresh_postgres(args.pg_url, drop_only=True)
    for figures in results:
        report(figures, args)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crm_lookup")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--baseline-samples", type=int, default=30)
    parser.add_argument("--csv-rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.contacts < 100:
        parser.error("--contacts must be at least 100")
    make_url(args.pg_url)  # a malformed URL fails here, before anything is built
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
