"""The ACD engine: holds agents and waiting calls, applies the rules, sets timers.

Thin shell around the pure parts: ``states.transition`` decides every agent state change
and ``routing.decide`` every reservation, reading the ready-agent index. Each waiting call
has a timer for its next routing moment (a step boundary, the end of its preferred agent's
window): at that moment the call is matched again with its new step's skills, or, past the
last step, its queue's overflow applies (``CallOverflowed``). The engine reads time only
from the injected ``Clock`` and schedules only through the injected ``Scheduler`` (the
event loop in production, a virtual-time loop in tests). It publishes ``acd.events``
through a plain callable and never awaits anything, so it can run inside any handler.

``AcdEngine`` is assembled from one part per kind of fact: ``agent_edits`` (an admin's
edits of the agents), ``agent_requests`` (agents' requests, wrap-up, calls joined outside an
offer, phones), ``queue_entry`` (calls entering and leaving the line),
``offers`` (dial outcomes), all over ``engine_core`` (state, state changes, the routing
pass, timed moments). Its names are re-exported here for the shell.
"""

from acd.agent_requests import AgentRequests
from acd.clock import Cancellable, Clock, Scheduler
from acd.engine_core import CALL_STATES
from acd.errors import UnknownAgent, UnknownCall, UnknownQueue, WrapUpLocked
from acd.explain import why_waiting
from acd.model import AgentStatus, WaitingCall
from acd.offers import NOT_THE_AGENTS_FAULT, Offers
from acd.queue_entry import QueueEntry, callback_id
from acd.trace import Explanation
from cti.ids import CallId

__all__ = [
    "CALL_STATES",
    "NOT_THE_AGENTS_FAULT",
    "AcdEngine",
    "Cancellable",
    "Clock",
    "Scheduler",
    "UnknownAgent",
    "UnknownCall",
    "UnknownQueue",
    "WrapUpLocked",
    "callback_id",
]


class AcdEngine(AgentRequests, QueueEntry, Offers):
    """All agents and waiting calls of one tenant; the single writer of ACD state."""

    def agents(self) -> list[AgentStatus]:
        return list(self._agents.values())

    def waiting(self) -> list[WaitingCall]:
        return self._line.calls()

    def is_waiting(self, call_id: CallId) -> bool:
        return call_id in self._line

    def explain(self, call_id: CallId) -> Explanation:
        """Why this call is still waiting, or why its agent was chosen."""
        call = self._line.get(call_id)
        if call is not None and call.reserved_for is None:
            wanted = call.request.preferred_agent
            return why_waiting(
                call,
                self.queues[call.request.queue],
                self._line.calls(),
                self._ready,
                len(self._agents),
                self._clock.now(),
                head_start=self._head_start,
                preferred=None if wanted is None else self._agents.get(wanted),
            )
        decision = self._decisions.get(call_id)
        if decision is None:
            raise UnknownCall(call_id)
        state = "reserved" if call is not None else "connected"
        return Explanation(call_id, state, decision.queue, None, {}, None, {}, decision)
