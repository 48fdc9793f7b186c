"""The audit log, auto-answer and attended-transfer routes: who may call them (the
authorisation matrix of these routes), what they answer, and that an admin's change is
audited."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_ws.app import create_app
from agent_ws.desk import DeskRefused
from agent_ws.hub import Hub
from crm_core.audit import audit_page
from crm_core.users import create_user
from crm_core.vocabulary import Role

from .conftest import DESK_AGENTS, USERS
from .fakes import FakeClock, FakeDesk

PASSWORDS = {name: user[2] for name, user in USERS.items()} | {"ada": "ada-secret"}


class FakeAutoAnswer:
    """The setting as the composition root keeps it: known agents only, stored in a dict."""

    def __init__(self, agents: set[str]) -> None:
        self.stored = dict.fromkeys(agents, False)

    def is_on(self, agent_id: str) -> bool:
        return self.stored.get(agent_id, False)

    async def set(self, agent_id: str, on: bool) -> bool:
        if agent_id not in self.stored:
            raise DeskRefused(f"no agent named {agent_id!r}")
        self.stored[agent_id] = on
        return on


class NoCall:
    """Call controls of an agent who has no connected call: every request is refused."""

    def __getattr__(self, name: str) -> object:
        async def refuse(*args: object, **kwargs: object) -> dict[str, object]:
            raise DeskRefused("no connected call")

        return refuse


@pytest.fixture
async def setting() -> FakeAutoAnswer:
    return FakeAutoAnswer(set(DESK_AGENTS))


@pytest.fixture
async def client(
    sessionmaker: async_sessionmaker[AsyncSession], setting: FakeAutoAnswer
) -> AsyncIterator[httpx.AsyncClient]:
    async with sessionmaker.begin() as db:
        await create_user(
            db, username="ada", display_name="Ada Admin", role=Role.ADMIN, password="ada-secret"
        )
    clock = FakeClock()
    hub = Hub(clock=clock)
    app = create_app(
        sessionmaker=sessionmaker,
        desk=FakeDesk(hub, clock, DESK_AGENTS),
        hub=hub,
        clock=clock,
        auto_answer=setting,
        call_controls=NoCall(),  # type: ignore[arg-type]
        agent_dialer=NoCall(),  # type: ignore[arg-type]
        attended=NoCall(),  # type: ignore[arg-type]
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def as_user(http: httpx.AsyncClient, username: str | None) -> None:
    await http.post("/api/logout")
    http.cookies.clear()
    if username is not None:
        body = {"username": username, "password": PASSWORDS[username]}
        assert (await http.post("/api/login", json=body)).status_code == 200


# (method, path, body, {role: expected status}); None is no session at all. An agent's
# call routes answer 409 here: allowed, but this agent has no call.
AGENT_ONLY = {None: 401, "alice": 409, "sue": 403, "ada": 403}
MATRIX = [
    ("POST", "/api/agent/call/consult", {"agent_id": "bob"}, AGENT_ONLY),
    ("POST", "/api/agent/call/consult", {"number": "+13125550100"}, AGENT_ONLY),
    ("POST", "/api/agent/call/consult/complete", None, AGENT_ONLY),
    ("POST", "/api/agent/call/consult/cancel", None, AGENT_ONLY),
    ("GET", "/api/supervisor/audit", None, {None: 401, "alice": 403, "sue": 200, "ada": 200}),
    ("GET", "/api/agent/auto-answer", None, {None: 401, "alice": 200, "sue": 403, "ada": 403}),
    (
        "PUT",
        "/api/agent/auto-answer",
        {"auto_answer": True},
        {None: 401, "alice": 200, "sue": 403, "ada": 403},
    ),
    (
        "PUT",
        "/api/supervisor/agents/bob/auto-answer",
        {"auto_answer": True},
        {None: 401, "alice": 403, "sue": 403, "ada": 200},
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX, ids=lambda v: str(v))
async def test_each_role_gets_the_documented_answer_from_the_new_routes(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    body: dict[str, object] | None,
    expected: dict[str | None, int],
) -> None:
    seen = {}
    for user in expected:
        await as_user(client, user)
        seen[user] = (await client.request(method, path, json=body)).status_code
    assert seen == expected


async def test_an_agent_switches_their_own_auto_answer_and_reads_it_back(
    client: httpx.AsyncClient, setting: FakeAutoAnswer
) -> None:
    await as_user(client, "alice")
    assert (await client.get("/api/agent/auto-answer")).json() == {"auto_answer": False}
    switched = await client.put("/api/agent/auto-answer", json={"auto_answer": True})
    assert switched.json() == {"auto_answer": True}
    assert setting.stored == {"alice": True, "bob": False}
    bad = await client.put("/api/agent/auto-answer", json={"auto_answer": "yes"})
    assert bad.status_code == 422 and bad.json()["field"] == "auto_answer"


async def test_an_admins_auto_answer_change_is_audited_and_an_unknown_agent_is_409(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await as_user(client, "ada")
    done = await client.put("/api/supervisor/agents/bob/auto-answer", json={"auto_answer": True})
    assert done.json() == {"agent_id": "bob", "auto_answer": True}
    unknown = await client.put(
        "/api/supervisor/agents/nobody/auto-answer", json={"auto_answer": True}
    )
    assert unknown.status_code == 409 and "nobody" in unknown.json()["error"]
    async with sessionmaker() as db:
        rows = (await audit_page(db)).entries
    assert [(r.actor, r.action, r.agent_id, r.details) for r in rows] == [
        ("ada", "auto_answer", "bob", {"on": True})
    ]
    listed = (await client.get("/api/supervisor/audit?action=auto_answer")).json()
    assert [(e["actor"], e["agent_id"]) for e in listed["items"]] == [("ada", "bob")]
    assert listed["next_before"] is None


async def test_the_audit_route_pages_newest_first_and_names_a_bad_query_field(
    client: httpx.AsyncClient,
) -> None:
    await as_user(client, "ada")
    for on in (True, False, True):
        await client.put("/api/supervisor/agents/alice/auto-answer", json={"auto_answer": on})
    first = (await client.get("/api/supervisor/audit?limit=2")).json()
    assert [e["details"]["on"] for e in first["items"]] == [True, False]
    rest = (await client.get(f"/api/supervisor/audit?limit=2&before={first['next_before']}")).json()
    assert [e["details"]["on"] for e in rest["items"]] == [True]
    assert rest["next_before"] is None
    for query, field in (
        ("limit=0", "limit"),
        ("before=0", "before"),
        ("from=2026-11-26T10:00:00Z&to=2026-11-26T09:00:00Z", "to"),
        ("from=yesterday", "from"),
    ):
        bad = await client.get(f"/api/supervisor/audit?{query}")
        assert (bad.status_code, bad.json().get("field")) == (422, field), query
