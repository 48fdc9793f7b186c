"""Service requests move through their lifecycle, and every change leaves a line of history."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.contacts import create_contact
from crm_core.errors import (
    IllegalTransition,
    InvalidField,
    InvalidValue,
    NotFound,
    VersionConflict,
)
from crm_core.request_changes import (
    assign,
    change_status,
    edit_request,
    request_history,
    set_due,
    set_priority,
)
from crm_core.service_requests import create_request, get_request
from crm_core.vocabulary import Priority, RequestField, RequestStatus
from tests.crm_core.conftest import T0, add_agents

S = RequestStatus
LATER = T0 + timedelta(minutes=5)


async def _request(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        await add_agents(session, "alice", "bob")
        contact = await create_contact(session, first_name="Ann", last_name="Lee", now=T0)
        request = await create_request(
            session, contact_id=contact.contact_id, subject="Broken", now=T0, actor="lead"
        )
    return request.number


async def test_a_request_walks_its_whole_lifecycle_and_reopens(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    number = await _request(sessions)
    async with sessions.begin() as session:
        await assign(session, number, "alice", actor="lead", at=T0)
        for status in (S.IN_PROGRESS, S.WAITING_ON_CUSTOMER, S.RESOLVED, S.CLOSED):
            await change_status(session, number, status, actor="alice", at=LATER)
        reopened = await change_status(
            session, number, S.IN_PROGRESS, actor="alice", at=LATER, note="customer called back"
        )
    assert reopened.status is S.IN_PROGRESS
    assert reopened.version == 7  # created 1, assigned 2, four moves 3..6, reopened 7
    async with sessions() as session:
        history = await request_history(session, number)
    statuses = [(h.from_value, h.to_value) for h in history if h.field is RequestField.STATUS]
    assert statuses == [
        (None, "new"),
        ("new", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "waiting_on_customer"),
        ("waiting_on_customer", "resolved"),
        ("resolved", "closed"),
        ("closed", "in_progress"),
    ]
    assert history[0].actor == "lead"
    assert history[-1].note == "customer called back"
    assert history[-1].at == LATER


async def test_an_illegal_move_is_refused_and_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    number = await _request(sessions)
    with pytest.raises(IllegalTransition):
        async with sessions.begin() as session:
            await change_status(session, number, S.RESOLVED, actor="alice", at=LATER)
    with pytest.raises(IllegalTransition, match="assign it to someone"):
        async with sessions.begin() as session:
            await change_status(session, number, S.ASSIGNED, actor="alice", at=LATER)
    async with sessions() as session:
        request = await get_request(session, number)
        history = await request_history(session, number)
    assert request is not None
    assert (request.status, request.version) == (S.NEW, 1)
    assert len(history) == 1


async def test_assignee_priority_and_due_changes_are_recorded_with_who_when_and_why(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    number = await _request(sessions)
    due = T0 + timedelta(days=2)
    async with sessions.begin() as session:
        await assign(session, number, "alice", actor="lead", at=T0)
        await change_status(session, number, S.IN_PROGRESS, actor="alice", at=T0)
        await assign(session, number, "bob", actor="lead", at=LATER, note="alice is off")
        await set_priority(session, number, Priority.URGENT, actor="lead", at=LATER)
        await set_due(session, number, due, actor="lead", at=LATER, note="SLA")
        final = await set_due(session, number, None, actor="lead", at=LATER)
    assert (final.assignee, final.status, final.priority) == ("bob", S.IN_PROGRESS, Priority.URGENT)
    assert final.due_at is None
    async with sessions() as session:
        history = await request_history(session, number)
    others = [
        (h.field, h.from_value, h.to_value, h.actor, h.note)
        for h in history
        if h.field is not RequestField.STATUS
    ]
    assert others == [
        (RequestField.ASSIGNEE, None, "alice", "lead", ""),
        (RequestField.ASSIGNEE, "alice", "bob", "lead", "alice is off"),
        (RequestField.PRIORITY, "normal", "urgent", "lead", ""),
        (RequestField.DUE_AT, None, due.isoformat(), "lead", "SLA"),
        (RequestField.DUE_AT, due.isoformat(), None, "lead", ""),
    ]


async def test_changes_that_change_nothing_or_name_unknowns_are_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    number = await _request(sessions)
    async with sessions.begin() as session:
        with pytest.raises(NotFound):
            await assign(session, number, "nobody", actor="lead", at=T0)
        with pytest.raises(NotFound):
            await change_status(session, 99999, S.CLOSED, actor="lead", at=T0)
        with pytest.raises(NotFound):
            await request_history(session, 99999)
        with pytest.raises(InvalidValue):
            await set_priority(session, number, Priority.NORMAL, actor="lead", at=T0)
        assert await get_request(session, 99999) is None


async def test_a_closed_request_must_be_reopened_before_reassigning(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    number = await _request(sessions)
    async with sessions.begin() as session:
        await assign(session, number, "alice", actor="lead", at=T0)
        for status in (S.IN_PROGRESS, S.RESOLVED, S.CLOSED):
            await change_status(session, number, status, actor="alice", at=T0)
        with pytest.raises(InvalidValue, match="reopen"):
            await assign(session, number, "bob", actor="lead", at=T0)


async def test_a_stale_expected_version_is_a_conflict(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    number = await _request(sessions)
    async with sessions.begin() as session:
        await assign(session, number, "alice", actor="lead", at=T0, expected_version=1)
    with pytest.raises(VersionConflict) as conflict:
        async with sessions.begin() as session:
            await assign(session, number, "bob", actor="lead", at=T0, expected_version=1)
    assert (conflict.value.expected, conflict.value.actual) == (1, 2)


async def test_parallel_status_changes_from_one_version_let_exactly_one_through(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    number = await _request(sessions)
    async with sessions.begin() as session:
        await assign(session, number, "alice", actor="lead", at=T0)
        await change_status(session, number, S.IN_PROGRESS, actor="alice", at=T0)

    async def move(status: S) -> str:
        try:
            async with sessions.begin() as session:
                await change_status(
                    session, number, status, actor="x", at=LATER, expected_version=3
                )
        except VersionConflict:
            return "conflict"
        return "ok"

    targets = [S.RESOLVED, S.WAITING_ON_CUSTOMER] * 3
    results = await asyncio.gather(*(move(t) for t in targets))
    assert sorted(results) == ["conflict"] * 5 + ["ok"]
    async with sessions() as session:
        assert (
            len(await request_history(session, number)) == 5
        )  # opened, assignee, 2 moves, 1 winner


async def test_editing_text_bumps_the_version_without_history_and_names_a_bad_field(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    number = await _request(sessions)
    async with sessions.begin() as session:
        edited = await edit_request(
            session, number, {"subject": "Broken again", "category": "hw"}, at=LATER,
            expected_version=1,
        )  # fmt: skip
        with pytest.raises(VersionConflict):
            await edit_request(session, number, {"description": "x"}, at=LATER, expected_version=1)
        with pytest.raises(InvalidField) as blank:
            await edit_request(session, number, {"subject": ""}, at=LATER)
        with pytest.raises(InvalidField) as status:
            await edit_request(session, number, {"status": "closed"}, at=LATER)
        history = await request_history(session, number)
    assert (edited.subject, edited.category, edited.version, edited.updated_at) == (
        "Broken again",
        "hw",
        2,
        LATER,
    )
    assert (blank.value.field, status.value.field) == ("subject", "status")
    assert len(history) == 1  # just "opened"
