"""The ACD engine: holds agents and waiting calls, applies the rules, sets timers.

Thin shell around the pure parts: ``states.transition`` decides every agent state change
and ``routing.match`` decides every reservation. Each waiting call has a timer for its next
routing-step boundary: at that moment the call is matched again with its new step's skills,
or, past the last step, its queue's overflow applies (``CallOverflowed``). The engine
reads time only from the injected ``Clock`` and schedules only through the injected
``Scheduler`` (the event loop in production, a virtual-time loop in tests). It publishes
``acd.events`` through a plain callable and never awaits anything, so it can run inside any handler.
"""

import bisect
import dataclasses
import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from acd.choice import CHOICES, AgentChoice
from acd.events import (
    AcdEvent,
    AgentReserved,
    AgentStateChanged,
    CallConnected,
    CallFinished,
    CallLeftQueue,
    CallMoved,
    CallOverflowed,
    CallPriorityChanged,
    CallQueued,
    OfferFailed,
)
from acd.explain import why_waiting
from acd.model import (
    AgentProfile,
    AgentStatus,
    CallRequest,
    Offer,
    OverflowAction,
    QueueConfig,
    WaitingCall,
    WrapUpMode,
)
from acd.routing import (
    DEFAULT_HEAD_START,
    always_free,
    call_order,
    match,
    next_boundary,
    past_last_step,
)
from acd.states import AgentAction, AgentState, IllegalTransition, transition
from acd.trace import Explanation, RoutingTrace
from cti.ids import AgentId, CallId, QueueName

log = logging.getLogger(__name__)

#: Dial outcomes that say nothing about the agent: the caller hung up while it rang.
NOT_THE_AGENTS_FAULT = frozenset({"CANCEL"})

#: States in which an agent is attached to a call (``AgentStatus.call_id`` is set).
CALL_STATES = frozenset({AgentState.RESERVED, AgentState.ON_CALL, AgentState.WRAP_UP})


class Clock(Protocol):
    def now(self) -> float:
        """Wall-clock seconds (epoch) as the event loop sees them."""
        ...


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    def call_later(self, delay: float, callback: Callable[[], object]) -> Cancellable: ...


def callback_id(call_id: CallId) -> CallId:
    """The id of the callback that replaces a caller's call."""
    return CallId(f"{call_id}-cb")


class UnknownAgent(LookupError):
    pass


class UnknownQueue(LookupError):
    pass


class UnknownCall(LookupError):
    pass


class WrapUpLocked(IllegalTransition):
    """The queue's wrap-up is time-boxed with no early exit and the box is not over."""

    def __init__(self, state: AgentState, action: AgentAction, remaining: float) -> None:
        super().__init__(state, action)
        self.args = (f"wrap-up cannot end early: {remaining:.0f} s left",)
        self.remaining = remaining


