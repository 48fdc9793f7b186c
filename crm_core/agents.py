"""Agents as the ACD and the agent tab see them: extension, PJSIP endpoint, skill levels.

Owns ``agents`` and ``agent_skills``. Only agents whose user is active are listed: an inactive
user is someone the ACD must not route to. An agent with calls in the history cannot be
removed (the history would lose who took them): deactivate the user instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm_core.errors import AlreadyExists, InvalidField, InvalidValue, NotFound
from crm_core.models import Agent, AgentSkill, Interaction, InteractionSegment, User

MIN_LEVEL, MAX_LEVEL = 1, 10


@dataclass(frozen=True, slots=True)
class AgentRecord:
    agent_id: str
    display_name: str
    extension: str
    endpoint: str
    skills: dict[str, int]
    #: The ACD's dial asks the phone to answer at once (``Call-Info: answer-after=0``).
    auto_answer: bool = False


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
        auto_answer=agent.auto_answer,
    )


async def list_agents(session: AsyncSession) -> list[AgentRecord]:
    rows = await session.execute(_active_agents())
    return [_record(agent, name) for agent, name in rows]


async def get_agent(session: AsyncSession, agent_id: str) -> AgentRecord | None:
    rows = await session.execute(_active_agents().where(Agent.agent_id == agent_id))
    row = rows.first()
    return None if row is None else _record(row[0], row[1])


async def update_agent(
    session: AsyncSession,
    agent_id: str,
    *,
    extension: str | None = None,
    endpoint: str | None = None,
    skills: Mapping[str, int] | None = None,
    auto_answer: bool | None = None,
) -> AgentRecord:
    """Change the phone, replace the skills (levels 1..10) and/or switch auto-answer of an
    active agent."""
    if skills is not None:
        _check_levels(skills)
    rows = await session.execute(_active_agents().where(Agent.agent_id == agent_id))
    found = rows.first()
    if found is None:
        raise NotFound("agent", agent_id)
    agent, display_name = found
    if extension is not None and extension != agent.extension:
        taken = await session.scalar(select(Agent.agent_id).where(Agent.extension == extension))
        if taken is not None:
            raise InvalidField("extension", f"{extension} is {taken}'s")
        agent.extension = extension
    if endpoint is not None:
        agent.endpoint = endpoint
    if auto_answer is not None:
        agent.auto_answer = auto_answer
    if skills is not None:
        agent.skills = [AgentSkill(skill=s, level=lvl) for s, lvl in skills.items()]
    await session.flush()
    return _record(agent, display_name)


async def remove_agent(session: AsyncSession, agent_id: str) -> None:
    """The user stops being an agent; refused (``InvalidValue``) if calls name them."""
    agent = await session.get(Agent, agent_id)
    if agent is None:
        raise NotFound("agent", agent_id)
    handled = await session.scalar(
        select(Interaction.id).where(Interaction.agent_id == agent_id).limit(1)
    )
    leg = await session.scalar(
        select(InteractionSegment.id).where(InteractionSegment.agent_id == agent_id).limit(1)
    )
    if handled is not None or leg is not None:
        raise InvalidValue(f"{agent_id} has calls in the history: deactivate the user instead")
    await session.delete(agent)
    await session.flush()


def _check_levels(skills: Mapping[str, int]) -> None:
    for skill, level in skills.items():
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise InvalidField("skills", f"skill {skill!r} level {level} is outside 1..10")


async def create_agent(
    session: AsyncSession,
    *,
    agent_id: str,
    extension: str,
    endpoint: str,
    skills: Mapping[str, int],
) -> AgentRecord:
    """Make the existing user ``agent_id`` an agent with these skill levels (1..10)."""
    _check_levels(skills)
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
