"""Follow-up tasks (回访): calling or visiting a customer again by a due time.

Owns ``follow_ups``. A task is open until it is completed with an outcome; it is overdue once
its due time has passed. An open task may be cancelled (deleted); a completed one stays. An
agent's work list is their open tasks due by a given time, oldest due first, each flagged
overdue or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidField, InvalidValue, NotFound
from crm_core.models import Agent, Contact, FollowUp, ServiceRequest
from crm_core.vocabulary import FollowUpOutcome


@dataclass(frozen=True, slots=True)
class FollowUpTask:
    """``request_number`` is the service request it follows up, if any."""

    task_id: int
    contact_id: int
    request_number: int | None
    assignee: str | None
    subject: str
    due_at: datetime
    created_at: datetime
    created_by: str
    completed_at: datetime | None
    outcome: FollowUpOutcome | None
    outcome_note: str


@dataclass(frozen=True, slots=True)
class DueTask:
    task: FollowUpTask
    overdue: bool


async def create_follow_up(
    session: AsyncSession,
    *,
    contact_id: int,
    subject: str,
    due_at: datetime,
    assignee: str | None,
    created_by: str,
    now: datetime,
    request_number: int | None = None,
) -> FollowUpTask:
    if not subject.strip():
        raise InvalidField("subject", "a follow-up needs a subject")
    if due_at.tzinfo is None:
        raise InvalidField("due_at", "must be timezone-aware")
    if await session.get(Contact, contact_id) is None:
        raise NotFound("contact", contact_id)
    if assignee is not None and await session.get(Agent, assignee) is None:
        raise NotFound("agent", assignee)
    request_id = None
    if request_number is not None:
        request_id = await session.scalar(
            select(ServiceRequest.id).where(ServiceRequest.number == request_number)
        )
        if request_id is None:
            raise NotFound("service request", request_number)
    row = FollowUp(
        contact_id=contact_id,
        request_id=request_id,
        assignee=assignee,
        subject=subject,
        due_at=due_at,
        created_at=now,
        created_by=created_by,
        outcome_note="",
    )
    session.add(row)
    await session.flush()
    return _task(row, request_number)


async def due_follow_ups(
    session: AsyncSession, assignee: str, *, at: datetime, until: datetime | None = None
) -> list[DueTask]:
    """The agent's open tasks due by ``until`` (default ``at``), oldest due first.

    A task is overdue when its due time is before ``at``.
    """
    horizon = at if until is None else until
    rows = await session.execute(
        select(FollowUp, ServiceRequest.number)
        .outerjoin(ServiceRequest, ServiceRequest.id == FollowUp.request_id)
        .where(
            FollowUp.assignee == assignee,
            FollowUp.completed_at.is_(None),
            FollowUp.due_at <= horizon,
        )
        .order_by(FollowUp.due_at, FollowUp.id)
    )
    return [DueTask(_task(row, number), row.due_at < at) for row, number in rows]


async def complete_follow_up(
    session: AsyncSession,
    task_id: int,
    outcome: FollowUpOutcome,
    *,
    at: datetime,
    note: str = "",
) -> FollowUpTask:
    """Close the task with its outcome; a task is completed once."""
    row = await session.get(FollowUp, task_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound("follow-up", task_id)
    if row.completed_at is not None:
        raise InvalidValue(f"follow-up {task_id} was already completed")
    row.outcome = FollowUpOutcome(outcome).value
    row.outcome_note = note
    row.completed_at = at
    await session.flush()
    number = None
    if row.request_id is not None:
        number = await session.scalar(
            select(ServiceRequest.number).where(ServiceRequest.id == row.request_id)
        )
    return _task(row, number)


async def get_follow_up(session: AsyncSession, task_id: int) -> FollowUpTask | None:
    row = await session.get(FollowUp, task_id)
    if row is None:
        return None
    return _task(row, await _request_number(session, row))


async def contact_follow_ups(session: AsyncSession, contact_id: int) -> list[FollowUpTask]:
    """Every task of one contact, open ones first, each group by due time."""
    rows = await session.execute(
        select(FollowUp, ServiceRequest.number)
        .outerjoin(ServiceRequest, ServiceRequest.id == FollowUp.request_id)
        .where(FollowUp.contact_id == contact_id)
        .order_by(FollowUp.completed_at.is_not(None), FollowUp.due_at, FollowUp.id)
    )
    return [_task(row, number) for row, number in rows]


async def cancel_follow_up(session: AsyncSession, task_id: int) -> None:
    """Delete an open task (scheduled by mistake); a completed one is history and stays."""
    row = await session.get(FollowUp, task_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound("follow-up", task_id)
    if row.completed_at is not None:
        raise InvalidValue(f"follow-up {task_id} was completed: it stays in the history")
    await session.delete(row)
    await session.flush()


async def _request_number(session: AsyncSession, row: FollowUp) -> int | None:
    if row.request_id is None:
        return None
    number: int | None = await session.scalar(
        select(ServiceRequest.number).where(ServiceRequest.id == row.request_id)
    )
    return number


def _task(row: FollowUp, request_number: int | None) -> FollowUpTask:
    return FollowUpTask(
        task_id=row.id,
        contact_id=row.contact_id,
        request_number=request_number,
        assignee=row.assignee,
        subject=row.subject,
        due_at=row.due_at,
        created_at=row.created_at,
        created_by=row.created_by,
        completed_at=row.completed_at,
        outcome=None if row.outcome is None else FollowUpOutcome(row.outcome),
        outcome_note=row.outcome_note,
    )
