"""Contact cards — who the contact is, their phones, open requests and latest calls — read
with ONE SQL statement, so the screen pop costs a single round trip on either backend.

Owns the card dataclasses and that statement. The statement is a ``UNION ALL`` of four
selects over the same set of contact ids (the ``matched`` CTE: the contacts with a given
E.164 number, or a list of ids): one row per contact, per phone, per open request and per
recent interaction (the latest ``RECENT_PER_CONTACT``, ranked by a window function). The rows
share one column layout (``kind``, ``contact_id``, ``seq``, ``number``, ``t1``…``t6``, ``at``)
whose meaning depends on ``kind``; :func:`assemble` turns them back into cards. It is plain
SQL (CTE, window, UNION ALL) that SQLite ≥ 3.25 and PostgreSQL run alike, through indexes
only: ``ix_contact_phones_e164``, the contacts' primary key, ``ix_contact_phones_contact_id``,
``ix_service_requests_contact_status`` and ``ix_interactions_contact_started``.

Run by itself (no explicit transaction) the statement still reads one consistent snapshot:
both backends give a single statement its own.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.elements import Cast, ColumnElement
from sqlalchemy.types import TypeEngine

from crm_core.interactions import InteractionSummary
from crm_core.models import Contact, ContactPhone, Interaction, ServiceRequest
from crm_core.models.base import UtcDateTime
from crm_core.service_requests import RequestSummary
from crm_core.vocabulary import (
    OPEN_STATUSES,
    Direction,
    Outcome,
    PhoneKind,
    Priority,
    RequestStatus,
    Tier,
)

#: How many of a contact's latest interactions a card shows.
RECENT_PER_CONTACT = 5
# Constants written into the SQL rather than bound: with the caller's number as its only
# parameter the statement needs no rewriting per execution (an expanding IN list would).
_OPEN: list[ColumnElement[str]] = [literal_column(f"'{s.value}'") for s in sorted(OPEN_STATUSES)]

_contacts = Contact.__table__
_phones = ContactPhone.__table__
_requests = ServiceRequest.__table__
_interactions = Interaction.__table__


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
    contacts share the number (``ambiguous``): best tier first, then the most recently in
    touch. Nobody is picked silently among several."""

    ani_raw: str
    ani_e164: str | None
    withheld: bool
    candidates: list[ContactCard]

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


async def cards_by_number(db: AsyncConnection | AsyncSession, e164: str) -> list[ContactCard]:
    """The cards of the contacts one of whose phones is ``e164``: one round trip."""
    return assemble((await db.execute(BY_NUMBER, {"e164": e164})).all())


async def cards_by_id(
    db: AsyncConnection | AsyncSession, contact_ids: Sequence[int]
) -> list[ContactCard]:
    """The cards of these contacts (unknown ids skipped), in no particular order."""
    return assemble((await db.execute(_BY_IDS, {"ids": list(contact_ids)})).all())


def cards_statement(ids: Select[tuple[int]]) -> CompoundSelect[Any]:
    """The one statement reading the cards of the contacts ``ids`` selects."""
    matched = select(ids.cte("matched").c.contact_id)
    # Typed NULLs: PostgreSQL resolves a UNION's column types pair by pair, so an untyped
    # NULL column would become text and then clash with the integer or timestamp below it.
    text, at, number = _null(String()), _null(UtcDateTime()), _null(Integer())
    c, p, r = _contacts.c, _phones.c, _requests.c
    # The first select fixes the result's column types (``at`` is read back as aware UTC).
    people = select(
        literal_column("'c'").label("kind"),
        c.id.label("contact_id"),
        literal_column("0").label("seq"),
        number.label("number"),
        c.first_name.label("t1"),
        c.last_name.label("t2"),
        c.organisation.label("t3"),
        c.tier.label("t4"),
        c.language.label("t5"),
        c.account_manager.label("t6"),
        at.label("at"),
    ).where(c.id.in_(matched))
    phones = select(
        literal_column("'p'"),
        p.contact_id,
        p.id,
        number,
        p.kind,
        p.raw,
        p.e164,
        text,
        text,
        text,
        at,
    ).where(p.contact_id.in_(matched))
    requests = select(
        literal_column("'r'"),
        r.contact_id,
        r.id,
        r.number,
        r.subject,
        r.status,
        r.priority,
        text,
        text,
        text,
        r.due_at,
    ).where(r.contact_id.in_(matched), r.status.in_(_OPEN))
    return union_all(people, phones, requests, _recent(matched))


