"""A campaign's retry rules and suppression periods over REST (set on create, one outcome
changed by PATCH; bad values are in test_crm_routes_campaigns), and a contact's purchases
(recorded by an agent, listed, refused when they make no sense, imported from CSV)
suppressing the contact's lead in the campaign's pre-flight under "recent purchase"."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.routing import create_queue

from .conftest import Stack
from .test_crm_routes_campaigns import BODY, CAMPAIGNS
from .test_crm_routes_support import as_user, crm_client, new_contact

RULES = {
    "busy": {"delay_seconds": 90, "max_attempts": 4},
    "machine": {"delay_seconds": 86_400, "max_attempts": 1},
}


@pytest.fixture
async def crm(
    stack: Stack, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    async with sessionmaker.begin() as session:
        await create_queue(session, name="sales", required_skill="sales")
    async with crm_client(stack, sessionmaker) as client:
        yield client


async def test_rules_set_on_create_are_answered_with_the_defaults_for_the_rest(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "sue")
    body = BODY | {"retries": RULES, "contacted_within_days": 0, "purchased_within_days": 90}

    created = await crm.post(CAMPAIGNS, json=body)
    path = f"{CAMPAIGNS}/{created.json()['campaign_id']}"
    patched = await crm.patch(
        path,
        json={"retries": {"no_answer": {"delay_seconds": 3600, "max_attempts": 2}}},
        headers={"If-Match": '"1"'},
    )
    read = await crm.get(path)

    assert created.status_code == 201, created.text
    assert created.json()["retries"] == RULES | {
        "no_answer": {"delay_seconds": 7200, "max_attempts": 3},
        "failed": {"delay_seconds": 60, "max_attempts": 2},
    }
    assert (created.json()["contacted_within_days"], created.json()["purchased_within_days"]) == (
        0,
        90,
    )
    assert patched.status_code == 200, patched.text
    assert read.json()["retries"]["no_answer"] == {"delay_seconds": 3600, "max_attempts": 2}
    assert read.json()["retries"]["busy"] == RULES["busy"]


async def test_an_agent_records_a_purchase_that_the_preflight_then_counts_as_recent(
    crm: httpx.AsyncClient, stack: Stack
) -> None:
    await as_user(crm, "sue")
    contact = await new_contact(crm, phones=[{"number": "+12125550123"}])
    contact_id = contact["contact_id"]
    created = await crm.post(CAMPAIGNS, json=BODY | {"purchased_within_days": 14})
    campaign = f"{CAMPAIGNS}/{created.json()['campaign_id']}"
    leads = await crm.post(f"{campaign}/leads", json={"contact_ids": [contact_id]})
    before = await crm.get(f"{campaign}/preflight")

    await as_user(crm, "alice")
    now = datetime.fromtimestamp(stack.clock.now(), UTC)
    bought = await crm.post(
        f"/api/crm/contacts/{contact_id}/purchases",
        json={"item": "Router X2", "amount_minor": 12_999, "currency": "EUR",
              "purchased_at": (now - timedelta(days=13)).isoformat()},
    )  # fmt: skip
    listed = await crm.get(f"/api/crm/contacts/{contact_id}/purchases")
    await as_user(crm, "sue")
    after = await crm.get(f"{campaign}/preflight")

    assert before.json()["skipped"] == 0
    assert bought.status_code == 201, bought.text
    assert bought.json()["source"] == "user alice"
    assert [(p["item"], p["amount_minor"], p["currency"]) for p in listed.json()["items"]] == [
        ("Router X2", 12_999, "EUR")
    ]
    assert after.json()["skipped_by_rule"] == [
        {"rule": "recent purchase", "count": 1, "lead_ids": leads.json()["lead_ids"]}
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"item": ""}, "item"),
        ({"item": "Router", "currency": "usd"}, "currency"),
        ({"item": "Router", "amount_minor": -5}, "amount_minor"),
        ({"item": "Router", "purchased_at": "2099-01-01T00:00:00+00:00"}, "purchased_at"),
        ({"item": "Router", "purchased_at": "2026-01-01T00:00:00"}, "purchased_at"),
        ({"item": "Router", "colour": "red"}, "colour"),
    ],
)
async def test_a_purchase_that_makes_no_sense_is_422_naming_the_field(
    crm: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    await as_user(crm, "alice")
    contact = await new_contact(crm)

    response = await crm.post(f"/api/crm/contacts/{contact['contact_id']}/purchases", json=body)

    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_purchases_of_an_unknown_contact_are_404(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "alice")
    listed = await crm.get("/api/crm/contacts/424242/purchases")
    made = await crm.post("/api/crm/contacts/424242/purchases", json={"item": "Router"})
    assert (listed.status_code, made.status_code) == (404, 404)


async def test_a_lead_imports_purchases_from_csv_with_every_refused_row_reported(
    crm: httpx.AsyncClient, stack: Stack
) -> None:
    await as_user(crm, "sue")
    contact = await new_contact(crm)
    cid = contact["contact_id"]
    text = (
        "contact_id,purchased_at,item,amount_minor,currency\n"
        f"{cid},2026-11-01T10:00:00+00:00,Router,4999,EUR\n"
        f"{cid},2026-11-02T10:00:00+00:00,Cable,,\n"
        "424242,2026-11-02T10:00:00+00:00,Router,1,USD\n"
        f"{cid},yesterday,Router,1,USD\n"
        f"{cid},2026-11-02T10:00:00,Router,1,USD\n"
        f"{cid},2026-11-02T10:00:00+00:00,Router,1,usd\n"
    )
    csv_type = {"content-type": "text/csv"}

    imported = await crm.post("/api/crm/purchases/import", content=text, headers=csv_type)
    listed = await crm.get(f"/api/crm/contacts/{cid}/purchases")
    bad_header = await crm.post(
        "/api/crm/purchases/import", content="item\nRouter\n", headers=csv_type
    )
    await as_user(crm, "alice")
    agent = await crm.post("/api/crm/purchases/import", content=text, headers=csv_type)

    assert imported.status_code == 200, imported.text
    assert imported.json()["imported"] == 2
    assert [(e["line"], e["reason"].split(":")[0]) for e in imported.json()["errors"]] == [
        (4, "contact_id"),
        (5, "purchased_at"),
        (6, "purchased_at"),
        (7, "currency"),
    ]
    assert [(p["item"], p["amount_minor"], p["currency"], p["source"])
            for p in listed.json()["items"]] == [
        ("Cable", 0, "USD", "import by sue"),
        ("Router", 4999, "EUR", "import by sue"),
    ]  # fmt: skip
    assert (bad_header.status_code, bad_header.json()["field"]) == (422, "header")
    assert agent.status_code == 403
