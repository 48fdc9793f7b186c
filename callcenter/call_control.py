"""The agent's call controls: hold, resume, transfer and hang up a connected call.

Owns the hand-over of a call from its FastAGI session to AMI (DESIGN.md "How a call is
controlled"): redirecting one leg of a ``Dial`` would hang up the other, and a channel in a
FastAGI session moves only once our socket closes. So hold marks the call AMI-controlled,
sends one dual ``Redirect`` (the caller into music on hold, the agent into a silent wait,
both in ``[cti-hold]``), and the caller's session returns without finishing the call; resume
``Bridge``s the two back. From then on the call ends when the AMI reports the caller's
channel gone, and this module finishes it (the interaction row, the agent's wrap-up).

Transfers: to a queue, the caller is redirected into ``[cti-resume]``, whose FastAGI session
the inbound route recognises (same Uniqueid) and queues again, skipping the IVR; to an
outside number, into ``[cti-transfer]``, which dials it over the trunk. The agent's leg is
hung up by Asterisk (the other leg of a redirected ``Dial``) or by us (after a hold).

Must not decide routing (the ACD does) or talk to the CRM except through ``finish``.
"""

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Mapping

from acd.engine import AcdEngine, UnknownAgent
from acd.states import AgentState
from agent_ws.desk import DeskRefused
from callcenter.calls import ActiveCall, CallRegistry
from callcenter.legs import current, end_current
from cti.errors import ChannelNotFound, PbxError
from cti.events import ChannelHungUp
from cti.ids import AgentId, ChannelName
from cti.telephony import Telephony

log = logging.getLogger(__name__)
audit = logging.getLogger("callcenter.audit")

HOLD_CONTEXT = "cti-hold"
RESUME_CONTEXT = "cti-resume"
TRANSFER_CONTEXT = "cti-transfer"
#: Digits with an optional leading +: what [cti-transfer] may dial (no dialplan patterns).
OUTSIDE_NUMBER = re.compile(r"^\+?[0-9]{3,20}$")
#: An agent's click-to-dial call, by the DIALSTATUS of its Dial to the customer.
OUTBOUND_OUTCOMES = {"ANSWER": "answered", "BUSY": "busy", "NOANSWER": "no_answer"}


