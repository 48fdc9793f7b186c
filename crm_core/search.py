"""Finding contacts by what an agent types: a name, a phone number, an e-mail or a request number.

Owns the reading of the search box and keyset pagination over contacts. The query is read as:

* an e-mail address if it contains "@" (case-insensitive, exact, through ``address_key``);
* a phone number if it normalises to E.164 in ``default_region`` (any format: exact match on
  the indexed ``contact_phones.e164``, never a suffix scan);
* a service-request number if it is otherwise digits (optionally "#…" or "SR-…");
* else a case-insensitive prefix of the first name, last name, full name or organisation.
  On SQLite ``lower()`` folds ASCII letters only; names are not indexed (a scan).

Results come in a stable order (last name, first name, id, case-folded) and pages continue
from an opaque cursor that is only valid for the same query and tier.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidField
from crm_core.models import Contact, ContactEmail, ContactPhone, ServiceRequest
from crm_core.phones import NumberKind, normalise
from crm_core.vocabulary import Tier, ValueBand, band_range

MAX_LIMIT = 200
_REQUEST_NUMBER = re.compile(r"(?:#|sr-?)?\s*(\d{1,9})", re.IGNORECASE)


class SearchKind(StrEnum):
    ALL = "all"
    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    REQUEST = "request"


@dataclass(frozen=True, slots=True)
class ContactHit:
    contact_id: int
    display_name: str
    organisation: str | None
    tier: Tier
    version: int


@dataclass(frozen=True, slots=True)
class ContactPage:
    """``next_cursor`` is None on the last page."""

    matched_by: SearchKind
    items: list[ContactHit]
    next_cursor: str | None


async def search_contacts(
    session: AsyncSession,
    query: str,
    *,
    cursor: str | None = None,
    limit: int = 50,
    tier: Tier | None = None,
    band: ValueBand | None = None,
    default_region: str = "US",
) -> ContactPage:
    """One page of contacts matching ``query`` (all contacts if it is blank).

    ``tier`` and ``band`` narrow it to one level or value band of the value pyramid.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidField("limit", f"must be 1..{MAX_LIMIT}")
    kind, condition = _read_query(query.strip(), default_region)
    fingerprint = _fingerprint(kind, query.strip(), tier, band)
    keys = (func.lower(Contact.last_name), func.lower(Contact.first_name), Contact.id)
    statement: Select[Contact] = select(Contact).order_by(*keys).limit(limit + 1)
    if condition is not None:
        statement = statement.where(condition)
    if tier is not None:
        statement = statement.where(Contact.tier == Tier(tier).value)
    if band is not None:
        low, high = band_range(ValueBand(band))
        statement = statement.where(Contact.value_score >= low, Contact.value_score < high)
    if cursor is not None:
        statement = statement.where(tuple_(*keys) > tuple_(*_decode(cursor, fingerprint)))
    rows = list(await session.scalars(statement))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode(rows[-1], fingerprint) if more else None
    return ContactPage(kind, [_hit(row) for row in rows], next_cursor)


def _read_query(text: str, region: str) -> tuple[SearchKind, ColumnElement[bool] | None]:
    if not text:
        return SearchKind.ALL, None
    if "@" in text:
        emails = select(ContactEmail.contact_id).where(ContactEmail.address_key == text.lower())
        return SearchKind.EMAIL, Contact.id.in_(emails)
    number = normalise(text, region)
    if number.kind is NumberKind.E164:
        phones = select(ContactPhone.contact_id).where(ContactPhone.e164 == number.e164)
        return SearchKind.PHONE, Contact.id.in_(phones)
    if request := _REQUEST_NUMBER.fullmatch(text):
        owners = select(ServiceRequest.contact_id).where(
            ServiceRequest.number == int(request.group(1))
        )
        return SearchKind.REQUEST, Contact.id.in_(owners)
    prefix = _escape_like(text.lower()) + "%"
    full_name = func.lower(Contact.first_name + " " + Contact.last_name)
    columns = (Contact.first_name, Contact.last_name, Contact.organisation)
    matches = [func.lower(c).like(prefix, escape="\\") for c in columns]
    return SearchKind.NAME, or_(*matches, full_name.like(prefix, escape="\\"))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fingerprint(kind: SearchKind, query: str, tier: Tier | None, band: ValueBand | None) -> str:
    seen = f"{kind}\x00{query}\x00{tier or ''}\x00{band or ''}".encode()
    return hashlib.sha256(seen).hexdigest()[:12]


def _encode(row: Contact, fingerprint: str) -> str:
    # Python's lower() can differ from the database's (SQLite folds ASCII only); the cursor
    # therefore carries the raw names and the query lowers them with the database's lower().
    position = [row.last_name, row.first_name, row.id, fingerprint]
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def _decode(cursor: str, fingerprint: str) -> tuple[ColumnElement[str], ColumnElement[str], int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        last, first, contact_id, seen = json.loads(base64.urlsafe_b64decode(padded))
        ok = isinstance(last, str) and isinstance(first, str) and type(contact_id) is int
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise InvalidField("cursor", "is not a cursor this search returned")
    if seen != fingerprint:
        raise InvalidField("cursor", "belongs to another search")
    return func.lower(last), func.lower(first), contact_id


def _hit(row: Contact) -> ContactHit:
    name = f"{row.first_name} {row.last_name}".strip()
    return ContactHit(
        contact_id=row.id,
        display_name=name or row.organisation or f"Contact {row.id}",
        organisation=row.organisation,
        tier=Tier(row.tier),
        version=row.version,
    )