def _null(type_: TypeEngine[Any]) -> Cast[Any]:
    return cast(null(), type_)


def _recent(matched: Select[tuple[int]]) -> Select[Any]:
    i = _interactions.c
    rank = func.row_number().over(
        partition_by=i.contact_id, order_by=(i.started_at.desc(), i.id.desc())
    )
    ranked = (
        select(
            i.contact_id,
            rank.label("rank"),
            i.direction,
            i.queue,
            i.agent_id,
            i.outcome,
            i.disposition,
            i.started_at,
        )
        .where(i.contact_id.in_(matched))
        .subquery("ranked")
    )
    k = ranked.c
    return select(
        literal_column("'i'"),
        k.contact_id,
        k.rank,
        _null(Integer()),
        k.direction,
        k.queue,
        k.agent_id,
        k.outcome,
        k.disposition,
        _null(String()),
        k.started_at,
    ).where(k.rank <= literal_column(str(RECENT_PER_CONTACT)))


# Built once (and compiled once per dialect by ``crm_core.card_reader``): constructing this
# statement costs more (≈ 0.7 ms) than running it.
# The exact look-up of the caller's number goes through ``ix_contact_phones_e164``.
BY_NUMBER = cards_statement(
    select(_phones.c.contact_id).where(_phones.c.e164 == bindparam("e164", type_=String()))
)
_BY_IDS = cards_statement(
    select(_contacts.c.id.label("contact_id")).where(
        _contacts.c.id.in_(bindparam("ids", expanding=True, type_=Integer()))
    )
)


def assemble(rows: Iterable[Any]) -> list[ContactCard]:
    """Cards from the statement's rows (in any order), in no particular order. A row is
    anything with the statement's column names as attributes (an SQLAlchemy ``Row``, or
    ``crm_core.card_reader.CardRow``)."""
    people: dict[int, Any] = {}
    phones: dict[int, list[tuple[int, PhoneEntry]]] = defaultdict(list)
    requests: dict[int, list[RequestSummary]] = defaultdict(list)
    recent: dict[int, list[tuple[int, InteractionSummary]]] = defaultdict(list)
    for row in rows:
        who = row.contact_id
        if row.kind == "c":
            people[who] = row
        elif row.kind == "p":
            phones[who].append((row.seq, PhoneEntry(PhoneKind(row.t1), row.t2, row.t3)))
        elif row.kind == "r":
            requests[who].append(
                RequestSummary(row.number, row.t1, RequestStatus(row.t2), Priority(row.t3), row.at)
            )
        else:
            outcome = None if row.t4 is None else Outcome(row.t4)
            summary = InteractionSummary(row.at, Direction(row.t1), row.t2, row.t3, outcome, row.t5)
            recent[who].append((row.seq, summary))
    return [
        ContactCard(
            contact_id=who,
            display_name=display_name(who, row.t1, row.t2, row.t3),
            organisation=row.t3,
            tier=Tier(row.t4),
            language=row.t5,
            account_manager=row.t6,
            phones=[entry for _, entry in sorted(phones[who], key=lambda s: s[0])],
            # Soonest due first, undated last, then by number (as ``open_requests``).
            open_requests=sorted(requests[who], key=_due_order),
            recent_interactions=[item for _, item in sorted(recent[who], key=lambda s: s[0])],
        )
        for who, row in people.items()
    ]


def display_name(contact_id: int, first: str, last: str, organisation: str | None) -> str:
    return f"{first} {last}".strip() or organisation or f"Contact {contact_id}"


def picker_order(card: ContactCard) -> tuple[int, float, int]:
    # Best tier first; among equals the contact in touch most recently; then oldest contact.
    latest = card.recent_interactions[0].at.timestamp() if card.recent_interactions else -math.inf
    return (-card.tier.rank, -latest, card.contact_id)


def _due_order(request: RequestSummary) -> tuple[bool, datetime | None, int]:
    due = request.due_at
    return (due is None, due, request.number)
