"""The agent's attended transfer: consult a colleague or an outside number, then hand the
caller over (complete) or come back to them (cancel).

Owns the consultation's life, driven by AMI facts. ``consult`` sends ``Atxfer`` on the
agent's leg (the caller hears music on hold while the agent's phone calls the target:
``[from-agents]`` for a colleague's extension, ``[cti-transfer]`` for a number). The
consultation's ``DialBegin``/``DialEnd`` come from the agent's leg (its Uniqueid): ANSWER
means the target is talking to the agent. ``complete`` hangs up the agent's leg, on which
Asterisk joins the caller and the target (``AttendedTransfer``, Result Success);
``cancel`` sends ``CancelAtxfer`` (the ``atxferabort`` code) and the agent is back with
the caller. Only a call still in its FastAGI ``Dial`` can be transferred so: after our
hold the agent's leg is no longer the Dial's callee.

On completion the call's agent leg ends ("transferred"), a colleague gets a new leg, the
pop (naming who transferred it) and ``call_state`` connected; the first agent goes to
wrap-up. The caller's session still holds the call, so its end is recorded as usual.

A colleague is on a call for the ACD (``AcdEngine.join_call``) from the consultation's
answer until their phone's leg hangs up: the end of the consultation if it is cancelled or
fails, else the end of the transferred call (their leg is the one Asterisk bridges to the
caller). Then they wrap up as the call's queue says, like after any call.
Must not route (the ACD does) or write the CRM (the call's end does).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from acd.engine import AcdEngine, UnknownAgent, UnknownQueue
from acd.states import AgentState, IllegalTransition
from agent_ws.desk import DeskRefused
from callcenter.agent_dialing import INTERNAL_CONTEXT
from callcenter.bus import Bus
from callcenter.call_control import OUTSIDE_NUMBER, TRANSFER_CONTEXT, CallControl
from callcenter.calls import ActiveCall, CallRegistry
from callcenter.legs import dial_ended, end_current, open_leg
from callcenter.pop import build_pop
from cti.errors import PbxError
from cti.events import CallTransferred, ChannelHungUp, DialEnded, DialStarted
from cti.ids import AgentId, CallId, ChannelName, QueueName
from cti.telephony import Telephony

log = logging.getLogger(__name__)
audit = logging.getLogger("callcenter.audit")

#: A colleague who may be consulted: at their desk and not busy with a call.
MAY_CONSULT = (AgentState.READY, AgentState.NOT_READY)
Push = Callable[[str, str, dict[str, object]], None]


@dataclass(slots=True)
class Consult:
    call: ActiveCall
    agent_id: str
    kind: Literal["agent", "number"]
    target: str
    endpoint: str  # PJSIP/1002 for a colleague, "" for a number
    answered: bool = False
    completing: bool = False
    target_channel: str | None = None

    def describe(self) -> dict[str, object]:
        key = "colleague" if self.kind == "agent" else "number"
        return {key: self.target, "answered": self.answered}


class AttendedTransfers:
    def __init__(
        self,
        *,
        control: CallControl,
        engine: AcdEngine,
        registry: CallRegistry,
        telephony: Callable[[], Telephony | None],
        push: Push,
        pops: dict[str, dict[str, object]],
        clock: Callable[[], float],
    ) -> None:
        self._control = control
        self._engine = engine
        self._registry = registry
        self._telephony = telephony
        self._push = push
        self._pops = pops
        self._clock = clock
        #: By the consulting agent's leg Uniqueid (the AMI names it on the consult's Dial).
        self._consults: dict[str, Consult] = {}
        #: A colleague's leg after a completed transfer -> (colleague, call id).
        self._handed: dict[str, tuple[str, CallId]] = {}
        #: A colleague's leg from the consultation's answer -> the colleague, on call.
        self._joined: dict[str, str] = {}

    # -- the agent's requests -------------------------------------------------------------
    async def consult(
        self, agent_id: str, *, colleague: str | None = None, number: str | None = None
    ) -> dict[str, object]:
        call = self._control.connected_call(agent_id)
        if self._of_agent(agent_id) is not None:
            raise DeskRefused("a consultation is already in progress")
        if call.control != "agi" or call.held or not call.agent_channel or not call.agent_uniqueid:
            raise DeskRefused("an attended transfer needs the call as answered (not after a hold)")
        if colleague is not None:
            consult = Consult(
                call, agent_id, "agent", colleague, self._colleague(agent_id, colleague)
            )
            exten, context = consult.endpoint.removeprefix("PJSIP/"), INTERNAL_CONTEXT
        else:
            if number is None or not OUTSIDE_NUMBER.match(number):
                raise DeskRefused(f"not a phone number: {number!r}")
            consult = Consult(call, agent_id, "number", number, "")
            exten, context = number.lstrip("+"), TRANSFER_CONTEXT
        try:
            await self._pbx().attended_transfer(ChannelName(call.agent_channel), exten, context)
        except PbxError as exc:
            raise DeskRefused(f"the PBX refused the consultation: {exc}") from None
        self._consults[call.agent_uniqueid] = consult
        audit.info("%s consults %s on call %s", agent_id, consult.target, call.call_id)
        return self._state(consult, "consulting")

    async def complete(self, agent_id: str) -> dict[str, object]:
        consult = self._required(agent_id)
        if not consult.answered:
            raise DeskRefused(f"{consult.target} has not answered yet: wait, or cancel")
        consult.completing = True
        try:
            await self._pbx().hangup(ChannelName(consult.call.agent_channel or ""))
        except PbxError as exc:
            consult.completing = False
            raise DeskRefused(f"the PBX refused to complete the transfer: {exc}") from None
        return self._state(consult, "transferring")

    async def cancel(self, agent_id: str) -> dict[str, object]:
        consult = self._required(agent_id)
        if consult.completing:
            raise DeskRefused("the transfer is being completed")
        try:
            await self._pbx().cancel_attended_transfer(
                ChannelName(consult.call.agent_channel or "")
            )
        except PbxError as exc:
            raise DeskRefused(f"the PBX refused to cancel the consultation: {exc}") from None
        self._drop(consult)
        return self._state(consult, "connected", consult_cancelled=consult.target)

    # -- facts from the AMI ---------------------------------------------------------------
    def dial_started(self, event: DialStarted) -> None:
        """The colleague's phone rings for the consultation: remember their leg."""
        for consult in self._consults.values():
            if (
                consult.kind == "agent"
                and str(event.linkedid) == str(consult.call.uniqueid)
                and event.dest_channel.startswith(consult.endpoint + "-")
            ):
                consult.target_channel = event.dest_channel

    def dial_ended(self, event: DialEnded) -> None:
        consult = self._consults.get(event.uniqueid)
        if consult is None:
            return
        if event.status == "ANSWER":
            consult.answered = True
            self._colleague_joins(consult)
            self._state(consult, "consulting")
            return
        self._drop(consult)  # no answer, busy...: Asterisk brings the agent back
        self._state(consult, "connected", consult_failed=event.status)

    def call_transferred(self, event: CallTransferred) -> None:
        consult = self._consults.get(event.transferer_uniqueid)
        if consult is None or event.kind != "attended":
            return
        self._drop(consult)
        if event.result != "Success":
            self._state(consult, "connected", consult_failed=event.result)
            return
        self._handed_over(consult)

    def channel_hung_up(self, event: ChannelHungUp) -> None:
        """A consultation ends with its caller, or with its agent's leg unless that hang-up
        is the completion (the ``AttendedTransfer`` then says so); and the end of a
        transferred call for the colleague who took it."""
        for consult in list(self._consults.values()):
            caller_left = event.uniqueid == consult.call.uniqueid
            if caller_left or (
                event.uniqueid == consult.call.agent_uniqueid and not consult.completing
            ):
                self._drop(consult)
        handed = self._handed.pop(event.channel, None)
        if handed is not None:
            colleague, call_id = handed
            self._pops.pop(colleague, None)
            self._push(colleague, "call_state", {"call_id": call_id, "state": "ended"})
        joined = self._joined.pop(event.channel, None)
        if joined is not None:
            self._engine.leave_call(AgentId(joined))  # wrap-up, as after any call

    # -- helpers --------------------------------------------------------------------------
    def _handed_over(self, consult: Consult) -> None:
        call, now = consult.call, self._clock()
        call.transferred_by = consult.agent_id
        call.add_note(f"attended transfer by {consult.agent_id} to {consult.target}")
        end_current(call.legs, now, "transferred")
        self._push(consult.agent_id, "call_state", self._body(consult, "transferred"))
        if consult.kind == "agent":
            call.agent_id = consult.target
            call.agent_channel = consult.target_channel
            open_leg(call.legs, consult.target, now)
            dial_ended(call.legs, "ANSWER", now)
            pop = build_pop(call)
            self._pops[consult.target] = pop
            self._push(consult.target, "pop", pop)
            self._push(
                consult.target, "call_state", {"call_id": call.call_id, "state": "connected"}
            )
            if consult.target_channel:
                self._handed[consult.target_channel] = (consult.target, call.call_id)
        self._engine.call_ended(call.call_id)  # the first agent's part is over: wrap-up
        audit.info("%s transferred call %s to %s", consult.agent_id, call.call_id, consult.target)

    def _colleague_joins(self, consult: Consult) -> None:
        """The colleague answered: on call for the ACD until their leg hangs up, so it
        offers them nothing and their statistics count the talk."""
        channel, queue, call_id = consult.target_channel, consult.call.queue, consult.call.call_id
        if consult.kind != "agent":
            return
        if channel is None or queue is None:
            log.warning(
                "consultation of %s on call %s: no leg or queue known", consult.target, call_id
            )
            return
        reason = f"consultation from {consult.agent_id}"
        try:
            self._engine.join_call(AgentId(consult.target), call_id, QueueName(queue), reason)
        except (IllegalTransition, UnknownAgent, UnknownQueue) as exc:
            # A fact from the PBX: the ACD keeps its own view (e.g. they were just reserved).
            log.warning("%s answered a consultation on call %s: %s", consult.target, call_id, exc)
            return
        self._joined[channel] = consult.target

    def _colleague(self, agent_id: str, colleague: str) -> str:
        if colleague == agent_id:
            raise DeskRefused("the call is already yours")
        try:
            status = self._engine.agent(AgentId(colleague))
        except UnknownAgent:
            raise DeskRefused(f"no agent named {colleague!r}") from None
        if status.state not in MAY_CONSULT:
            raise DeskRefused(f"{colleague} cannot take a consultation ({status.state.value})")
        return status.profile.endpoint

    def _of_agent(self, agent_id: str) -> Consult | None:
        return next((c for c in self._consults.values() if c.agent_id == agent_id), None)

    def _required(self, agent_id: str) -> Consult:
        consult = self._of_agent(agent_id)
        if consult is None:
            raise DeskRefused("no consultation in progress")
        return consult

    def _drop(self, consult: Consult) -> None:
        self._consults.pop(consult.call.agent_uniqueid or "", None)

    def _body(self, consult: Consult, state: str, **extra: object) -> dict[str, object]:
        return {"call_id": consult.call.call_id, "state": state, **consult.describe(), **extra}

    def _state(self, consult: Consult, state: str, **extra: object) -> dict[str, object]:
        body = self._body(consult, state, **extra)
        self._push(consult.agent_id, "call_state", body)
        return body

    def _pbx(self) -> Telephony:
        telephony = self._telephony()
        if telephony is None:
            raise DeskRefused("the PBX link is down; try again in a moment")
        return telephony


def wire_transfers(bus: Bus, transfers: AttendedTransfers) -> list[Callable[[], None]]:
    """The AMI facts a consultation follows (kept here, next to the handlers)."""
    return [
        bus.subscribe(DialStarted, transfers.dial_started),
        bus.subscribe(DialEnded, transfers.dial_ended),
        bus.subscribe(CallTransferred, transfers.call_transferred),
        bus.subscribe(ChannelHungUp, transfers.channel_hung_up),
    ]
