"""The agent's REST routes: roles, state changes through the desk, refusals, validation."""

import httpx
import pytest

from .conftest import Stack, login
from .fakes import sample_pop

AGENT_POSTS = ["sign-in", "sign-out", "ready", "not-ready", "wrap-up"]


async def test_health_is_public(http: httpx.AsyncClient) -> None:
    response = await http.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


AGENT_GETS = ["/api/agent/me", "/api/agent/directory"]


@pytest.mark.parametrize("path", AGENT_GETS + [f"/api/agent/{p}" for p in AGENT_POSTS])
async def test_agent_routes_without_a_session_are_401(http: httpx.AsyncClient, path: str) -> None:
    response = await (http.get(path) if path in AGENT_GETS else http.post(path, json={}))

    assert response.status_code == 401


@pytest.mark.parametrize("path", [*AGENT_GETS, "/api/agent/sign-in"])
async def test_agent_routes_for_a_supervisor_are_403(http: httpx.AsyncClient, path: str) -> None:
    await login(http, "sue")

    response = await (http.get(path) if path in AGENT_GETS else http.post(path))

    assert response.status_code == 403
    assert response.json() == {"error": "this needs the role agent"}


async def test_me_answers_the_agent_view(http: httpx.AsyncClient, stack: Stack) -> None:
    await login(http, "alice")

    response = await http.get("/api/agent/me")

    assert response.status_code == 200
    assert response.json() == {
        "agent_id": "alice",
        "display_name": "Alice Example",
        "state": "signed_out",
        "reason": None,
        "since": stack.clock.now(),
        "call": None,
        "pop": None,
        "wrap_up": None,
    }


async def test_the_directory_lists_colleagues_with_their_state_and_the_queues(
    http: httpx.AsyncClient, stack: Stack
) -> None:
    await login(http, "alice")
    await stack.desk.sign_in("bob")

    response = await http.get("/api/agent/directory")

    assert response.status_code == 200
    assert response.json() == {
        "agents": [
            {"agent_id": "alice", "display_name": "Alice Example", "state": "signed_out"},
            {"agent_id": "bob", "display_name": "Bob Builder", "state": "not_ready"},
        ],
        "queues": ["sales", "support"],
    }


async def test_an_agent_user_the_acd_does_not_know_gets_404(http: httpx.AsyncClient) -> None:
    await login(http, "carol")

    response = await http.get("/api/agent/me")

    assert response.status_code == 404
    assert "no agent" in response.json()["error"]


async def test_sign_in_not_ready_ready_and_sign_out_walk_the_states(
    http: httpx.AsyncClient, stack: Stack
) -> None:
    await login(http, "alice")

    signed_in = await http.post("/api/agent/sign-in")
    stack.clock.advance(30)
    not_ready = await http.post("/api/agent/not-ready", json={"reason": "  Lunch "})
    ready = await http.post("/api/agent/ready")
    signed_out = await http.post("/api/agent/sign-out")

    assert [r.status_code for r in (signed_in, not_ready, ready, signed_out)] == [200] * 4
    assert signed_in.json()["state"] == "not_ready"
    assert not_ready.json()["reason"] == "Lunch"
    assert not_ready.json()["since"] == stack.clock.now()
    assert ready.json()["state"] == "ready"
    assert signed_out.json()["state"] == "signed_out"
    assert stack.desk.views["alice"].state == "signed_out"


async def test_a_request_the_acd_refuses_is_409_with_its_message(
    http: httpx.AsyncClient, stack: Stack
) -> None:
    await login(http, "alice")
    await http.post("/api/agent/sign-in")
    await http.post("/api/agent/ready")
    stack.desk.offer_call("alice", sample_pop())

    response = await http.post("/api/agent/ready")

    assert response.status_code == 409
    assert response.json() == {"error": "cannot ready while on_call"}


async def test_wrap_up_hands_disposition_and_notes_to_the_desk(
    http: httpx.AsyncClient, stack: Stack
) -> None:
    await login(http, "alice")
    await http.post("/api/agent/sign-in")
    await http.post("/api/agent/ready")
    stack.desk.offer_call("alice", sample_pop("c-9"))
    stack.desk.hang_up("alice")

    response = await http.post(
        "/api/agent/wrap-up", json={"disposition": "resolved", "notes": "rebooted router"}
    )

    assert response.status_code == 200
    assert response.json()["state"] == "ready"
    assert response.json()["pop"] is None
    assert [(w.call_id, w.disposition, w.notes) for w in stack.desk.wrap_ups] == [
        ("c-9", "resolved", "rebooted router")
    ]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("not-ready", {"reason": ""}, "reason"),
        ("not-ready", {"reason": "   "}, "reason"),
        ("not-ready", {"reason": "x" * 65}, "reason"),
        ("not-ready", {}, "reason"),
        ("not-ready", {"reason": "Break", "extra": 1}, "extra"),
        ("wrap-up", {"disposition": ""}, "disposition"),
        ("wrap-up", {"disposition": "x" * 65}, "disposition"),
        ("wrap-up", {"disposition": "resolved", "notes": "n" * 2001}, "notes"),
        ("wrap-up", {"disposition": 5}, "disposition"),
    ],
)
async def test_bad_input_is_422_naming_the_field(
    http: httpx.AsyncClient, stack: Stack, path: str, body: dict[str, object], field: str
) -> None:
    await login(http, "alice")

    response = await http.post(f"/api/agent/{path}", json=body)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["error"]
    assert stack.desk.views["alice"].state == "signed_out"


async def test_a_body_that_is_not_json_is_422(http: httpx.AsyncClient) -> None:
    await login(http, "alice")

    response = await http.post(
        "/api/agent/not-ready", content=b"{oops", headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "body"
