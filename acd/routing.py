"""Routing policy: which ready agent takes which waiting call, and why.

Pure: takes the waiting calls, the agents and the queue table, returns matches with a
human-readable trace. One pass matches over all waiting calls and all agents, so the
order across queues is decided in one place (priority first, then the original join time).
The default agent choice is the longest-idle agent qualified for the call's skills; a
preferred agent (the account manager) who is ready and qualified comes first.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from acd.model import AgentStatus, QueueConfig, WaitingCall
from acd.states import AgentState
from cti.ids import AgentId, QueueName


@dataclass(frozen=True, slots=True)
class Match:
    call: WaitingCall
    agent: AgentStatus
    trace: str


def required_skills(call: WaitingCall, queues: Mapping[QueueName, QueueConfig]) -> dict[str, int]:
    """The queue's skill at its minimum level, raised by what the call itself asks for."""
    needed = dict(call.request.skills)
    queue = queues.get(call.request.queue)
    if queue is not None:
        needed[queue.skill] = max(needed.get(queue.skill, 0), queue.min_level)
    return needed


def qualifies(agent: AgentStatus, needed: Mapping[str, int]) -> bool:
    skills = agent.profile.skills
    return all(skills.get(name, 0) >= level for name, level in needed.items())


def call_order(call: WaitingCall) -> tuple[int, float, str]:
    return (-call.request.priority, call.joined_at, call.request.call_id)


def match(
    waiting: Iterable[WaitingCall],
    agents: Iterable[AgentStatus],
    queues: Mapping[QueueName, QueueConfig],
    now: float,
) -> list[Match]:
    """Pair waiting calls with ready agents; each agent and call at most once."""
    free = {a.profile.agent_id: a for a in agents if a.state is AgentState.READY}
    matches: list[Match] = []
    for call in sorted((c for c in waiting if c.reserved_for is None), key=call_order):
        if not free:
            break
        chosen = choose_agent(call, free, queues, now)
        if chosen is not None:
            agent, trace = chosen
            del free[agent.profile.agent_id]
            matches.append(Match(call, agent, trace))
    return matches


def choose_agent(
    call: WaitingCall,
    free: Mapping[AgentId, AgentStatus],
    queues: Mapping[QueueName, QueueConfig],
    now: float,
) -> tuple[AgentStatus, str] | None:
    needed = required_skills(call, queues)
    qualified = [a for a in free.values() if qualifies(a, needed)]
    if not qualified:
        return None
    wanted = call.request.preferred_agent
    for agent in qualified:
        if agent.profile.agent_id == wanted:
            return agent, f"preferred agent {wanted} is ready and qualified for {needed}"
    agent = min(qualified, key=lambda a: (a.idle_since, a.profile.agent_id))
    idle = now - agent.idle_since
    trace = f"longest idle ({idle:.1f}s) of {len(qualified)} ready agent(s) qualified for {needed}"
    return agent, trace
