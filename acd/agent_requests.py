"""What agents ask and what happens to them: sign in and out, ready and not ready, the end
of a call and its wrap-up, a call joined outside an offer, their phone changing state.

Owns ``AgentRequests`` (over ``AgentEdits``, an admin's edits): each request goes through
``states.transition`` (via ``EngineCore._change``) and, when it may free an agent, a
routing pass.
"""

from acd.agent_edits import AgentEdits
from acd.errors import UnknownQueue, WrapUpLocked
from acd.events import CallFinished
from acd.model import AgentStatus, WrapUpMode
from acd.states import AgentAction, AgentState, transition
from cti.ids import AgentId, CallId, QueueName


class AgentRequests(AgentEdits):
    def sign_in(self, agent_id: AgentId) -> None:
        self._change(self.agent(agent_id), AgentAction.SIGN_IN, "signed in")

    def sign_out(self, agent_id: AgentId) -> None:
        self._change(self.agent(agent_id), AgentAction.SIGN_OUT, None)
        self._dispatch()  # calls waiting for them as preferred agent go to others

    def go_ready(self, agent_id: AgentId) -> None:
        agent = self.agent(agent_id)
        self._check_wrap_up_lock(agent, AgentAction.GO_READY)
        self._change(agent, AgentAction.GO_READY, None)
        agent.missed_in_a_row = 0
        self._dispatch()

    def go_not_ready(self, agent_id: AgentId, reason: str) -> None:
        agent = self.agent(agent_id)
        self._check_wrap_up_lock(agent, AgentAction.GO_NOT_READY)
        self._change(agent, AgentAction.GO_NOT_READY, reason)
        self._dispatch()  # calls waiting for them as preferred agent go to others

    def restore(
        self, agent_id: AgentId, state: AgentState, reason: str | None, since: float
    ) -> None:
        """Give a signed-out agent back the state they had before a restart (``ready``, or
        ``not_ready`` with its reason), through the usual transitions so it is logged."""
        agent = self.agent(agent_id)
        if agent.state is not AgentState.SIGNED_OUT:
            return
        self._change(agent, AgentAction.SIGN_IN, "restored after a restart")
        if state is AgentState.READY:
            self._change(agent, AgentAction.GO_READY, None)
        elif state is AgentState.NOT_READY:
            self._change(agent, AgentAction.GO_NOT_READY, reason)
        agent.since = agent.idle_since = min(since, self._clock.now())
        if state is AgentState.READY:
            self._ready.add(agent)  # filed again under its restored idle time
        self._dispatch()

    def finish_wrap_up(self, agent_id: AgentId) -> None:
        """The agent closed the wrap-up; they are ready for the next call."""
        self.go_ready(agent_id)

    def phone_changed(self, endpoint: str) -> None:
        """An agent's phone changed state: one that became free may take a waiting call."""
        freed = self._ready.phone_changed(endpoint)
        if freed:
            self._freed += [a.profile.agent_id for a in freed]
            self._dispatch()

    def call_ended(self, call_id: CallId) -> None:
        """A connected call is over; its agent follows the queue's wrap-up mode."""
        talking = self._talking.pop(call_id, None)
        if talking is None:
            return
        agent_id, queue, connected_at = talking
        self._decisions.pop(call_id, None)
        self._after_call(self._agents[agent_id], call_id, queue, connected_at)

    def join_call(
        self, agent_id: AgentId, call_id: CallId, queue: QueueName, reason: str | None = None
    ) -> None:
        """The agent talks on a call the ACD did not offer them (a colleague who answered an
        attended transfer's consultation): on call, offered nothing, until ``leave_call``;
        then wrap-up as ``queue`` says. Refused unless they are ready or not ready."""
        if queue not in self.queues:
            raise UnknownQueue(queue)
        agent = self.agent(agent_id)
        transition(agent.state, AgentAction.JOIN_CALL)  # refuse before changing anything
        agent.call_id = call_id
        self._joined[agent_id] = (call_id, queue, self._clock.now())
        self._change(agent, AgentAction.JOIN_CALL, reason)
        self._dispatch()  # calls held for them as preferred agent may hold on

    def leave_call(self, agent_id: AgentId) -> None:
        """The call the agent joined (``join_call``) is over for them: wrap-up follows."""
        joined = self._joined.pop(agent_id, None)
        if joined is not None:
            call_id, queue, since = joined
            self._after_call(self._agents[agent_id], call_id, queue, since)

    def _after_call(
        self, agent: AgentStatus, call_id: CallId, queue: QueueName, connected_at: float
    ) -> None:
        agent_id = agent.profile.agent_id
        now = self._clock.now()
        self._publish(CallFinished(call_id, agent_id, now - connected_at, now))
        self._change(agent, AgentAction.END_CALL, None)
        agent.idle_since = now
        config = self.queues[queue]
        if config.wrap_up_mode is WrapUpMode.OPTIONAL:
            self._change(agent, AgentAction.GO_READY, "wrap-up optional")
            self._dispatch()
            return
        if config.wrap_up_mode is WrapUpMode.MANDATORY:
            return
        if config.wrap_up_mode is WrapUpMode.TIMED_NO_EARLY_EXIT:
            agent.wrap_up_locked_until = now + config.wrap_up_seconds
        seconds = config.wrap_up_seconds
        self._agent_timers.set(agent_id, seconds, lambda: self._wrap_up_expired(agent_id, call_id))

    def _wrap_up_expired(self, agent_id: AgentId, call_id: CallId) -> None:
        agent = self._agents.get(agent_id)
        if agent is not None and agent.state is AgentState.WRAP_UP and agent.call_id == call_id:
            self._agent_timers.fired(agent_id)
            self._change(agent, AgentAction.GO_READY, "wrap-up time over")
            self._dispatch()

    def _check_wrap_up_lock(self, agent: AgentStatus, action: AgentAction) -> None:
        until = agent.wrap_up_locked_until
        now = self._clock.now()
        if agent.state is AgentState.WRAP_UP and until is not None and now < until:
            raise WrapUpLocked(agent.state, action, until - now)
