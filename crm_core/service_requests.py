"""Service requests (tickets): creating them with the next human number, reading them back.

Owns ``service_requests`` and the ``service_request`` row of ``counters``. The number is what
a caller reads out on the phone, so it is short, sequential and never reused. Changes after
creation (status, assignee, priority, due time) go through ``crm_core.request_changes``,
which keeps their history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidValue, NotFound
from crm_core.models import Contact, Counter, ServiceRequest, ServiceRequestChange
from crm_core.vocabulary import OPEN_STATUSES, Priority, RequestField, RequestStatus

REQUEST_COUNTER = "service_request"


@dataclass(frozen=True, slots=True)
class RequestSummary:
    number: int
    subject: str
    status: RequestStatus
    priority: Priority
    due_at: datetime | None


@dataclass(frozen=True, slots=True)
class RequestDetail:
    """Everything about one request; ``version`` is what a later change must expect."""

    number: int
    contact_id: int
    subject: str
    description: str
    category: str
    status: RequestStatus
    priority: Priority
    due_at: datetime | None
    assignee: str | None
    opened_at: datetime
    updated_at: datetime
    version: int


def request_detail(row: ServiceRequest) -> RequestDetail:
    return RequestDetail(
        number=row.number,
        contact_id=row.contact_id,
        subject=row.subject,
        description=row.description,
        category=row.category,
        status=RequestStatus(row.status),
        priority=Priority(row.priority),
        due_at=row.due_at,
        assignee=row.assignee,
        opened_at=row.opened_at,
        updated_at=row.updated_at,
        version=row.version,
    )


async def get_request(session: AsyncSession, number: int) -> RequestDetail | None:
    """The request a caller or agent names by its number, or None."""
    row = await session.scalar(select(ServiceRequest).where(ServiceRequest.number == number))
    return None if row is None else request_detail(row)


def _summary(row: ServiceRequest) -> RequestSummary:
    return RequestSummary(
        number=row.number,
        subject=row.subject,
        status=RequestStatus(row.status),
        priority=Priority(row.priority),
        due_at=row.due_at,
    )


async def open_requests(session: AsyncSession, contact_id: int) -> list[RequestSummary]:
    """The contact's unresolved requests, soonest due first (undated last), then by number."""
    return (await open_requests_by_contact(session, [contact_id])).get(contact_id, [])


async def open_requests_by_contact(
    session: AsyncSession, contact_ids: Collection[int]
) -> dict[int, list[RequestSummary]]:
    """``open_requests`` for several contacts in one query (contacts without any are absent)."""
    rows = await session.scalars(
        select(ServiceRequest)
        .where(
            ServiceRequest.contact_id.in_(contact_ids),
            ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(ServiceRequest.due_at.asc().nulls_last(), ServiceRequest.number)
    )
    found: dict[int, list[RequestSummary]] = defaultdict(list)
    for row in rows:
        found[row.contact_id].append(_summary(row))
    return dict(found)


async def create_request(
    session: AsyncSession,
    *,
    contact_id: int,
    subject: str,
    now: datetime,
    description: str = "",
    category: str = "general",
    priority: Priority = Priority.NORMAL,
    status: RequestStatus = RequestStatus.NEW,
    due_at: datetime | None = None,
    assignee: str | None = None,
    actor: str = "system",
) -> RequestSummary:
    """Open a request for the contact under the next number (10023, 10024, …).

    Its history starts with the status it was opened in, by ``actor``.
    """
    if not subject.strip():
        raise InvalidValue("a service request needs a subject")
    if await session.get(Contact, contact_id) is None:
        raise NotFound("contact", contact_id)
    row = ServiceRequest(
        number=await _next_number(session),
        contact_id=contact_id,
        subject=subject,
        description=description,
        category=category,
        priority=Priority(priority).value,
        status=RequestStatus(status).value,
        due_at=due_at,
        assignee=assignee,
        opened_at=now,
        updated_at=now,
        version=1,
    )
    session.add(row)
    await session.flush()
    session.add(
        ServiceRequestChange(
            request_id=row.id,
            at=now,
            actor=actor,
            field=RequestField.STATUS.value,
            from_value=None,
            to_value=row.status,
            note="opened",
        )
    )
    await session.flush()
    return _summary(row)


async def _next_number(session: AsyncSession) -> int:
    # One UPDATE … RETURNING is atomic on SQLite and takes the row lock on PostgreSQL, so two
    # concurrent requests can never get the same number (unlike SELECT max(number) + 1).
    number = await session.scalar(
        update(Counter)
        .where(Counter.name == REQUEST_COUNTER)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
        .execution_options(synchronize_session=False)
    )
    if number is None:
        raise RuntimeError("counter 'service_request' is missing: run crm_core.db.upgrade")
    return number
