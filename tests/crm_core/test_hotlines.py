"""Hotlines (DNIS → name, brand, IVR menu and time zone) and queues: created, read, changed
under a version and deleted, with refusals naming the field."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.errors import AlreadyExists, InvalidField, NotFound, VersionConflict
from crm_core.routing import (
    HotlineRecord,
    QueueRecord,
    create_hotline,
    create_queue,
    delete_hotline,
    delete_queue,
    get_hotline,
    get_queue,
    list_hotlines,
    list_queues,
    update_hotline,
    update_queue,
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


async def test_a_queue_is_created_read_changed_and_deleted_under_its_version(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        created = await create_queue(session, name="billing", required_skill="billing")
        with pytest.raises(AlreadyExists):
            await create_queue(session, name="billing", required_skill="x")
        with pytest.raises(InvalidField) as bad_name:
            await create_queue(session, name="bill ing", required_skill="x")
        changed = await update_queue(session, "billing", 1, {"description": "Invoices"})
        with pytest.raises(VersionConflict):
            await update_queue(session, "billing", 1, {"required_skill": "money"})
        with pytest.raises(InvalidField) as key:
            await update_queue(session, "billing", 2, {"name": "money"})
    async with sessions() as session:
        read = await get_queue(session, "billing")
        listed = await list_queues(session)
    async with sessions.begin() as session:
        await delete_queue(session, "billing", 2)
        with pytest.raises(NotFound):
            await delete_queue(session, "billing", 2)
    assert created == QueueRecord("billing", "billing", "", 1)
    assert changed == read == QueueRecord("billing", "billing", "Invoices", 2)
    assert listed == [changed]
    assert (bad_name.value.field, key.value.field) == ("name", "name")
