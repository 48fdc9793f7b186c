"""Each stored edit of the agents is told to the running ACD (the ``AgentRoster`` seam) once it
has committed; a refused edit tells it nothing."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_ws.app import create_app
from agent_ws.hub import Hub
from crm_core.agents import AgentRecord
from crm_core.users import create_user
from crm_core.vocabulary import Role

from .conftest import DESK_AGENTS
from .fakes import FakeClock, FakeDesk

AGENTS_PATH = "/api/crm/agents"
USERS_PATH = "/api/crm/users"


@dataclass
class RecordingRoster:
    """What the running ACD would have been told, in order."""

    heard: list[tuple[str, str, dict[str, int] | None]] = field(default_factory=list)

    def agent_saved(self, agent: AgentRecord) -> None:
        self.heard.append(("saved", agent.agent_id, agent.skills))

    def agent_gone(self, agent_id: str) -> None:
        self.heard.append(("gone", agent_id, None))


@pytest.fixture
def roster() -> RecordingRoster:
    return RecordingRoster()


@pytest.fixture
async def admin(
    sessionmaker: async_sessionmaker[AsyncSession], roster: RecordingRoster
) -> AsyncIterator[httpx.AsyncClient]:
    async with sessionmaker.begin() as session:
        await create_user(
            session, username="ada", display_name="Ada Admin", role=Role.ADMIN, password="pw"
        )
    clock = FakeClock()
    hub = Hub(clock=clock)
    app = create_app(
        sessionmaker=sessionmaker,
        desk=FakeDesk(hub, clock, DESK_AGENTS),
        hub=hub,
        clock=clock,
        roster=roster,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        login = await client.post("/api/login", json={"username": "ada", "password": "pw"})
        assert login.status_code == 200
        yield client


async def test_adding_changing_and_removing_an_agent_is_told_to_the_acd(
    admin: httpx.AsyncClient, roster: RecordingRoster
) -> None:
    created = await admin.post(
        AGENTS_PATH, json={"agent_id": "carol", "extension": "1003", "skills": {"sales": 4}}
    )
    changed = await admin.patch(f"{AGENTS_PATH}/carol", json={"skills": {"support": 6}})
    removed = await admin.delete(f"{AGENTS_PATH}/carol")

    assert (created.status_code, changed.status_code, removed.status_code) == (201, 200, 204)
    assert roster.heard == [
        ("saved", "carol", {"sales": 4}),
        ("saved", "carol", {"support": 6}),
        ("gone", "carol", None),
    ]


async def test_a_refused_edit_tells_the_acd_nothing(
    admin: httpx.AsyncClient, roster: RecordingRoster
) -> None:
    await admin.post(AGENTS_PATH, json={"agent_id": "carol", "extension": "1003", "skills": {}})
    roster.heard.clear()

    bad_level = await admin.patch(f"{AGENTS_PATH}/carol", json={"skills": {"sales": 11}})
    unknown = await admin.patch(f"{AGENTS_PATH}/nobody", json={"skills": {"sales": 1}})

    assert (bad_level.status_code, unknown.status_code) == (422, 404)
    assert roster.heard == []


async def test_deactivating_and_reactivating_an_agents_user_is_told_to_the_acd(
    admin: httpx.AsyncClient, roster: RecordingRoster
) -> None:
    await admin.post(
        AGENTS_PATH, json={"agent_id": "carol", "extension": "1003", "skills": {"sales": 4}}
    )
    roster.heard.clear()

    await admin.delete(f"{USERS_PATH}/carol")
    await admin.patch(f"{USERS_PATH}/carol", json={"active": True})
    await admin.patch(f"{USERS_PATH}/carol", json={"active": False})
    await admin.patch(f"{USERS_PATH}/carol", json={"display_name": "Carol C"})

    assert roster.heard == [
        ("gone", "carol", None),
        ("saved", "carol", {"sales": 4}),
        ("gone", "carol", None),
    ]
