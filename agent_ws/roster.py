"""The seam through which an admin's edits of the agents reach the running ACD.

Owns the ``AgentRoster`` protocol: the agents' routes tell it, after the edit is stored,
that an agent was added or changed (``agent_saved``, with the stored record) or stopped
being one (``agent_gone``: removed, or their user deactivated). The composition root plugs
in the implementation (``callcenter/roster.py``); the edge decides nothing about routing.
"""

from typing import Protocol

from crm_core.agents import AgentRecord


class AgentRoster(Protocol):
    def agent_saved(self, agent: AgentRecord) -> None:
        """The agent as now stored (new, edited or re-activated): route with this."""

    def agent_gone(self, agent_id: str) -> None:
        """The agent was removed or their user deactivated: route to them no more."""
