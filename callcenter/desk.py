"""The agents' desk: ``agent_ws.desk.AgentDesk`` implemented over the ACD engine and CRM.

Turns the ACD's typed refusals into ``DeskRefused`` with a message fit for the agent, and
writes the wrap-up's disposition onto the call's one interaction row before the agent is
made ready again.
"""

import asyncio
import logging
from collections.abc import Callable

from acd.engine import AcdEngine, UnknownAgent, UnknownCall, UnknownQueue
from acd.model import AgentStatus, WaitingCall, WrapUpMode
from acd.service_level import ServiceLevels
from acd.states import AgentState, IllegalTransition
from acd.trace import Explanation
from agent_ws.desk import AgentView, DeskRefused
from agent_ws.supervision import ForcedState, SpyMode
from callcenter.calls import ActiveCall, CallRegistry
from callcenter.clock import LoopClock
from callcenter.crm_port import CrmAdapter
from callcenter.wallboard import Thresholds, day_start, queue_line
from cti.errors import OriginateFailed, PbxError
from cti.ids import AgentId, CallId, ChannelName, QueueName
from cti.telephony import Telephony

log = logging.getLogger(__name__)
#: Every supervisor action, one line each: who, what, which agent, when (the log's time).
audit = logging.getLogger("callcenter.audit")

ChangeFn = Callable[[AgentId], None]
#: How many waiting calls the floor lists, oldest first.
WAITING_SHOWN = 20

#: How long a wrap-up waits for the call's interaction row to be written.
RECORD_WAIT_SECONDS = 10.0


