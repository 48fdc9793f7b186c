"""The do-not-call list: any written form of a listed number is caught, until it expires."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.do_not_call import (
    add_do_not_call,
    get_do_not_call,
    is_do_not_call,
    remove_do_not_call,
)
from crm_core.errors import InvalidField, InvalidPhoneNumber, NotFound
from tests.crm_core.conftest import T0

DAY = timedelta(days=1)


@pytest.mark.parametrize("written", ["+1 212 555 0100", "(212) 555-0100", "212.555.0100"])
async def test_a_listed_number_is_caught_in_any_format(
    sessions: async_sessionmaker[AsyncSession], written: str
) -> None:
    async with sessions.begin() as session:
        entry = await add_do_not_call(
            session, "+12125550100", reason="asked us to stop", source="agent:alice", now=T0
        )
    assert entry.e164 == "+12125550100"
    async with sessions() as session:
        assert await is_do_not_call(session, written, T0 + 365 * DAY)
        assert not await is_do_not_call(session, "212 555 0101", T0)


async def test_an_entry_expires_and_re_adding_renews_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await add_do_not_call(
            session,
            "020 7946 0958",
            reason="",
            source="registry",
            now=T0,
            expires_at=T0 + 30 * DAY,
            default_region="GB",
        )
    async with sessions() as session:
        assert await is_do_not_call(session, "+442079460958", T0 + 29 * DAY)
        assert not await is_do_not_call(session, "+442079460958", T0 + 30 * DAY)
    async with sessions.begin() as session:
        await add_do_not_call(
            session, "+44 20 7946 0958", reason="renewed", source="registry", now=T0 + 31 * DAY
        )
    async with sessions() as session:
        assert await is_do_not_call(session, "+442079460958", T0 + 400 * DAY)
        entry = await get_do_not_call(session, "+442079460958")
    assert entry is not None
    assert (entry.reason, entry.expires_at, entry.created_at) == ("renewed", None, T0 + 31 * DAY)


async def test_concurrent_adds_of_one_number_keep_one_entry(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def add(n: int) -> None:
        async with sessions.begin() as session:
            await add_do_not_call(session, "2125550100", reason=f"#{n}", source="x", now=T0)

    await asyncio.gather(*(add(n) for n in range(6)))
    async with sessions.begin() as session:
        await remove_do_not_call(session, "+12125550100")
        assert not await is_do_not_call(session, "+12125550100", T0)
        with pytest.raises(NotFound):
            await remove_do_not_call(session, "+12125550100")


async def test_numbers_that_cannot_be_dialled_and_bad_entries_are_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for junk in ("anonymous", "1001", "12"):
            with pytest.raises(InvalidPhoneNumber):
                await is_do_not_call(session, junk, T0)
        with pytest.raises(InvalidField) as no_source:
            await add_do_not_call(session, "2125550100", reason="", source=" ", now=T0)
        with pytest.raises(InvalidField) as past:
            await add_do_not_call(
                session, "2125550100", reason="", source="x", now=T0, expires_at=T0
            )
    assert (no_source.value.field, past.value.field) == ("source", "expires_at")
