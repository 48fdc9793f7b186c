"""The agents' desk: ``agent_ws.desk.AgentDesk`` implemented over the ACD engine and CRM.

Turns the ACD's typed refusals into ``DeskRefused`` with a message fit for the agent, and
writes the wrap-up's disposition onto the call's one interaction row before the agent is
made ready again.
"""

import asyncio
import logging
from collections.abc import Callable

from acd.engine import AcdEngine, UnknownAgent
from acd.model import AgentStatus
from acd.states import AgentState, IllegalTransition
from agent_ws.desk import AgentView, DeskRefused
from callcenter.calls import CallRegistry
from callcenter.clock import LoopClock
from callcenter.crm_port import CrmAdapter
from cti.ids import AgentId

log = logging.getLogger(__name__)

ChangeFn = Callable[[AgentId], None]

#: How long a wrap-up waits for the call's interaction row to be written.
RECORD_WAIT_SECONDS = 10.0


class Desk:
    def __init__(
        self, engine: AcdEngine, registry: CallRegistry, crm: CrmAdapter, clock: LoopClock
    ) -> None:
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
        if call is not None:
            async with asyncio.timeout(RECORD_WAIT_SECONDS):
                await call.recorded.wait()
        await self._crm.set_disposition(call_id, agent_id, disposition, notes, self._clock.now())
        if self._engine.agent(AgentId(agent_id)).state is AgentState.WRAP_UP:
            self._apply(agent_id, lambda a: self._engine.finish_wrap_up(a))
        self.pops.pop(agent_id, None)
        return self._view(self._status(agent_id))

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
        call_json: dict[str, object] | None = None
        if status.call_id is not None:
            call_json = {"call_id": status.call_id, "state": status.state.value}
            if call is not None:
                call_json.update(ani=call.ani, dnis=call.dnis, queue=call.queue)
        return AgentView(
            agent_id=agent_id,
            display_name=status.profile.display_name,
            state=status.state.value,
            reason=status.reason,
            since=status.since,
            call=call_json,
            pop=self.pops.get(agent_id),
        )
