"""The CRM's people routes: an admin adds, changes and deactivates users (never themself) and
manages agents' phones and skills; everyone reads the agents; an agent with calls in the
history cannot be removed."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.interactions import InteractionDraft, record_interaction
from crm_core.users import create_user
from crm_core.vocabulary import Direction, Role

from .conftest import USERS, Stack
from .test_crm_routes_support import crm_client

USERS_PATH = "/api/crm/users"
AGENTS_PATH = "/api/crm/agents"


@pytest.fixture
async def crm(
    stack: Stack, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    async with sessionmaker.begin() as session:
        await create_user(
            session, username="ada", display_name="Ada Admin", role=Role.ADMIN, password="pw"
        )
    async with crm_client(stack, sessionmaker) as client:
        yield client


async def log_in(client: httpx.AsyncClient, username: str, password: str | None = None) -> int:
    secret = password if password is not None else USERS.get(username, ("", "", "pw"))[2]
    response = await client.post("/api/login", json={"username": username, "password": secret})
    return response.status_code


async def test_an_admin_adds_changes_and_deactivates_users(crm: httpx.AsyncClient) -> None:
    await log_in(crm, "ada")
    body = {"username": "dan", "display_name": "Dan", "role": "agent", "password": "s3cret"}
    created = await crm.post(USERS_PATH, json=body)
    taken = await crm.post(USERS_PATH, json=body)
    promoted = await crm.patch(f"{USERS_PATH}/dan", json={"role": "supervisor"})
    listed = await crm.get(USERS_PATH)
    self_lockout = await crm.delete(f"{USERS_PATH}/ada")
    deactivated = await crm.delete(f"{USERS_PATH}/dan")
    missing = await crm.get(f"{USERS_PATH}/nobody")

    assert created.status_code == 201, created.text
    assert "password_hash" not in created.json()
    assert taken.status_code == 409
    assert promoted.json()["role"] == "supervisor"
    assert "dan" in [u["username"] for u in listed.json()["items"]]
    assert self_lockout.status_code == 409
    assert deactivated.json()["active"] is False
    assert missing.status_code == 404
    assert await log_in(crm, "dan", "s3cret") == 401


async def test_a_new_password_is_the_one_that_logs_in(crm: httpx.AsyncClient) -> None:
    await log_in(crm, "ada")
    changed = await crm.patch(f"{USERS_PATH}/bob", json={"password": "n3w"})

    assert changed.status_code == 200
    assert await log_in(crm, "bob", "n3w") == 200


async def test_only_an_admin_manages_users(crm: httpx.AsyncClient) -> None:
    await log_in(crm, "sue")

    listed = await crm.get(USERS_PATH)
    patched = await crm.patch(f"{AGENTS_PATH}/alice", json={"extension": "2001"})

    assert (listed.status_code, patched.status_code) == (403, 403)


async def test_an_admin_makes_a_user_an_agent_and_changes_the_phone_and_skills(
    crm: httpx.AsyncClient,
) -> None:
    await log_in(crm, "ada")
    created = await crm.post(
        AGENTS_PATH, json={"agent_id": "alice", "extension": "1001", "skills": {"support": 8}}
    )
    unknown = await crm.post(AGENTS_PATH, json={"agent_id": "nobody", "extension": "1009"})
    await crm.post(AGENTS_PATH, json={"agent_id": "bob", "extension": "1002"})
    clash = await crm.patch(f"{AGENTS_PATH}/bob", json={"extension": "1001"})
    bad_level = await crm.patch(f"{AGENTS_PATH}/bob", json={"skills": {"sales": 11}})
    changed = await crm.patch(
        f"{AGENTS_PATH}/alice", json={"extension": "2001", "skills": {"sales": 3, "support": 9}}
    )
    await log_in(crm, "carol")
    read = await crm.get(f"{AGENTS_PATH}/alice")
    listed = await crm.get(AGENTS_PATH)

    assert created.status_code == 201, created.text
    assert created.json()["endpoint"] == "PJSIP/1001"
    assert (unknown.status_code, unknown.json()["field"]) == (422, "agent_id")
    assert (clash.status_code, clash.json()["field"]) == (422, "extension")
    assert (bad_level.status_code, bad_level.json()["field"]) == (422, "skills.sales")
    assert changed.json()["skills"] == {"sales": 3, "support": 9}
    assert read.json() == changed.json()
    assert [a["agent_id"] for a in listed.json()["items"]] == ["alice", "bob"]


async def test_an_agent_with_calls_in_the_history_cannot_be_removed(
    crm: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in(crm, "ada")
    await crm.post(AGENTS_PATH, json={"agent_id": "alice", "extension": "1001"})
    await crm.post(AGENTS_PATH, json={"agent_id": "bob", "extension": "1002"})
    async with sessionmaker.begin() as session:
        draft = InteractionDraft(
            call_id="c-1",
            direction=Direction.INBOUND,
            started_at=datetime(2026, 11, 1, tzinfo=UTC),
            agent_id="alice",
        )
        await record_interaction(session, draft)

    refused = await crm.delete(f"{AGENTS_PATH}/alice")
    removed = await crm.delete(f"{AGENTS_PATH}/bob")
    gone = await crm.get(f"{AGENTS_PATH}/bob")

    assert refused.status_code == 409
    assert removed.status_code == 204
    assert gone.status_code == 404


async def test_an_admins_edits_of_people_are_in_the_audit_log_without_passwords(
    crm: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from crm_core.audit import audit_page

    await log_in(crm, "ada")
    await crm.post(AGENTS_PATH, json={"agent_id": "alice", "extension": "1001"})
    await crm.patch(f"{AGENTS_PATH}/alice", json={"skills": {"sales": 3}})
    refused = await crm.patch(f"{AGENTS_PATH}/alice", json={"skills": {"sales": 11}})
    await crm.patch(f"{USERS_PATH}/bob", json={"password": "new-secret-1", "display_name": "B"})
    await crm.delete(f"{USERS_PATH}/bob")
    async with sessionmaker() as session:
        rows = (await audit_page(session)).entries
    assert refused.status_code == 422  # refused: nothing changed, nothing audited
    assert [(r.actor, r.action, r.agent_id, r.details) for r in reversed(rows)] == [
        ("ada", "agent_created", "alice", {"extension": "1001"}),
        ("ada", "agent_changed", "alice", {"skills": {"sales": 3}}),
        ("ada", "user_changed", "bob", {"display_name": "B", "password_changed": True}),
        ("ada", "user_deactivated", "bob", {}),
    ]
