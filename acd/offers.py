"""Offers and their outcomes: the caller's session dialled the reserved agent.

Owns ``Offers``: what an answered, missed, rejected or cancelled offer does to the call
and the agent (connected; back in line with its place, the agent ready again or, after
too many misses in a row, not ready).
"""

import logging

from acd.engine_core import EngineCore
from acd.events import CallConnected, OfferFailed
from acd.model import AgentStatus, Offer, WaitingCall
from acd.states import AgentAction
from cti.ids import CallId

log = logging.getLogger(__name__)

#: Dial outcomes that say nothing about the agent: the caller hung up while it rang.
NOT_THE_AGENTS_FAULT = frozenset({"CANCEL"})


class Offers(EngineCore):
    def offer_for(self, call_id: CallId) -> Offer | None:
        """The reservation the caller's session should dial now, if any."""
        return self._offers.get(call_id)

    def offer_result(self, offer: Offer, dial_status: str) -> None:
        """The session dialled the reserved agent; ``dial_status`` is Asterisk's DIALSTATUS."""
        call = self._line.get(offer.call_id)
        agent = self._agents.get(offer.agent_id)
        if self._offers.get(offer.call_id) != offer or call is None or agent is None:
            log.warning("offer result for unknown reservation %s -> %s", offer, dial_status)
            return
        del self._offers[offer.call_id]
        self._agent_timers.cancel(agent.profile.agent_id)
        if dial_status == "ANSWER":
            self._connect(call, agent)
            return
        self._dirty.add(offer.call_id)
        if dial_status in NOT_THE_AGENTS_FAULT:
            call.reserved_for = None
            now = self._clock.now()
            self._publish(OfferFailed(offer.call_id, offer.agent_id, dial_status, now))
            self._change(agent, AgentAction.RELEASE, f"dial {dial_status.lower()}")
        else:
            self._miss(call, agent, dial_status)
        self._decisions.pop(offer.call_id, None)
        self._arm_call_timer(call)  # the call may have passed a step (or its last) meanwhile
        self._dispatch()

    def _connect(self, call: WaitingCall, agent: AgentStatus) -> None:
        now = self._clock.now()
        request = call.request
        self._unqueue(request.call_id)
        self._call_timers.cancel(request.call_id)
        self._talking[request.call_id] = (agent.profile.agent_id, request.queue, now)
        agent.missed_in_a_row = 0
        self._change(agent, AgentAction.CONNECT, None)
        waited = now - call.joined_at
        self._publish(
            CallConnected(request.call_id, agent.profile.agent_id, request.queue, waited, now)
        )

    def _miss(self, call: WaitingCall, agent: AgentStatus, status: str) -> None:
        now = self._clock.now()
        call.reserved_for = None
        agent.call_id = None
        agent.missed_in_a_row += 1
        if call.request.preferred_agent == agent.profile.agent_id:
            call.preferred_declined = True  # no more waiting for them alone
        self._publish(OfferFailed(call.request.call_id, agent.profile.agent_id, status, now))
        if agent.missed_in_a_row >= self._max_missed:
            reason = f"missed {agent.missed_in_a_row} offers in a row"
            self._change(agent, AgentAction.MISS_TOO_MANY, reason)
        else:
            self._change(agent, AgentAction.MISS, f"offer {status.lower()}")
