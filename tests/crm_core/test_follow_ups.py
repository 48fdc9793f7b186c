"""Follow-up tasks (回访): due and overdue work lists per agent, completion with an outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.contacts import create_contact
from crm_core.errors import InvalidField, InvalidValue, NotFound
from crm_core.follow_ups import (
    cancel_follow_up,
    complete_follow_up,
    contact_follow_ups,
    create_follow_up,
    due_follow_ups,
    get_follow_up,
)
from crm_core.service_requests import create_request
from crm_core.vocabulary import FollowUpOutcome
from tests.crm_core.conftest import T0, add_agents

HOUR = timedelta(hours=1)


async def _setup(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessions.begin() as session:
        await add_agents(session, "alice", "bob")
        contact = await create_contact(session, first_name="Ann", last_name="Lee", now=T0)
        request = await create_request(
            session, contact_id=contact.contact_id, subject="Repair", now=T0
        )
    return contact.contact_id, request.number


async def test_an_agents_list_holds_their_open_tasks_due_by_then_oldest_first(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact, number = await _setup(sessions)
    async with sessions.begin() as session:

        async def task(subject: str, due_in: timedelta, assignee: str = "alice") -> int:
            created = await create_follow_up(
                session,
                contact_id=contact,
                subject=subject,
                due_at=T0 + due_in,
                assignee=assignee,
                created_by="lead",
                now=T0 - 24 * HOUR,
                request_number=number,
            )
            return created.task_id

        await task("tomorrow", 24 * HOUR)
        await task("in an hour", HOUR)
        await task("yesterday", -24 * HOUR)
        await task("bob's", -HOUR, assignee="bob")
        done = await task("done already", -2 * HOUR)
        await complete_follow_up(session, done, FollowUpOutcome.SATISFIED, at=T0)
    async with sessions() as session:
        now_due = await due_follow_ups(session, "alice", at=T0)
        today = await due_follow_ups(session, "alice", at=T0, until=T0 + 8 * HOUR)
    assert [(d.task.subject, d.overdue) for d in now_due] == [("yesterday", True)]
    assert [(d.task.subject, d.overdue) for d in today] == [
        ("yesterday", True),
        ("in an hour", False),
    ]
    assert today[0].task.request_number == number


async def test_completing_records_the_outcome_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact, _ = await _setup(sessions)
    async with sessions.begin() as session:
        created = await create_follow_up(
            session,
            contact_id=contact,
            subject="How was the repair?",
            due_at=T0,
            assignee="bob",
            created_by="lead",
            now=T0,
        )
        done = await complete_follow_up(
            session,
            created.task_id,
            FollowUpOutcome.NOT_REACHED,
            at=T0 + HOUR,
            note="voicemail",
        )
        assert (done.outcome, done.outcome_note, done.completed_at) == (
            FollowUpOutcome.NOT_REACHED,
            "voicemail",
            T0 + HOUR,
        )
        assert done.request_number is None
        with pytest.raises(InvalidValue, match="already completed"):
            await complete_follow_up(session, created.task_id, FollowUpOutcome.SATISFIED, at=T0)
        assert await due_follow_ups(session, "bob", at=T0 + 2 * HOUR) == []


async def test_a_task_needs_a_subject_an_aware_time_and_things_that_exist(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact, _ = await _setup(sessions)
    base = {"due_at": T0, "created_by": "lead", "now": T0, "assignee": "alice"}
    async with sessions.begin() as session:
        with pytest.raises(InvalidField):
            await create_follow_up(session, contact_id=contact, subject=" ", **base)  # type: ignore[arg-type]
        with pytest.raises(InvalidField):
            await create_follow_up(
                session,
                contact_id=contact,
                subject="x",
                due_at=T0.replace(tzinfo=None),
                assignee=None,
                created_by="lead",
                now=T0,
            )
        with pytest.raises(NotFound):
            await create_follow_up(session, contact_id=4242, subject="x", **base)  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            await create_follow_up(
                session,
                contact_id=contact,
                subject="x",
                request_number=1,
                **base,  # type: ignore[arg-type]
            )
        with pytest.raises(NotFound):
            await complete_follow_up(session, 4242, FollowUpOutcome.DECLINED, at=T0)


async def test_a_task_reads_back_lists_per_contact_and_cancels_only_while_open(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact, number = await _setup(sessions)
    async with sessions.begin() as session:
        tasks = [
            await create_follow_up(
                session, contact_id=contact, subject=f"call {n}", due_at=T0 + n * HOUR,
                assignee="alice", created_by="lead", now=T0, request_number=number,
            )
            for n in (1, 2, 3)
        ]  # fmt: skip
        await complete_follow_up(session, tasks[0].task_id, FollowUpOutcome.SATISFIED, at=T0)
        await cancel_follow_up(session, tasks[2].task_id)
        with pytest.raises(InvalidValue):
            await cancel_follow_up(session, tasks[0].task_id)
        with pytest.raises(NotFound):
            await cancel_follow_up(session, tasks[2].task_id)
    async with sessions() as session:
        read = await get_follow_up(session, tasks[1].task_id)
        listed = await contact_follow_ups(session, contact)
        gone = await get_follow_up(session, tasks[2].task_id)
    assert read == tasks[1] and read.request_number == number
    assert [t.subject for t in listed] == ["call 2", "call 1"]  # open first
    assert gone is None
