"""CSV import lands the good rows, reports each bad row by line and reason, half-writes none."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_core.contacts_csv import RowError, export_contacts_csv, import_contacts_csv
from crm_core.db import make_engine, make_sessionmaker, upgrade
from crm_core.errors import InvalidValue
from crm_core.search import search_contacts
from crm_core.vocabulary import Tier
from tests.crm_core.conftest import T0, add_agents

MIXED = """\ufefffirst_name,last_name,organisation,phones,emails,tier,timezone,account_manager,notes
Grace,Hopper,Navy,work:(212) 555-0100; +1 312 555 0144,grace@navy.mil,gold,America/New_York,alice,
,,,+1 212 555 0101,,,,,no name at all
Ada,Lovelace,,+44 20 7946 0958; 555-0100,,silver,,,second phone has no area code
Alan,Turing,,,,diamond,,,
Anne,Hopkins,,,anne-at-example.org,,,,

Zed,Zero,,,,,Mars/Olympus,,
Mo,Money,,,,,,nobody,unknown account manager
"Quoted, Name",Multi,,fax:+1 212 555 0102,,,,,"notes over
two lines"
Too,Many,,,,,,,,extra
Last,Good,,+1 415 555 0199,last@example.org,platinum,,,
"""


async def _contact_rows(engine: AsyncEngine) -> dict[str, int]:
    counts = {}
    async with engine.connect() as connection:
        for table in ("contacts", "contact_phones", "contact_emails"):
            sql = f"SELECT count(*) FROM {table}"
            counts[table] = (await connection.exec_driver_sql(sql)).scalar_one()
    return counts


async def test_good_rows_land_and_bad_rows_are_reported_by_line_and_reason(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as session:
        await add_agents(session, "alice")
    report = await import_contacts_csv(sessions, MIXED, default_region="US", now=T0, batch_size=2)
    assert report.imported == 2
    assert [(e.line, e.reason.split(" ")[0:2]) for e in report.errors] == [
        (3, ["missing", "name:"]),
        (4, ["invalid", "phone"]),
        (5, ["unknown", "tier"]),
        (6, ["invalid", "e-mail"]),
        (8, ["unknown", "time"]),
        (9, ["unknown", "agent"]),
        (10, ["unknown", "phone"]),  # "fax:" is no kind we store
        (12, ["has", "10"]),
    ]
    assert "'555-0100'" in report.errors[1].reason
    assert "'diamond'" in report.errors[2].reason
    # Nothing half-written: only the two good rows' contacts, phones and e-mails exist.
    assert await _contact_rows(engine) == {
        "contacts": 2,
        "contact_phones": 3,
        "contact_emails": 2,
    }
    async with sessions() as session:
        grace = await search_contacts(session, "+13125550144")
        by_tier = await search_contacts(session, "", tier=Tier.PLATINUM)
    assert [h.display_name for h in grace.items] == ["Grace Hopper"]
    assert [h.display_name for h in by_tier.items] == ["Last Good"]


async def test_a_row_refused_by_the_database_rolls_back_alone(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    text = "first_name,phones,account_manager\nA,+12125550100,\nB,+12125550101,ghost\nC,,\n"
    report = await import_contacts_csv(sessions, text, default_region="US", now=T0)
    assert (report.imported, report.errors) == (2, [RowError(3, "unknown agent 'ghost'")])
    assert await _contact_rows(engine) == {"contacts": 2, "contact_phones": 1, "contact_emails": 0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "needs a first_name"),
        ("first_name,shoe_size\nA,42\n", "unknown CSV columns"),
        ("first_name,first_name\nA,B\n", "appears twice"),
        ("phones\n+12125550100\n", "needs a first_name"),
    ],
)
async def test_an_unusable_header_refuses_the_whole_file(
    sessions: async_sessionmaker[AsyncSession], text: str, message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        await import_contacts_csv(sessions, text, default_region="US", now=T0)


async def test_export_then_import_reproduces_the_same_csv(
    sessions: async_sessionmaker[AsyncSession], sqlite_url: str, db_url: str
) -> None:
    async with sessions.begin() as session:
        await add_agents(session, "alice")
    report = await import_contacts_csv(sessions, MIXED, default_region="US", now=T0)
    assert report.imported == 2
    async with sessions() as session:
        exported = await export_contacts_csv(session)
        platinum = await export_contacts_csv(session, tier=Tier.PLATINUM)
    assert exported.splitlines()[1].startswith(
        "Grace,Hopper,Navy,work:+12125550100; mobile:+13125550144,grace@navy.mil,gold,en,"
    )
    assert len(platinum.splitlines()) == 2
    other_url = sqlite_url.replace("crm.db", "copy.db")
    await upgrade(other_url)
    other = make_engine(other_url)
    try:
        copy_sessions = make_sessionmaker(other)
        async with copy_sessions.begin() as session:
            await add_agents(session, "alice")
        again = await import_contacts_csv(copy_sessions, exported, default_region="GB", now=T0)
        assert (again.imported, again.errors) == (2, [])
        async with copy_sessions() as session:
            assert await export_contacts_csv(session) == exported
    finally:
        await other.dispose()
