"""CSV import of purchases (a shop's export), with a per-row error report.

Owns the purchases CSV format (``COLUMNS``): ``contact_id``, ``purchased_at`` (ISO 8601
with an offset), ``item``, ``amount_minor`` (cents; empty: 0), ``currency`` (empty: USD),
``source`` (empty: the importer's default). Every row is checked in pure code first, then
the contacts are looked up in one query, then the good rows are written in one transaction;
each refused row is reported with its line number (1 is the header) and reason, like the
contacts import (``crm_core.contacts_csv``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.contacts_bulk import RowError
from crm_core.errors import InvalidField, InvalidValue
from crm_core.models import Contact, Purchase
from crm_core.purchases import NewPurchase, checked

COLUMNS = ("contact_id", "purchased_at", "item", "amount_minor", "currency", "source")
REQUIRED = ("contact_id", "purchased_at", "item")


@dataclass(frozen=True, slots=True)
class PurchaseImport:
    imported: int
    errors: list[RowError] = field(default_factory=list)


async def import_purchases_csv(
    sessions: async_sessionmaker[AsyncSession], text: str, *, source: str, now: datetime
) -> PurchaseImport:
    """Import the rows that are right; ``InvalidValue`` for an unusable header."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
    if missing:
        raise InvalidValue(f"the header lacks {', '.join(missing)}; columns: {', '.join(COLUMNS)}")
    errors: list[RowError] = []
    rows: list[tuple[int, int, NewPurchase]] = []
    for record in reader:
        line = reader.line_num
        try:
            rows.append((line, *_row(record, source, now)))
        except InvalidField as exc:
            errors.append(RowError(line, str(exc)))
    async with sessions.begin() as session:
        ids = {contact_id for _, contact_id, _ in rows}
        known = set(await session.scalars(select(Contact.id).where(Contact.id.in_(ids))))
        imported = 0
        for line, contact_id, purchase in rows:
            if contact_id not in known:
                errors.append(RowError(line, f"contact_id: no contact {contact_id}"))
                continue
            session.add(Purchase(contact_id=contact_id, created_at=now, **checked(purchase)))
            imported += 1
    return PurchaseImport(imported, sorted(errors, key=lambda e: e.line))


def _row(record: dict[str, str | None], source: str, now: datetime) -> tuple[int, NewPurchase]:
    def cell(name: str) -> str:
        return (record.get(name) or "").strip()

    if not cell("contact_id").isdigit():
        raise InvalidField("contact_id", "a contact's id (digits)")
    try:
        at = datetime.fromisoformat(cell("purchased_at"))
    except ValueError:
        raise InvalidField("purchased_at", "an ISO 8601 time with offset") from None
    amount = cell("amount_minor") or "0"
    if not amount.isdigit():
        raise InvalidField("amount_minor", "whole minor units (cents)")
    purchase = NewPurchase(
        purchased_at=at,
        item=cell("item"),
        source=cell("source") or source,
        amount_minor=int(amount),
        currency=cell("currency") or "USD",
    )
    checked(purchase, now=now)
    return int(cell("contact_id")), purchase
