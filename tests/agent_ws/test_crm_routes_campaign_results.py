"""A campaign's supervisor views over REST: the pre-flight by rule with sample leads, the
live monitor from stored attempts, the results as CSV; and who may call which campaign route
(the authorisation matrix)."""

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.campaign_attempts import finish_attempt, start_attempt
from crm_core.campaign_leads import due_leads
from crm_core.routing import create_queue
from crm_core.vocabulary import AttemptOutcome

from .conftest import Stack
from .fakes import T0
from .test_crm_routes_campaigns import BODY, CAMPAIGNS
from .test_crm_routes_support import as_user, crm_client, make_agents, new_contact

NOW = datetime.fromtimestamp(T0, UTC)


@pytest.fixture
async def crm(
    stack: Stack, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    await make_agents(sessionmaker)
    async with sessionmaker.begin() as session:
        await create_queue(session, name="sales", required_skill="sales")
    async with crm_client(stack, sessionmaker) as client:
        yield client


async def _campaign_with_leads(crm: httpx.AsyncClient) -> tuple[str, list[int]]:
    """Three gold leads: one fine, one listed after joining, one with an open complaint."""
    await as_user(crm, "sue")
    created = (await crm.post(CAMPAIGNS, json=BODY)).json()
    path = f"{CAMPAIGNS}/{created['campaign_id']}"
    ids = []
    for n, name in enumerate(("Fine", "=Listed", "Complains")):
        contact = await new_contact(
            crm, first_name=name, tier="gold", phones=[{"number": f"(212) 555-01{n:02d}"}]
        )
        ids.append(int(str(contact["contact_id"])))
    added = await crm.post(f"{path}/leads", json={"contact_ids": ids})
    assert added.json()["added"] == 3
    dnc = {"number": "2125550101", "source": "customer"}
    assert (await crm.post("/api/crm/do-not-call", json=dnc)).status_code == 200
    complaint = {"contact_id": ids[2], "subject": "Broken", "category": "complaint"}
    assert (await crm.post("/api/crm/requests", json=complaint)).status_code == 201
    return path, ids


async def test_the_preflight_counts_skips_by_rule_with_sample_leads(
    crm: httpx.AsyncClient,
) -> None:
    path, _ = await _campaign_with_leads(crm)

    answer = (await crm.get(f"{path}/preflight", params={"examples": 1})).json()
    bad = await crm.get(f"{path}/preflight", params={"examples": 51})

    assert (answer["pending"], answer["eligible"], answer["skipped"]) == (3, 1, 2)
    assert [(r["rule"], r["count"], len(r["lead_ids"])) for r in answer["skipped_by_rule"]] == [
        ("internal do-not-call", 1, 1),
        ("open complaint", 1, 1),
    ]
    assert bad.status_code == 422 and "examples" in bad.text


async def test_the_monitor_and_export_read_the_stored_attempts(
    crm: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path, _ = await _campaign_with_leads(crm)
    campaign_id = int(path.rsplit("/", 1)[1])
    async with sessionmaker.begin() as session:
        fine, listed, _ = await due_leads(session, campaign_id, at=NOW)
        talk = await start_attempt(
            session, fine.lead_id, number=fine.phone, at=NOW - timedelta(minutes=30)
        )
        await finish_attempt(
            session,
            talk.attempt_id,
            AttemptOutcome.HUMAN,
            at=NOW - timedelta(minutes=20),
            answered_at=NOW - timedelta(minutes=29),
            agent_id="alice",
        )
        busy = await start_attempt(
            session, listed.lead_id, number=listed.phone, at=NOW - timedelta(minutes=5)
        )
        await finish_attempt(
            session, busy.attempt_id, AttemptOutcome.BUSY, at=NOW - timedelta(minutes=4)
        )

    figures = (await crm.get(f"{path}/monitor")).json()
    export = await crm.get(f"{path}/export.csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))

    assert figures["dials"] == 2 and figures["dials_per_minute"] == pytest.approx(2 / 60)
    assert figures["answer_rate"] == 0.5
    assert (figures["live_answered_day"], figures["abandon_rate_day"]) == (1, 0.0)
    # alice talked 9 of the hour's 60 minutes.
    assert figures["agents"] == 1 and figures["occupancy"] == pytest.approx(9 / 60)
    assert figures["talk_minutes_per_agent_hour"] == pytest.approx(9.0)
    assert export.headers["content-type"].startswith("text/csv")
    assert [(r["contact_name"], r["attempts"], r["outcomes"], r["agent"]) for r in rows] == [
        ("Fine Lovelace", "1", "+12125550100:human", "alice"),
        ("'=Listed Lovelace", "1", "+12125550101:busy", ""),
        ("Complains Lovelace", "0", "", ""),
    ]
    assert rows[0]["state"] == "done" and rows[0]["last_ended_at"].startswith("2026-11-18T10:46")


async def test_lists_take_leads_and_show_what_each_yielded(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "sue")
    created = (await crm.post(CAMPAIGNS, json=BODY)).json()
    path = f"{CAMPAIGNS}/{created['campaign_id']}"
    gold = await crm.post(f"{path}/lists", json={"name": "Gold", "priority": 1, "quota": 100})
    silver = await crm.post(f"{path}/lists", json={"name": "Silver", "priority": 2})
    again = await crm.post(f"{path}/lists", json={"name": "Gold"})
    bad = await crm.post(f"{path}/lists", json={"name": "Zero", "priority": 0})
    contact = await new_contact(crm, phones=[{"number": "(212) 555-0150"}])
    gold_id = gold.json()["list_id"]
    added = await crm.post(
        f"{path}/leads", json={"contact_ids": [contact["contact_id"]], "list_id": gold_id}
    )
    elsewhere = await crm.post(f"{path}/leads", json={"contact_ids": [1], "list_id": 999})

    listed = (await crm.get(f"{path}/lists")).json()["items"]

    assert (gold.status_code, silver.status_code, again.status_code) == (201, 201, 409)
    assert bad.status_code == 422 and "priority" in bad.text
    assert added.json()["added"] == 1 and elsewhere.status_code == 404
    assert [(i["name"], i["priority"], i["quota"], i["due"], i["dials"]) for i in listed] == [
        ("Gold", 1, 100, 1, 0),
        ("Silver", 2, None, 0, 0),
    ]


ROUTES = [
    ("GET", "", None),
    ("POST", "", BODY | {"name": "Matrix"}),
    ("GET", "/{id}", None),
    ("PATCH", "/{id}", {"name": "Renamed"}),
    ("POST", "/{id}/actions", {"action": "schedule"}),
    ("POST", "/{id}/leads", {"contact_ids": [1]}),
    ("POST", "/{id}/lists", {"name": "Gold", "priority": 1}),
    ("GET", "/{id}/lists", None),
    ("GET", "/{id}/preflight", None),
    ("GET", "/{id}/monitor", None),
    ("GET", "/{id}/export.csv", None),
    ("DELETE", "/{id}", None),
]
#: Who may call each route: readers read the campaign, only supervisors change or inspect it.
ALLOWED = {
    "anonymous": set(),
    "alice": {("GET", ""), ("GET", "/{id}"), ("GET", "/{id}/lists")},
    "sue": {(method, route) for method, route, _ in ROUTES},
}


@pytest.mark.parametrize("who", sorted(ALLOWED))
async def test_the_authorisation_matrix_of_the_campaign_routes(
    crm: httpx.AsyncClient, who: str
) -> None:
    await as_user(crm, "sue")
    created = (await crm.post(CAMPAIGNS, json=BODY)).json()
    crm.cookies.clear()
    if who != "anonymous":
        await as_user(crm, who)
    seen = {}
    for method, route, body in ROUTES:
        url = CAMPAIGNS + route.replace("{id}", str(created["campaign_id"]))
        headers = {"If-Match": '"1"'} if method in ("PATCH", "DELETE") else {}
        response = await crm.request(method, url, json=body, headers=headers)
        seen[(method, route)] = response.status_code

    denied = {key: code for key, code in seen.items() if key not in ALLOWED[who]}
    granted = {key: code for key, code in seen.items() if key in ALLOWED[who]}
    assert set(denied.values()) <= ({401} if who == "anonymous" else {403}), denied
    assert all(code < 400 or code == 409 for code in granted.values()), granted
