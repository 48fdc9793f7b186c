"""Reading a whole contact, changing it and deleting it under optimistic concurrency.

Owns updates and deletes of ``contacts`` rows. Every update or delete names the ``version``
it was based on; the row is locked (``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite), and a different version there is a ``VersionConflict`` instead of a silent
overwrite of someone else's edit. Deleting a contact takes its phones, e-mails, service
requests, follow-ups and campaign leads with it (the foreign keys cascade); its interactions
stay, unlinked, because the centre's history must add up.
``phones`` and ``emails`` are replaced as a whole list (numbers normalised as on creation).
Each refused value raises ``InvalidField`` naming the field, for the edge's 422 answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm_core.contacts import NewPhone, PhoneEntry, checked_emails, phone_row
from crm_core.errors import (
    InvalidField,
    InvalidPhoneNumber,
    InvalidValue,
    NotFound,
    VersionConflict,
)
from crm_core.models import Agent, Contact, ContactEmail, ContactPhone
from crm_core.vocabulary import PhoneKind, Tier


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """A contact with every stored field; ``version`` is what the next update must expect."""

    contact_id: int
    first_name: str
    last_name: str
    organisation: str | None
    language: str
    timezone: str | None
    notes: str
    tier: Tier
    account_manager: str | None
    value_score: int
    current_value_cents: int
    potential_value_cents: int
    created_at: datetime
    updated_at: datetime
    version: int
    phones: list[PhoneEntry]
    emails: list[str]


def _text(limit: int, *, optional: bool = False) -> Callable[[str, object], object]:
    def check(field: str, value: object) -> object:
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) > limit:
            raise InvalidField(field, f"must be text of at most {limit} characters")
        return value

    return check


def _amount(low: int, high: int | None) -> Callable[[str, object], object]:
    def check(field: str, value: object) -> object:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < low
            or (high is not None and value > high)
        ):
            raise InvalidField(field, f"must be a whole number from {low} to {high or 'any'}")
        return value

    return check


def _tier(field: str, value: object) -> object:
    if value not in set(Tier):
        raise InvalidField(field, f"must be one of {', '.join(Tier)}")
    return Tier(str(value)).value


def _timezone(field: str, value: object) -> object:
    if value is None:
        return None
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidField(field, f"{value!r} is not an IANA time zone") from None
    return value


# The fields ``update_contact`` accepts and how each is checked; others are refused by name.
EDITABLE: dict[str, Callable[[str, object], object]] = {
    "first_name": _text(128),
    "last_name": _text(128),
    "organisation": _text(256, optional=True),
    "language": _text(16),
    "timezone": _timezone,
    "notes": _text(100_000),
    "tier": _tier,
    "account_manager": _text(64, optional=True),
    "value_score": _amount(0, 100),
    "current_value_cents": _amount(0, None),
    "potential_value_cents": _amount(0, None),
}


async def get_contact(session: AsyncSession, contact_id: int) -> ContactRecord | None:
    contact = await session.scalar(_loading().where(Contact.id == contact_id))
    return None if contact is None else contact_record(contact)


async def update_contact(
    session: AsyncSession,
    contact_id: int,
    expected_version: int,
    changes: Mapping[str, object],
    *,
    at: datetime,
    default_region: str = "US",
) -> ContactRecord:
    """Apply ``changes`` (field → new value) if the contact is still at ``expected_version``.

    ``phones`` (a list of ``NewPhone``) and ``emails`` (a list of addresses) replace the
    contact's lists. Raises ``NotFound``, ``VersionConflict``, or ``InvalidField`` (nothing
    is written then).
    """
    lists = {k: changes[k] for k in ("phones", "emails") if k in changes}
    checked = _checked({k: v for k, v in changes.items() if k not in lists})
    phones = _phone_rows(lists["phones"], default_region) if "phones" in lists else None
    emails = _email_rows(lists["emails"]) if "emails" in lists else None
    contact = await session.scalar(
        _loading()
        .where(Contact.id == contact_id)
        .with_for_update(of=Contact)
        .execution_options(populate_existing=True)  # the locked row, not a stale copy
    )
    if contact is None:
        raise NotFound("contact", contact_id)
    if contact.version != expected_version:
        raise VersionConflict("contact", contact_id, expected_version, contact.version)
    manager = checked.get("account_manager")
    if manager is not None and await session.get(Agent, manager) is None:
        raise InvalidField("account_manager", f"no agent {manager!r}")
    for field, value in checked.items():
        setattr(contact, field, value)
    if phones is not None:
        contact.phones = phones
    if emails is not None:
        contact.emails = emails
    if not (contact.first_name.strip() or contact.last_name.strip() or contact.organisation):
        raise InvalidField("first_name", "a contact needs a name or an organisation")
    contact.version += 1
    contact.updated_at = at
    await session.flush()
    return contact_record(contact)


async def delete_contact(session: AsyncSession, contact_id: int, expected_version: int) -> None:
    """Delete the contact if it is still at ``expected_version`` (else ``VersionConflict``)."""
    contact = await session.scalar(
        select(Contact)
        .where(Contact.id == contact_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if contact is None:
        raise NotFound("contact", contact_id)
    if contact.version != expected_version:
        raise VersionConflict("contact", contact_id, expected_version, contact.version)
    await session.execute(delete(Contact).where(Contact.id == contact_id))


def _phone_rows(value: object, region: str) -> list[ContactPhone]:
    if not isinstance(value, list | tuple) or not all(isinstance(p, NewPhone) for p in value):
        raise InvalidField("phones", "must be a list of phone numbers")
    try:
        return [phone_row(p, region) for p in value]
    except InvalidPhoneNumber as exc:
        raise InvalidField("phones", str(exc)) from None


def _email_rows(value: object) -> list[ContactEmail]:
    if not isinstance(value, list | tuple) or not all(isinstance(e, str) for e in value):
        raise InvalidField("emails", "must be a list of e-mail addresses")
    try:
        addresses = checked_emails(value)
    except InvalidValue as exc:
        raise InvalidField("emails", str(exc)) from None
    return [ContactEmail(address=a, address_key=a.lower()) for a in addresses]


def _checked(changes: Mapping[str, object]) -> dict[str, object]:
    checked: dict[str, object] = {}
    for field, value in changes.items():
        check = EDITABLE.get(field)
        if check is None:
            raise InvalidField(field, "is not a field that can be changed")
        checked[field] = check(field, value)
    return checked


def _loading() -> Select[Contact]:
    return select(Contact).options(selectinload(Contact.phones), selectinload(Contact.emails))


def contact_record(contact: Contact) -> ContactRecord:
    return ContactRecord(
        contact_id=contact.id,
        first_name=contact.first_name,
        last_name=contact.last_name,
        organisation=contact.organisation,
        language=contact.language,
        timezone=contact.timezone,
        notes=contact.notes,
        tier=Tier(contact.tier),
        account_manager=contact.account_manager,
        value_score=contact.value_score,
        current_value_cents=contact.current_value_cents,
        potential_value_cents=contact.potential_value_cents,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        version=contact.version,
        phones=[PhoneEntry(PhoneKind(p.kind), p.raw, p.e164) for p in contact.phones],
        emails=[e.address for e in contact.emails],
    )
