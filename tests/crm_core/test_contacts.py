"""Caller matching for the screen pop, contact cards, and creating contacts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_core.contacts import (
    NewPhone,
    contact_cards,
    create_contact,
    get_contact_card,
    match_caller,
)
from crm_core.db import lookup_engine
from crm_core.errors import InvalidPhoneNumber, InvalidValue, NotFound
from crm_core.interactions import InteractionDraft, record_interaction
from crm_core.models import ContactPhone
from crm_core.service_requests import create_request
from crm_core.vocabulary import Direction, Outcome, PhoneKind, Priority, RequestStatus, Tier
from tests.crm_core.conftest import T0, StatementLog

SHARED = "+1 312 555 0144"


async def _contact(
    session: AsyncSession, first: str, raw: str, tier: Tier = Tier.NONE, **extra: object
) -> int:
    card = await create_contact(
        session,
        first_name=first,
        last_name="Test",
        tier=tier,
        phones=[NewPhone(PhoneKind.MOBILE, raw)],
        now=T0,
        **extra,  # type: ignore[arg-type]
    )
    return card.contact_id


async def _call(session: AsyncSession, call_id: str, contact_id: int, hours_ago: int) -> None:
    draft = InteractionDraft(
        call_id=call_id,
        direction=Direction.INBOUND,
        started_at=T0 - timedelta(hours=hours_ago),
        contact_id=contact_id,
        queue="support",
        outcome=Outcome.ANSWERED,
    )
    await record_interaction(session, draft)


async def test_a_known_caller_gets_their_card(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        grace = await _contact(session, "Grace", "(212) 555-0100", Tier.GOLD, organisation="Navy")
        await create_request(session, contact_id=grace, subject="Open one", now=T0)
        await create_request(
            session, contact_id=grace, subject="Done", status=RequestStatus.CLOSED, now=T0
        )
        await _call(session, "c-old", grace, hours_ago=48)
        await _call(session, "c-new", grace, hours_ago=1)
    async with sessions() as session:
        match = await match_caller(session, "+12125550100", "8005551234")
    assert (match.ani_raw, match.ani_e164, match.withheld) == (
        "+12125550100",
        "+12125550100",
        False,
    )
    [card] = match.candidates
    assert (card.contact_id, card.display_name, card.organisation) == (grace, "Grace Test", "Navy")
    assert card.tier is Tier.GOLD
    assert [p.e164 for p in card.phones] == ["+12125550100"]
    assert [(r.number, r.subject, r.priority) for r in card.open_requests] == [
        (10023, "Open one", Priority.NORMAL)
    ]
    assert [i.at for i in card.recent_interactions] == [
        T0 - timedelta(hours=1),
        T0 - timedelta(hours=48),
    ]


async def test_an_unknown_caller_has_no_candidates(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await _contact(session, "Grace", "(212) 555-0100")
    async with sessions() as session:
        match = await match_caller(session, "(646) 555-0123", "8005551234")
    assert (match.ani_e164, match.withheld, match.candidates) == ("+16465550123", False, [])


@pytest.mark.parametrize(
    ("ani", "withheld"), [("anonymous", True), ("", True), ("1001", False), ("hello", False)]
)
async def test_withheld_internal_and_invalid_callers_run_no_query(
    sqlite_engine: AsyncEngine,
    statement_log: Callable[[AsyncEngine], StatementLog],
    ani: str,
    withheld: bool,
) -> None:
    log = statement_log(sqlite_engine)
    async with AsyncSession(sqlite_engine) as session:
        match = await match_caller(session, ani, "8005551234")
    assert (match.ani_raw, match.ani_e164, match.withheld, match.candidates) == (
        ani,
        None,
        withheld,
        [],
    )
    assert log.statements == []


async def test_contacts_sharing_a_number_are_all_candidates_best_tier_then_most_recent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        quiet_gold = await _contact(session, "Quiet", SHARED, Tier.GOLD)
        none = await _contact(session, "Nobody", "312.555.0144")
        recent_gold = await _contact(session, "Recent", "(312) 555-0144", Tier.GOLD)
        platinum = await _contact(session, "Plat", SHARED, Tier.PLATINUM)
        await _call(session, "c1", quiet_gold, hours_ago=30)
        await _call(session, "c2", recent_gold, hours_ago=2)
        await _call(session, "c3", none, hours_ago=1)
    async with sessions() as session:
        match = await match_caller(session, "3125550144", "8005551234")
    assert [c.contact_id for c in match.candidates] == [platinum, recent_gold, quiet_gold, none]


async def test_matching_is_one_statement_through_indexes_never_a_suffix_scan(
    sqlite_engine: AsyncEngine, statement_log: Callable[[AsyncEngine], StatementLog]
) -> None:
    async with AsyncSession(sqlite_engine) as session, session.begin():
        grace = await _contact(session, "Grace", "(212) 555-0100")
        await create_request(session, contact_id=grace, subject="Open one", now=T0)
        await _call(session, "c1", grace, hours_ago=1)
    log = statement_log(sqlite_engine)
    async with lookup_engine(sqlite_engine).connect() as connection:
        match = await match_caller(connection, "+12125550100", "8005551234")
    assert match.candidates[0].open_requests and match.candidates[0].recent_interactions
    [(statement, params)] = log.statements  # no BEGIN, no second query
    assert "LIKE" not in statement.upper()
    async with sqlite_engine.connect() as conn:
        plan = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)).all()
    details = [str(row[-1]) for row in plan]
    assert "SEARCH contact_phones USING INDEX ix_contact_phones_e164 (e164=?)" in details
    # Every table is searched through an index; only the tiny CTE and window are scanned.
    tables = ("contacts", "contact_phones", "service_requests", "interactions")
    assert not [d for d in details if d.startswith("SCAN") and d.split()[1] in tables]


async def test_matching_runs_one_statement_on_both_backends(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    statement_log: Callable[[AsyncEngine], StatementLog],
) -> None:
    async with sessions.begin() as session:
        await _contact(session, "Grace", "(212) 555-0100")
    log = statement_log(engine)
    async with lookup_engine(engine).connect() as connection:
        match = await match_caller(connection, "+1 212 555 0100", "8005551234")
    assert [c.display_name for c in match.candidates] == ["Grace Test"]
    assert [s.split()[0].upper() for s, _ in log.statements] == ["WITH"]


async def test_a_shared_number_is_flagged_ambiguous_and_a_single_match_is_not(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await _contact(session, "One", SHARED)
        await _contact(session, "Two", SHARED)
        await _contact(session, "Solo", "(212) 555-0100")
    async with sessions() as session:
        shared = await match_caller(session, SHARED, "8005551234")
        solo = await match_caller(session, "2125550100", "8005551234")
        nobody = await match_caller(session, "(646) 555-0123", "8005551234")
    assert (len(shared.candidates), shared.ambiguous) == (2, True)
    assert (len(solo.candidates), solo.ambiguous) == (1, False)
    assert (nobody.candidates, nobody.ambiguous) == ([], False)


async def test_a_card_shows_the_five_latest_calls_newest_first_and_open_requests_by_due_date(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        grace = await _contact(session, "Grace", "(212) 555-0100")
        other = await _contact(session, "Other", "(646) 555-0123")
        for hours in (7, 3, 9, 1, 5, 2, 8):
            await _call(session, f"g{hours}", grace, hours_ago=hours)
        await _call(session, "o1", other, hours_ago=0)
        later = await create_request(
            session, contact_id=grace, subject="Later", due_at=T0 + timedelta(days=2), now=T0
        )
        undated = await create_request(session, contact_id=grace, subject="Undated", now=T0)
        sooner = await create_request(
            session, contact_id=grace, subject="Sooner", due_at=T0 + timedelta(days=1), now=T0
        )
    async with sessions() as session:
        [card] = (await match_caller(session, "+12125550100", "8005551234")).candidates
    assert [i.at for i in card.recent_interactions] == [
        T0 - timedelta(hours=h) for h in (1, 2, 3, 5, 7)
    ]
    assert [r.number for r in card.open_requests] == [sooner.number, later.number, undated.number]


async def test_contact_cards_come_back_in_the_order_asked_skipping_unknown_ids(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        first = await _contact(session, "First", "(212) 555-0100")
        second = await _contact(session, "Second", "(646) 555-0123")
    async with sessions() as session:
        cards = await contact_cards(session, [second, 4242, first])
    assert [c.contact_id for c in cards] == [second, first]


async def test_internal_extensions_are_stored_apart_and_never_match(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        card = await create_contact(
            session,
            first_name="Desk",
            last_name="Phone",
            phones=[NewPhone(PhoneKind.WORK, "1001")],
            now=T0,
        )
    async with sessions() as session:
        row = await session.scalar(select(ContactPhone))
        match = await match_caller(session, "1001", "8005551234")
    assert row is not None and (row.e164, row.internal) == (None, "1001")
    assert card.phones[0].e164 is None
    assert match.candidates == []


@pytest.mark.parametrize("raw", ["anonymous", "555-0100", "not a number"])
async def test_a_contact_with_an_unusable_number_is_refused(
    sessions: async_sessionmaker[AsyncSession], raw: str
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(InvalidPhoneNumber):
            await _contact(session, "Bad", raw)


async def test_a_contact_needs_a_name_and_a_real_account_manager(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(InvalidValue):
            await create_contact(session, first_name=" ", last_name="", now=T0)
        with pytest.raises(NotFound):
            await create_contact(
                session, first_name="A", last_name="B", account_manager="ghost", now=T0
            )


async def test_an_organisation_alone_names_the_card(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        card = await create_contact(
            session, first_name="", last_name="", organisation="Acme", now=T0, emails=["a@b.c"]
        )
    async with sessions() as session:
        again = await get_contact_card(session, card.contact_id)
        missing = await get_contact_card(session, 4242)
    assert again == card
    assert card.display_name == "Acme"
    assert missing is None
