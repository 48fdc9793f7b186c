"""The CRM's contact routes: roles, create and read with ETag, search pages, edits under
If-Match (428 without, 409 when stale), 422 naming the field, 404, interactions."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.interactions import InteractionDraft, record_interaction
from crm_core.segments import SegmentDraft, record_segments
from crm_core.vocabulary import Direction, SegmentEnd

from .conftest import Stack
from .test_crm_routes_support import as_user, crm_client, make_agents, new_contact


@pytest.fixture
async def crm(
    stack: Stack, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    async with crm_client(stack, sessionmaker) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/crm/contacts"),
        ("POST", "/api/crm/contacts"),
        ("GET", "/api/crm/contacts/1"),
        ("PATCH", "/api/crm/contacts/1"),
        ("GET", "/api/crm/contacts/1/interactions"),
        ("POST", "/api/crm/requests"),
        ("GET", "/api/crm/requests/10001"),
        ("GET", "/api/crm/follow-ups/due"),
        ("POST", "/api/crm/do-not-call"),
        ("DELETE", "/api/crm/do-not-call/2125550100"),
        ("POST", "/api/crm/contacts/import"),
        ("GET", "/api/crm/contacts/export"),
        ("GET", "/api/crm/value-pyramid"),
        ("DELETE", "/api/crm/contacts/1"),
        ("GET", "/api/crm/interactions/1"),
        ("GET", "/api/crm/disposition-codes"),
        ("POST", "/api/crm/disposition-codes"),
        ("GET", "/api/crm/hotlines"),
        ("PATCH", "/api/crm/hotlines/8005551234"),
        ("POST", "/api/crm/queues"),
        ("PATCH", "/api/crm/requests/10023"),
        ("DELETE", "/api/crm/follow-ups/1"),
        ("GET", "/api/crm/users"),
        ("PATCH", "/api/crm/agents/alice"),
        ("GET", "/api/crm/campaigns"),
        ("POST", "/api/crm/campaigns/1/leads"),
    ],
)
async def test_crm_routes_without_a_session_are_401(
    crm: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await crm.request(method, path)

    assert response.status_code == 401
    assert response.json() == {"error": "not logged in"}


async def test_a_new_contact_reads_back_as_a_card_with_its_version_as_etag(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "alice")
    created = await new_contact(
        crm,
        tier="gold",
        phones=[{"kind": "work", "number": "(212) 555-0100"}],
        emails=["ada@example.com"],
    )

    response = await crm.get(f"/api/crm/contacts/{created['contact_id']}")

    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    card = response.json()
    assert card["display_name"] == "Ada Lovelace"
    assert card["tier"] == "gold"
    assert card["phones"] == [{"kind": "work", "raw": "(212) 555-0100", "e164": "+12125550100"}]
    assert card["emails"] == ["ada@example.com"]
    assert card["open_requests"] == []
    assert card["recent_interactions"] == []
    assert card["created_at"].startswith("2026-")


async def test_an_undialable_phone_is_422_naming_phones(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "alice")

    response = await crm.post(
        "/api/crm/contacts", json={"first_name": "Ada", "phones": [{"number": "+1 999"}]}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "phones"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "Ada", "tier": "diamond"}, "tier"),
        ({"first_name": "Ada", "emails": ["not-an-address"]}, "emails.0"),
        ({"first_name": "Ada", "timezone": "Mars/Olympus"}, "timezone"),
        ({"first_name": "Ada", "shoe_size": 9}, "shoe_size"),
        ({"first_name": "Ada", "account_manager": "nobody"}, "account_manager"),
    ],
)
async def test_a_refused_contact_field_is_422_naming_it(
    crm: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    await as_user(crm, "alice")

    response = await crm.post("/api/crm/contacts", json=body)

    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_an_unknown_contact_is_404(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "alice")

    card = await crm.get("/api/crm/contacts/999")
    history = await crm.get("/api/crm/contacts/999/interactions")

    assert card.status_code == 404
    assert card.json() == {"error": "contact 999 not found"}
    assert history.status_code == 404


async def test_search_finds_by_name_and_pages_with_the_cursor(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "bob")
    for last in ("Adams", "Baker", "Carter"):
        await new_contact(crm, first_name="Sam", last_name=last)
    await new_contact(crm, first_name="Zoe", last_name="Other", tier="gold")

    first = (await crm.get("/api/crm/contacts", params={"q": "sam", "limit": 2})).json()
    second = (
        await crm.get(
            "/api/crm/contacts", params={"q": "sam", "limit": 2, "cursor": first["next_cursor"]}
        )
    ).json()
    gold = (await crm.get("/api/crm/contacts", params={"tier": "gold"})).json()

    assert first["matched_by"] == "name"
    assert [i["display_name"] for i in first["items"]] == ["Sam Adams", "Sam Baker"]
    assert [i["display_name"] for i in second["items"]] == ["Sam Carter"]
    assert second["next_cursor"] is None
    assert [i["display_name"] for i in gold["items"]] == ["Zoe Other"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"cursor": "garbage"}, "cursor"), ({"tier": "x"}, "tier")],
)
async def test_a_bad_search_parameter_is_422_naming_it(
    crm: httpx.AsyncClient, params: dict[str, str | int], field: str
) -> None:
    await as_user(crm, "alice")

    response = await crm.get("/api/crm/contacts", params=params)

    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_patch_with_the_current_version_changes_the_contact_and_its_etag(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "alice")
    created = await new_contact(crm)
    url = f"/api/crm/contacts/{created['contact_id']}"

    response = await crm.patch(
        url, json={"tier": "platinum", "value_score": 95}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json()["tier"] == "platinum"
    assert (await crm.get(url)).json()["value_score"] == 95


async def test_patch_without_if_match_is_428(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "alice")
    created = await new_contact(crm)

    response = await crm.patch(f"/api/crm/contacts/{created['contact_id']}", json={"notes": "x"})

    assert response.status_code == 428


async def test_patch_with_a_stale_if_match_is_409_with_the_current_version(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "alice")
    created = await new_contact(crm)
    url = f"/api/crm/contacts/{created['contact_id']}"
    await crm.patch(url, json={"notes": "first"}, headers={"If-Match": '"1"'})

    response = await crm.patch(url, json={"notes": "second"}, headers={"If-Match": '"1"'})

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert response.headers["ETag"] == '"2"'
    assert (await crm.get(url)).json()["notes"] == "first"


@pytest.mark.parametrize(
    ("body", "if_match", "field"),
    [
        ({"value_score": 101}, '"1"', "value_score"),
        ({"account_manager": "nobody"}, '"1"', "account_manager"),
        ({"first_name": "", "last_name": ""}, '"1"', "first_name"),
        ({}, '"1"', "body"),
        ({"notes": "x"}, "soon", "If-Match"),
    ],
)
async def test_a_refused_patch_is_422_naming_the_field(
    crm: httpx.AsyncClient, body: dict[str, object], if_match: str, field: str
) -> None:
    await as_user(crm, "alice")
    created = await new_contact(crm, organisation=None)

    response = await crm.patch(
        f"/api/crm/contacts/{created['contact_id']}", json=body, headers={"If-Match": if_match}
    )

    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_a_contacts_interactions_come_newest_first(
    crm: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await as_user(crm, "alice")
    created = await new_contact(crm)
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    async with sessionmaker.begin() as session:
        for n in range(2):
            draft = InteractionDraft(
                call_id=f"call-{n}",
                direction=Direction.INBOUND,
                started_at=start + timedelta(hours=n),
                contact_id=int(str(created["contact_id"])),
            )
            await record_interaction(session, draft)

    response = await crm.get(f"/api/crm/contacts/{created['contact_id']}/interactions")

    assert response.status_code == 200
    assert [i["call_id"] for i in response.json()["items"]] == ["call-1", "call-0"]


async def test_every_crm_route_is_documented_in_the_openapi_schema(
    crm: httpx.AsyncClient,
) -> None:
    schema = (await crm.get("/openapi.json")).json()

    operations = {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        if path.startswith("/api/crm")
        for method, operation in item.items()
    }
    assert len(operations) == 65
    assert all(op.get("summary") for op in operations.values())
    for path in ("/api/crm/contacts/import", "/api/crm/purchases/import"):
        assert "text/csv" in operations[("POST", path)]["requestBody"]["content"]


async def test_an_interaction_reads_back_with_each_agents_leg(
    crm: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await as_user(crm, "alice")
    contact = await new_contact(crm)
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    await make_agents(sessionmaker)
    async with sessionmaker.begin() as session:
        draft = InteractionDraft(
            call_id="call-7",
            direction=Direction.INBOUND,
            started_at=start,
            contact_id=int(str(contact["contact_id"])),
        )
        interaction_id = await record_interaction(session, draft)
        legs = [
            SegmentDraft("alice", start, start + timedelta(seconds=60), SegmentEnd.TRANSFERRED,
                         answered_at=start + timedelta(seconds=5)),
            SegmentDraft("bob", start + timedelta(seconds=58), start + timedelta(seconds=300),
                         SegmentEnd.COMPLETED, answered_at=start + timedelta(seconds=61),
                         hold_seconds=30, recording="rec/call-7-2.wav"),
        ]  # fmt: skip
        await record_segments(session, interaction_id, legs)

    one = await crm.get(f"/api/crm/interactions/{interaction_id}")
    history = await crm.get(f"/api/crm/contacts/{contact['contact_id']}/interactions")
    missing = await crm.get("/api/crm/interactions/999")

    assert one.status_code == 200, one.text
    assert one.json()["call_id"] == "call-7"
    assert [
        (s["seq"], s["agent_id"], s["end_reason"], s["talk_seconds"], s["hold_seconds"])
        for s in one.json()["segments"]
    ] == [(1, "alice", "transferred", 55.0, 0.0), (2, "bob", "completed", 209.0, 30.0)]
    assert one.json()["segments"][1]["recording"] == "rec/call-7-2.wav"
    assert history.json()["items"][0]["segments"] == one.json()["segments"]
    assert missing.status_code == 404


async def test_a_lead_deletes_a_contact_under_if_match(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "alice")
    created = await new_contact(crm)
    path = f"/api/crm/contacts/{created['contact_id']}"

    by_agent = await crm.delete(path, headers={"If-Match": '"1"'})
    await as_user(crm, "sue")
    unconditional = await crm.delete(path)
    stale = await crm.delete(path, headers={"If-Match": '"7"'})
    deleted = await crm.delete(path, headers={"If-Match": '"1"'})
    gone = await crm.get(path)

    assert by_agent.status_code == 403
    assert unconditional.status_code == 428
    assert (stale.status_code, stale.json()["current_version"]) == (409, 1)
    assert deleted.status_code == 204
    assert gone.status_code == 404


async def test_a_patch_replaces_the_phone_numbers_and_a_bad_one_is_422_naming_phones(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "alice")
    created = await new_contact(crm, phones=[{"number": "(212) 555-0100"}])
    path = f"/api/crm/contacts/{created['contact_id']}"

    bad = await crm.patch(path, json={"phones": [{"number": "hello"}]}, headers={"If-Match": '"1"'})
    changed = await crm.patch(
        path,
        json={"phones": [{"kind": "home", "number": "312-555-0144"}], "emails": ["a@b.example"]},
        headers={"If-Match": '"1"'},
    )
    found = await crm.get("/api/crm/contacts", params={"q": "(312) 555 0144"})

    assert (bad.status_code, bad.json()["field"]) == (422, "phones")
    assert changed.status_code == 200, changed.text
    assert changed.json()["phones"] == [
        {"kind": "home", "raw": "312-555-0144", "e164": "+13125550144"}
    ]
    assert changed.json()["emails"] == ["a@b.example"]
    assert [h["contact_id"] for h in found.json()["items"]] == [created["contact_id"]]
