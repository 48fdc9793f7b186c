"""Agents as the ACD and the agent tab see them: extension, PJSIP endpoint, skill levels.

Owns ``agents`` and ``agent_skills``. Only agents whose user is active are listed: an inactive
user is someone the ACD must not route to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm_core.errors import AlreadyExists, InvalidValue, NotFound
from crm_core.models import Agent, AgentSkill, User

MIN_LEVEL, MAX_LEVEL = 1, 10


@dataclass(frozen=True, slots=True)
class AgentRecord:
    agent_id: str
    display_name: str
    extension: str
    endpoint: str
    skills: dict[str, int]


def _active_agents() -> Select[Agent, str]:
    return (
        select(Agent, User.display_name)
        .join(User, User.username == Agent.agent_id)
        .where(User.active.is_(True))
        .options(selectinload(Agent.skills))
        .order_by(Agent.agent_id)
    )


def _record(agent: Agent, display_name: str) -> AgentRecord:
    return AgentRecord(
        agent_id=agent.agent_id,
        display_name=display_name,
        extension=agent.extension,
        endpoint=agent.endpoint,
        skills={s.skill: s.level for s in sorted(agent.skills, key=lambda s: s.skill)},
    )


async def list_agents(session: AsyncSession) -> list[AgentRecord]:
    rows = await session.execute(_active_agents())
    return [_record(agent, name) for agent, name in rows]


async def get_agent(session: AsyncSession, agent_id: str) -> AgentRecord | None:
    rows = await session.execute(_active_agents().where(Agent.agent_id == agent_id))
    row = rows.first()
    return None if row is None else _record(row[0], row[1])


async def create_agent(
    session: AsyncSession,
    *,
    agent_id: str,
    extension: str,
    endpoint: str,
    skills: Mapping[str, int],
) -> AgentRecord:
    """Make the existing user ``agent_id`` an agent with these skill levels (1..10)."""
    for skill, level in skills.items():
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise InvalidValue(f"skill {skill!r} level {level} is outside 1..10")
    user = await session.scalar(select(User).where(User.username == agent_id))
    if user is None:
        raise NotFound("user", agent_id)
    if await session.get(Agent, agent_id) is not None:
        raise AlreadyExists("agent", agent_id)
    agent = Agent(
        agent_id=agent_id,
        extension=extension,
        endpoint=endpoint,
        skills=[AgentSkill(skill=s, level=lvl) for s, lvl in skills.items()],
    )
    session.add(agent)
    await session.flush()
    return _record(agent, user.display_name)
