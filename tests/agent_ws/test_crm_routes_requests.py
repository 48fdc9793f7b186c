"""The CRM's service-request and follow-up routes: open, read, lifecycle (an illegal move is
409), assignment, history with the logged-in actor, follow-ups due for the logged-in agent."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import Stack
from .test_crm_routes_support import as_user, crm_client, make_agents, new_contact


@pytest.fixture
async def crm(
    stack: Stack, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    await make_agents(sessionmaker)
    async with crm_client(stack, sessionmaker) as client:
        await as_user(client, "alice")
        yield client


async def open_request(crm: httpx.AsyncClient, **fields: object) -> dict[str, object]:
    contact = await new_contact(crm)
    body = {"contact_id": contact["contact_id"], "subject": "Router is dead"} | fields
    response = await crm.post("/api/crm/requests", json=body)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert isinstance(answer, dict)
    return answer


async def test_an_opened_request_reads_back_by_its_number(crm: httpx.AsyncClient) -> None:
    opened = await open_request(crm, priority="high", due_at="2026-12-01T09:00:00+01:00")

    response = await crm.get(f"/api/crm/requests/{opened['number']}")

    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    found = response.json()
    assert found["status"] == "new"
    assert found["priority"] == "high"
    assert found["subject"] == "Router is dead"
    card = (await crm.get(f"/api/crm/contacts/{found['contact_id']}")).json()
    assert [r["number"] for r in card["open_requests"]] == [opened["number"]]


async def test_a_request_for_an_unknown_contact_is_422_naming_contact_id(
    crm: httpx.AsyncClient,
) -> None:
    response = await crm.post("/api/crm/requests", json={"contact_id": 999, "subject": "x"})

    assert response.status_code == 422
    assert response.json()["field"] == "contact_id"


async def test_a_request_with_a_naive_due_time_is_422_naming_due_at(
    crm: httpx.AsyncClient,
) -> None:
    contact = await new_contact(crm)
    body = {"contact_id": contact["contact_id"], "subject": "x", "due_at": "2026-12-01T09:00"}

    response = await crm.post("/api/crm/requests", json=body)

    assert response.status_code == 422
    assert response.json()["field"] == "due_at"


async def test_an_unknown_request_is_404(crm: httpx.AsyncClient) -> None:
    for path in ("", "/history"):
        response = await crm.get(f"/api/crm/requests/424242{path}")
        assert response.status_code == 404


async def test_assign_then_work_then_history_names_the_logged_in_actor(
    crm: httpx.AsyncClient,
) -> None:
    opened = await open_request(crm)
    url = f"/api/crm/requests/{opened['number']}"

    assigned = await crm.post(f"{url}/assign", json={"assignee": "bob", "note": "yours"})
    working = await crm.post(f"{url}/status", json={"status": "in_progress"})
    history = await crm.get(f"{url}/history")

    assert assigned.status_code == 200
    assert assigned.json()["assignee"] == "bob"
    assert assigned.json()["status"] == "assigned"
    assert working.status_code == 200
    assert working.headers["ETag"] == '"3"'
    lines = [(h["field"], h["to_value"], h["actor"]) for h in history.json()["items"]]
    assert lines == [
        ("status", "new", "alice"),
        ("assignee", "bob", "alice"),
        ("status", "assigned", "alice"),
        ("status", "in_progress", "alice"),
    ]


async def test_an_illegal_status_change_is_409(crm: httpx.AsyncClient) -> None:
    opened = await open_request(crm)

    response = await crm.post(
        f"/api/crm/requests/{opened['number']}/status", json={"status": "closed"}
    )

    assert response.status_code == 409
    assert response.json()["current"] == "new"
    assert response.json()["target"] == "closed"


async def test_a_status_change_on_a_stale_if_match_is_409(crm: httpx.AsyncClient) -> None:
    opened = await open_request(crm)
    url = f"/api/crm/requests/{opened['number']}"
    await crm.post(f"{url}/assign", json={"assignee": "bob"})

    response = await crm.post(
        f"{url}/status", json={"status": "in_progress"}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"assignee": "nobody"}, "assignee"),
        ({"assignee": ""}, "assignee"),
        ({"assignee": "bob", "colour": "red"}, "colour"),
    ],
)
async def test_a_refused_assignment_is_422_naming_the_field(
    crm: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    opened = await open_request(crm)

    response = await crm.post(f"/api/crm/requests/{opened['number']}/assign", json=body)

    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_an_unknown_status_is_422_naming_status(crm: httpx.AsyncClient) -> None:
    opened = await open_request(crm)

    response = await crm.post(
        f"/api/crm/requests/{opened['number']}/status", json={"status": "done"}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "status"


async def test_follow_ups_due_are_the_logged_in_agents_and_complete_once(
    crm: httpx.AsyncClient, stack: Stack
) -> None:
    contact = await new_contact(crm)
    base = {"contact_id": contact["contact_id"], "subject": "Call back"}
    mine = await crm.post("/api/crm/follow-ups", json=base | {"due_at": "2026-11-01T09:00Z"})
    await crm.post("/api/crm/follow-ups", json=base | {"due_at": "2030-01-01T09:00Z"})
    await crm.post(
        "/api/crm/follow-ups",
        json=base | {"due_at": "2026-11-01T09:00Z", "assignee": "bob"},
    )
    assert mine.status_code == 201, mine.text

    due = await crm.get("/api/crm/follow-ups/due")
    task_id = mine.json()["task_id"]
    done = await crm.post(
        f"/api/crm/follow-ups/{task_id}/complete", json={"outcome": "satisfied", "note": "ok"}
    )
    again = await crm.post(f"/api/crm/follow-ups/{task_id}/complete", json={"outcome": "declined"})
    after = await crm.get("/api/crm/follow-ups/due")

    assert [(d["task"]["task_id"], d["overdue"]) for d in due.json()["items"]] == [(task_id, True)]
    assert due.json()["items"][0]["task"]["created_by"] == "alice"
    assert done.status_code == 200
    assert done.json()["outcome"] == "satisfied"
    assert again.status_code == 409
    assert after.json()["items"] == []


async def test_a_follow_up_for_an_unknown_contact_is_422_naming_contact_id(
    crm: httpx.AsyncClient,
) -> None:
    body = {"contact_id": 999, "subject": "x", "due_at": "2026-11-01T09:00Z"}

    response = await crm.post("/api/crm/follow-ups", json=body)

    assert response.status_code == 422
    assert response.json()["field"] == "contact_id"


async def test_completing_an_unknown_follow_up_is_404(crm: httpx.AsyncClient) -> None:
    response = await crm.post("/api/crm/follow-ups/999/complete", json={"outcome": "satisfied"})

    assert response.status_code == 404
