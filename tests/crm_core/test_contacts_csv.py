"""CSV import lands the good rows, reports each bad row by line and reason, half-writes none."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_core.contacts_csv import RowError, export_contacts_csv, import_contacts_csv
from crm_core.db import make_engine, make_sessionmaker, upgrade
from crm_core.errors import InvalidValue
from crm_core.search import search_contacts
from crm_core.vocabulary import Tier
from tests.crm_core.conftest import T0, StatementLog, add_agents

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


REFUSE_TRIGGER = {
    # A rule the import's checks cannot know: the database alone refuses "Refused" rows.
    "sqlite": [
        "CREATE TRIGGER refuse_some BEFORE INSERT ON contacts WHEN NEW.first_name = 'Refused'"
        " BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_some() RETURNS trigger AS $$ BEGIN"
        " IF NEW.first_name = 'Refused' THEN RAISE EXCEPTION 'refused by trigger'; END IF;"
        " RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_some BEFORE INSERT ON contacts"
        " FOR EACH ROW EXECUTE FUNCTION refuse_some()",
    ],
}


async def test_a_row_the_database_refuses_inside_a_batch_costs_only_itself(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with engine.begin() as connection:
        for statement in REFUSE_TRIGGER[engine.dialect.name]:
            await connection.exec_driver_sql(statement)
    lines = ["first_name,last_name,phones,emails"]
    for n in range(1, 11):
        name = "Refused" if n in (4, 9) else f"Good{n}"
        lines.append(f"{name},Row,+1 212 555 {100 + n:04d},row{n}@example.org")
    text = "\n".join(lines) + "\n"
    report = await import_contacts_csv(sessions, text, default_region="US", now=T0, batch_size=8)
    assert report.imported == 8
    assert [e.line for e in report.errors] == [5, 10]
    assert all("refused by the database" in e.reason for e in report.errors)
    assert "refused by trigger" in report.errors[0].reason
    # Each good row whole, each refused one not at all: no phone or e-mail left orphaned.
    assert await _contact_rows(engine) == {
        "contacts": 8,
        "contact_phones": 8,
        "contact_emails": 8,
    }
    async with sessions() as session:
        found = await search_contacts(session, "+12125550107")
    assert [h.display_name for h in found.items] == ["Good7 Row"]
    assert len(set(report.contact_ids)) == 8


async def test_the_import_writes_in_bulk_not_row_by_row(
    sqlite_engine: AsyncEngine,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    statement_log: Callable[[AsyncEngine], StatementLog],
) -> None:
    lines = ["first_name,phones,emails"]
    lines += [f"P{n},+1 212 555 {n:04d},p{n}@example.org" for n in range(300)]
    log = statement_log(sqlite_engine)
    report = await import_contacts_csv(
        sqlite_sessions, "\n".join(lines) + "\n", default_region="US", now=T0
    )
    assert (report.imported, report.errors) == (300, [])
    inserts = [s for s, _ in log.statements if s.startswith("INSERT")]
    assert 3 <= len(inserts) <= 6  # contacts, phones, e-mails: not 900 single-row INSERTs


async def test_a_contact_imported_twice_lands_twice_as_people_share_numbers(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    text = "first_name,phones,emails\nAda,+12125550100,a@x.org; A@x.org; a@x.org\n"
    first = await import_contacts_csv(sessions, text, default_region="US", now=T0)
    again = await import_contacts_csv(sessions, text, default_region="US", now=T0)
    assert (first.imported, again.imported) == (1, 1)
    # Within a row an address typed twice is stored once (differently cased ones are kept).
    assert await _contact_rows(engine) == {
        "contacts": 2,
        "contact_phones": 2,
        "contact_emails": 4,
    }


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("A,+1" + " " * 60 + "212 555 0100,", "longer than 64 characters"),
        ("A,," + "a" * 320 + "@x.org", "longer than 320 characters"),
    ],
)
async def test_phones_and_emails_longer_than_their_columns_are_refused_before_writing(
    sessions: async_sessionmaker[AsyncSession], cells: str, reason: str
) -> None:
    text = f"first_name,phones,emails\n{cells}\nB,,\n"
    report = await import_contacts_csv(sessions, text, default_region="US", now=T0)
    assert report.imported == 1
    [error] = report.errors
    assert error.line == 2 and reason in error.reason