class Desk:
    def __init__(
        self,
        engine: AcdEngine,
        registry: CallRegistry,
        crm: CrmAdapter,
        clock: LoopClock,
        telephony: Callable[[], Telephony | None] = lambda: None,
        levels: ServiceLevels | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self._telephony = telephony
        self._levels = levels
        self._thresholds = thresholds or Thresholds()
        self._engine = engine
        self._clock = clock
        self._registry = registry
        self._crm = crm
        #: The last screen-pop per agent, kept through wrap-up so a reload shows it.
        self.pops: dict[str, dict[str, object]] = {}

    def agent_view(self, agent_id: str) -> AgentView | None:
        try:
            status = self._engine.agent(AgentId(agent_id))
        except UnknownAgent:
            return None
        return self._view(status)

    async def sign_in(self, agent_id: str) -> AgentView:
        return self._apply(agent_id, lambda a: self._engine.sign_in(a))

    async def sign_out(self, agent_id: str) -> AgentView:
        return self._apply(agent_id, lambda a: self._engine.sign_out(a))

    async def go_ready(self, agent_id: str) -> AgentView:
        return self._apply(agent_id, lambda a: self._engine.go_ready(a))

    async def go_not_ready(self, agent_id: str, reason: str) -> AgentView:
        return self._apply(agent_id, lambda a: self._engine.go_not_ready(a, reason))

    async def finish_wrap_up(self, agent_id: str, disposition: str, notes: str) -> AgentView:
        status = self._status(agent_id)
        if status.state is not AgentState.WRAP_UP or status.call_id is None:
            raise DeskRefused(f"no call to wrap up (you are {status.state.value})")
        call_id = status.call_id
        call = self._registry.get(call_id)
        if call is not None and self._moved_on(call, agent_id):
            # Transferred: the call lives on with another agent (or waits for one), and its
            # one row is written at its end; this agent's wrap-up goes into its notes.
            call.add_note(
                f"wrap-up by {agent_id}: {disposition}" + (f" ({notes})" if notes else "")
            )
        else:
            if call is not None:
                try:
                    async with asyncio.timeout(RECORD_WAIT_SECONDS):
                        await call.recorded.wait()
                except TimeoutError:
                    # The row is still being written (retried while the database is busy);
                    # the agent stays in wrap-up and the same request succeeds a bit later.
                    raise DeskRefused(
                        "the call's record is still being written; try again in a moment"
                    ) from None
            at = self._clock.now()
            await self._crm.set_disposition(call_id, agent_id, disposition, notes, at)
        if self._engine.agent(AgentId(agent_id)).state is AgentState.WRAP_UP:
            self._apply(agent_id, lambda a: self._engine.finish_wrap_up(a))
        self.pops.pop(agent_id, None)
        return self._view(self._status(agent_id))

    def _moved_on(self, call: ActiveCall, agent_id: str) -> bool:
        """Whether the call went on without this agent (a transfer to a queue)."""
        return (
            call.agent_id != agent_id
            or call.requeue_to is not None
            or self._engine.is_waiting(call.call_id)
        )

    # -- the team lead's side (agent_ws.supervision.SupervisorDesk) -------------------------
    def directory(self) -> dict[str, object]:
        agents = sorted(self._engine.agents(), key=lambda a: a.profile.display_name)
        return {
            "agents": [
                {
                    "agent_id": a.profile.agent_id,
                    "display_name": a.profile.display_name,
                    "state": a.state.value,
                }
                for a in agents
            ],
            "queues": sorted(self._engine.queues),
        }

    def floor(self) -> dict[str, object]:
        now = self._clock.now()
        if self._levels is not None:
            self._levels.forget_before(day_start(now))
        agents = sorted(self._engine.agents(), key=lambda a: a.profile.display_name)
        queues = sorted(self._engine.queues)
        return {
            "agents": [self._floor_line(a) for a in agents],
            "queues": [queue_line(self._engine, self._levels, name, now) for name in queues],
            "waiting": self._waiting_lines(now),
            "thresholds": self._thresholds.to_json(),
            "at": now,
        }

    def _floor_line(self, status: AgentStatus) -> dict[str, object]:
        """An agent as the wallboard's grid shows it: state, since when, the call and queue.

        Not the agent's whole view: pops and wrap-up rules are for the agent's own tab, and
        the floor goes out twice a second with every agent in it."""
        return {
            "agent_id": status.profile.agent_id,
            "display_name": status.profile.display_name,
            "state": status.state.value,
            "reason": status.reason,
            "since": status.since,
            "call": self._call_line(status),
        }

    def _call_line(self, status: AgentStatus) -> dict[str, object] | None:
        if status.call_id is None:
            return None
        line: dict[str, object] = {"call_id": status.call_id, "state": status.state.value}
        call = self._registry.get(status.call_id)
        if call is not None:
            line.update(ani=call.ani, dnis=call.dnis, queue=call.queue, held=call.held)
        return line

    def _waiting_lines(self, now: float) -> list[dict[str, object]]:
        """The first calls in line (the order the ACD serves them: priority with its aging
        bound, then join time) with the ACD's one-line reason (bounded: a wallboard shows a
        screenful, and each reason costs a pass over the agents)."""
        first = self._engine.in_line()[:WAITING_SHOWN]
        return [self._waiting_line(waiting, now) for waiting in first]

    def _waiting_line(self, waiting: WaitingCall, now: float) -> dict[str, object]:
        call_id = waiting.request.call_id
        call = self._registry.get(call_id)
        return {
            "call_id": call_id,
            "queue": waiting.request.queue,
            "ani": call.ani if call else None,
            "priority": waiting.request.priority,
            "tier": waiting.request.tier,
            "waited": round(now - waiting.joined_at, 1),
            "why": self._engine.explain(call_id).text(),
        }

    def set_priority(self, call_id: str, priority: int, by: str) -> dict[str, object] | None:
        try:
            self._engine.change_priority(CallId(call_id), priority, by)
        except UnknownCall:
            return None
        audit.info(
            "%s set the priority of call %s to %d",
            by,
            call_id,
            priority,
            extra={"call_id": call_id, "supervisor": by},
        )
        line = self._engine.in_line()
        place = next(i for i, w in enumerate(line) if w.request.call_id == call_id)
        return {**self._waiting_line(line[place], self._clock.now()), "position": place + 1}

    def move_to_queue(self, call_id: str, queue: str, by: str) -> dict[str, object] | None:
        """Move a waiting call to another queue; None if it is not waiting."""
        try:
            self._engine.move_to_queue(CallId(call_id), QueueName(queue), by)
        except UnknownCall:
            return None
        except UnknownQueue:
            raise DeskRefused(f"no queue named {queue!r}") from None
        audit.info(
            "%s moved call %s to queue %s",
            by,
            call_id,
            queue,
            extra={"call_id": call_id, "supervisor": by},
        )
        line = self._engine.in_line()
        place = next(i for i, w in enumerate(line) if w.request.call_id == call_id)
        return {**self._waiting_line(line[place], self._clock.now()), "position": place + 1}

    async def force_state(
        self, agent_id: str, state: ForcedState, reason: str | None, by: str
    ) -> AgentView:
        status = self._status(agent_id)
        before = status.state
        try:
            for change in forced_changes(before, state, reason or "Supervisor"):
                change(self._engine, AgentId(agent_id))
        except IllegalTransition as exc:
            raise DeskRefused(f"{agent_id}: {exc}") from None
        audit.info(
            "%s forced %s from %s to %s",
            by,
            agent_id,
            before.value,
            status.state.value,
            extra={"agent_id": agent_id, "supervisor": by, "reason": reason},
        )
        return self._view(status)

    def explain(self, call_id: str) -> dict[str, object] | None:
        try:
            why = self._engine.explain(CallId(call_id))
        except UnknownCall:
            return None
        return explanation_json(why)

    async def supervise(
        self, agent_id: str, mode: SpyMode, phone: str, by: str
    ) -> dict[str, object]:
        status = self._status(agent_id)
        call = self._registry.get(status.call_id) if status.call_id else None
        if status.state is not AgentState.ON_CALL or call is None or not call.agent_channel:
            raise DeskRefused(f"{agent_id} is not on a call ({status.state.value})")
        telephony = self._telephony()
        if telephony is None:
            raise DeskRefused("the PBX link is down; try again in a moment")
        try:
            await telephony.spy(
                f"PJSIP/{phone}",
                ChannelName(call.agent_channel),
                mode,
                caller_id=f'"{mode} {agent_id}" <{phone}>',
            )
        except OriginateFailed as exc:
            raise DeskRefused(f"your phone {phone}: {exc.reason}") from None
        except PbxError as exc:
            raise DeskRefused(f"the PBX refused: {exc}") from None
        audit.info(
            "%s started %s on %s (call %s) from phone %s",
            by,
            mode,
            agent_id,
            call.call_id,
            phone,
            extra={"agent_id": agent_id, "call_id": call.call_id, "supervisor": by},
        )
        return {"agent_id": agent_id, "mode": mode, "phone": phone, "channel": call.agent_channel}

    def _apply(self, agent_id: str, change: ChangeFn) -> AgentView:
        status = self._status(agent_id)
        try:
            change(AgentId(agent_id))
        except IllegalTransition as exc:
            raise DeskRefused(str(exc)) from None
        return self._view(status)

    def _status(self, agent_id: str) -> AgentStatus:
        try:
            return self._engine.agent(AgentId(agent_id))
        except UnknownAgent:
            raise DeskRefused(f"{agent_id} is not configured as an agent") from None

    def _view(self, status: AgentStatus) -> AgentView:
        agent_id = status.profile.agent_id
        call = self._registry.get(status.call_id) if status.call_id else None
        return AgentView(
            wrap_up=self._wrap_up(status, call.queue if call else None),
            agent_id=agent_id,
            display_name=status.profile.display_name,
            state=status.state.value,
            reason=status.reason,
            since=status.since,
            call=self._call_line(status),
            pop=self.pops.get(agent_id),
        )

    def _wrap_up(self, status: AgentStatus, queue: str | None) -> dict[str, object] | None:
        """The wrap-up's rule and end, from the queue of the call being wrapped up."""
        config = self._engine.queues.get(QueueName(queue)) if queue else None
        if status.state is not AgentState.WRAP_UP or config is None:
            return None
        timed = config.wrap_up_mode in (WrapUpMode.TIMED, WrapUpMode.TIMED_NO_EARLY_EXIT)
        return {
            "mode": config.wrap_up_mode.value,
            "seconds": config.wrap_up_seconds,
            "ends_at": status.since + config.wrap_up_seconds if timed else None,
        }


EngineChange = Callable[[AcdEngine, AgentId], None]


def forced_changes(current: AgentState, target: ForcedState, reason: str) -> list[EngineChange]:
    """The agent requests a team lead's force stands for, in order (empty: already there).

    An agent on a call (reserved, on call) cannot be moved: the ACD refuses, which is
    what a team lead must see rather than a dropped call.
    """
    signed_out = current is AgentState.SIGNED_OUT
    if target == "signed_out":
        return [] if signed_out else [lambda e, a: e.sign_out(a)]
    steps: list[EngineChange] = [lambda e, a: e.sign_in(a)] if signed_out else []
    if target == "ready":
        return [*steps, lambda e, a: e.go_ready(a)]
    return [*steps, lambda e, a: e.go_not_ready(a, reason)]


def explanation_json(why: Explanation) -> dict[str, object]:
    decision = why.decision
    return {
        "call_id": why.call_id,
        "state": why.state,
        "queue": why.queue,
        "step": why.step,
        "needed": dict(why.needed),
        "position": why.position,
        "skipped": {reason.value: n for reason, n in why.skipped.items()},
        "decision": None
        if decision is None
        else {
            "chosen": decision.chosen.agent_id,
            "score": list(decision.chosen.score),
            "strategy": decision.strategy,
            "preferred": decision.preferred,
            "runners_up": [
                {"agent_id": c.agent_id, "score": list(c.score)} for c in decision.runners_up
            ],
            "skipped": {reason.value: n for reason, n in decision.skipped.items()},
            "at": decision.at,
        },
        "text": why.text(),
    }
