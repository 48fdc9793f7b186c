"""The AMI ``Originate`` action towards agents' phones and customers on the trunk.

Owns: validating Originate, ringing ``PJSIP/<ext>`` or ``PJSIP/<number>@<trunk>`` through
the dial API (so DialBegin /
DialState / DialEnd carry only the Dest block, as in e1), the ``OriginateResponse``
event with the action's ActionID, and running ``Application``/``Data`` or the dialplan
at ``Context``/``Exten``/``Priority`` once answered. ``Async: true`` answers
``Originate successfully queued`` at once; without it the response waits for the
outcome (``Originate failed`` on failure) and no OriginateResponse is sent.
Reasons (__ast_request_and_dial's last control frame): 0 the channel could not be
requested, 1 hung up/unreachable, 3 rang until ``Timeout``, 4 answered, 5 busy,
8 congestion.
Local channels are in local.py. Must not parse the request (originate_plan.py does).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sim import events
from sim.ami_codec import Request
from sim.apps import find_app
from sim.asterisk import (
    CAUSE_CONGESTION,
    CAUSE_NO_ANSWER,
    CAUSE_SUBSCRIBER_ABSENT,
    CAUSE_USER_BUSY,
    REASON_ANSWERED,
    REASON_BUSY,
    REASON_CONGESTION,
    REASON_FAILED,
    REASON_HANGUP,
    REASON_RINGING,
    STATE_UP,
)
from sim.channel import Channel
from sim.dial import ring_phone
from sim.dial_outcomes import ANSWERED, BUSY, CONGESTED, TIMEOUT, UNAVAILABLE
from sim.local import dial_local
from sim.originate_plan import Plan, parse_plan, report
from sim.pbx import Pbx

Respond = Callable[..., Awaitable[None]]

_FAILED = {
    BUSY: ("BUSY", CAUSE_USER_BUSY, REASON_BUSY),
    UNAVAILABLE: ("CHANUNAVAIL", CAUSE_SUBSCRIBER_ABSENT, REASON_HANGUP),
    TIMEOUT: ("NOANSWER", CAUSE_NO_ANSWER, REASON_RINGING),
    CONGESTED: ("CONGESTION", CAUSE_CONGESTION, REASON_CONGESTION),
}


async def originate(pbx: Pbx, req: Request, respond: Respond) -> None:
    plan = parse_plan(req)
    if isinstance(plan, str):
        await respond(req, "Error", ("Message", plan))
        return
    if plan.is_async:
        await respond(req, "Success", ("Message", "Originate successfully queued"))
        pbx.spawn(_run(pbx, plan), f"originate-{plan.channel}")
        return
    ch = await _dial_out(pbx, plan)
    if ch is None:
        await respond(req, "Error", ("Message", "Originate failed"))
        return
    await respond(req, "Success", ("Message", "Originate successfully queued"))
    pbx.spawn(_after_answer(pbx, plan, ch), f"originate-{ch.name}")


async def _run(pbx: Pbx, plan: Plan) -> None:
    ch = await _dial_out(pbx, plan)
    if ch is not None:
        await _after_answer(pbx, plan, ch)


async def _dial_out(pbx: Pbx, plan: Plan) -> Channel | None:
    """Ring the phone; the answered channel, or None after reporting the failure."""
    tech, _, resource = plan.channel.partition("/")
    if tech.lower() == "local":
        return await dial_local(pbx, plan, resource)
    phone = pbx.find_endpoint(resource) if tech.upper() == "PJSIP" else None
    if phone is None:
        report(pbx, plan, None, REASON_FAILED)
        return None
    peer = _new_channel(pbx, plan, phone.endpoint, resource)
    # main/dial.c publishes DialBegin and DialEnd but no DialState for the ringing.
    outcome = await ring_phone(pbx, peer, phone, pbx.now() + plan.timeout, _never, _nothing)
    if outcome != ANSWERED:
        status, cause, reason = _FAILED.get(outcome, ("NOANSWER", peer.hangup_cause, REASON_HANGUP))
        pbx.emit(events.dial_end(None, peer, status))
        peer.hangup_cause = cause
        pbx.finish(peer)
        report(pbx, plan, None, reason)
        return None
    pbx.set_state(peer, STATE_UP)
    phone.start_talking(peer)
    pbx.emit(events.dial_end(None, peer, "ANSWER"))
    report(pbx, plan, peer, REASON_ANSWERED)
    return peer


def _never() -> bool:
    return False


def _nothing() -> None:
    return None


def _new_channel(pbx: Pbx, plan: Plan, endpoint: str, resource: str) -> Channel:
    peer = pbx.make_channel("PJSIP", endpoint, uniqueid=plan.channel_id)
    peer.context = "from-internal"
    pbx.add_channel(peer)
    for name, value in plan.variables:
        pbx.set_var(peer, name, value)
    if plan.cid_num or plan.cid_name:
        peer.caller_num, peer.caller_name = plan.cid_num, plan.cid_name
        pbx.emit(events.new_callerid(peer))
        peer.connected_num, peer.connected_name = plan.cid_num, plan.cid_name
        pbx.emit(events.new_connected_line(peer))
    pbx.emit(events.dial_begin(None, peer, resource))
    return peer


async def _after_answer(pbx: Pbx, plan: Plan, ch: Channel) -> None:
    """Run the application (then hang up) or the dialplan on the answered channel."""
    if plan.target is not None:
        if pbx.run_dialplan is not None:
            pbx.run_dialplan(ch, plan.target)
        return
    app = find_app(plan.application)
    ch.app, ch.app_data = plan.application, plan.data
    if app is not None:
        await app(pbx, ch, plan.data)
    if (ch.async_goto is not None or ch.bridge_target) and not ch.hangup_requested:
        if pbx.run_dialplan is not None:
            pbx.run_dialplan(ch, None)
        return
    pbx.finish(ch)
