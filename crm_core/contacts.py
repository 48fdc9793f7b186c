"""Customers: contact cards for the screen pop, ANI matching, and creating contacts.

Owns ``contacts``, ``contact_phones`` and ``contact_emails``. Matching is an exact look-up of
the caller's E.164 number through ``ix_contact_phones_e164`` — never a suffix LIKE scan, which
reads the whole table and matches strangers who share the last digits — in the single
statement of ``crm_core.cards`` that also reads every candidate's card.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from crm_core.cards import (
    CallerMatch,
    ContactCard,
    PhoneEntry,
    cards_by_id,
    cards_by_number,
    display_name,
    picker_order,
)
from crm_core.errors import InvalidPhoneNumber, InvalidValue, NotFound
from crm_core.models import Agent, Contact, ContactEmail, ContactPhone
from crm_core.phones import NumberKind, normalise
from crm_core.vocabulary import PhoneKind, Tier

# The card types are defined with the statement that reads them; callers import them here.
__all__ = [
    "CallerMatch",
    "ContactCard",
    "NewPhone",
    "PhoneEntry",
    "checked_emails",
    "contact_cards",
    "create_contact",
    "get_contact_card",
    "list_phone_numbers",
    "match_caller",
    "match_caller_with",
    "phone_row",
]


@dataclass(frozen=True, slots=True)
class NewPhone:
    kind: PhoneKind
    raw: str


async def match_caller(
    db: AsyncConnection | AsyncSession, ani: str, dnis: str, default_region: str = "US"
) -> CallerMatch:
    """Who is calling from ``ani``: ONE statement (``crm_core.cards``), whose result holds
    every candidate's card. Withheld, internal or invalid caller ids run no query.

    ``db`` may be a plain connection (the call path's: no ORM session to set up) or a
    session. ``dnis`` is part of the contract for hotline-specific matching; it does not
    narrow the search yet (the hotline itself comes from the DNIS through the IVR flows).
    """
    return await match_caller_with(lambda e164: cards_by_number(db, e164), ani, default_region)


async def match_caller_with(
    read_cards: Callable[[str], Awaitable[list[ContactCard]]], ani: str, default_region: str
) -> CallerMatch:
    """``match_caller`` with the cards read by ``read_cards`` (e.g. a
    ``crm_core.card_reader.CardReader``'s ``cards_by_number``, the daemon's ringing path)."""
    number = normalise(ani, default_region)
    if number.kind is not NumberKind.E164 or number.e164 is None:
        return CallerMatch(ani, None, number.kind is NumberKind.WITHHELD, [])
    cards = await read_cards(number.e164)
    return CallerMatch(ani, number.e164, False, sorted(cards, key=picker_order))


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


async def get_contact_card(
    db: AsyncConnection | AsyncSession, contact_id: int
) -> ContactCard | None:
    cards = await contact_cards(db, [contact_id])
    return cards[0] if cards else None


async def contact_cards(
    db: AsyncConnection | AsyncSession, contact_ids: Sequence[int]
) -> list[ContactCard]:
    """Cards for these contacts (unknown ids skipped), in ``contact_ids`` order."""
    if not contact_ids:
        return []
    cards = {card.contact_id: card for card in await cards_by_id(db, contact_ids)}
    return [cards[i] for i in contact_ids if i in cards]


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
    return _new_card(contact)


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


def _new_card(contact: Contact) -> ContactCard:
    """The card of a contact just written: no requests nor interactions yet."""
    return ContactCard(
        contact_id=contact.id,
        display_name=display_name(
            contact.id, contact.first_name, contact.last_name, contact.organisation
        ),
        organisation=contact.organisation,
        tier=Tier(contact.tier),
        language=contact.language,
        account_manager=contact.account_manager,
        phones=[PhoneEntry(PhoneKind(p.kind), p.raw, p.e164) for p in contact.phones],
        open_requests=[],
        recent_interactions=[],
    )
