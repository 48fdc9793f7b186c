"""Writing many checked contacts fast: a few multi-row INSERTs per batch, not a savepoint each.

Owns the write half of the CSV import (``crm_core.contacts_csv`` checks the rows first, in
pure code). A batch is one transaction of three bulk statements — the contacts (under ids
reserved just before), then all their phones, then all their e-mails — so a contact lands with
all its phones and e-mails or not at all. Account managers are checked for the whole batch
with one query beforehand.

If the database still refuses a batch (a constraint the checks could not foresee, an agent
removed meanwhile), the batch is rolled back whole and its two halves are retried, each in
its own transaction, down to the single row that is refused: the other good rows of the
batch land, and the bad one is reported with its line and the database's reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from crm_core.contacts import checked_emails
from crm_core.models import Agent, Contact, ContactEmail, ContactPhone
from crm_core.vocabulary import PhoneKind, Tier

_contacts = cast(Table, Contact.__table__)
_phones = cast(Table, ContactPhone.__table__)
_emails = cast(Table, ContactEmail.__table__)


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class CheckedPhone:
    """A phone as typed, with the E.164 form the check found (so it is parsed only once)."""

    kind: PhoneKind
    raw: str
    e164: str


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A data row that passed every check that needs no database."""

    line: int
    values: dict[str, str]
    phones: list[CheckedPhone]
    emails: list[str]
    tier: Tier


async def write_rows(
    sessionmaker: async_sessionmaker[AsyncSession],
    rows: Sequence[CheckedRow],
    *,
    default_region: str,
    now: datetime,
    batch_size: int,
) -> tuple[list[int], list[RowError]]:
    """Write ``rows`` in batches; the new contact ids in row order, and the refused rows."""
    ids: list[int] = []
    errors: list[RowError] = []
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        known = await _known_agents(sessionmaker, batch)
        writable: list[CheckedRow] = []
        for row in batch:
            manager = row.values.get("account_manager") or None
            if manager is not None and manager not in known:
                errors.append(RowError(row.line, f"unknown agent {manager!r}"))
            else:
                writable.append(row)
        await _write_or_split(sessionmaker, writable, default_region, now, ids, errors)
    return ids, errors


async def _known_agents(
    sessionmaker: async_sessionmaker[AsyncSession], batch: Sequence[CheckedRow]
) -> set[str]:
    wanted = {m for row in batch if (m := row.values.get("account_manager"))}
    if not wanted:
        return set()
    async with sessionmaker() as session:
        found = await session.scalars(select(Agent.agent_id).where(Agent.agent_id.in_(wanted)))
        return set(found)


async def _write_or_split(
    sessionmaker: async_sessionmaker[AsyncSession],
    rows: Sequence[CheckedRow],
    region: str,
    now: datetime,
    ids: list[int],
    errors: list[RowError],
) -> None:
    if not rows:
        return
    try:
        async with sessionmaker.begin() as session:
            written = await _insert(await session.connection(), rows, region, now)
    except DBAPIError as exc:
        if len(rows) == 1:
            errors.append(RowError(rows[0].line, f"refused by the database: {exc.orig}"))
            return
        # Rolled back whole; find the refused row(s) by halves, keeping the good ones.
        middle = len(rows) // 2
        await _write_or_split(sessionmaker, rows[:middle], region, now, ids, errors)
        await _write_or_split(sessionmaker, rows[middle:], region, now, ids, errors)
        return
    ids.extend(written)


async def _insert(
    connection: AsyncConnection, rows: Sequence[CheckedRow], region: str, now: datetime
) -> list[int]:
    """The three bulk INSERTs of one batch; the new contact ids, in the order of ``rows``."""
    ids = await _new_ids(connection, len(rows))
    await connection.execute(
        insert(_contacts),
        [_contact_values(row, now) | {"id": id_} for id_, row in zip(ids, rows, strict=True)],
    )
    phones = [
        {
            "contact_id": contact_id,
            "kind": phone.kind.value,
            "raw": phone.raw,
            "e164": phone.e164,
            "internal": None,
        }
        for contact_id, row in zip(ids, rows, strict=True)
        for phone in row.phones
    ]
    if phones:
        await connection.execute(insert(_phones), phones)
    emails = [
        {"contact_id": contact_id, "address": address, "address_key": address.lower()}
        for contact_id, row in zip(ids, rows, strict=True)
        for address in checked_emails(row.emails)
    ]
    if emails:
        await connection.execute(insert(_emails), emails)
    return ids


async def _new_ids(connection: AsyncConnection, count: int) -> list[int]:
    """Ids for ``count`` new contacts, known before the INSERT so phones and e-mails can name
    them in the same bulk write. (``INSERT … RETURNING`` cannot say which id went to which
    row in one multi-row statement on SQLite: SQLAlchemy then sends one INSERT per row.)"""
    if connection.dialect.name == "sqlite":
        # The batch's transaction began IMMEDIATE: it holds the write lock, so nobody else
        # can take these ids before it commits. SQLite itself would hand out max + 1.
        top = await connection.scalar(select(func.coalesce(func.max(_contacts.c.id), 0)))
        return list(range(int(top or 0) + 1, int(top or 0) + 1 + count))
    # PostgreSQL: reserve them from the id's own sequence, so concurrent inserts never clash.
    found = await connection.scalars(
        text(
            "SELECT nextval(pg_get_serial_sequence('contacts', 'id')) FROM generate_series(1, :n)"
        ),
        {"n": count},
    )
    return [int(n) for n in found]


def _contact_values(row: CheckedRow, now: datetime) -> dict[str, object]:
    values = row.values
    return {
        "first_name": values.get("first_name", ""),
        "last_name": values.get("last_name", ""),
        "organisation": values.get("organisation") or None,
        "language": values.get("language") or "en",
        "timezone": values.get("timezone") or None,
        "notes": values.get("notes", ""),
        "tier": row.tier.value,
        "account_manager": values.get("account_manager") or None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
