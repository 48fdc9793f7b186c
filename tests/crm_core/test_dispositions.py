"""Disposition codes: the defaults every database starts with, changes under a version,
removal that only deactivates a code calls carry, and the wrap-up checked against them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.dispositions import (
    Removal,
    check_disposition,
    create_disposition_code,
    get_disposition_code,
    list_disposition_codes,
    remove_disposition_code,
    update_disposition_code,
)
from crm_core.errors import AlreadyExists, InvalidField, NotFound, VersionConflict
from crm_core.interactions import (
    InteractionDraft,
    get_interaction_by_call,
    record_interaction,
    set_disposition,
)
from crm_core.vocabulary import Direction, DispositionCategory, Outcome
from tests.crm_core.conftest import T0, add_agents

CALL = InteractionDraft(
    call_id="call-1",
    direction=Direction.INBOUND,
    started_at=T0,
    agent_id="alice",
    outcome=Outcome.ANSWERED,
)


async def _new(session: AsyncSession, code: str = "sale", *, note: bool = False) -> None:
    await create_disposition_code(
        session, code=code, label=code.title(), category=DispositionCategory.SALE,
        requires_note=note,
    )  # fmt: skip


async def test_a_migrated_database_offers_the_codes_the_agent_page_sends(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        codes = await list_disposition_codes(session)
    assert sorted(c.code for c in codes) == ["escalated", "follow-up", "no-action", "resolved"]
    assert all(c.active and c.version == 1 for c in codes)


async def test_a_new_code_is_active_and_listed_by_category(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        created = await create_disposition_code(
            session,
            code="complaint",
            label=" Complaint ",
            category=DispositionCategory.ESCALATED,
            requires_note=True,
        )
    async with sessions() as session:
        listed = await list_disposition_codes(session)
    assert (created.label, created.active, created.requires_note) == ("Complaint", True, True)
    # By category (escalated, follow_up, other, resolved), then code.
    assert [c.code for c in listed] == [
        "complaint",
        "escalated",
        "follow-up",
        "no-action",
        "resolved",
    ]


async def test_a_taken_code_is_refused_even_when_inactive(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await _new(session)
        await update_disposition_code(session, "sale", 1, {"active": False})
        with pytest.raises(AlreadyExists):
            await _new(session)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"code": "Sale Won"}, "code"),
        ({"code": "x" * 65}, "code"),
        ({"label": "  "}, "label"),
        ({"category": "happy"}, "category"),
    ],
)
async def test_a_bad_new_code_is_refused_naming_the_field(
    sessions: async_sessionmaker[AsyncSession], values: dict[str, str], field: str
) -> None:
    good = {"code": "sale", "label": "Sale", "category": "sale"}
    async with sessions.begin() as session:
        with pytest.raises(InvalidField) as refused:
            await create_disposition_code(session, **(good | values))  # type: ignore[arg-type]
    assert refused.value.field == field


async def test_an_update_needs_the_current_version_and_bumps_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await _new(session)
        changed = await update_disposition_code(
            session, "sale", 1, {"label": "Sale won", "requires_note": True}
        )
        with pytest.raises(VersionConflict) as stale:
            await update_disposition_code(session, "sale", 1, {"label": "Lost"})
        with pytest.raises(InvalidField) as key:
            await update_disposition_code(session, "sale", 2, {"code": "won"})
        with pytest.raises(NotFound):
            await update_disposition_code(session, "nope", 1, {"label": "x"})
    assert (changed.label, changed.requires_note, changed.version) == ("Sale won", True, 2)
    assert stale.value.actual == 2
    assert key.value.field == "code"


async def test_removing_an_unused_code_deletes_it_and_a_used_one_is_only_deactivated(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await add_agents(session, "alice")
        await _new(session, "sale")
        await _new(session, "upsell")
        interaction_id = await record_interaction(session, CALL)
        await set_disposition(session, interaction_id, "alice", "sale", "", T0)
    async with sessions.begin() as session:
        used = await remove_disposition_code(session, "sale")
        unused = await remove_disposition_code(session, "upsell")
        with pytest.raises(NotFound):
            await remove_disposition_code(session, "upsell")
    async with sessions() as session:
        kept = await get_disposition_code(session, "sale")
        active = [c.code for c in await list_disposition_codes(session)]
        everything = [c.code for c in await list_disposition_codes(session, include_inactive=True)]
    assert (used, unused) == (Removal.DEACTIVATED, Removal.DELETED)
    assert kept is not None and (kept.active, kept.version) == (False, 2)
    assert "sale" not in active and "sale" in everything and "upsell" not in everything


async def test_the_wrap_up_accepts_only_active_codes_and_their_required_note(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await add_agents(session, "alice")
        await _new(session, "complaint", note=True)
        await _new(session, "retired")
        await update_disposition_code(session, "retired", 1, {"active": False})
        interaction_id = await record_interaction(session, CALL)
    refusals = {}
    for code, notes in (("made-up", ""), ("retired", ""), ("complaint", "  ")):
        async with sessions.begin() as session:
            with pytest.raises(InvalidField) as refused:
                await set_disposition(session, interaction_id, "alice", code, notes, T0)
            refusals[code] = refused.value.field
    async with sessions.begin() as session:
        await set_disposition(session, interaction_id, "alice", "complaint", "rude bot", T0)
    async with sessions() as session:
        record = await get_interaction_by_call(session, "call-1")
    assert refusals == {"made-up": "disposition", "retired": "disposition", "complaint": "notes"}
    assert record is not None and (record.disposition, record.notes) == ("complaint", "rude bot")


async def test_an_unknown_code_is_refused_with_the_active_codes_listed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        with pytest.raises(InvalidField) as refused:
            await check_disposition(session, "fixed", "")
    assert "escalated, follow-up, no-action, resolved" in refused.value.reason


async def test_recorded_history_keeps_whatever_disposition_it_carried(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await add_agents(session, "alice")
        await record_interaction(session, replace(CALL, disposition="legacy free text"))
    async with sessions() as session:
        record = await get_interaction_by_call(session, "call-1")
    assert record is not None and record.disposition == "legacy free text"