class AcdEngine:
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
        self._scheduler = scheduler
        self._publish = publish
        self._max_missed = max_missed_offers
        self._reservation_timeout = reservation_timeout
        self._agents: dict[AgentId, AgentStatus] = {}
        #: The READY agents, kept in step with every state change: routing scans only these.
        self._ready: dict[AgentId, AgentStatus] = {}
        self._step_timers: dict[CallId, Cancellable] = {}
        self._decisions: dict[CallId, RoutingTrace] = {}
        self._waiting: dict[CallId, WaitingCall] = {}
        #: ``routing.call_order`` keys of the waiting calls, kept sorted: a call's key never
        #: changes (join time, priority and id stay across steps and overflow).
        self._order: list[tuple[float, float, str]] = []
        self._talking: dict[CallId, tuple[AgentId, QueueName, float]] = {}
        self._timers: dict[AgentId, Cancellable] = {}
        self._offers: dict[CallId, Offer] = {}

    # -- queries -------------------------------------------------------------------------
    def add_agent(self, profile: AgentProfile) -> None:
        now = self._clock.now()
        self._agents[profile.agent_id] = AgentStatus(profile, since=now, idle_since=now)
        self._ready.pop(profile.agent_id, None)

    def agent(self, agent_id: AgentId) -> AgentStatus:
        try:
            return self._agents[agent_id]
        except KeyError:
            raise UnknownAgent(agent_id) from None

    def agents(self) -> list[AgentStatus]:
        return list(self._agents.values())

    def waiting(self) -> list[WaitingCall]:
        return list(self._waiting.values())

    def is_waiting(self, call_id: CallId) -> bool:
        return call_id in self._waiting

    def offer_for(self, call_id: CallId) -> Offer | None:
        """The reservation the caller's session should dial now, if any."""
        return self._offers.get(call_id)

    # -- requests from agents ------------------------------------------------------------
    def sign_in(self, agent_id: AgentId) -> None:
        self._change(self.agent(agent_id), AgentAction.SIGN_IN, "signed in")

    def sign_out(self, agent_id: AgentId) -> None:
        self._change(self.agent(agent_id), AgentAction.SIGN_OUT, None)

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
        self._dispatch()

    def finish_wrap_up(self, agent_id: AgentId) -> None:
        """The agent closed the wrap-up; they are ready for the next call."""
        self.go_ready(agent_id)

    # -- facts from the caller's session -------------------------------------------------
    def enqueue(self, request: CallRequest, joined_at: float | None = None) -> None:
        """Queue a call; ``joined_at`` keeps the place of a caller who joined earlier
        (a restart resuming calls from the event log)."""
        if request.queue not in self.queues:
            raise UnknownQueue(request.queue)
        now = self._clock.now()
        call = WaitingCall(request, joined_at=now if joined_at is None else min(joined_at, now))
        self._waiting[request.call_id] = call
        bisect.insort(self._order, call_order(call, self._head_start))
        self._publish(
            CallQueued(
                request.call_id,
                request.queue,
                request.priority,
                now,
                request.callback_number,
                call.joined_at,
                request.tier,
            )
        )
        self._arm_step_timer(call)
        self._dispatch()

    def to_callback(self, call_id: CallId, number: str) -> CallId:
        """The waiting caller asked to be called back on ``number``: their call leaves the
        queue (``CallLeftQueue``, reason ``callback``) and a callback takes its place, with
        the same join time, queue and priority. Returns the callback's id."""
        call = self._waiting.get(call_id)
        if call is None:
            raise UnknownCall(call_id)
        self.leave_queue(call_id, "callback")
        request = dataclasses.replace(
            call.request,
            call_id=callback_id(call_id),
            callback_number=number,
            preferred_agent=None,
        )
        self.enqueue(request, joined_at=call.joined_at)
        return request.call_id

    def change_priority(self, call_id: CallId, priority: int, by: str) -> None:
        """A team lead's new priority for a waiting call: its place in line is computed
        again from its original join time (``UnknownCall`` if it is not waiting)."""
        call = self._unqueue(call_id)
        if call is None:
            raise UnknownCall(call_id)
        previous = call.request.priority
        call.request = dataclasses.replace(call.request, priority=priority)
        bisect.insort(self._order, call_order(call, self._head_start))
        self._waiting[call_id] = call
        now = self._clock.now()
        self._publish(CallPriorityChanged(call_id, call.request.queue, priority, previous, by, now))
        self._dispatch()

    def move_to_queue(self, call_id: CallId, queue: QueueName, by: str) -> None:
        """A team lead moves a waiting call to another queue: it keeps its join time (its
        place among equals), and the new queue's steps count from now (``UnknownCall``,
        ``UnknownQueue``; a reservation in progress is released)."""
        if queue not in self.queues:
            raise UnknownQueue(queue)
        call = self._unqueue(call_id)
        if call is None:
            raise UnknownCall(call_id)
        before, now = call.request.queue, self._clock.now()
        if call.reserved_for is not None:
            agent = self._agents[call.reserved_for]
            self._offers.pop(call_id, None)
            self._cancel_timer(agent.profile.agent_id)
            agent.call_id, call.reserved_for = None, None
            self._change(agent, AgentAction.RELEASE, "call moved to another queue")
        call.request = dataclasses.replace(call.request, queue=queue)
        call.entered_queue_at = now
        bisect.insort(self._order, call_order(call, self._head_start))
        self._waiting[call_id] = call
        self._publish(CallMoved(call_id, before, queue, by, now))
        self._arm_step_timer(call)
        self._dispatch()

    def in_line(self) -> list[WaitingCall]:
        """The waiting calls in the order they are served."""
        return [self._waiting[CallId(key[2])] for key in self._order]

    def offer_result(self, offer: Offer, dial_status: str) -> None:
        """The session dialled the reserved agent; ``dial_status`` is Asterisk's DIALSTATUS."""
        call = self._waiting.get(offer.call_id)
        agent = self._agents.get(offer.agent_id)
        if self._offers.get(offer.call_id) != offer or call is None or agent is None:
            log.warning("offer result for unknown reservation %s -> %s", offer, dial_status)
            return
        del self._offers[offer.call_id]
        self._cancel_timer(agent.profile.agent_id)
        if dial_status == "ANSWER":
            self._connect(call, agent)
            return
        if dial_status in NOT_THE_AGENTS_FAULT:
            call.reserved_for = None
            now = self._clock.now()
            self._publish(OfferFailed(offer.call_id, offer.agent_id, dial_status, now))
            self._change(agent, AgentAction.RELEASE, f"dial {dial_status.lower()}")
        else:
            self._miss(call, agent, dial_status)
        self._decisions.pop(offer.call_id, None)
        self._arm_step_timer(call)  # the call may have passed a step (or its last) meanwhile
        self._dispatch()

    def leave_queue(self, call_id: CallId, reason: str) -> None:
        """The caller left without an agent; a pending reservation is released."""
        call = self._unqueue(call_id)
        if call is None:
            return
        now = self._clock.now()
        self._offers.pop(call_id, None)
        self._forget(call_id)
        if call.reserved_for is not None:
            agent = self._agents[call.reserved_for]
            self._cancel_timer(agent.profile.agent_id)
            agent.call_id = None
            self._change(agent, AgentAction.RELEASE, f"caller left: {reason}")
        waited = now - call.joined_at
        self._publish(CallLeftQueue(call_id, call.request.queue, reason, waited, now))
        self._dispatch()

    def call_ended(self, call_id: CallId) -> None:
        """A connected call is over; its agent follows the queue's wrap-up mode."""
        talking = self._talking.pop(call_id, None)
        if talking is None:
            return
        agent_id, queue, connected_at = talking
        agent = self._agents[agent_id]
        now = self._clock.now()
        self._decisions.pop(call_id, None)
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
        self._set_timer(agent_id, seconds, lambda: self._wrap_up_expired(agent_id, call_id))

    # -- explainability ------------------------------------------------------------------
    def phone_changed(self, endpoint: str) -> None:
        """An agent's phone changed state: one that became free may take a waiting call."""
        if any(a.profile.endpoint == endpoint for a in self._agents.values()):
            self._dispatch()

    def explain(self, call_id: CallId) -> Explanation:
        """Why this call is still waiting, or why its agent was chosen."""
        call = self._waiting.get(call_id)
        if call is not None and call.reserved_for is None:
            return why_waiting(
                call,
                self.queues[call.request.queue],
                self._waiting.values(),
                self._agents.values(),
                self._clock.now(),
                head_start=self._head_start,
                phone_free=self._phone_free,
            )
        decision = self._decisions.get(call_id)
        if decision is None:
            raise UnknownCall(call_id)
        state = "reserved" if call is not None else "connected"
        return Explanation(call_id, state, decision.queue, None, {}, None, {}, decision)

    # -- internals -----------------------------------------------------------------------
    def _dispatch(self) -> None:
        if not self._ready or not self._waiting:
            return
        now = self._clock.now()
        matches = match(
            (self._waiting[CallId(key[2])] for key in self._order),
            self._ready.values(),
            self.queues,
            now,
            choices=self._choices,
            phone_free=self._phone_free,
            total_agents=len(self._agents),
            head_start=self._head_start,
            in_order=True,
        )
        for m in matches:
            agent_id = m.agent.profile.agent_id
            self._decisions[m.call.request.call_id] = m.decision
            m.call.reserved_for = agent_id
            m.agent.call_id = m.call.request.call_id
            self._change(m.agent, AgentAction.RESERVE, None)
            request = m.call.request
            self._publish(
                AgentReserved(
                    request.call_id,
                    agent_id,
                    m.agent.profile.endpoint,
                    request.queue,
                    now - m.call.joined_at,
                    m.trace,
                    now,
                )
            )
            offer = Offer(
                request.call_id, agent_id, m.agent.profile.endpoint, request.queue, m.trace
            )
            self._offers[request.call_id] = offer
            self._set_timer(
                agent_id,
                self._reservation_timeout,
                functools.partial(self.offer_result, offer, "TIMEOUT"),
            )

    def _connect(self, call: WaitingCall, agent: AgentStatus) -> None:
        now = self._clock.now()
        self._unqueue(call.request.call_id)
        self._cancel_step_timer(call.request.call_id)
        self._talking[call.request.call_id] = (agent.profile.agent_id, call.request.queue, now)
        agent.missed_in_a_row = 0
        self._change(agent, AgentAction.CONNECT, None)
        waited = now - call.joined_at
        request = call.request
        self._publish(
            CallConnected(request.call_id, agent.profile.agent_id, request.queue, waited, now)
        )

    def _miss(self, call: WaitingCall, agent: AgentStatus, status: str) -> None:
        now = self._clock.now()
        call.reserved_for = None
        agent.call_id = None
        agent.missed_in_a_row += 1
        self._publish(OfferFailed(call.request.call_id, agent.profile.agent_id, status, now))
        if agent.missed_in_a_row >= self._max_missed:
            reason = f"missed {agent.missed_in_a_row} offers in a row"
            self._change(agent, AgentAction.MISS_TOO_MANY, reason)
        else:
            self._change(agent, AgentAction.MISS, f"offer {status.lower()}")

    def _wrap_up_expired(self, agent_id: AgentId, call_id: CallId) -> None:
        agent = self._agents[agent_id]
        if agent.state is AgentState.WRAP_UP and agent.call_id == call_id:
            self._timers.pop(agent_id, None)
            self._change(agent, AgentAction.GO_READY, "wrap-up time over")
            self._dispatch()

    def _change(self, agent: AgentStatus, action: AgentAction, reason: str | None) -> None:
        new_state = transition(agent.state, action)
        now = self._clock.now()
        previous, since = agent.state, agent.since
        if new_state not in CALL_STATES:
            agent.call_id = None
        if new_state is not AgentState.WRAP_UP:
            agent.wrap_up_locked_until = None
        if new_state is AgentState.READY:
            agent.idle_since = now if previous is not AgentState.RESERVED else agent.idle_since
            self._cancel_timer(agent.profile.agent_id)
            self._ready[agent.profile.agent_id] = agent
        else:
            self._ready.pop(agent.profile.agent_id, None)
        agent.state, agent.reason, agent.since = new_state, reason, now
        self._publish(
            AgentStateChanged(
                agent.profile.agent_id,
                new_state.value,
                previous.value,
                reason,
                now - since,
                agent.call_id,
                now,
            )
        )

    def _set_timer(self, agent_id: AgentId, delay: float, callback: Callable[[], object]) -> None:
        self._cancel_timer(agent_id)
        self._timers[agent_id] = self._scheduler.call_later(delay, callback)

    def _cancel_timer(self, agent_id: AgentId) -> None:
        timer = self._timers.pop(agent_id, None)
        if timer is not None:
            timer.cancel()

    def _check_wrap_up_lock(self, agent: AgentStatus, action: AgentAction) -> None:
        until = agent.wrap_up_locked_until
        now = self._clock.now()
        if agent.state is AgentState.WRAP_UP and until is not None and now < until:
            raise WrapUpLocked(agent.state, action, until - now)

    # -- routing steps and overflow ------------------------------------------------------
    def _arm_step_timer(self, call: WaitingCall) -> None:
        """Set the timer for the call's next step boundary, or overflow it if that is past."""
        call_id = call.request.call_id
        self._cancel_step_timer(call_id)
        if call.reserved_for is not None:
            return  # re-armed when the offer ends
        queue = self.queues[call.request.queue]
        now = self._clock.now()
        callback = call.request.callback_number is not None
        if queue.overflow is not None and not callback and past_last_step(call, queue, now):
            self._overflow(call, queue)
            return
        delay = next_boundary(call, queue, now)
        if delay is not None:
            self._step_timers[call_id] = self._scheduler.call_later(
                delay, functools.partial(self._step_due, call_id)
            )

    def _step_due(self, call_id: CallId) -> None:
        self._step_timers.pop(call_id, None)
        call = self._waiting.get(call_id)
        if call is None:
            return
        self._arm_step_timer(call)
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
            self._arm_step_timer(call)
            return
        self._unqueue(request.call_id)
        self._forget(request.call_id)

    def _unqueue(self, call_id: CallId) -> WaitingCall | None:
        call = self._waiting.pop(call_id, None)
        if call is not None:
            key = call_order(call, self._head_start)
            index = bisect.bisect_left(self._order, key)
            if index < len(self._order) and self._order[index] == key:
                del self._order[index]
            else:
                log.error("waiting call %s was missing from the queue order", call_id)
        return call

    def _forget(self, call_id: CallId) -> None:
        self._cancel_step_timer(call_id)
        self._decisions.pop(call_id, None)

    def _cancel_step_timer(self, call_id: CallId) -> None:
        timer = self._step_timers.pop(call_id, None)
        if timer is not None:
            timer.cancel()