class CallControl:
    def __init__(
        self,
        *,
        registry: CallRegistry,
        engine: AcdEngine,
        telephony: Callable[[], Telephony | None],
        finish: Callable[[ActiveCall], Awaitable[None]],
        push: Callable[[str, str, dict[str, object]], None],
        clock: Callable[[], float],
    ) -> None:
        self._clock = clock
        self._registry = registry
        self._engine = engine
        self._telephony = telephony
        self._finish = finish
        self._push = push
        self._ended: asyncio.Queue[ActiveCall] = asyncio.Queue()

    # -- the agent's requests -------------------------------------------------------------
    async def hold(self, agent_id: str) -> dict[str, object]:
        call = self.connected_call(agent_id)
        if call.held:
            raise DeskRefused("the call is already on hold")
        agent_leg = self._agent_leg(call)
        handed_over = call.control == "agi"
        call.control = "ami"  # before the Redirect: the session's Dial returns at once
        try:
            await self._pbx().redirect(
                ChannelName(call.channel),
                HOLD_CONTEXT,
                "caller",
                extra_channel=agent_leg,
                extra_context=HOLD_CONTEXT,
                extra_exten="agent",
            )
        except PbxError as exc:
            if handed_over:
                call.control = "agi"
            raise DeskRefused(f"the PBX refused the hold: {exc}") from None
        call.held = True
        if (leg := current(call.legs)) is not None:
            leg.hold(self._clock())
        return self._changed(call, agent_id, "held")

    async def resume(self, agent_id: str) -> dict[str, object]:
        call = self.connected_call(agent_id)
        if not call.held:
            raise DeskRefused("the call is not on hold")
        try:
            await self._pbx().bridge(ChannelName(call.channel), self._agent_leg(call))
        except PbxError as exc:
            raise DeskRefused(f"the PBX refused to resume the call: {exc}") from None
        call.held = False
        if (leg := current(call.legs)) is not None:
            leg.resume(self._clock())
        return self._changed(call, agent_id, "connected")

    async def transfer_to_queue(self, agent_id: str, queue: str) -> dict[str, object]:
        call = self.connected_call(agent_id)
        if queue not in self._engine.queues:
            raise DeskRefused(f"no queue named {queue!r}")
        await self._move_caller(call, RESUME_CONTEXT, "s", requeue_to=queue)
        call.transferred_by = agent_id
        call.add_note(f"transferred by {agent_id} to queue {queue}")
        self._engine.call_ended(call.call_id)  # this agent's part is over: wrap-up
        return self._changed(call, agent_id, "transferred", queue=queue)

    async def transfer_to_agent(self, agent_id: str, colleague: str) -> dict[str, object]:
        """Offer the call to a colleague first (the preferred-agent window), in a queue
        they serve; if they do not take it in time, that queue's other agents do."""
        call = self.connected_call(agent_id)
        try:
            target = self._engine.agent(AgentId(colleague))
        except UnknownAgent:
            raise DeskRefused(f"no agent named {colleague!r}") from None
        if colleague == agent_id:
            raise DeskRefused("the call is already yours")
        queue = self._queue_served_by(target.profile.skills, call.queue)
        await self._move_caller(call, RESUME_CONTEXT, "s", requeue_to=queue)
        call.requeue_preferred, call.transferred_by = colleague, agent_id
        call.add_note(f"transferred by {agent_id} to {colleague}")
        self._engine.call_ended(call.call_id)
        return self._changed(call, agent_id, "transferred", colleague=colleague, queue=queue)

    def _queue_served_by(self, skills: Mapping[str, int], current: str | None) -> str:
        """The call's own queue if the colleague has its skill, else one they serve."""
        served = [q.name for q in self._engine.queues.values() if q.skill in skills]
        if current in served:
            return current or ""
        if not served:
            raise DeskRefused("that agent serves no queue")
        return served[0]

    async def transfer_to_number(self, agent_id: str, number: str) -> dict[str, object]:
        call = self.connected_call(agent_id)
        if not OUTSIDE_NUMBER.match(number):
            raise DeskRefused(f"not a phone number: {number!r}")
        await self._move_caller(call, TRANSFER_CONTEXT, number.lstrip("+"), requeue_to=None)
        call.outcome = "answered"  # by this agent; the session that would say so is gone
        call.add_note(f"transferred by {agent_id} to {number}")
        answer = self._changed(call, agent_id, "transferred", number=number)
        await self._finish(call)  # the caller now talks to the outside: our part is over
        return answer

    async def hang_up(self, agent_id: str) -> dict[str, object]:
        call = self.connected_call(agent_id)
        try:
            await self._pbx().hangup(ChannelName(call.channel))
            if call.held and call.agent_channel:
                await self._pbx().hangup(ChannelName(call.agent_channel))
        except PbxError as exc:
            raise DeskRefused(f"the PBX refused to hang up: {exc}") from None
        audit.info("%s hung up call %s", agent_id, call.call_id)
        return {"call_id": call.call_id, "state": "ending"}

    # -- facts from the AMI ---------------------------------------------------------------
    def channel_hung_up(self, event: ChannelHungUp) -> None:
        """The end of an AMI-controlled call: the caller left, or the held agent's leg did."""
        call = self._registry.by_uniqueid(event.uniqueid)
        if call is not None and call.control == "ami" and call.requeue_to is None:
            self._ended.put_nowait(call)
            return
        for call in self._registry.active():
            if call.control == "ami" and call.held and call.agent_channel == event.channel:
                # The agent hung up while the caller waits on hold: the caller is not
                # dropped but queued again, ahead of newer callers of the same priority.
                self._ended.put_nowait(call)

    async def run(self) -> None:
        """Finish (or requeue) AMI-controlled calls as their ends are reported."""
        while True:
            call = await self._ended.get()
            try:
                await self._settle(call)
            except Exception:
                log.exception("call %s: could not settle its end", call.call_id)

    async def _settle(self, call: ActiveCall) -> None:
        if call.hung_up.is_set() or self._registry.get(call.call_id) is None:
            if self._registry.get(call.call_id) is not None:
                if call.direction == "outbound":
                    call.outcome = OUTBOUND_OUTCOMES.get(call.dial_status or "", "failed")
                await self._finish(call)
            return
        agent_id = call.agent_id or ""
        queue = call.queue or ""
        log.warning("call %s: agent %s left while the caller was on hold", call.call_id, agent_id)
        try:
            await self._move_caller(call, RESUME_CONTEXT, "s", requeue_to=queue, reason="completed")
        except DeskRefused as exc:
            log.error("call %s: could not requeue the held caller: %s", call.call_id, exc)
            return
        call.add_note(f"{agent_id} left during hold; requeued to {queue}")
        self._engine.call_ended(call.call_id)

    # -- helpers --------------------------------------------------------------------------
    async def _move_caller(
        self,
        call: ActiveCall,
        context: str,
        exten: str,
        *,
        requeue_to: str | None,
        reason: str = "transferred",
    ) -> None:
        previous = (call.control, call.requeue_to)
        call.control, call.requeue_to = "ami", requeue_to
        try:
            await self._pbx().redirect(ChannelName(call.channel), context, exten)
            if call.held and call.agent_channel:
                # After our hold the agent waits in [cti-hold]; nobody else ends that leg.
                with contextlib.suppress(ChannelNotFound):  # the agent hung up already
                    await self._pbx().hangup(ChannelName(call.agent_channel))
        except PbxError as exc:
            call.control, call.requeue_to = previous
            raise DeskRefused(f"the PBX refused the transfer: {exc}") from None
        call.held = False
        end_current(call.legs, self._clock(), reason)

    def connected_call(self, agent_id: str) -> ActiveCall:
        try:
            status = self._engine.agent(AgentId(agent_id))
        except KeyError:
            raise DeskRefused(f"the ACD has no agent {agent_id}") from None
        call = self._registry.get(status.call_id) if status.call_id else None
        if status.state is not AgentState.ON_CALL or call is None:
            raise DeskRefused(f"{agent_id} has no connected call ({status.state.value})")
        return call

    @staticmethod
    def _agent_leg(call: ActiveCall) -> ChannelName:
        if not call.agent_channel:
            raise DeskRefused("the agent's leg of the call is not known yet")
        return ChannelName(call.agent_channel)

    def _pbx(self) -> Telephony:
        telephony = self._telephony()
        if telephony is None:
            raise DeskRefused("the PBX link is down; try again in a moment")
        return telephony

    def _changed(
        self, call: ActiveCall, agent_id: str, state: str, **extra: object
    ) -> dict[str, object]:
        body: dict[str, object] = {"call_id": call.call_id, "state": state, **extra}
        self._push(agent_id, "call_state", body)
        audit.info("%s: call %s %s %s", agent_id, call.call_id, state, extra or "")
        return body
