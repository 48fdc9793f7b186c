"""Purchases of a contact: recorded, listed, and the latest one for the dialer's suppression.

Owns ``purchases``. A purchase says what a contact bought, when, for how much (minor units of
an ISO 4217 currency) and where the record came from (the shop's feed, an agent, an import).
``last_purchases`` is what ``crm_core.campaign_facts`` reads for the "recent purchase"
suppression rule; a purchase dated after ``now`` does not count yet. Checks here name the
field they refuse; must not decide who is suppressed (``dialer.compliance`` does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidField, NotFound
from crm_core.models import Contact, Purchase

CURRENCY = re.compile(r"^[A-Z]{3}$")
#: Ten trillion in minor units: far above any real order, well inside a BIGINT.
MAX_AMOUNT_MINOR = 10**15


@dataclass(frozen=True, slots=True)
class PurchaseRecord:
    purchase_id: int
    contact_id: int
    purchased_at: datetime
    item: str
    amount_minor: int
    currency: str
    source: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewPurchase:
    purchased_at: datetime
    item: str
    source: str
    amount_minor: int = 0
    currency: str = "USD"


async def record_purchase(
    session: AsyncSession, contact_id: int, purchase: NewPurchase, *, now: datetime
) -> PurchaseRecord:
    """Store a purchase of an existing contact; ``NotFound`` for an unknown contact."""
    if await session.get(Contact, contact_id) is None:
        raise NotFound("contact", contact_id)
    row = Purchase(contact_id=contact_id, created_at=now, **checked(purchase, now=now))
    session.add(row)
    await session.flush()
    return _record(row)


async def list_purchases(
    session: AsyncSession, contact_id: int, *, limit: int = 100
) -> list[PurchaseRecord]:
    """The contact's purchases, latest first; ``NotFound`` for an unknown contact."""
    if await session.get(Contact, contact_id) is None:
        raise NotFound("contact", contact_id)
    rows = await session.scalars(
        select(Purchase)
        .where(Purchase.contact_id == contact_id)
        .order_by(Purchase.purchased_at.desc(), Purchase.id.desc())
        .limit(limit)
    )
    return [_record(row) for row in rows]


async def last_purchases(
    session: AsyncSession, contact_ids: Iterable[int], *, now: datetime
) -> dict[int, datetime]:
    """The latest purchase at or before ``now`` of each of these contacts that has one."""
    found: dict[int, datetime] = {}
    query = (
        select(Purchase.contact_id, func.max(Purchase.purchased_at))
        .where(Purchase.contact_id.in_(list(contact_ids)), Purchase.purchased_at <= now)
        .group_by(Purchase.contact_id)
    )
    for contact_id, latest in await session.execute(query):
        if latest is not None:
            found[contact_id] = latest
    return found


def checked(purchase: NewPurchase, *, now: datetime | None = None) -> dict[str, Any]:
    """The purchase's column values; ``InvalidField`` names what is wrong. With ``now``, a
    purchase dated later is refused."""
    at = purchase.purchased_at
    if at.tzinfo is None:
        raise InvalidField("purchased_at", "must be a timezone-aware time")
    if now is not None and at > now:
        raise InvalidField("purchased_at", "must not be in the future")
    return {
        "purchased_at": at,
        "item": _text("item", purchase.item, 256),
        "amount_minor": _amount(purchase.amount_minor),
        "currency": _currency(purchase.currency),
        "source": _text("source", purchase.source, 64),
    }


def _record(row: Purchase) -> PurchaseRecord:
    return PurchaseRecord(
        purchase_id=row.id,
        contact_id=row.contact_id,
        purchased_at=row.purchased_at,
        item=row.item,
        amount_minor=row.amount_minor,
        currency=row.currency,
        source=row.source,
        created_at=row.created_at,
    )


def _text(field_name: str, value: str, limit: int) -> str:
    if not value.strip() or len(value) > limit:
        raise InvalidField(field_name, f"must be 1..{limit} characters")
    return value.strip()


def _amount(value: int) -> int:
    if isinstance(value, bool) or not 0 <= value <= MAX_AMOUNT_MINOR:
        raise InvalidField("amount_minor", f"whole minor units (cents), 0..{MAX_AMOUNT_MINOR}")
    return value


def _currency(value: str) -> str:
    if not CURRENCY.match(value):
        raise InvalidField("currency", "an ISO 4217 code in capitals, such as USD")
    return value
