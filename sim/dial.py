"""The ``Dial`` application towards agents' PJSIP phones, and ringing a phone.

Owns: the events of app_dial for one PJSIP destination, in the order of fixture b and
of app_dial.c (Newchannel, DialBegin, Newstate Ringing, DialState, DialEnd, the bridge,
the DIALSTATUS family of variables), and ``ring_phone``, shared with Originate.

Outcomes, with Asterisk's reasons:
* answered -> ANSWER; when the bridge ends Dial returns -1 (ast_bridge_call), or 0
  when the caller was redirected (AST_SOFTHANGUP_ASYNCGOTO);
* the ring timeout -> NOANSWER and Dial returns 0; the callee is hung up with Q.850
  19 (no answer from user, user alerted). app_dial's hanguptree() sets no cause here,
  so a real callee's Hangup may carry the driver's cause instead: decide on DialEnd;
* 486 Busy Here (busy phone, or already on a call) -> BUSY, cause 17, returns 0;
* 503 Service Unavailable (a congested trunk or phone) -> CONGESTION, cause 34
  (chan_pjsip maps 503 to AST_CAUSE_CONGESTION; app_dial's AST_CONTROL_CONGESTION),
  returns 0;
* an endpoint that cannot be reached -> CHANUNAVAIL, cause 20 (subscriber absent;
  ast_hangup_cause_to_dial_status maps it to CHANUNAVAIL), returns 0;
* no such endpoint -> ast_request fails: no channel at all, CHANUNAVAIL, returns -1;
* the caller hangs up or is redirected while it rings -> CANCEL, returns -1.
Must not know about FastAGI: the caller's coroutine may be AGI EXEC or the dialplan.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim import events
from sim.asterisk import (
    CAUSE_NORMAL_CLEARING,
    DIAL_ANSWER,
    DIAL_CHANUNAVAIL,
    STATE_RINGING,
    STATE_UP,
)
from sim.bridge import Bridge
from sim.channel import Channel, Location
from sim.dial_local import dial_local
from sim.dial_outcomes import (
    ABORTED,
    ANSWERED,
    BUSY,
    CONGESTED,
    GONE,
    NOT_CONNECTED,
    TIMEOUT,
    UNAVAILABLE,
)
from sim.pbx import Pbx

if TYPE_CHECKING:
    from sim.phone import SimPhone

AGENT_CONTEXT = "from-internal"
_CLEARED_AT_START = (
    "DIALSTATUS",
    "DIALEDPEERNUMBER",
    "DIALEDPEERNAME",
    "ANSWEREDTIME",
    "ANSWEREDTIME_MS",
    "DIALEDTIME",
    "DIALEDTIME_MS",
    "RINGTIME",
    "RINGTIME_MS",
    "PROGRESSTIME",
    "PROGRESSTIME_MS",
)


@dataclass(frozen=True)
class DialArgs:
    tech: str
    resource: str
    timeout: float | None
    #: Option ``b(context^exten^priority)``: the callee's pre-dial handler.
    pre_dial: Location | None = None


_PRE_DIAL = re.compile(r"b\(([^)^]+)\^([^)^]+)\^([0-9]+)\)")


def parse_dial(data: str) -> DialArgs:
    """``PJSIP/1001,20,tT`` -> tech, resource, ring timeout (None: ring forever), and a
    pre-dial handler ``b(context^exten^priority)`` among the options."""
    parts = data.split(",")
    tech, _, resource = parts[0].strip().partition("/")
    timeout: float | None = None
    if len(parts) > 1 and parts[1].strip():
        try:
            timeout = float(parts[1]) if float(parts[1]) > 0 else None
        except ValueError:
            timeout = None
    handler = _PRE_DIAL.search(parts[2]) if len(parts) > 2 else None
    pre_dial = Location(handler[1], handler[2], int(handler[3])) if handler else None
    return DialArgs(tech, resource, timeout, pre_dial)


def new_peer(pbx: Pbx, endpoint: str, caller: Channel | None) -> Channel:
    """The callee's channel, announced Down in the endpoint's context with exten ``s``."""
    peer = pbx.make_channel(
        "PJSIP",
        endpoint,
        linkedid=caller.linkedid if caller else "",
        wake=caller.wake if caller else None,
    )
    peer.context = AGENT_CONTEXT
    return pbx.add_channel(peer)


async def ring_phone(
    pbx: Pbx,
    peer: Channel,
    phone: SimPhone,
    deadline: float | None,
    aborted: Callable[[], bool],
    on_ringing: Callable[[], None],
) -> str:
    """Offer ``peer`` to ``phone`` until it answers, fails, times out or is aborted."""
    if phone.unreachable:
        return UNAVAILABLE
    if phone.congested:
        return CONGESTED
    if not phone.accepts_offer():
        return BUSY
    pbx.set_state(peer, STATE_RINGING)
    phone.start_ringing(peer)
    started = pbx.now()
    on_ringing()
    while True:
        if aborted():
            return ABORTED
        if peer.interrupted:
            return GONE
        if phone.rejected:
            return BUSY
        if phone.wants_answer(started):
            return ANSWERED
        if deadline is not None and pbx.now() >= deadline:
            return TIMEOUT
        wakes = [t for t in (deadline, phone.answer_deadline(started)) if t is not None]
        await peer.wake.wait(max(0.0, min(wakes) - pbx.now()) if wakes else None)


async def dial_app(pbx: Pbx, caller: Channel, data: str) -> int:
    return await DialRun(pbx, caller, parse_dial(data)).run()


class DialRun:
    """One execution of Dial() on ``caller``."""

    def __init__(self, pbx: Pbx, caller: Channel, args: DialArgs) -> None:
        self.pbx = pbx
        self.caller = caller
        self.args = args
        self.started = pbx.now()

    async def run(self) -> int:
        if self.caller.interrupted:
            return -1
        for name in _CLEARED_AT_START:
            self.pbx.set_var(self.caller, name, "")
        if self.args.tech.upper() == "LOCAL":
            return await dial_local(self)
        pjsip = self.args.tech.upper() == "PJSIP"
        phone = self.pbx.find_endpoint(self.args.resource) if pjsip else None
        if phone is None:
            return self._done(DIAL_CHANUNAVAIL, -1)
        peer = self._create_peer(phone.endpoint, self.args.resource)
        if self.args.pre_dial is not None and self.pbx.run_subroutine is not None:
            await self.pbx.run_subroutine(peer, self.args.pre_dial)
        self._begin(peer, self.args.resource)
        deadline = None if self.args.timeout is None else self.started + self.args.timeout
        previous = self.caller.party.state if self.caller.party else ""
        outcome = await ring_phone(
            self.pbx, peer, phone, deadline, lambda: self.caller.interrupted, self._ringing
        )
        if outcome == ANSWERED:
            return await self._connected(peer, phone)
        if self.caller.party is not None:
            self.caller.party.on_state(previous)
        status, cause, result = NOT_CONNECTED[outcome]
        if outcome == GONE:
            cause = peer.hangup_cause or cause
        self.pbx.emit(events.dial_end(self.caller, peer, status))
        peer.hangup_cause = cause
        self.pbx.finish(peer)
        return self._done(status, result)

    def _create_peer(self, endpoint: str, resource: str) -> Channel:
        pbx, caller = self.pbx, self.caller
        peer = new_peer(pbx, endpoint, caller)
        pbx.set_var(peer, "DIALEDPEERNUMBER", resource)
        for bare, full in caller.inheritable.items():
            inherited = full if full.startswith("__") else bare
            pbx.set_var(peer, inherited, caller.variables.get(bare, ""))
        # app_dial: with no caller ID from the driver, the callee's caller ID is the
        # caller's dialplan extension; its connected line is the caller's caller ID.
        peer.caller_num, peer.caller_name = caller.exten, caller.connected_name
        peer.connected_num, peer.connected_name = caller.caller_num, caller.caller_name
        peer.app, peer.app_data = "AppDial", "(Outgoing Line)"
        pbx.emit(events.newexten(peer, peer.app, peer.app_data))
        pbx.emit(events.new_callerid(peer))
        pbx.emit(events.new_connected_line(peer))
        self.peer = peer
        return peer

    def _begin(self, peer: Channel, resource: str) -> None:
        """DialBegin: after the pre-dial handler ran on the callee (app_dial.c)."""
        self.pbx.emit(events.dial_begin(self.caller, peer, resource))
        if self.caller.party is not None:
            # Real time, not the loop's: benchmarks compare it with other processes' stamps.
            self.caller.party.on_dial_begin(resource, time.monotonic())

    def _ringing(self) -> None:
        ring_ms = int((self.pbx.now() - self.started) * 1000)
        self.pbx.set_var(self.caller, "RINGTIME", str(ring_ms // 1000))
        self.pbx.set_var(self.caller, "RINGTIME_MS", str(ring_ms))
        self.pbx.emit(events.dial_state(self.caller, self.peer, "RINGING"))
        local = self.caller.local_peer
        if local is not None and local.state != STATE_UP:
            # The ringing indication crosses a Local pair: its ;1 shows Ringing too.
            self.pbx.set_state(local, STATE_RINGING)
        if self.caller.party is not None:
            self.caller.party.on_state("ringing-agent")

    async def _connected(self, peer: Channel, phone: SimPhone | None) -> int:
        pbx, caller = self.pbx, self.caller
        pbx.set_state(peer, STATE_UP)
        if phone is not None:
            phone.start_talking(peer)
        answered_at = pbx.now()
        pbx.set_var(caller, "DIALSTATUS", DIAL_ANSWER)
        pbx.set_var(caller, "DIALEDPEERNAME", peer.name)
        pbx.set_var(caller, "DIALEDPEERNUMBER", self.args.resource)
        pbx.emit(events.dial_end(caller, peer, DIAL_ANSWER))
        if caller.party is not None:
            caller.party.on_connected(phone.extension if phone is not None else peer.name)
        pbx.set_state(caller, STATE_UP)  # ast_bridge_call answers an unanswered caller
        bridge = Bridge(pbx)
        peer.exten = ""  # app_dial clears the answered channel's exten (fixture b)
        pbx.emit(events.newexten(peer, peer.app, peer.app_data))
        bridge.enter(peer)
        bridge.enter(caller)
        bridge.set_peers()
        peer = await self._stay_bridged(bridge, peer)
        agent_left = peer.hangup_requested and not caller.interrupted
        result = self._unbridge(bridge, peer)
        self._answered_times(answered_at)
        self._done(DIAL_ANSWER, result)
        if agent_left and caller.party is not None:
            caller.party.on_agent_left()
        return result

    async def _stay_bridged(self, bridge: Bridge, peer: Channel) -> Channel:
        """Wait until one side leaves; returns the peer at that moment.

        An attended transfer (atxfer.py) takes ``peer`` out of the bridge to consult and
        may bring a new channel in its place: the caller then talks to that one."""
        caller = self.caller
        while not caller.interrupted:
            current = bridge.peer_of(caller)
            if current is not None and current is not peer:
                peer = current
                continue
            if peer.interrupted and (current is peer or peer.gone):
                break
            await caller.wake.wait(None)
        return peer

    def _unbridge(self, bridge: Bridge, peer: Channel) -> int:
        """Both leave, the one that went first first; returns Dial's result."""
        caller = self.caller
        bridge.clear_peers()
        for ch in (peer, caller) if peer.interrupted else (caller, peer):
            bridge.leave(ch)
            if ch is peer:
                self._release(peer)
        bridge.destroy()
        if peer.interrupted and not caller.interrupted and not caller.hangup_cause:
            # The callee hung up first: the caller's channel ends with the callee's cause
            # (fixture b: the caller's Hangup says 16 after the agent's Local leg hung up).
            caller.hangup_cause = peer.hangup_cause
        # ast_bridge_call returns 0 when the caller left on an async goto, else -1.
        return 0 if (caller.async_goto is not None or caller.bridge_target) else -1

    def _release(self, peer: Channel) -> None:
        """The callee out of the bridge: it runs its Redirect target, or is hung up."""
        moved = peer.async_goto is not None or bool(peer.bridge_target)
        if moved and not peer.hangup_requested and self.pbx.run_dialplan is not None:
            self.pbx.run_dialplan(peer, None)
            return
        if not peer.hangup_requested:
            peer.hangup_cause = CAUSE_NORMAL_CLEARING
        self.pbx.finish(peer)

    def _answered_times(self, answered_at: float) -> None:
        now = self.pbx.now()
        talk_ms = int((now - answered_at) * 1000)
        dial_ms = int((now - self.started) * 1000)
        for name, value in (
            ("ANSWEREDTIME", talk_ms // 1000),
            ("ANSWEREDTIME_MS", talk_ms),
            ("DIALEDTIME", dial_ms // 1000),
            ("DIALEDTIME_MS", dial_ms),
        ):
            self.pbx.set_var(self.caller, name, str(value))

    def _done(self, status: str, result: int) -> int:
        self.pbx.set_var(self.caller, "DIALSTATUS", status)
        if self.caller.party is not None:
            self.caller.party.on_dial_end(status)
        return result
