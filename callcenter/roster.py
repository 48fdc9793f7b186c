"""The running ACD follows the admin's edits of the agents.

Owns ``AcdRoster``, the ``agent_ws.roster.AgentRoster`` the composition root hands the web
app, and ``profile_of``, the one translation of a stored agent into the ACD's profile (used
at start and on every edit). Translates only: what an edit does to an agent who is ready,
ringing or on a call is ``acd.agent_edits``'s rule.
"""

import logging

from acd.engine import AcdEngine
from acd.model import AgentProfile
from crm_core.agents import AgentRecord
from cti.ids import AgentId

log = logging.getLogger(__name__)


def profile_of(agent: AgentRecord) -> AgentProfile:
    return AgentProfile(
        AgentId(agent.agent_id), agent.display_name, agent.endpoint, dict(agent.skills)
    )


class AcdRoster:
    def __init__(self, engine: AcdEngine) -> None:
        self._engine = engine

    def agent_saved(self, agent: AgentRecord) -> None:
        self._engine.keep_agent(profile_of(agent))
        log.info("agent %s now routed with %s on %s", agent.agent_id, agent.skills, agent.endpoint)

    def agent_gone(self, agent_id: str) -> None:
        self._engine.retire_agent(AgentId(agent_id))
        log.info("agent %s is no longer routed to", agent_id)
