"""Hotlines: DNIS → name, brand, IVR menu and time zone; created, read, changed under a
version and deleted, with refusals naming the field."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.errors import AlreadyExists, InvalidField, NotFound, VersionConflict
from crm_core.routing import (
    HotlineRecord,
    create_hotline,
    delete_hotline,
    get_hotline,
    list_hotlines,
    update_hotline,
)


async def test_a_hotline_is_created_read_changed_and_deleted(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        created = await create_hotline(
            session,
            dnis="8005551234",
            name="Main hotline",
            brand="Acme",
            ivr_menu="bilingual_service",
            timezone="Europe/Berlin",
        )
        with pytest.raises(AlreadyExists):
            await create_hotline(session, dnis="8005551234", name="Again")
    async with sessions.begin() as session:
        changed = await update_hotline(session, "8005551234", 1, {"brand": "Acme Mobile"})
        with pytest.raises(VersionConflict):
            await update_hotline(session, "8005551234", 1, {"name": "Stale"})
    async with sessions() as session:
        read = await get_hotline(session, "8005551234")
        listed = await list_hotlines(session)
    async with sessions.begin() as session:
        await delete_hotline(session, "8005551234", 2)
        with pytest.raises(NotFound):
            await delete_hotline(session, "8005551234", 2)
    assert created == HotlineRecord(
        "8005551234", "Main hotline", "en", "Acme", "bilingual_service", "Europe/Berlin", 1
    )
    assert changed.brand == "Acme Mobile" and changed.version == 2
    assert read == changed and listed == [changed]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"dnis": "800-555"}, "dnis"),
        ({"name": " "}, "name"),
        ({"ivr_menu": "../etc/passwd"}, "ivr_menu"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"brand": "b" * 129}, "brand"),
    ],
)
async def test_a_bad_hotline_is_refused_naming_the_field(
    sessions: async_sessionmaker[AsyncSession], values: dict[str, str], field: str
) -> None:
    good = {"dnis": "8005551234", "name": "Main"}
    async with sessions.begin() as session:
        with pytest.raises(InvalidField) as refused:
            await create_hotline(session, **(good | values))
    assert refused.value.field == field


async def test_only_the_hotlines_settings_can_be_changed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await create_hotline(session, dnis="8005551234", name="Main")
        with pytest.raises(InvalidField) as refused:
            await update_hotline(session, "8005551234", 1, {"dnis": "8005550000"})
        with pytest.raises(NotFound):
            await update_hotline(session, "8000000000", 1, {"name": "x"})
    assert refused.value.field == "dnis"
