"""The live calls the daemon is handling, and what it learned about each so far.

Owns ``ActiveCall`` (the caller's numbers, CRM match, IVR path, queue, agent and times)
and the registry that finds a call by our id or by its channel's Uniqueid. Telephony
facts from the AMI (``cti.events``) are folded in here, because only the AMI's ``Hangup``
proves that a caller is gone.
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Literal

from acd.model import CallRequest
from callcenter.legs import AgentLeg, dial_ended
from cti.events import ChannelHungUp, DialEnded, DialStarted, HangupRequested
from cti.ids import CallId, UniqueId
from cti.tracker import GONE_DURING_LINK_LOSS

#: How many hangups of unregistered channels are remembered (most are agents' legs).
EARLY_HANGUPS_KEPT = 10_000


@dataclass(slots=True)
class ActiveCall:
    call_id: CallId
    uniqueid: UniqueId
    channel: str
    ani: str
    dnis: str
    hotline: str
    started_at: float
    match: object | None = None  # crm_core.contacts.CallerMatch, kept opaque here
    ivr_path: tuple[str, ...] = ()
    #: One line of what the IVR learned, for the pop (ivr/summary.py; secrets masked).
    ivr_summary: str = ""
    ivr_choice: str | None = None
    queue: str | None = None
    queued_at: float | None = None
    agent_id: str | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    outcome: str | None = None
    interaction_id: int | None = None
    #: What the call's record should say beyond its fields (a voicemail file, a callback).
    notes: str = ""
    pop: dict[str, object] | None = None
    #: The agent whose pop for the current offer has been sent (``Reactions.offer_taken``).
    pop_sent_to: str | None = None
    hangup_cause: int | None = None
    #: The agent's leg while it rings or talks (from the AMI's ``DialBegin``), for ChanSpy.
    agent_channel: str | None = None
    #: Set by the AMI's word (``HangupRequest``/``SoftHangupRequest`` or ``Hangup``) only.
    hung_up: asyncio.Event = field(default_factory=asyncio.Event)
    #: The call ended while the AMI link was down: its hang-up came from the resync.
    ended_during_link_loss: bool = False
    recorded: asyncio.Event = field(default_factory=asyncio.Event)
    #: "agi" while the caller's FastAGI session controls the call; "ami" once a hold or a
    #: transfer handed it to AMI (callcenter/call_control.py): the session then returns
    #: without finishing the call.
    control: Literal["agi", "ami"] = "agi"
    #: On our hold: the caller in music on hold, the agent in a silent wait.
    held: bool = False
    #: The queue a transfer sends the caller to: their next FastAGI session joins it.
    requeue_to: str | None = None
    #: The team a voicemail left in the IVR is for (a follow-up task is created for it).
    voicemail_for: str | None = None
    #: "outbound" for an agent's click-to-dial (agent_dialing.py) or a callback (callbacks.py).
    direction: Literal["inbound", "outbound"] = "inbound"
    #: The last DIALSTATUS of a Dial this call made (the AMI's DialEnd).
    dial_status: str | None = None
    #: The agent who transferred the call to a queue or a colleague (shown on the pop).
    transferred_by: str | None = None
    #: A transfer to a colleague: the ACD offers them the call first (preferred agent).
    requeue_preferred: str | None = None
    #: Each agent leg (callcenter/legs.py), recorded as the interaction's segments.
    legs: list[AgentLeg] = field(default_factory=list)
    #: What the ACD was asked when the call first queued (skills, priority, tier...).
    request: CallRequest | None = None

    def add_note(self, line: str) -> None:
        """Append a line to what the interaction's notes will say."""
        self.notes = f"{self.notes}\n{line}" if self.notes else line


class CallRegistry:
    def __init__(self) -> None:
        self._by_id: dict[CallId, ActiveCall] = {}
        self._by_uniqueid: dict[UniqueId, ActiveCall] = {}
        #: Hangups seen for channels not (yet) registered: a session may register after
        #: the AMI already reported the hangup.
        self._early_hangups: OrderedDict[UniqueId, ChannelHungUp | HangupRequested] = OrderedDict()

    def open(self, call: ActiveCall) -> ActiveCall:
        self._by_id[call.call_id] = call
        self._by_uniqueid[call.uniqueid] = call
        early = self._early_hangups.pop(call.uniqueid, None)
        if early is not None:
            self._mark_hung_up(call, early)
        return call

    def close(self, call_id: CallId) -> None:
        call = self._by_id.pop(call_id, None)
        if call is not None:
            self._by_uniqueid.pop(call.uniqueid, None)

    def get(self, call_id: str) -> ActiveCall | None:
        return self._by_id.get(CallId(call_id))

    def by_uniqueid(self, uniqueid: str) -> ActiveCall | None:
        return self._by_uniqueid.get(UniqueId(uniqueid))

    def active(self) -> list[ActiveCall]:
        return list(self._by_id.values())

    def on_hangup(self, event: ChannelHungUp | HangupRequested) -> None:
        """A hang-up request or the hang-up itself: either proves the channel is going."""
        call = self._by_uniqueid.get(event.uniqueid)
        if call is None:
            self._early_hangups[event.uniqueid] = event
            if len(self._early_hangups) > EARLY_HANGUPS_KEPT:
                self._early_hangups.popitem(last=False)
            return
        self._mark_hung_up(call, event)

    def on_dial_start(self, event: DialStarted) -> None:
        call = self._by_uniqueid.get(event.uniqueid)
        if call is not None:
            call.agent_channel = event.dest_channel

    def on_dial_end(self, event: DialEnded, now: float) -> None:
        call = self._by_uniqueid.get(event.uniqueid)
        if call is None:
            return
        call.dial_status = event.status
        dial_ended(call.legs, event.status, now)
        if event.status == "ANSWER" and call.answered_at is None:
            call.answered_at = now

    @staticmethod
    def _mark_hung_up(call: ActiveCall, event: ChannelHungUp | HangupRequested) -> None:
        if isinstance(event, ChannelHungUp) and event.cause_txt == GONE_DURING_LINK_LOSS:
            if call.hung_up.is_set():
                return  # its hang-up request was seen; the resync adds nothing
            call.ended_during_link_loss = True
        call.hangup_cause = event.cause
        call.hung_up.set()
