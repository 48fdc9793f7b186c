"""Searching contacts by name, phone in any format, e-mail or request number, page by page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_core.contacts import NewPhone, create_contact
from crm_core.errors import InvalidField
from crm_core.search import ContactPage, SearchKind, search_contacts
from crm_core.service_requests import create_request
from crm_core.vocabulary import PhoneKind, Tier
from tests.crm_core.conftest import T0, StatementLog

PEOPLE = [
    # first, last, organisation, tier, phone, email
    ("Grace", "Hopper", "Navy", Tier.GOLD, "(212) 555-0100", "Grace@Navy.mil"),
    ("Ada", "Lovelace", None, Tier.PLATINUM, "+44 20 7946 0958", "ada@example.org"),
    ("Alan", "Turing", "Bletchley", Tier.SILVER, "+44 20 7946 0959", "alan@example.org"),
    ("Anne", "Hopkins", None, Tier.GOLD, "312-555-0144", "anne@example.org"),
    ("Percy", "100%_Sure", None, Tier.NONE, "312-555-0145", "percy@example.org"),
]


async def _people(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    ids: dict[str, int] = {}
    async with sessions.begin() as session:
        for first, last, org, tier, phone, email in PEOPLE:
            card = await create_contact(
                session,
                first_name=first,
                last_name=last,
                organisation=org,
                tier=tier,
                phones=[NewPhone(PhoneKind.MOBILE, phone)],
                emails=[email],
                now=T0,
            )
            ids[first] = card.contact_id
    return ids


async def _names(session: AsyncSession, query: str, **options: object) -> list[str]:
    page = await search_contacts(session, query, **options)  # type: ignore[arg-type]
    return [hit.display_name for hit in page.items]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hop", ["Anne Hopkins", "Grace Hopper"]),  # last-name prefix, case-insensitive
        ("GRACE", ["Grace Hopper"]),
        ("grace hop", ["Grace Hopper"]),  # full-name prefix
        ("bletch", ["Alan Turing"]),  # organisation prefix
        ("ace", []),  # a prefix, not a substring
        ("100%", ["Percy 100%_Sure"]),  # LIKE wildcards are literal
        ("1_0", []),
    ],
)
async def test_names_match_by_case_insensitive_prefix(
    sessions: async_sessionmaker[AsyncSession], query: str, expected: list[str]
) -> None:
    await _people(sessions)
    async with sessions() as session:
        assert await _names(session, query) == expected


@pytest.mark.parametrize(
    "query", ["+12125550100", "(212) 555-0100", "212.555.0100", "1 212 555 0100"]
)
async def test_a_phone_number_in_any_format_finds_its_contact(
    sessions: async_sessionmaker[AsyncSession], query: str
) -> None:
    await _people(sessions)
    async with sessions() as session:
        page = await search_contacts(session, query)
    assert page.matched_by is SearchKind.PHONE
    assert [hit.display_name for hit in page.items] == ["Grace Hopper"]


async def test_phone_search_is_an_exact_lookup_on_e164(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    statement_log: Callable[[AsyncEngine], StatementLog],
) -> None:
    await _people(sessions)
    log = statement_log(engine)
    async with sessions() as session:
        await search_contacts(session, "020 7946 0958", default_region="GB")
    statements = log.matching("contact_phones")
    assert len(statements) == 1
    sql, params = statements[0]
    assert "LIKE" not in sql.upper()
    assert "+442079460958" in str(params)


async def test_email_and_request_number_find_their_contact(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _people(sessions)
    async with sessions.begin() as session:
        request = await create_request(session, contact_id=ids["Ada"], subject="Engine", now=T0)
    async with sessions() as session:
        by_email = await search_contacts(session, "grace@NAVY.MIL")
        by_number = await search_contacts(session, str(request.number))
        by_tag = await search_contacts(session, f"SR-{request.number}")
        nobody = await search_contacts(session, "nobody@example.org")
    assert (by_email.matched_by, [h.contact_id for h in by_email.items]) == (
        SearchKind.EMAIL,
        [ids["Grace"]],
    )
    assert by_number.matched_by is SearchKind.REQUEST
    assert [h.contact_id for h in by_number.items] == [ids["Ada"]]
    assert [h.contact_id for h in by_tag.items] == [ids["Ada"]]
    assert nobody.items == []


async def test_the_tier_filter_narrows_any_search(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _people(sessions)
    async with sessions() as session:
        assert await _names(session, "", tier=Tier.GOLD) == ["Anne Hopkins", "Grace Hopper"]
        assert await _names(session, "a", tier=Tier.PLATINUM) == ["Ada Lovelace"]


async def test_pages_walk_every_contact_once_in_a_stable_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for _ in range(7):  # same names: the id breaks the tie
            await create_contact(session, first_name="Sam", last_name="Smith", now=T0)
        for last in ("smythe", "Smart"):
            await create_contact(session, first_name="Sam", last_name=last, now=T0)
    seen: list[int] = []
    pages: list[ContactPage] = []
    cursor: str | None = None
    async with sessions() as session:
        while True:
            page = await search_contacts(session, "sm", cursor=cursor, limit=4)
            pages.append(page)
            seen += [hit.contact_id for hit in page.items]
            if (cursor := page.next_cursor) is None:
                break
    assert [len(p.items) for p in pages] == [4, 4, 1]
    assert len(seen) == len(set(seen)) == 9
    names = [hit.display_name for p in pages for hit in p.items]
    assert names[0] == "Sam Smart" and names[-1] == "Sam smythe"


async def test_bad_cursors_and_limits_are_refused_by_name(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _people(sessions)
    async with sessions() as session:
        page = await search_contacts(session, "", limit=1)
        assert page.next_cursor is not None
        with pytest.raises(InvalidField, match="another search") as other:
            await search_contacts(session, "hop", cursor=page.next_cursor)
        with pytest.raises(InvalidField) as garbage:
            await search_contacts(session, "", cursor="not-a-cursor")
        with pytest.raises(InvalidField) as limit:
            await search_contacts(session, "", limit=0)
    assert (other.value.field, garbage.value.field, limit.value.field) == (
        "cursor",
        "cursor",
        "limit",
    )
