"""The CRM's do-not-call, CSV and value-pyramid routes: roles (removing and importing need a
team lead), bad CSV rows reported by line while good rows land, export round-trips."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.users import create_user
from crm_core.vocabulary import Role

from .conftest import Stack
from .test_crm_routes_support import as_user, crm_client, new_contact

CSV = {"Content-Type": "text/csv"}


@pytest.fixture
async def crm(
    stack: Stack, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    async with crm_client(stack, sessionmaker) as client:
        yield client


async def test_a_listed_number_reads_back_in_any_format_and_a_lead_removes_it(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "alice")
    added = await crm.post(
        "/api/crm/do-not-call",
        json={"number": "(212) 555-0100", "reason": "asked", "source": "agent"},
    )
    read = await crm.get("/api/crm/do-not-call/+12125550100")
    refused = await crm.delete("/api/crm/do-not-call/2125550100")
    await as_user(crm, "sue")
    removed = await crm.delete("/api/crm/do-not-call/2125550100")
    gone = await crm.get("/api/crm/do-not-call/2125550100")

    assert added.status_code == 200, added.text
    assert added.json()["e164"] == "+12125550100"
    assert read.json()["active"] is True
    assert read.json()["reason"] == "asked"
    assert refused.status_code == 403
    assert removed.status_code == 204
    assert gone.status_code == 404


async def test_removing_an_unlisted_number_is_404(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "sue")

    response = await crm.delete("/api/crm/do-not-call/2125550199")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"number": "hello", "source": "agent"}, "number"),
        ({"number": "2125550100", "source": ""}, "source"),
        ({"number": "2125550100", "source": "x", "expires_at": "2020-01-01T00:00Z"}, "expires_at"),
    ],
)
async def test_a_refused_do_not_call_entry_is_422_naming_the_field(
    crm: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    await as_user(crm, "alice")

    response = await crm.post("/api/crm/do-not-call", json=body)

    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_an_agent_may_not_import_contacts(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "alice")

    response = await crm.post("/api/crm/contacts/import", content="first_name\nA\n", headers=CSV)

    assert response.status_code == 403


async def test_an_admin_may_import_contacts_and_remove_a_listed_number(
    crm: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as session:
        await create_user(
            session, username="root", display_name="Admin", role=Role.ADMIN, password="root-pw"
        )
    login = await crm.post("/api/login", json={"username": "root", "password": "root-pw"})
    assert login.status_code == 200
    await crm.post("/api/crm/do-not-call", json={"number": "2125550100", "source": "registry"})

    imported = await crm.post("/api/crm/contacts/import", content="first_name\nAda\n", headers=CSV)
    removed = await crm.delete("/api/crm/do-not-call/2125550100")

    assert imported.json()["imported"] == 1
    assert removed.status_code == 204


async def test_import_reports_bad_rows_by_line_and_lands_the_good_ones(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "sue")
    text = (
        "first_name,last_name,phones,tier\n"
        "Grace,Hopper,+1 212 555 0101,gold\n"
        "Bad,Phone,+1 999,none\n"
        ",,,\n"
        "Bad,Tier,,diamond\n"
        "Alan,Turing,work:2125550102,\n"
    )

    response = await crm.post("/api/crm/contacts/import", content=text, headers=CSV)
    found = await crm.get("/api/crm/contacts", params={"q": "+12125550102"})

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["imported"] == 2
    assert [e["line"] for e in report["errors"]] == [3, 5]
    assert "phone" in report["errors"][0]["reason"]
    assert [i["display_name"] for i in found.json()["items"]] == ["Alan Turing"]


async def test_import_with_an_unusable_header_is_422_naming_header(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "sue")

    response = await crm.post("/api/crm/contacts/import", content="shoe\n9\n", headers=CSV)

    assert response.status_code == 422
    assert response.json()["field"] == "header"


async def test_import_that_is_not_csv_is_415(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "sue")

    response = await crm.post("/api/crm/contacts/import", json={"first_name": "A"})

    assert response.status_code == 415


async def test_import_over_the_size_limit_is_413(
    stack: Stack, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with crm_client(stack, sessionmaker, max_import_bytes=64) as client:
        await as_user(client, "sue")
        text = "first_name\n" + "Ada\n" * 40

        response = await client.post("/api/crm/contacts/import", content=text, headers=CSV)

    assert response.status_code == 413


async def test_export_round_trips_through_import(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "sue")
    await new_contact(
        crm,
        tier="silver",
        timezone="Europe/London",
        notes='said "hi",\nthen left',
        phones=[{"kind": "home", "number": "+44 20 7946 0018"}],
        emails=["ada@example.com"],
    )
    await new_contact(crm, first_name="", last_name="", organisation="Acme, Inc.")
    exported = await crm.get("/api/crm/contacts/export")

    imported = await crm.post("/api/crm/contacts/import", content=exported.text, headers=CSV)
    again = await crm.get("/api/crm/contacts/export")

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert imported.json() == {"imported": 2, "contact_ids": [3, 4], "errors": []}
    header, *rows = exported.text.splitlines(keepends=True)
    body = "".join(rows)
    assert again.text == header + body + body


async def test_an_agent_may_export_one_tier(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "alice")
    await new_contact(crm, tier="gold")
    await new_contact(crm, first_name="Other")

    response = await crm.get("/api/crm/contacts/export", params={"tier": "gold"})

    assert response.status_code == 200
    assert len(response.text.splitlines()) == 2


async def test_the_value_pyramid_counts_contacts_per_tier_and_band(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "alice")
    created = await new_contact(crm, tier="gold")
    await crm.patch(
        f"/api/crm/contacts/{created['contact_id']}",
        json={"value_score": 92},
        headers={"If-Match": '"1"'},
    )
    await new_contact(crm)

    response = await crm.get("/api/crm/value-pyramid")

    assert response.status_code == 200
    pyramid = response.json()
    assert pyramid["total"] == 2
    assert pyramid["by_band"] == {"top": 1, "high": 0, "medium": 0, "low": 1}
    assert pyramid["levels"][0]["tier"] == "platinum"
    gold = next(level for level in pyramid["levels"] if level["tier"] == "gold")
    assert gold["count"] == 1
    assert gold["by_band"]["top"] == 1
