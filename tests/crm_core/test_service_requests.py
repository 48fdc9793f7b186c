"""Service requests get short sequential numbers, also under concurrent creation."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.contacts import create_contact
from crm_core.errors import InvalidValue, NotFound
from crm_core.service_requests import create_request, open_requests
from crm_core.vocabulary import Priority, RequestStatus
from tests.crm_core.conftest import T0


async def _contact(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        card = await create_contact(session, first_name="Ann", last_name="Lee", now=T0)
    return card.contact_id


async def test_numbers_start_at_10023_and_open_requests_sort_by_due_date(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact = await _contact(sessions)
    async with sessions.begin() as session:
        undated = await create_request(session, contact_id=contact, subject="Undated", now=T0)
        later = await create_request(
            session, contact_id=contact, subject="Later", due_at=T0 + timedelta(days=3), now=T0
        )
        sooner = await create_request(
            session,
            contact_id=contact,
            subject="Sooner",
            priority=Priority.URGENT,
            due_at=T0 + timedelta(days=1),
            now=T0,
        )
        await create_request(
            session, contact_id=contact, subject="Done", status=RequestStatus.RESOLVED, now=T0
        )
    assert [undated.number, later.number, sooner.number] == [10023, 10024, 10025]
    async with sessions() as session:
        listed = await open_requests(session, contact)
    assert [r.subject for r in listed] == ["Sooner", "Later", "Undated"]
    assert listed[0] == sooner


async def test_concurrent_creators_never_share_a_number(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact = await _contact(sessions)

    async def create(n: int) -> int:
        async with sessions.begin() as session:
            request = await create_request(session, contact_id=contact, subject=f"#{n}", now=T0)
            return request.number

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(create(n)) for n in range(20)]
    assert sorted(t.result() for t in tasks) == list(range(10023, 10043))


async def test_a_request_needs_a_subject_and_a_known_contact(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(NotFound):
            await create_request(session, contact_id=4242, subject="x", now=T0)
        with pytest.raises(InvalidValue):
            await create_request(session, contact_id=4242, subject=" ", now=T0)
