"""Agent-choice strategies: how the qualified, free agents are ranked for one call.

Owns the ``AgentChoice`` protocol and the built-in strategies. A strategy is a pure score
(higher wins, compared as a tuple); ties end on the agent id so decisions are repeatable.
Queues name their strategy (``QueueConfig.choice``); the engine may add its own.

A strategy may also say that its ranking is an order the ready-agent index keeps
(``index_order``: ``"idle"`` or ``"fit"``, see ``acd.ready_index``): a decision then reads
the first few agents of that order instead of scoring every qualified agent. A strategy
without it (a plug-in) is scored on every qualified free agent, never on the others.
"""

from collections.abc import Mapping
from typing import ClassVar, Protocol

from acd.model import AgentStatus


class AgentChoice(Protocol):
    def score(self, agent: AgentStatus, needed: Mapping[str, int], now: float) -> tuple[float, ...]:
        """The agent's rank for a call needing ``needed``; higher is better."""
        ...


class LongestIdle:
    """The default: seconds since the agent last became ready or finished a call."""

    index_order: ClassVar[str] = "idle"

    def score(self, agent: AgentStatus, needed: Mapping[str, int], now: float) -> tuple[float, ...]:
        return (now - agent.idle_since,)


class BestSkillFit:
    """The sum of the agent's levels on the skills the call needs, then longest idle."""

    index_order: ClassVar[str] = "fit"

    def score(self, agent: AgentStatus, needed: Mapping[str, int], now: float) -> tuple[float, ...]:
        skills = agent.profile.skills
        return (float(sum(skills.get(name, 0) for name in needed)), now - agent.idle_since)


CHOICES: Mapping[str, AgentChoice] = {
    "longest_idle": LongestIdle(),
    "best_skill_fit": BestSkillFit(),
}
