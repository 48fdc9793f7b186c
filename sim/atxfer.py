"""Attended transfer: the AMI ``Atxfer`` action and the consultation it starts.

Owns: what main/manager.c action_atxfer answers (``Atxfer successfully queued``; it
queues the atxfer feature code and the extension as DTMF on the channel) and what the
feature of main/bridge_basic.c then does, simplified to its AMI trace:

* the transferer leaves the call's bridge and the transferee hears music on hold;
* the transferer calls ``Local/<exten>@<context>`` in a new bridge (Newchannel ;1 ;2,
  LocalBridge, DialBegin with the transferer as caller, DialState RINGING when the
  target rings, DialEnd, BridgeCreate/BridgeEnter);
* when the transferer hangs up after the target answered, the transfer completes:
  ``AttendedTransfer`` (main/stasis_bridges.c attended_transfer_to_ami: Result,
  OrigTransferer*, OrigBridge*, SecondTransferer*, SecondBridge*, Transferee*,
  TransferTarget*, IsExternal, DestType Bridge, DestBridgeUniqueid), the target's ``;1``
  moves into the transferee's bridge, the music stops and the transferer's channel is
  hung up;
* if the target does not answer (or hangs up first), the transferer returns to the
  transferee: DialEnd with the status, the music stops, BridgeEnter again;
* the atxferabort feature code (features.conf ``*1``, which the AMI ``CancelAtxfer``
  action queues as DTMF) does the same at any point of the consultation: the target's
  Local pair is hung up and the transferer returns.
Simplified: only a transferer that is the called party of a Dial (an agent bridged with
a caller) is simulated; no BridgeMerge event (the channel moves with BridgeLeave and
BridgeEnter); the consultation ring timeout is 30 s.
Must not know AMI sessions.
"""

from __future__ import annotations

from sim import events, feature_events
from sim.asterisk import STATE_RINGING, STATE_UP
from sim.bridge import Bridge
from sim.channel import Channel, Location, wait_until
from sim.local import link_pair, make_pair
from sim.media import start_moh, stop_moh
from sim.pbx import Pbx

CONSULT_TIMEOUT = 30.0  # features.conf atxfernoanswertimeout default is 15; lab: 30


def can_transfer(pbx: Pbx, transferer: Channel) -> bool:
    """Whether ``transferer`` is an answered Dial callee bridged with one other party."""
    bridge = pbx.bridges.get(transferer.bridge_id)
    return (
        bridge is not None
        and transferer.app == "AppDial"
        and bridge.peer_of(transferer) is not None
        and not transferer.interrupted
    )


async def attended_transfer(pbx: Pbx, transferer: Channel, context: str, exten: str) -> None:
    orig = pbx.bridges[transferer.bridge_id]
    transferee = orig.peer_of(transferer)
    if transferee is None or pbx.run_dialplan is None:
        return
    transferer.atxfer_abort = False
    orig.leave(transferer)
    start_moh(pbx, transferee)
    consult = Bridge(pbx)
    consult.enter(transferer)
    one, two = make_pair(pbx, exten, context, linkedid=transferer.linkedid, wake=transferer.wake)
    for ch in (one, two):
        pbx.add_channel(ch)
    for ch in (one, two):
        ch.caller_num, ch.caller_name = transferer.caller_num, transferer.caller_name
        pbx.emit(events.new_callerid(ch))
    pbx.emit(events.local_bridge(one, two, context, exten))
    pbx.emit(events.dial_begin(transferer, one, f"{exten}@{context}"))
    link_pair(pbx, one, two)
    pbx.run_dialplan(two, Location(context, exten, 1))
    if await _consult(pbx, transferer, one, two):
        consult.enter(one)
        await wait_until(
            transferer.wake,
            lambda: transferer.hangup_requested or one.gone or transferer.atxfer_abort,
            None,
        )
        if transferer.hangup_requested and not one.gone and not transferer.atxfer_abort:
            _complete(pbx, transferer, orig, consult, transferee, one)
            return
    _give_up(pbx, transferer, orig, consult, transferee, one)


async def _consult(pbx: Pbx, transferer: Channel, one: Channel, two: Channel) -> bool:
    """Ring the target; True once it answered (DialEnd ANSWER)."""
    deadline = pbx.now() + CONSULT_TIMEOUT
    rang = False
    while True:
        if transferer.hangup_requested or transferer.atxfer_abort or one.interrupted or two.gone:
            aborted = transferer.hangup_requested or transferer.atxfer_abort
            status = "CANCEL" if aborted else "NOANSWER"
            break
        if two.state == STATE_UP:
            pbx.set_state(one, STATE_UP)
            pbx.emit(events.dial_end(transferer, one, "ANSWER"))
            return True
        if one.state == STATE_RINGING and not rang:
            rang = True
            pbx.emit(events.dial_state(transferer, one, "RINGING"))
        if pbx.now() >= deadline:
            status = "NOANSWER"
            break
        await transferer.wake.wait(deadline - pbx.now())
    pbx.emit(events.dial_end(transferer, one, status))
    return False


def _complete(
    pbx: Pbx,
    transferer: Channel,
    orig: Bridge,
    consult: Bridge,
    transferee: Channel,
    target: Channel,
) -> None:
    pbx.emit(
        feature_events.attended_transfer(
            transferer,
            (orig.id, len(orig.members)),
            transferer,
            (consult.id, len(consult.members)),
            transferee,
            target,
            orig.id,
        )
    )
    consult.leave(target)
    orig.enter(target)
    stop_moh(pbx, transferee)
    consult.leave(transferer)
    consult.destroy()
    pbx.finish(transferer)


def _give_up(
    pbx: Pbx,
    transferer: Channel,
    orig: Bridge,
    consult: Bridge,
    transferee: Channel,
    target: Channel,
) -> None:
    """The target did not take the call: hang it up and bring the transferer back."""
    transferer.atxfer_abort = False
    consult.leave(target)
    pbx.finish(target)
    consult.leave(transferer)
    consult.destroy()
    stop_moh(pbx, transferee)
    if not transferer.gone:
        orig.enter(transferer)
    transferer.wake.notify()
