"""The engine's state and the moves every request ends in.

Owns ``EngineCore``: the agents, the ready-agent index (``acd.ready_index``), the waiting
line (``acd.waiting_line``), offers and timers; the one place an agent's state changes
(``_change``); the routing pass (``_dispatch``); and each call's timed moments (its next
routing step, the end of its preferred agent's window, overflow past the last step).

The pass is incremental. After every pass, no open call has a free agent it could take
(or it waits for its busy preferred agent). So a pass only has to look at what changed
since the last one: the calls marked ``_dirty`` (arrived, offer failed, moved, re-prioritised,
reached a new step or the end of a window, lost their preferred agent to *not ready*) and
the agents ``_freed`` (became ready with a free phone, or their phone became free). For a
freed agent only the open calls it qualifies for matter, the first of them found by
bisection in the line's files; for a dirty call, only that call. The result is the one a
full pass in call order (``routing.match``) gives; ``tests/acd`` checks both.
"""

import dataclasses
import functools
import heapq
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping

from acd.choice import CHOICES, AgentChoice
from acd.clock import Clock, Scheduler, Timers
from acd.errors import UnknownQueue
from acd.events import AcdEvent, AgentReserved, AgentStateChanged, CallOverflowed
from acd.model import AgentStatus, Offer, OverflowAction, QueueConfig, WaitingCall
from acd.preferred import HOLDING_STATES, window_end
from acd.ready_index import ReadyAgents
from acd.routing import (
    DEFAULT_HEAD_START,
    always_free,
    call_order,
    claims,
    current_step,
    decide,
    next_boundary,
    past_last_step,
    required_skills,
)
from acd.states import AgentAction, AgentState, transition
from acd.trace import RoutingTrace
from acd.waiting_line import OrderKey, WaitingLine
from cti.ids import AgentId, CallId, QueueName

#: States in which an agent is attached to a call (``AgentStatus.call_id`` is set).
CALL_STATES = frozenset({AgentState.RESERVED, AgentState.ON_CALL, AgentState.WRAP_UP})


