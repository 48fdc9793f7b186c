"""Updating a contact: named-field refusals, and conflicts instead of lost updates."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.contact_updates import delete_contact, get_contact, update_contact
from crm_core.contacts import NewPhone, create_contact
from crm_core.errors import InvalidField, NotFound, VersionConflict
from crm_core.interactions import InteractionDraft, get_interaction_by_call, record_interaction
from crm_core.search import search_contacts
from crm_core.vocabulary import Direction, PhoneKind, Tier
from tests.crm_core.conftest import T0, add_agents

LATER = T0 + timedelta(minutes=1)


async def _contact(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        card = await create_contact(
            session,
            first_name="Ann",
            last_name="Lee",
            phones=[NewPhone(PhoneKind.MOBILE, "+1 212 555 0100")],
            emails=["ann@example.com"],
            now=T0,
        )
    return card.contact_id


async def test_an_update_applies_the_changes_and_bumps_the_version(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact_id = await _contact(sessions)
    async with sessions.begin() as session:
        await add_agents(session, "alice")
        updated = await update_contact(
            session,
            contact_id,
            1,
            {"tier": "gold", "account_manager": "alice", "value_score": 75, "timezone": None},
            at=LATER,
        )
    assert (updated.tier, updated.account_manager, updated.value_score) == (Tier.GOLD, "alice", 75)
    assert (updated.version, updated.updated_at, updated.created_at) == (2, LATER, T0)
    async with sessions() as session:
        assert await get_contact(session, contact_id) == updated
    assert updated.phones[0].e164 == "+12125550100"
    assert updated.emails == ["ann@example.com"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tier": "diamond"}, "tier"),
        ({"value_score": 101}, "value_score"),
        ({"value_score": True}, "value_score"),
        ({"current_value_cents": -1}, "current_value_cents"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"first_name": 7}, "first_name"),
        ({"first_name": "", "last_name": ""}, "first_name"),
        ({"account_manager": "nobody"}, "account_manager"),
        ({"version": 9}, "version"),
        ({"id": 9}, "id"),
    ],
)
async def test_a_refused_value_names_its_field_and_writes_nothing(
    sessions: async_sessionmaker[AsyncSession], changes: dict[str, object], field: str
) -> None:
    contact_id = await _contact(sessions)
    with pytest.raises(InvalidField) as refused:
        async with sessions.begin() as session:
            await update_contact(session, contact_id, 1, changes, at=LATER)
    assert refused.value.field == field
    async with sessions() as session:
        record = await get_contact(session, contact_id)
    assert record is not None
    assert (record.version, record.first_name, record.tier) == (1, "Ann", Tier.NONE)


async def test_an_unknown_contact_is_not_found(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        with pytest.raises(NotFound):
            await update_contact(session, 4242, 1, {"notes": "x"}, at=LATER)
        assert await get_contact(session, 4242) is None


async def test_an_edit_based_on_an_old_version_is_a_conflict(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact_id = await _contact(sessions)
    async with sessions.begin() as session:
        await update_contact(session, contact_id, 1, {"notes": "first agent"}, at=LATER)
    with pytest.raises(VersionConflict) as conflict:
        async with sessions.begin() as session:
            await update_contact(session, contact_id, 1, {"notes": "second agent"}, at=LATER)
    assert (conflict.value.expected, conflict.value.actual) == (1, 2)
    async with sessions() as session:
        record = await get_contact(session, contact_id)
    assert record is not None
    assert record.notes == "first agent"


async def test_parallel_writers_from_one_version_get_conflicts_not_overwrites(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact_id = await _contact(sessions)

    async def write(n: int) -> str:
        try:
            async with sessions.begin() as session:
                await update_contact(session, contact_id, 1, {"notes": f"writer {n}"}, at=LATER)
        except VersionConflict:
            return "conflict"
        return f"writer {n}"

    results = await asyncio.gather(*(write(n) for n in range(8)))
    winners = [r for r in results if r != "conflict"]
    assert len(winners) == 1
    async with sessions() as session:
        record = await get_contact(session, contact_id)
    assert record is not None
    assert (record.notes, record.version) == (winners[0], 2)


async def test_writers_that_reread_after_a_conflict_lose_no_update(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact_id = await _contact(sessions)
    writers = 6
    everyone_has_read = asyncio.Barrier(writers)  # so the first round surely collides

    async def append(n: int) -> int:
        for attempt in range(1, 50):
            async with sessions() as session:
                seen = await get_contact(session, contact_id)
            assert seen is not None
            if attempt == 1:
                await everyone_has_read.wait()
            try:
                async with sessions.begin() as session:
                    notes = f"{seen.notes}[{n}]"
                    await update_contact(
                        session, contact_id, seen.version, {"notes": notes}, at=LATER
                    )
            except VersionConflict:
                await asyncio.sleep(0)
                continue
            return attempt
        raise AssertionError("never got through")

    attempts = await asyncio.gather(*(append(n) for n in range(writers)))
    async with sessions() as session:
        record = await get_contact(session, contact_id)
    assert record is not None
    assert sorted(record.notes.strip("[]").split("][")) == [str(n) for n in range(writers)]
    assert record.version == writers + 1
    assert sorted(attempts)[1] > 1  # all but one writer collided at least once


async def test_deleting_a_contact_needs_its_version_and_keeps_its_calls_unlinked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact_id = await _contact(sessions)
    draft = InteractionDraft(
        call_id="c-1", direction=Direction.INBOUND, started_at=T0, contact_id=contact_id
    )
    async with sessions.begin() as session:
        await record_interaction(session, draft)
        with pytest.raises(VersionConflict):
            await delete_contact(session, contact_id, 2)
        await delete_contact(session, contact_id, 1)
        with pytest.raises(NotFound):
            await delete_contact(session, contact_id, 1)
    async with sessions() as session:
        call = await get_interaction_by_call(session, "c-1")
        assert await get_contact(session, contact_id) is None
        assert (await search_contacts(session, "+1 212 555 0100")).items == []
    assert call is not None and call.contact_id is None


async def test_phones_and_emails_are_replaced_as_whole_lists_and_matched_by_the_new_number(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    contact_id = await _contact(sessions)
    async with sessions.begin() as session:
        with pytest.raises(InvalidField) as bad_phone:
            await update_contact(
                session, contact_id, 1, {"phones": [NewPhone(PhoneKind.WORK, "hello")]}, at=LATER
            )
        with pytest.raises(InvalidField) as bad_email:
            await update_contact(session, contact_id, 1, {"emails": ["nobody"]}, at=LATER)
        updated = await update_contact(
            session,
            contact_id,
            1,
            {"phones": [NewPhone(PhoneKind.WORK, "020 7946 0123")], "emails": []},
            at=LATER,
            default_region="GB",
        )
    async with sessions() as session:
        old = await search_contacts(session, "+1 212 555 0100")
        new = await search_contacts(session, "+44 20 7946 0123")
    assert (bad_phone.value.field, bad_email.value.field) == ("phones", "emails")
    assert [(p.kind, p.e164) for p in updated.phones] == [(PhoneKind.WORK, "+442079460123")]
    assert (updated.emails, updated.version) == ([], 2)
    assert old.items == [] and [h.contact_id for h in new.items] == [contact_id]
