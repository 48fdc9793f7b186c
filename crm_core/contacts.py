"""Customers: contact cards for the screen pop, ANI matching, and creating contacts.

Owns ``contacts``, ``contact_phones`` and ``contact_emails``. Matching is an exact look-up of
the caller's E.164 number through ``ix_contact_phones_e164`` — never a suffix LIKE scan, which
reads the whole table and matches strangers who share the last digits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm_core.errors import InvalidPhoneNumber, InvalidValue, NotFound
from crm_core.interactions import InteractionSummary, recent_by_contact
from crm_core.models import Agent, Contact, ContactEmail, ContactPhone
from crm_core.phones import NumberKind, normalise
from crm_core.service_requests import RequestSummary, open_requests_by_contact
from crm_core.vocabulary import PhoneKind, Tier


@dataclass(frozen=True, slots=True)
class PhoneEntry:
    kind: PhoneKind
    raw: str
    e164: str | None  # None for an internal extension


@dataclass(frozen=True, slots=True)
class ContactCard:
    """What an agent sees when the contact calls: who, how important, what is pending."""

    contact_id: int
    display_name: str
    organisation: str | None
    tier: Tier
    language: str
    account_manager: str | None
    phones: list[PhoneEntry]
    open_requests: list[RequestSummary]
    recent_interactions: list[InteractionSummary]


@dataclass(frozen=True, slots=True)
class CallerMatch:
    """``candidates`` is empty for an unknown or withheld caller, and holds several cards when
    contacts share the number: best tier first, then the most recently in touch."""

    ani_raw: str
    ani_e164: str | None
    withheld: bool
    candidates: list[ContactCard]


@dataclass(frozen=True, slots=True)
class NewPhone:
    kind: PhoneKind
    raw: str


async def match_caller(
    session: AsyncSession, ani: str, dnis: str, default_region: str = "US"
) -> CallerMatch:
    """Who is calling from ``ani``. Withheld, internal or invalid caller ids run no query.

    ``dnis`` is part of the contract for hotline-specific matching; it does not narrow the
    search yet.
    """
    number = normalise(ani, default_region)
    if number.kind is not NumberKind.E164 or number.e164 is None:
        return CallerMatch(ani, None, number.kind is NumberKind.WITHHELD, [])
    ids = await session.scalars(
        select(ContactPhone.contact_id).where(ContactPhone.e164 == number.e164).distinct()
    )
    cards = await contact_cards(session, list(ids))
    return CallerMatch(ani, number.e164, False, sorted(cards, key=_picker_order))


async def list_phone_numbers(session: AsyncSession, *, limit: int = 100) -> list[str]:
    """Distinct E.164 numbers on file (the demo's simulated callers dial from these)."""
    rows = await session.scalars(
        select(ContactPhone.e164)
        .where(ContactPhone.e164.is_not(None))
        .distinct()
        .order_by(ContactPhone.e164)
        .limit(limit)
    )
    return [n for n in rows if n is not None]


async def get_contact_card(session: AsyncSession, contact_id: int) -> ContactCard | None:
    cards = await contact_cards(session, [contact_id])
    return cards[0] if cards else None


async def contact_cards(session: AsyncSession, contact_ids: Sequence[int]) -> list[ContactCard]:
    """Cards for these contacts (unknown ids skipped), in ``contact_ids`` order."""
    if not contact_ids:
        return []
    contacts = await session.scalars(
        select(Contact).where(Contact.id.in_(contact_ids)).options(selectinload(Contact.phones))
    )
    by_id = {c.id: c for c in contacts}
    requests = await open_requests_by_contact(session, by_id.keys())
    recent = await recent_by_contact(session, by_id.keys())
    return [
        _card(by_id[i], requests.get(i, []), recent.get(i, [])) for i in contact_ids if i in by_id
    ]


async def create_contact(
    session: AsyncSession,
    *,
    first_name: str,
    last_name: str,
    now: datetime,
    organisation: str | None = None,
    language: str = "en",
    timezone: str | None = None,
    notes: str = "",
    tier: Tier = Tier.NONE,
    account_manager: str | None = None,
    phones: Sequence[NewPhone] = (),
    emails: Sequence[str] = (),
    default_region: str = "US",
) -> ContactCard:
    """Add a contact; phone numbers are normalised (an unusable one is refused)."""
    if not (first_name.strip() or last_name.strip() or (organisation or "").strip()):
        raise InvalidValue("a contact needs a name or an organisation")
    if account_manager is not None and await session.get(Agent, account_manager) is None:
        raise NotFound("agent", account_manager)
    contact = Contact(
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        language=language,
        timezone=timezone,
        notes=notes,
        tier=Tier(tier).value,
        account_manager=account_manager,
        created_at=now,
        updated_at=now,
        phones=[phone_row(p, default_region) for p in phones],
        emails=[ContactEmail(address=a, address_key=a.lower()) for a in checked_emails(emails)],
    )
    session.add(contact)
    await session.flush()
    return _card(contact, [], [])


def phone_row(phone: NewPhone, default_region: str) -> ContactPhone:
    """The row of a new phone number; an unusable one raises ``InvalidPhoneNumber``."""
    number = normalise(phone.raw, default_region)
    if number.kind is NumberKind.E164:
        return ContactPhone(kind=PhoneKind(phone.kind).value, raw=phone.raw, e164=number.e164)
    if number.kind is NumberKind.INTERNAL:
        return ContactPhone(
            kind=PhoneKind(phone.kind).value, raw=phone.raw, internal=number.internal
        )
    raise InvalidPhoneNumber(phone.raw, f"it is {number.kind.value}")


def checked_emails(emails: Sequence[str]) -> list[str]:
    """The addresses stripped and de-duplicated; one without an "@" raises ``InvalidValue``."""
    cleaned = list(dict.fromkeys(e.strip() for e in emails))
    for address in cleaned:
        if "@" not in address.strip("@"):
            raise InvalidValue(f"{address!r} is not an e-mail address")
    return cleaned


def _card(
    contact: Contact, requests: list[RequestSummary], recent: list[InteractionSummary]
) -> ContactCard:
    name = f"{contact.first_name} {contact.last_name}".strip()
    return ContactCard(
        contact_id=contact.id,
        display_name=name or contact.organisation or f"Contact {contact.id}",
        organisation=contact.organisation,
        tier=Tier(contact.tier),
        language=contact.language,
        account_manager=contact.account_manager,
        phones=[PhoneEntry(PhoneKind(p.kind), p.raw, p.e164) for p in contact.phones],
        open_requests=requests,
        recent_interactions=recent,
    )


def _picker_order(card: ContactCard) -> tuple[int, float, int]:
    # Best tier first; among equals the contact in touch most recently; then oldest contact.
    latest = card.recent_interactions[0].at.timestamp() if card.recent_interactions else -math.inf
    return (-card.tier.rank, -latest, card.contact_id)