class EngineCore(ABC):
    """All agents and waiting calls of one tenant; the single writer of ACD state."""

    def __init__(
        self,
        queues: Iterable[QueueConfig],
        *,
        clock: Clock,
        scheduler: Scheduler,
        publish: Callable[[AcdEvent], None],
        max_missed_offers: int = 3,
        reservation_timeout: float = 60.0,
        phone_free: Callable[[str], bool] = always_free,
        choices: Mapping[str, AgentChoice] | None = None,
        head_start: float = DEFAULT_HEAD_START,
    ) -> None:
        self.queues: dict[QueueName, QueueConfig] = {q.name: q for q in queues}
        self._choices = {**CHOICES, **(choices or {})}
        for q in self.queues.values():
            if q.choice not in self._choices:
                raise ValueError(f"queue {q.name}: unknown agent choice {q.choice!r}")
            if q.overflow and q.overflow.queue and q.overflow.queue not in self.queues:
                raise UnknownQueue(q.overflow.queue)
        self._phone_free = phone_free
        self._head_start = head_start
        self._clock = clock
        self._publish = publish
        self._max_missed = max_missed_offers
        self._reservation_timeout = reservation_timeout
        self._agents: dict[AgentId, AgentStatus] = {}
        self._ready = ReadyAgents(phone_free)
        self._line = WaitingLine()
        #: An agent's offer or wrap-up timer; a call's next routing moment.
        self._agent_timers: Timers[AgentId] = Timers(scheduler)
        self._call_timers: Timers[CallId] = Timers(scheduler)
        self._decisions: dict[CallId, RoutingTrace] = {}
        self._talking: dict[CallId, tuple[AgentId, QueueName, float]] = {}
        #: Agents on a call they joined outside an offer (``AgentRequests.join_call``).
        self._joined: dict[AgentId, tuple[CallId, QueueName, float]] = {}
        self._offers: dict[CallId, Offer] = {}
        #: What changed since the last pass (see the module docstring).
        self._dirty: set[CallId] = set()
        self._freed: list[AgentId] = []

    # -- agent state ---------------------------------------------------------------------
    def _change(self, agent: AgentStatus, action: AgentAction, reason: str | None) -> None:
        new_state = transition(agent.state, action)
        now = self._clock.now()
        agent_id = agent.profile.agent_id
        previous, since = agent.state, agent.since
        if new_state not in CALL_STATES:
            agent.call_id = None
        if new_state is not AgentState.WRAP_UP:
            agent.wrap_up_locked_until = None
        if new_state is AgentState.READY:
            agent.idle_since = now if previous is not AgentState.RESERVED else agent.idle_since
            self._agent_timers.cancel(agent_id)
        agent.state, agent.reason, agent.since = new_state, reason, now
        if new_state is AgentState.READY:
            if self._ready.add(agent):
                self._freed.append(agent_id)
        else:
            self._ready.discard(agent_id)
        if previous in HOLDING_STATES and new_state not in HOLDING_STATES:
            self._dirty |= self._line.preferring(agent_id)  # their callers stop waiting
        self._publish(
            AgentStateChanged(
                agent_id, new_state.value, previous.value, reason, now - since, agent.call_id, now
            )
        )
        if agent.retiring and new_state in (AgentState.READY, AgentState.NOT_READY):
            self._retire(agent)  # their last call's work is over

    def _retire(self, agent: AgentStatus) -> None:
        """Sign out and forget an agent who is no longer one (``acd.agent_edits``)."""
        agent.retiring = False
        self._change(agent, AgentAction.SIGN_OUT, "no longer an agent")
        self._agent_timers.cancel(agent.profile.agent_id)
        del self._agents[agent.profile.agent_id]

    def _release(self, call: WaitingCall, reason: str) -> None:
        """Undo the call's reservation: its agent is ready again, the call open again."""
        if call.reserved_for is None:
            return
        agent = self._agents[call.reserved_for]
        self._offers.pop(call.request.call_id, None)
        self._agent_timers.cancel(agent.profile.agent_id)
        agent.call_id, call.reserved_for = None, None
        self._dirty.add(call.request.call_id)
        self._change(agent, AgentAction.RELEASE, reason)

    # -- the routing pass ----------------------------------------------------------------
    def _dispatch(self) -> None:
        now = self._clock.now()
        dirty, self._dirty = self._dirty, set()
        dirty.update(self._line.gone_stale(now))
        freed, self._freed = list(dict.fromkeys(self._freed)), []
        line = self._line
        for call_id in dirty:
            call = line.get(call_id)
            if call is not None and call.reserved_for is None:
                self._file(call, now)
        if self._ready.free_count == 0:
            return
        dirty_keys = sorted(line.key(c) for c in dirty if line.is_open(c))
        # Calls in their preferred agent's window claim that free agent before the rest.
        claiming = [k for k in dirty_keys if self._claims(k, now)]
        for agent_id in freed:
            held = sorted(line.key(c) for c in line.preferring(agent_id) if line.is_open(c))
            claiming += [k for k in held if self._claims(k, now)][:1]
        for key in sorted(set(claiming)):
            if line.is_open(CallId(key[2])):
                self._decide(CallId(key[2]), now)
        # Then in call order: each dirty call, and the open calls each freed agent meets.
        heap: list[tuple[OrderKey, str]] = [(k, "") for k in dirty_keys]
        for agent_id in freed:
            self._follow(heap, agent_id, None)
        heapq.heapify(heap)
        seen: set[str] = set()
        while heap and self._ready.free_count:
            key, follower = heapq.heappop(heap)
            if follower and not self._ready.is_free(AgentId(follower)):
                continue
            if key[2] not in seen and line.is_open(CallId(key[2])):
                seen.add(key[2])
                self._decide(CallId(key[2]), now)
            if follower:  # still free: their next call, which sorts after this one
                self._follow(heap, AgentId(follower), key)

    def _follow(
        self, heap: list[tuple[OrderKey, str]], agent_id: AgentId, after: OrderKey | None
    ) -> None:
        """Queue the next open call (after ``after``) that the free agent qualifies for."""
        if not self._ready.is_free(agent_id):
            return
        skills = self._ready.status(agent_id).profile.skills
        key = self._line.first_open_for(skills, after)
        if key is not None:
            heapq.heappush(heap, (key, agent_id))

    def _claims(self, key: OrderKey, now: float) -> bool:
        call = self._line.get(CallId(key[2]))
        assert call is not None
        return claims(call, self.queues[call.request.queue], self._ready, now)

    def _decide(self, call_id: CallId, now: float) -> None:
        call = self._line.get(call_id)
        assert call is not None
        queue = self.queues[call.request.queue]
        wanted = call.request.preferred_agent
        preferred = None if wanted is None else self._agents.get(wanted)
        total = len(self._agents)
        decision = decide(call, queue, self._ready, now, self._choices, total, preferred)
        if decision is not None:
            self._reserve(call, self._agents[decision.chosen.agent_id], decision, now)

    def _reserve(
        self, call: WaitingCall, agent: AgentStatus, decision: RoutingTrace, now: float
    ) -> None:
        request, agent_id = call.request, agent.profile.agent_id
        trace = decision.summary()
        self._decisions[request.call_id] = decision
        self._line.close(request.call_id)
        call.reserved_for = agent_id
        agent.call_id = request.call_id
        self._change(agent, AgentAction.RESERVE, None)
        endpoint = agent.profile.endpoint
        waited = now - call.joined_at
        self._publish(
            AgentReserved(request.call_id, agent_id, endpoint, request.queue, waited, trace, now)
        )
        offer = Offer(request.call_id, agent_id, endpoint, request.queue, trace)
        self._offers[request.call_id] = offer
        timed_out = functools.partial(self.offer_result, offer, "TIMEOUT")
        self._agent_timers.set(agent_id, self._reservation_timeout, timed_out)

    @abstractmethod
    def offer_result(self, offer: Offer, dial_status: str) -> None:
        """The session dialled the reserved agent (answered in ``acd.offers``)."""

    def _file(self, call: WaitingCall, now: float) -> None:
        """File an open call under its current step's need, until its next moment."""
        queue = self.queues[call.request.queue]
        needed = required_skills(call, queue.routing_steps[current_step(call, queue, now)])
        delay = self._next_moment(call, queue, now)
        self._line.open(call.request.call_id, needed, None if delay is None else now + delay)

    # -- routing steps, the preferred window and overflow --------------------------------
    def _next_moment(self, call: WaitingCall, queue: QueueConfig, now: float) -> float | None:
        """Seconds until the call's routing changes by itself: its next step boundary (or
        the end of its last step) or the end of its preferred agent's window."""
        moments = [next_boundary(call, queue, now)]
        end = window_end(call, queue)
        if end is not None and end > now:
            moments.append(end - now)
        due = [m for m in moments if m is not None]
        return min(due) if due else None

    def _arm_call_timer(self, call: WaitingCall) -> None:
        """Set the timer for the call's next moment, or overflow it if that is past."""
        call_id = call.request.call_id
        self._call_timers.cancel(call_id)
        if call.reserved_for is not None:
            return  # re-armed when the offer ends
        queue = self.queues[call.request.queue]
        now = self._clock.now()
        callback = call.request.callback_number is not None
        if queue.overflow is not None and not callback and past_last_step(call, queue, now):
            self._overflow(call, queue)
            return
        delay = self._next_moment(call, queue, now)
        if delay is not None:
            self._call_timers.set(call_id, delay, functools.partial(self._moment_due, call_id))

    def _moment_due(self, call_id: CallId) -> None:
        self._call_timers.fired(call_id)
        call = self._line.get(call_id)
        if call is None:
            return
        self._dirty.add(call_id)
        self._arm_call_timer(call)
        self._dispatch()

    def _overflow(self, call: WaitingCall, queue: QueueConfig) -> None:
        assert queue.overflow is not None
        request, now = call.request, self._clock.now()
        action, target = queue.overflow.action, queue.overflow.queue
        self._publish(
            CallOverflowed(
                request.call_id, queue.name, action.value, target, now - call.joined_at, now
            )
        )
        if action is OverflowAction.QUEUE and target is not None:
            call.request = dataclasses.replace(request, queue=target)
            call.entered_queue_at = now
            self._dirty.add(request.call_id)
            self._arm_call_timer(call)
            return
        self._unqueue(request.call_id)
        self._forget(request.call_id)

    # -- the line ------------------------------------------------------------------------
    def _queue_call(self, call: WaitingCall) -> None:
        self._line.add(call, call_order(call, self._head_start))
        self._dirty.add(call.request.call_id)

    def _unqueue(self, call_id: CallId) -> WaitingCall | None:
        return self._line.remove(call_id)

    def _forget(self, call_id: CallId) -> None:
        self._call_timers.cancel(call_id)
        self._decisions.pop(call_id, None)
