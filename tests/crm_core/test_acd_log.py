"""The ACD event log: appended in order, read back after a sequence number."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.acd_log import append_events, read_events
from crm_core.contacts import list_phone_numbers
from crm_core.errors import InvalidValue
from crm_core.seed import seed_demo

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def test_events_read_back_in_append_order_after_a_sequence_number(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await append_events(session, [(T0, "CallQueued", {"call_id": "c1"})])
        await append_events(
            session,
            [
                (T0, "AgentReserved", {"call_id": "c1", "agent_id": "alice"}),
                (T0, "CallConnected", {"call_id": "c1"}),
            ],
        )
    async with sessions() as session:
        everything = await read_events(session)
        assert [e.type for e in everything] == ["CallQueued", "AgentReserved", "CallConnected"]
        later = await read_events(session, after_seq=everything[0].seq)
    assert [e.payload for e in later] == [{"call_id": "c1", "agent_id": "alice"}, {"call_id": "c1"}]


async def test_an_event_without_an_aware_time_is_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(InvalidValue):
            await append_events(session, [(datetime(2026, 1, 1), "CallQueued", {})])


async def test_phone_numbers_on_file_are_listed_in_e164(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_demo(sessions)
    async with sessions() as session:
        numbers = await list_phone_numbers(session)
    assert "+12125550100" in numbers
    assert all(n.startswith("+") for n in numbers)
    assert len(numbers) == len(set(numbers))
