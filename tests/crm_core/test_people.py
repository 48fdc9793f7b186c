"""Users, passwords and agents: creation rules, login checks, what the ACD gets to see."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.agents import create_agent, get_agent, list_agents, remove_agent, update_agent
from crm_core.errors import AlreadyExists, InvalidField, InvalidValue, NotFound
from crm_core.interactions import InteractionDraft, record_interaction
from crm_core.models import User
from crm_core.passwords import hash_password, needs_rehash, verify_password
from crm_core.users import authenticate, create_user, get_user, list_users, update_user
from crm_core.vocabulary import Direction, Role
from tests.crm_core.conftest import T0, add_agents


def test_an_argon2_hash_verifies_only_its_password() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert hashed != hash_password("correct horse")  # salted
    assert verify_password(hashed, "correct horse")
    assert not verify_password(hashed, "wrong horse")
    assert not verify_password("not a hash", "correct horse")


async def test_users_are_created_once_and_authenticated_by_password(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        created = await create_user(
            session,
            username="dana",
            display_name="Dana",
            role=Role.SUPERVISOR,
            password="s3cret",
            now=T0,
        )
        with pytest.raises(AlreadyExists):
            await create_user(
                session, username="dana", display_name="D", role=Role.AGENT, password="x"
            )
    async with sessions() as session:
        assert await get_user(session, "dana") == created
        assert await get_user(session, "nobody") is None
    assert await authenticate(sessions, "dana", "s3cret") == created
    assert await authenticate(sessions, "dana", "S3cret") is None
    assert await authenticate(sessions, "nobody", "s3cret") is None
    assert created.created_at == T0
    assert "s3cret" not in repr(created) and created.password_hash not in repr(created)


async def test_an_inactive_user_cannot_log_in_nor_be_routed_to(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await create_user(
            session, username="eve", display_name="Eve", role=Role.AGENT, password="pw"
        )
        await create_agent(
            session, agent_id="eve", extension="1009", endpoint="PJSIP/1009", skills={"support": 4}
        )
        assert await get_agent(session, "eve") is not None
        user = await session.get_one(User, 1)
        user.active = False
    assert await authenticate(sessions, "eve", "pw") is None
    async with sessions() as session:
        assert await list_agents(session) == []
        assert await get_agent(session, "eve") is None


async def test_agents_need_a_user_and_skill_levels_from_1_to_10(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(NotFound):
            await create_agent(
                session, agent_id="ghost", extension="1001", endpoint="PJSIP/1001", skills={}
            )
        await create_user(
            session, username="fay", display_name="Fay", role=Role.AGENT, password="pw"
        )
        for level in (0, 11):
            with pytest.raises(InvalidValue):
                await create_agent(
                    session,
                    agent_id="fay",
                    extension="1001",
                    endpoint="PJSIP/1001",
                    skills={"sales": level},
                )
        agent = await create_agent(
            session,
            agent_id="fay",
            extension="1001",
            endpoint="PJSIP/1001",
            skills={"support": 10, "sales": 1},
        )
        with pytest.raises(AlreadyExists):
            await create_agent(
                session, agent_id="fay", extension="1002", endpoint="PJSIP/1002", skills={}
            )
    assert agent.display_name == "Fay"
    assert agent.skills == {"sales": 1, "support": 10}


async def test_logging_in_upgrades_a_hash_made_with_weaker_parameters(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("pw")
    async with sessions.begin() as session:
        await create_user(
            session, username="gus", display_name="Gus", role=Role.AGENT, password="x"
        )
        user = await session.get_one(User, 1)
        user.password_hash = weak
    assert needs_rehash(weak)
    assert await authenticate(sessions, "gus", "pw") is not None
    async with sessions() as session:
        stored = await get_user(session, "gus")
    assert stored is not None and stored.password_hash != weak
    assert not needs_rehash(stored.password_hash)
    assert verify_password(stored.password_hash, "pw")


async def test_a_user_changes_role_and_password_and_a_deactivated_one_cannot_log_in(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await create_user(
            session, username="dan", display_name="Dan", role=Role.AGENT, password="a"
        )
        changed = await update_user(session, "dan", role=Role.SUPERVISOR, password="b")
        with pytest.raises(NotFound):
            await update_user(session, "nobody", active=False)
        with pytest.raises(InvalidField):
            await update_user(session, "dan", display_name=" ")
    new_password = await authenticate(sessions, "dan", "b")
    async with sessions.begin() as session:
        await update_user(session, "dan", active=False)
    async with sessions() as session:
        listed = await list_users(session)
    assert changed.role is Role.SUPERVISOR
    assert new_password is not None
    assert await authenticate(sessions, "dan", "b") is None
    assert [(u.username, u.active) for u in listed] == [("dan", False)]


async def test_an_agents_phone_and_skills_change_and_one_with_calls_stays(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await add_agents(session, "alice", "bob")
        changed = await update_agent(
            session, "alice", extension="2001", endpoint="PJSIP/2001", skills={"sales": 4}
        )
        with pytest.raises(InvalidField) as clash:
            await update_agent(session, "bob", extension="2001")
        with pytest.raises(InvalidField):
            await update_agent(session, "bob", skills={"sales": 0})
        draft = InteractionDraft(
            call_id="c-1", direction=Direction.INBOUND, started_at=T0, agent_id="alice"
        )
        await record_interaction(session, draft)
        with pytest.raises(InvalidValue):
            await remove_agent(session, "alice")
        await remove_agent(session, "bob")
        with pytest.raises(NotFound):
            await remove_agent(session, "bob")
    async with sessions() as session:
        agents = await list_agents(session)
    assert (changed.extension, changed.endpoint, changed.skills) == (
        "2001",
        "PJSIP/2001",
        {"sales": 4},
    )
    assert clash.value.field == "extension"
    assert [a.agent_id for a in agents] == ["alice"]
