"""Local channels for Originate: ``Local/<exten>@<context>`` as chan_local pairs them.

Owns: the ``;1``/``;2`` pair. ``;1`` is the originated side (it runs the Originate's
Application or Context/Exten once answered); ``;2`` runs the dialplan at
exten@context. Events follow fixtures e1 and a1: Newchannel ``;1`` (Down) and ``;2``
(Ring), Newexten ``;1`` AppDial2, variables and caller ID on each half, LocalBridge,
then DialBegin (Dest ``;1``, DialString ``exten@context``). When ``;2`` answers,
``;1`` answers too (Newstate, DialEnd ANSWER, OriginateResponse). When one half is
destroyed, a hangup with the same cause is queued on the other (HangupRequest), which
is how a1 hangs up "the caller" with AMI Hangup on ``;1``. An extension that does not
exist fails the call before LocalBridge, with Reason 0 (e1).
Simplified: the pair never optimizes away.
Must not know what ``;2``'s dialplan does.
"""

from __future__ import annotations

from sim import events
from sim.asterisk import (
    REASON_ANSWERED,
    REASON_FAILED,
    REASON_HANGUP,
    REASON_RINGING,
    STATE_RING,
    STATE_UP,
)
from sim.channel import Channel, Location, Wakeup, wait_until
from sim.originate_plan import Plan, report
from sim.pbx import Pbx


def make_pair(
    pbx: Pbx,
    exten: str,
    context: str,
    *,
    ids: tuple[str, str] = ("", ""),
    linkedid: str = "",
    wake: Wakeup | None = None,
) -> tuple[Channel, Channel]:
    """The ``;1`` (Down) and ``;2`` (Ring) halves, linked to each other; not announced."""
    base = f"Local/{exten}@{context}-{pbx.next_suffix('Local')}"
    shared = wake or Wakeup()
    halves = []
    for half, uid, state in ((1, ids[0], 0), (2, ids[1], STATE_RING)):
        ch = Channel(
            name=f"{base};{half}",
            uniqueid=uid or pbx.next_uniqueid(),
            linkedid="",
            tech="Local",
            created_at=pbx.now(),
            wake=shared,
            state=state,
            context=context,
            exten=exten,
        )
        halves.append(ch)
    one, two = halves
    one.linkedid = two.linkedid = linkedid or one.uniqueid
    one.local_peer, two.local_peer = two, one
    return one, two


def _dress(pbx: Pbx, plan: Plan, ch: Channel) -> None:
    """The Originate's variables and caller ID on one half."""
    for name, value in plan.variables:
        pbx.set_var(ch, name, value)
    if plan.cid_num or plan.cid_name:
        ch.caller_num, ch.caller_name = plan.cid_num, plan.cid_name
        pbx.emit(events.new_callerid(ch))
        ch.connected_num, ch.connected_name = plan.cid_num, plan.cid_name
        pbx.emit(events.new_connected_line(ch))


def link_pair(pbx: Pbx, one: Channel, two: Channel) -> None:
    """When one half is destroyed, queue a hangup with its cause on the other."""

    def gone(ch: Channel) -> None:
        other = two if ch is one else one
        pbx.request_remote_hangup(other, ch.hangup_cause)

    one.on_gone.append(gone)
    two.on_gone.append(gone)


async def dial_local(pbx: Pbx, plan: Plan, resource: str) -> Channel | None:
    """Set up the pair and wait for ``;2`` to answer; None after reporting a failure."""
    exten, _, context = resource.partition("@")
    one, two = make_pair(
        pbx, exten, context or "default", ids=(plan.channel_id, plan.other_channel_id)
    )
    pbx.add_channel(one)
    pbx.add_channel(two)
    one.app, one.app_data = "AppDial2", "(Outgoing Line)"
    pbx.emit(events.newexten(one, one.app, one.app_data))
    _dress(pbx, plan, one)
    start = Location(two.context, exten, 1)
    if not pbx.extension_exists(start) or pbx.run_dialplan is None:
        for ch in (two, one):
            pbx.finish(ch)
        report(pbx, plan, None, REASON_FAILED)
        return None
    _dress(pbx, plan, two)
    pbx.emit(events.local_bridge(one, two, two.context, exten))
    pbx.emit(events.dial_begin(None, one, resource))
    link_pair(pbx, one, two)
    pbx.run_dialplan(two, start)
    deadline = pbx.now() + plan.timeout
    await wait_until(one.wake, lambda: two.state == STATE_UP or two.gone or one.gone, deadline)
    return _answered(pbx, plan, one, two)


def _answered(pbx: Pbx, plan: Plan, one: Channel, two: Channel) -> Channel | None:
    if two.state == STATE_UP and not (two.gone or one.gone):
        pbx.set_state(one, STATE_UP)
        pbx.emit(events.dial_end(None, one, "ANSWER"))
        report(pbx, plan, one, REASON_ANSWERED)
        return one
    reason = REASON_HANGUP if two.gone else REASON_RINGING if two.app == "Dial" else REASON_FAILED
    pbx.emit(events.dial_end(None, one, "NOANSWER" if reason != REASON_HANGUP else "CANCEL"))
    pbx.finish(one)  # the link queues the hangup on ;2
    report(pbx, plan, None, reason)
    return None
