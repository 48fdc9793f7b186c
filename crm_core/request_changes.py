"""Changing a service request after it is opened, and the history every change leaves.

Owns ``service_request_history``. Each change locks the request's row (``FOR UPDATE`` on
PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), checks the caller's
``expected_version`` if given, checks the lifecycle in ``crm_core.lifecycle``, then writes the
new value, bumps ``version`` and appends one history line per field changed, in one flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidField, InvalidValue, NotFound, VersionConflict
from crm_core.lifecycle import transition
from crm_core.models import Agent, ServiceRequest, ServiceRequestChange
from crm_core.service_requests import RequestDetail, request_detail
from crm_core.vocabulary import Priority, RequestField, RequestStatus


@dataclass(frozen=True, slots=True)
class RequestChange:
    """One line of history; values are text (a status, a username, an ISO time) or None."""

    at: datetime
    actor: str
    field: RequestField
    from_value: str | None
    to_value: str | None
    note: str


async def change_status(
    session: AsyncSession,
    number: int,
    status: RequestStatus,
    *,
    actor: str,
    at: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> RequestDetail:
    """Move the request along its lifecycle; raises ``IllegalTransition`` for other moves."""
    row = await _locked(session, number, expected_version)
    target = transition(
        RequestStatus(row.status), RequestStatus(status), has_assignee=row.assignee is not None
    )
    _change(session, row, RequestField.STATUS, target.value, actor, at, note)
    return await _saved(session, row, at)


async def assign(
    session: AsyncSession,
    number: int,
    assignee: str,
    *,
    actor: str,
    at: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> RequestDetail:
    """Give the request to an agent; a new request becomes ``assigned`` at the same time.

    Reassigning a request in progress keeps its status. A closed request is reopened first.
    """
    row = await _locked(session, number, expected_version)
    if RequestStatus(row.status) is RequestStatus.CLOSED:
        raise InvalidValue(f"request {number} is closed: reopen it before assigning it")
    if await session.get(Agent, assignee) is None:
        raise NotFound("agent", assignee)
    if row.assignee == assignee:
        raise InvalidValue(f"request {number} is already assigned to {assignee!r}")
    _change(session, row, RequestField.ASSIGNEE, assignee, actor, at, note)
    if RequestStatus(row.status) is RequestStatus.NEW:
        status = transition(RequestStatus.NEW, RequestStatus.ASSIGNED, has_assignee=True)
        _change(session, row, RequestField.STATUS, status.value, actor, at, note)
    return await _saved(session, row, at)


async def set_priority(
    session: AsyncSession,
    number: int,
    priority: Priority,
    *,
    actor: str,
    at: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> RequestDetail:
    row = await _locked(session, number, expected_version)
    if row.priority == Priority(priority).value:
        raise InvalidValue(f"request {number} already has priority {row.priority}")
    _change(session, row, RequestField.PRIORITY, Priority(priority).value, actor, at, note)
    return await _saved(session, row, at)


async def set_due(
    session: AsyncSession,
    number: int,
    due_at: datetime | None,
    *,
    actor: str,
    at: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> RequestDetail:
    """Set or clear (None) the SLA due time."""
    if due_at is not None and due_at.tzinfo is None:
        raise InvalidValue("due_at must be timezone-aware")
    row = await _locked(session, number, expected_version)
    if row.due_at == due_at:
        raise InvalidValue(f"request {number} is already due then")
    _change(session, row, RequestField.DUE_AT, due_at, actor, at, note)
    return await _saved(session, row, at)


# Free-text fields: their edits bump the version but leave no history line (the history
# table tracks the fields that drive work: status, assignee, priority, due time).
TEXT_FIELDS = {"subject": 256, "description": 100_000, "category": 64}


async def edit_request(
    session: AsyncSession,
    number: int,
    changes: dict[str, str],
    *,
    at: datetime,
    expected_version: int | None = None,
) -> RequestDetail:
    """Change the subject, description and/or category; ``InvalidField`` names a bad one."""
    for field, value in changes.items():
        limit = TEXT_FIELDS.get(field)
        if limit is None:
            raise InvalidField(field, "is not a field that can be edited here")
        blank_ok = field == "description"
        if not isinstance(value, str) or len(value) > limit or not (blank_ok or value.strip()):
            raise InvalidField(field, f"must be text of at most {limit} characters")
    row = await _locked(session, number, expected_version)
    for field, value in changes.items():
        setattr(row, field, value)
    return await _saved(session, row, at)


async def request_history(session: AsyncSession, number: int) -> list[RequestChange]:
    """Every change to the request, oldest first; raises ``NotFound`` for an unknown number."""
    request_id = await session.scalar(
        select(ServiceRequest.id).where(ServiceRequest.number == number)
    )
    if request_id is None:
        raise NotFound("service request", number)
    rows = await session.scalars(
        select(ServiceRequestChange)
        .where(ServiceRequestChange.request_id == request_id)
        .order_by(ServiceRequestChange.id)
    )
    return [
        RequestChange(r.at, r.actor, RequestField(r.field), r.from_value, r.to_value, r.note)
        for r in rows
    ]


async def _locked(
    session: AsyncSession, number: int, expected_version: int | None
) -> ServiceRequest:
    row = await session.scalar(
        select(ServiceRequest)
        .where(ServiceRequest.number == number)
        .with_for_update()
        .execution_options(populate_existing=True)  # the locked row, not a stale copy
    )
    if row is None:
        raise NotFound("service request", number)
    if expected_version is not None and row.version != expected_version:
        raise VersionConflict("service request", number, expected_version, row.version)
    return row


def _change(
    session: AsyncSession,
    row: ServiceRequest,
    field: RequestField,
    value: str | datetime | None,
    actor: str,
    at: datetime,
    note: str,
) -> None:
    old = getattr(row, field.value)
    setattr(row, field.value, value)
    session.add(
        ServiceRequestChange(
            request_id=row.id,
            at=at,
            actor=actor,
            field=field.value,
            from_value=_text(old),
            to_value=_text(value),
            note=note,
        )
    )


def _text(value: str | datetime | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


async def _saved(session: AsyncSession, row: ServiceRequest, at: datetime) -> RequestDetail:
    row.version += 1
    row.updated_at = at
    await session.flush()
    return request_detail(row)
