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


async def test_an_edit_under_if_match_changes_text_and_records_priority_and_due_time(
    crm: httpx.AsyncClient,
) -> None:
    opened = await open_request(crm)
    path = f"/api/crm/requests/{opened['number']}"

    unconditional = await crm.patch(path, json={"subject": "Router still dead"})
    edited = await crm.patch(
        path,
        json={
            "subject": "Router still dead",
            "category": "technical",
            "priority": "urgent",
            "due_at": "2026-12-01T09:00:00Z",
            "note": "customer called again",
        },
        headers={"If-Match": '"1"'},
    )
    stale = await crm.patch(path, json={"description": "x"}, headers={"If-Match": '"1"'})
    blank = await crm.patch(path, json={"subject": " "}, headers={"If-Match": '"4"'})
    history = (await crm.get(f"{path}/history")).json()["items"]

    assert unconditional.status_code == 428
    assert edited.status_code == 200, edited.text
    found = edited.json()
    assert (found["subject"], found["category"], found["priority"]) == (
        "Router still dead",
        "technical",
        "urgent",
    )
    assert found["due_at"].startswith("2026-12-01T09:00:00")
    assert edited.headers["ETag"] == '"4"'  # text, priority and due time: three changes
    assert stale.status_code == 409
    assert (blank.status_code, blank.json()["field"]) == (422, "subject")
    assert [(h["field"], h["to_value"], h["note"]) for h in history[1:]] == [
        ("priority", "urgent", "customer called again"),
        ("due_at", "2026-12-01T09:00:00+00:00", "customer called again"),
    ]


async def test_a_follow_up_reads_back_lists_by_contact_and_cancels_only_while_open(
    crm: httpx.AsyncClient,
) -> None:
    contact = await new_contact(crm)
    body = {"contact_id": contact["contact_id"], "subject": "Call back"}
    first = await crm.post("/api/crm/follow-ups", json=body | {"due_at": "2026-12-01T09:00Z"})
    second = await crm.post("/api/crm/follow-ups", json=body | {"due_at": "2026-12-02T09:00Z"})
    first_id, second_id = first.json()["task_id"], second.json()["task_id"]
    await crm.post(f"/api/crm/follow-ups/{first_id}/complete", json={"outcome": "satisfied"})

    read = await crm.get(f"/api/crm/follow-ups/{second_id}")
    listed = await crm.get("/api/crm/follow-ups", params={"contact_id": contact["contact_id"]})
    done_cancel = await crm.delete(f"/api/crm/follow-ups/{first_id}")
    cancelled = await crm.delete(f"/api/crm/follow-ups/{second_id}")
    gone = await crm.get(f"/api/crm/follow-ups/{second_id}")

    assert read.status_code == 200 and read.json()["subject"] == "Call back"
    assert [t["task_id"] for t in listed.json()["items"]] == [second_id, first_id]
    assert done_cancel.status_code == 409
    assert cancelled.status_code == 204
    assert gone.status_code == 404
