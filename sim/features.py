"""Call features: hold from a phone, MixMonitor recording, ChanSpy, blind transfer, and
the AMI actions that drive them or list bridges.

Owns: ``hold``/``unhold`` (a phone's re-INVITE: Hold on its channel, music for the
bridged peer), the MixMonitor/StopMixMonitor application and actions
(apps/app_mixmonitor.c: ``MIXMONITOR_FILENAME`` set, then MixMonitorStart; the action
answers ``Response: Success`` with no Message), ChanSpy (apps/app_chanspy.c: the
first argument is a channel-name prefix; ChanSpyStart when spying starts,
ChanSpyStop when the spied-on channel goes, then it waits for another match until the
spy hangs up), ``BlindTransfer`` (main/manager.c action_blind_transfer calling
ast_bridge_transfer_blind: the BlindTransfer event, then the transferee runs the
target extension and the transferer is hung up), ``BridgeList`` and ``BridgeInfo``
(main/manager_bridges.c) and the ``Atxfer`` and ``CancelAtxfer`` actions (the transfer is
atxfer.py).
Events are built in feature_events.py.
Must not touch sockets; the AMI session sends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import atxfer, events, feature_events
from sim.ami_codec import Request
from sim.channel import Channel, Location, wait_until
from sim.events import Frame
from sim.media import hold_for, start_moh, stop_moh
from sim.pbx import Pbx

if TYPE_CHECKING:
    from sim.ami_server import AmiSession

MONITOR_DIR = "/var/spool/asterisk/monitor"  # ast_config_AST_MONITOR_DIR


# -- hold from a phone ----------------------------------------------------------------
def _bridge_peer(pbx: Pbx, ch: Channel) -> Channel | None:
    bridge = pbx.bridges.get(ch.bridge_id)
    return bridge.peer_of(ch) if bridge is not None else None


def hold(pbx: Pbx, ch: Channel) -> bool:
    """The phone sent a sendonly re-INVITE: Hold on its channel (no MusicClass, since SIP
    names none), then the bridge passes the indication on and the peer hears music."""
    if ch.gone or ch.held:
        return False
    ch.held = True
    pbx.emit(feature_events.hold(ch))
    peer = _bridge_peer(pbx, ch)
    if peer is not None:
        start_moh(pbx, peer)
    return True


def unhold(pbx: Pbx, ch: Channel) -> bool:
    if ch.gone or not ch.held:
        return False
    ch.held = False
    pbx.emit(feature_events.unhold(ch))
    peer = _bridge_peer(pbx, ch)
    if peer is not None:
        stop_moh(pbx, peer)
    return True


# -- MixMonitor -----------------------------------------------------------------------
def start_mixmonitor(pbx: Pbx, ch: Channel, data: str) -> bool:
    """mixmonitor_exec: False when there is no file name (the action then errors)."""
    filename = data.split(",")[0].strip()
    if not filename:
        return False
    path = filename if filename.startswith("/") else f"{MONITOR_DIR}/{filename}"
    pbx.set_var(ch, "MIXMONITOR_FILENAME", path)
    ch.mixmonitor = path
    pbx.emit(feature_events.mixmonitor_start(ch))
    return True


def stop_mixmonitor(pbx: Pbx, ch: Channel) -> bool:
    """stop_mixmonitor_full: False when nothing records on the channel."""
    if not ch.mixmonitor:
        return False
    ch.mixmonitor = ""
    pbx.emit(feature_events.mixmonitor_stop(ch))
    return True


async def app_mixmonitor(pbx: Pbx, ch: Channel, data: str) -> int:
    return 0 if start_mixmonitor(pbx, ch, data) else -1


async def app_stop_mixmonitor(pbx: Pbx, ch: Channel, data: str) -> int:
    stop_mixmonitor(pbx, ch)
    return 0


async def _channel_or_error(s: AmiSession, req: Request) -> Channel | None:
    if not req.get("Channel"):
        await s.respond(req, "Error", ("Message", "No channel specified"))
        return None
    ch = s.pbx.find_channel(req.get("Channel"))
    if ch is None:
        await s.respond(req, "Error", ("Message", "No such channel"))
    return ch


async def mixmonitor_action(s: AmiSession, req: Request) -> None:
    ch = await _channel_or_error(s, req)
    if ch is None:
        return
    if not start_mixmonitor(s.pbx, ch, req.get("File")):
        await s.respond(req, "Error", ("Message", "Could not start monitoring channel"))
        return
    await s.respond(req, "Success")


async def stop_mixmonitor_action(s: AmiSession, req: Request) -> None:
    ch = await _channel_or_error(s, req)
    if ch is None:
        return
    if not stop_mixmonitor(s.pbx, ch):
        await s.respond(req, "Error", ("Message", "Could not stop monitoring channel"))
        return
    await s.respond(req, "Success")


# -- ChanSpy --------------------------------------------------------------------------
def _spy_target(pbx: Pbx, spyer: Channel, prefix: str) -> Channel | None:
    for ch in pbx.channels.values():
        if ch is not spyer and not ch.gone and ch.name.startswith(prefix):
            return ch
    return None


async def app_chanspy(pbx: Pbx, ch: Channel, data: str) -> int:
    """ChanSpy(<prefix>,<options>): q, w and B change the audio only, not the events."""
    prefix = data.split(",")[0].strip()
    while not ch.interrupted:
        spyee = _spy_target(pbx, ch, prefix) if prefix else None
        if spyee is None:
            # common_exec scans again after a pause when nothing matches.
            await hold_for(pbx, ch, 1.0)
            continue
        await _spy(pbx, ch, spyee)
    return -1


async def _spy(pbx: Pbx, ch: Channel, spyee: Channel) -> None:
    pbx.emit(feature_events.chanspy_start(ch, spyee))
    spyee.on_gone.append(lambda gone: ch.wake.notify())  # they share no Wakeup
    await wait_until(ch.wake, lambda: ch.interrupted or spyee.gone, None)
    pbx.emit(feature_events.chanspy_stop(ch, spyee))


# -- bridges --------------------------------------------------------------------------
def _id(req: Request) -> Frame:
    return [("ActionID", req.action_id)] if req.action_id else []


async def bridge_list(s: AmiSession, req: Request) -> None:
    """Items: ActionID, then the bridge block (fixture b)."""
    await s.respond(
        req, "Success", ("EventList", "start"), ("Message", "Bridge listing will follow")
    )
    wanted = req.get("BridgeType")
    bridges = [b for b in s.pbx.bridges.values() if not wanted or wanted == "basic"]
    for bridge in bridges:
        block = events.bridge_block(bridge.id, len(bridge.members))
        await s.send([("Event", "BridgeListItem"), *_id(req), *block])
    await s.send(
        [
            ("Event", "BridgeListComplete"),
            *_id(req),
            ("EventList", "Complete"),
            ("ListItems", str(len(bridges))),
        ]
    )


async def bridge_info(s: AmiSession, req: Request) -> None:
    """BridgeInfoChannel per member (ActionID, then the channel block), then
    BridgeInfoComplete with ListItems followed by the bridge block."""
    bridge_id = req.get("BridgeUniqueid")
    if not bridge_id:
        await s.respond(req, "Error", ("Message", "BridgeUniqueid must be provided"))
        return
    bridge = s.pbx.bridges.get(bridge_id)
    if bridge is None:
        await s.respond(req, "Error", ("Message", "Specified BridgeUniqueid not found"))
        return
    await s.respond(
        req, "Success", ("EventList", "start"), ("Message", "Bridge channel listing will follow")
    )
    members = list(bridge.members)
    for ch in members:
        await s.send([("Event", "BridgeInfoChannel"), *_id(req), *events.channel_block(ch)])
    await s.send(
        [
            ("Event", "BridgeInfoComplete"),
            *_id(req),
            ("EventList", "Complete"),
            ("ListItems", str(len(members))),
            *events.bridge_block(bridge.id, len(members)),
        ]
    )


# -- blind transfer -------------------------------------------------------------------
async def transfer_request(s: AmiSession, req: Request) -> tuple[Channel, str] | None:
    """The channel and extension of a BlindTransfer/Atxfer, or None after answering the
    error Asterisk gives (main/manager.c: both actions check in this order)."""
    name, exten = req.get("Channel"), req.get("Exten")
    if not name:
        await s.respond(req, "Error", ("Message", "No channel specified"))
        return None
    if not exten:
        await s.respond(req, "Error", ("Message", "No extension specified"))
        return None
    ch = s.pbx.find_channel(name)
    if ch is None:
        await s.respond(req, "Error", ("Message", "Channel specified does not exist"))
        return None
    return ch, exten


async def blind_transfer_action(s: AmiSession, req: Request) -> None:
    found = await transfer_request(s, req)
    if found is None:
        return
    ch, exten = found
    context = req.get("Context") or ch.context
    if not blind_transfer(s.pbx, ch, context, exten):
        await s.respond(req, "Error", ("Message", "Transfer invalid"))
        return
    await s.respond(req, "Success", ("Message", "Transfer succeeded"))


def blind_transfer(pbx: Pbx, transferer: Channel, context: str, exten: str) -> bool:
    """Send the party bridged with ``transferer`` to exten@context; False if not bridged.

    The transferee leaves the bridge on an async goto; the transferer, left alone in a
    two-party bridge, is hung up by the bridge code (dial.py / bridge.py)."""
    bridge = pbx.bridges.get(transferer.bridge_id)
    transferee = bridge.peer_of(transferer) if bridge is not None else None
    if bridge is None or transferee is None:
        return False
    pbx.emit(
        feature_events.blind_transfer(
            transferer, transferee, (bridge.id, len(bridge.members)), context, exten
        )
    )
    pbx.redirect(transferee, Location(context, exten, 1))
    return True


# -- attended transfer ----------------------------------------------------------------
async def cancel_atxfer_action(s: AmiSession, req: Request) -> None:
    """main/manager.c action_cancel_atxfer (Asterisk 16+): queue the atxferabort code as
    DTMF on the channel, whether or not it is consulting (then the digits do nothing)."""
    name = req.get("Channel")
    if not name:
        await s.respond(req, "Error", ("Message", "No channel specified"))
        return
    ch = s.pbx.find_channel(name)
    if ch is None:
        await s.respond(req, "Error", ("Message", "Channel specified does not exist"))
        return
    await s.respond(req, "Success", ("Message", "CancelAtxfer successfully queued"))
    ch.atxfer_abort = True
    ch.wake.notify()


async def atxfer_action(s: AmiSession, req: Request) -> None:
    """main/manager.c action_atxfer; the consultation itself is atxfer.py."""
    found = await transfer_request(s, req)
    if found is None:
        return
    ch, exten = found
    if not atxfer.can_transfer(s.pbx, ch):
        # Asterisk would queue the feature anyway; the simulator says it cannot play it.
        await s.respond(req, "Error", ("Message", "Atxfer not simulated for this channel"))
        return
    if req.get("Context"):
        s.pbx.set_var(ch, "TRANSFER_CONTEXT", req.get("Context"))
    context = req.get("Context") or ch.context
    await s.respond(req, "Success", ("Message", "Atxfer successfully queued"))
    s.pbx.spawn(atxfer.attended_transfer(s.pbx, ch, context, exten), f"atxfer-{ch.name}")
