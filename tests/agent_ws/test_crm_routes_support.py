"""What the CRM route tests share: agents in the CRM and a client per user (the app
includes ``crm_router``; a test that needs other limits mounts its own copy first).
Holds no tests itself."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_ws.auth import Auth
from agent_ws.routes_crm import MAX_IMPORT_BYTES, crm_router
from crm_core.agents import create_agent

from .conftest import Stack, login


async def make_agents(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """alice and bob are agents in the CRM, so requests and follow-ups can be theirs."""
    async with sessionmaker.begin() as session:
        for n, name in enumerate(("alice", "bob")):
            extension = f"10{n + 1}"
            endpoint = f"PJSIP/{extension}"
            await create_agent(
                session, agent_id=name, extension=extension, endpoint=endpoint, skills={}
            )


@asynccontextmanager
async def crm_client(
    stack: Stack,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    max_import_bytes: int = MAX_IMPORT_BYTES,
) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of the stack's app (whose CRM routes ``create_app`` includes)."""
    if max_import_bytes != MAX_IMPORT_BYTES:
        # Routes match in order: put a copy with the test's limit ahead of the app's.
        router = crm_router(
            sessionmaker=sessionmaker,
            auth=Auth(stack.sessions),
            clock=stack.clock,
            max_import_bytes=max_import_bytes,
        )
        stack.app.router.routes[:0] = router.routes
    transport = httpx.ASGITransport(app=stack.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def as_user(client: httpx.AsyncClient, username: str) -> httpx.AsyncClient:
    await login(client, username)
    return client


async def new_contact(client: httpx.AsyncClient, **fields: object) -> dict[str, object]:
    body = {"first_name": "Ada", "last_name": "Lovelace"} | fields
    response = await client.post("/api/crm/contacts", json=body)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert isinstance(answer, dict)
    return answer
