"""An admin's edits of who the agents are, applied to the running engine.

Owns ``AgentEdits``: a new agent, a skill edit, a new phone, an agent removed or deactivated.
Each takes effect for the next routing decision whatever the agent is doing; a call already
offered or connected keeps the phone and agent it has. The shell calls these after the edit
is stored (``callcenter/roster.py``); the ACD never reads the CRM itself.
"""

import dataclasses
from collections.abc import Mapping

from acd.engine_core import CALL_STATES, EngineCore
from acd.errors import UnknownAgent
from acd.model import AgentProfile, AgentStatus
from acd.states import AgentState
from cti.ids import AgentId


class AgentEdits(EngineCore):
    def add_agent(self, profile: AgentProfile) -> None:
        now = self._clock.now()
        self._ready.discard(profile.agent_id)
        self._agents[profile.agent_id] = AgentStatus(profile, since=now, idle_since=now)

    def agent(self, agent_id: AgentId) -> AgentStatus:
        try:
            return self._agents[agent_id]
        except KeyError:
            raise UnknownAgent(agent_id) from None

    def has_agent(self, agent_id: AgentId) -> bool:
        return agent_id in self._agents

    def set_skills(self, agent_id: AgentId, skills: Mapping[str, int]) -> None:
        """An edit of the agent's skills, effective for the next decision whatever their state."""
        agent = self.agent(agent_id)
        agent.profile = dataclasses.replace(agent.profile, skills=dict(skills))
        if agent.state is AgentState.READY and self._ready.add(agent):
            self._freed.append(agent_id)
        self._dirty |= self._line.preferring(agent_id)  # a window needs their skills
        self._dispatch()

    def set_endpoint(self, agent_id: AgentId, endpoint: str) -> None:
        """The agent's phone changed: the next offer rings the new one, and whether they are
        free is asked of the new one (an offer ringing now keeps the old)."""
        agent = self.agent(agent_id)
        if endpoint == agent.profile.endpoint:
            return
        ready = self._ready.is_ready(agent_id)
        self._ready.discard(agent_id)  # filed under the old phone: unfile before it changes
        agent.profile = dataclasses.replace(agent.profile, endpoint=endpoint)
        if ready and self._ready.add(agent):
            self._freed.append(agent_id)
        self._dispatch()

    def retire_agent(self, agent_id: AgentId) -> None:
        """The agent was removed or their user deactivated: signed out (logged) and forgotten
        now, or, while a call is attached, once its wrap-up is over; routed to no more. An
        unknown agent is ignored (the edit may name someone the engine never had)."""
        agent = self._agents.get(agent_id)
        if agent is None:
            return
        if agent.state is AgentState.SIGNED_OUT:
            del self._agents[agent_id]
        elif agent.state in CALL_STATES:
            agent.retiring = True
        else:
            self._retire(agent)
        self._dispatch()

    def keep_agent(self, profile: AgentProfile) -> None:
        """The agent is one again (re-activated, or edited while retiring): add them if the
        engine has forgotten them, else take their profile and keep them."""
        agent = self._agents.get(profile.agent_id)
        if agent is None:
            self.add_agent(profile)
            return
        agent.retiring = False
        if profile.endpoint != agent.profile.endpoint:
            self.set_endpoint(profile.agent_id, profile.endpoint)
        if dict(profile.skills) != dict(agent.profile.skills):
            self.set_skills(profile.agent_id, profile.skills)
        agent.profile = dataclasses.replace(agent.profile, display_name=profile.display_name)
