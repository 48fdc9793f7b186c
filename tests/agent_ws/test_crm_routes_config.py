"""The CRM's configuration routes: disposition codes and hotlines read by everyone, changed by
team leads under If-Match, 422 naming the field; and a wrap-up code the CRM refuses is a 422
(REST) or an ``invalid`` error (WebSocket) naming ``disposition``, not a server error."""

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_ws.app import create_app
from agent_ws.desk import AgentView
from agent_ws.hub import Hub
from agent_ws.sessions import SessionStore
from crm_core.dispositions import check_disposition

from .conftest import DESK_AGENTS, LiveServer, Stack, login
from .fakes import FakeClock, FakeDesk, sample_pop
from .test_crm_routes_support import as_user, crm_client
from .wsclient import open_tab, ws_token

CODES = "/api/crm/disposition-codes"
HOTLINES = "/api/crm/hotlines"
QUEUES = "/api/crm/queues"


@pytest.fixture
async def crm(
    stack: Stack, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    async with crm_client(stack, sessionmaker) as client:
        yield client


async def test_an_agent_lists_the_active_codes_but_may_not_add_one(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "alice")

    listed = await crm.get(CODES)
    refused = await crm.post(CODES, json={"code": "sale", "label": "Sale", "category": "sale"})

    assert listed.status_code == 200
    assert [c["code"] for c in listed.json()["items"]] == [
        "escalated",
        "follow-up",
        "no-action",
        "resolved",
    ]
    assert refused.status_code == 403


async def test_a_lead_adds_changes_and_retires_a_code_under_if_match(
    crm: httpx.AsyncClient,
) -> None:
    await as_user(crm, "sue")
    created = await crm.post(
        CODES, json={"code": "sale", "label": "Sale", "category": "sale", "requires_note": True}
    )
    taken = await crm.post(CODES, json={"code": "sale", "label": "Again", "category": "sale"})
    unconditional = await crm.patch(f"{CODES}/sale", json={"label": "Sale won"})
    changed = await crm.patch(
        f"{CODES}/sale", json={"label": "Sale won"}, headers={"If-Match": created.headers["ETag"]}
    )
    stale = await crm.patch(
        f"{CODES}/sale", json={"active": False}, headers={"If-Match": created.headers["ETag"]}
    )
    removed = await crm.delete(f"{CODES}/sale")
    gone = await crm.get(f"{CODES}/sale")

    assert created.status_code == 201, created.text
    assert created.headers["Location"] == f"{CODES}/sale"
    assert created.json()["requires_note"] is True
    assert taken.status_code == 409
    assert unconditional.status_code == 428
    assert (changed.status_code, changed.json()["label"], changed.headers["ETag"]) == (
        200,
        "Sale won",
        '"2"',
    )
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    assert removed.json() == {"code": "sale", "removal": "deleted"}
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "Big Sale", "label": "x", "category": "sale"}, "code"),
        ({"code": "sale", "label": "", "category": "sale"}, "label"),
        ({"code": "sale", "label": "Sale", "category": "won"}, "category"),
        ({"code": "sale", "label": "Sale", "category": "sale", "colour": "red"}, "colour"),
    ],
)
async def test_a_bad_code_is_422_naming_the_field(
    crm: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    await as_user(crm, "sue")

    response = await crm.post(CODES, json=body)

    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_a_lead_manages_hotlines_and_everyone_reads_them(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "sue")
    body = {"dnis": "8005551234", "name": "Main", "brand": "Acme", "ivr_menu": "main"}
    created = await crm.post(HOTLINES, json=body | {"timezone": "America/New_York"})
    changed = await crm.patch(
        f"{HOTLINES}/8005551234", json={"brand": "Acme Mobile"}, headers={"If-Match": '"1"'}
    )
    await as_user(crm, "alice")
    read = await crm.get(f"{HOTLINES}/8005551234")
    listed = await crm.get(HOTLINES)
    agent_delete = await crm.delete(f"{HOTLINES}/8005551234", headers={"If-Match": '"2"'})
    await as_user(crm, "sue")
    stale_delete = await crm.delete(f"{HOTLINES}/8005551234", headers={"If-Match": '"1"'})
    deleted = await crm.delete(f"{HOTLINES}/8005551234", headers={"If-Match": '"2"'})
    missing = await crm.get(f"{HOTLINES}/8005551234")

    assert created.status_code == 201, created.text
    assert changed.json()["brand"] == "Acme Mobile"
    assert read.json() == changed.json() | {"version": 2}
    assert read.json()["timezone"] == "America/New_York"
    assert [h["dnis"] for h in listed.json()["items"]] == ["8005551234"]
    assert agent_delete.status_code == 403
    assert stale_delete.status_code == 409
    assert deleted.status_code == 204
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dnis": "800-CALL", "name": "Main"}, "dnis"),
        ({"dnis": "8005551234", "name": "Main", "timezone": "Mars/Base"}, "timezone"),
        ({"dnis": "8005551234", "name": "Main", "ivr_menu": "a/b"}, "ivr_menu"),
    ],
)
async def test_a_bad_hotline_is_422_naming_the_field(
    crm: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    await as_user(crm, "sue")

    response = await crm.post(HOTLINES, json=body)

    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_a_lead_manages_queues_and_everyone_reads_them(crm: httpx.AsyncClient) -> None:
    await as_user(crm, "sue")
    created = await crm.post(QUEUES, json={"name": "billing", "required_skill": "billing"})
    taken = await crm.post(QUEUES, json={"name": "billing", "required_skill": "x"})
    bad = await crm.post(QUEUES, json={"name": "bill ing", "required_skill": "x"})
    changed = await crm.patch(
        f"{QUEUES}/billing", json={"description": "Invoices"}, headers={"If-Match": '"1"'}
    )
    await as_user(crm, "alice")
    read = await crm.get(f"{QUEUES}/billing")
    listed = await crm.get(QUEUES)
    agent_patch = await crm.patch(
        f"{QUEUES}/billing", json={"description": "x"}, headers={"If-Match": '"2"'}
    )
    await as_user(crm, "sue")
    deleted = await crm.delete(f"{QUEUES}/billing", headers={"If-Match": '"2"'})
    gone = await crm.get(f"{QUEUES}/billing")

    assert created.status_code == 201, created.text
    assert (taken.status_code, bad.status_code, bad.json()["field"]) == (409, 422, "name")
    assert (
        read.json()
        == changed.json()
        == {
            "name": "billing",
            "required_skill": "billing",
            "description": "Invoices",
            "version": 2,
        }
    )
    assert [q["name"] for q in listed.json()["items"]] == ["billing"]
    assert agent_patch.status_code == 403
    assert (deleted.status_code, gone.status_code) == (204, 404)


class CrmCheckingDesk(FakeDesk):
    """A desk that has the CRM check the wrap-up first, as the daemon's desk does."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], hub: Hub) -> None:
        clock = FakeClock()
        super().__init__(hub, clock, DESK_AGENTS)
        self.crm = sessionmaker

    async def finish_wrap_up(self, agent_id: str, disposition: str, notes: str) -> AgentView:
        async with self.crm() as session:
            await check_disposition(session, disposition, notes)
        return await super().finish_wrap_up(agent_id, disposition, notes)


def checking_app(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[FastAPI, FakeDesk]:
    clock = FakeClock()
    hub = Hub(clock=clock)
    desk = CrmCheckingDesk(sessionmaker, hub)
    app = create_app(
        sessionmaker=sessionmaker, desk=desk, hub=hub, clock=clock, sessions=SessionStore(clock)
    )
    return app, desk


async def test_a_wrap_up_code_the_crm_refuses_is_422_naming_disposition(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app, desk = checking_app(sessionmaker)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        await login(http, "alice")
        await http.post("/api/agent/sign-in")
        await http.post("/api/agent/ready")
        desk.offer_call("alice", sample_pop("c-1"))
        desk.hang_up("alice")

        refused = await http.post("/api/agent/wrap-up", json={"disposition": "fixed-it"})
        accepted = await http.post("/api/agent/wrap-up", json={"disposition": "resolved"})

    assert refused.status_code == 422
    assert refused.json()["field"] == "disposition"
    assert "resolved" in refused.json()["error"]
    assert accepted.status_code == 200
    assert [w.disposition for w in desk.wrap_ups] == ["resolved"]


async def test_a_wrap_up_code_the_crm_refuses_over_the_socket_is_an_invalid_error(
    sessionmaker: async_sessionmaker[AsyncSession],
    live_servers: Callable[[FastAPI], Awaitable[LiveServer]],
) -> None:
    app, desk = checking_app(sessionmaker)
    live = await live_servers(app)
    browser = live.client()
    await login(browser, "alice")
    tab = await open_tab(live, await ws_token(browser))
    await tab.recv_type("hello")
    await tab.ask({"type": "sign_in"})
    await tab.ask({"type": "ready"})
    desk.offer_call("alice", sample_pop("c-2"))
    desk.hang_up("alice")

    reply = await tab.ask({"id": "w", "type": "wrap_up", "disposition": "fixed-it"})

    assert reply["type"] == "error"
    assert (reply["data"]["code"], reply["data"]["field"]) == ("invalid", "disposition")
    assert desk.wrap_ups == []
    await tab.close()
