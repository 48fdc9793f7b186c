"""AMI actions other than Login, Challenge and Logoff.

Owns: Ping, Events, Redirect, Hangup, Bridge, CoreShowChannels, Status, Getvar,
Setvar, PlayDTMF and the ``ACTIONS`` table (Originate lives in originate.py). Replies carry the
ActionID and copy Asterisk 22's headers and order (fixtures b, e1): e.g. list
actions answer ``EventList: start`` and end with a ``...Complete`` event holding
``ListItems``. Must not touch sockets; the session object sends.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from sim import events, features
from sim.ami_codec import Request, parse_mask
from sim.bridge import Bridge
from sim.channel import Channel, Location
from sim.events import Frame
from sim.originate import originate
from sim.pbx import Pbx
from sim.variables import read_variable

if TYPE_CHECKING:
    from sim.ami_server import AmiSession

Action = Callable[["AmiSession", Request], Awaitable[None]]


async def ping(s: AmiSession, req: Request) -> None:
    await s.respond(req, "Success", ("Ping", "Pong"), ("Timestamp", f"{s.pbx.wall():.6f}"))


async def events_action(s: AmiSession, req: Request) -> None:
    s.mask = parse_mask(req.get("EventMask"))
    await s.respond(req, "Success", ("Events", "Off" if s.mask == frozenset() else "On"))


def _channels(s: AmiSession, name: str) -> list[Channel]:
    """One channel by name, or all matching ``/regex/`` (manager.c action_hangup)."""
    if len(name) > 2 and name.startswith("/") and name.endswith("/"):
        try:
            pattern = re.compile(name[1:-1])
        except re.error:
            return []
        return [c for c in s.pbx.channels.values() if not c.gone and pattern.search(c.name)]
    ch = s.pbx.find_channel(name)
    return [ch] if ch is not None else []


async def hangup(s: AmiSession, req: Request) -> None:
    name = req.get("Channel")
    if not name:
        await s.respond(req, "Error", ("Message", "No channel specified"))
        return
    cause_text = req.get("Cause").strip()
    cause = int(cause_text) if cause_text.isdigit() else 0  # <= 0: keep the channel's cause
    targets = _channels(s, name)
    if not targets:
        await s.respond(req, "Error", ("Message", "No such channel"))
        return
    for ch in targets:
        # ast_channel_softhangup_withcause_locked: softhangup_nolock, no request event.
        s.pbx.request_soft_hangup(ch, cause)
    if name.startswith("/"):
        await s.respond(req, "Success", ("Message", f"Channels hung up: {len(targets)}"))
    else:
        await s.respond(req, "Success", ("Message", "Channel Hungup"))


def _redirect_error(req: Request) -> str:
    for key in ("Channel", "Context", "Exten", "Priority"):
        if not req.get(key):
            return f"{key} not specified"
    if not req.get("Priority").strip().isdigit() or int(req.get("Priority")) < 1:
        return "Priority is invalid"
    return ""


async def redirect(s: AmiSession, req: Request) -> None:
    error = _redirect_error(req)
    first = s.pbx.find_channel(req.get("Channel"))
    extra_name = req.get("ExtraChannel")
    extra = s.pbx.find_channel(extra_name) if extra_name else None
    if not error and first is None:
        error = f"Channel does not exist: {req.get('Channel')}"
    if not error and extra_name and extra is None:
        error = f"ExtraChannel does not exist: {extra_name}"
    if not error and first is not None and first.hangup_requested:
        error = "Redirect failed, channel not up."
    if error or first is None:
        await s.respond(req, "Error", ("Message", error))
        return
    target = Location(req.get("Context"), req.get("Exten"), int(req.get("Priority")))
    s.pbx.redirect(first, target)
    if extra is not None:
        extra_target = Location(
            req.get("ExtraContext") or target.context,
            req.get("ExtraExten") or target.exten,
            int(req.get("ExtraPriority") or target.priority),
        )
        s.pbx.redirect(extra, extra_target)
        await s.respond(req, "Success", ("Message", "Dual Redirect successful"))
        return
    await s.respond(req, "Success", ("Message", "Redirect successful"))


async def bridge(s: AmiSession, req: Request) -> None:
    """Bridge two channels that run dialplan; each joins when its application lets go."""
    one, two = s.pbx.find_channel(req.get("Channel1")), s.pbx.find_channel(req.get("Channel2"))
    if one is None or two is None or one is two:
        missing = "Channel1" if one is None else "Channel2"
        name = req.get(missing)
        await s.respond(req, "Error", ("Message", f"{missing} does not exist: {name}"))
        return
    joint = Bridge(s.pbx, expected=2)
    s.pbx.bridges[joint.id] = joint
    for ch in (one, two):
        ch.bridge_target = joint.id
        ch.wake.notify()
    await s.respond(req, "Success", ("Message", "Channels have been bridged"))


def _hms(seconds: float) -> str:
    total = int(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _id(req: Request) -> Frame:
    return [("ActionID", req.action_id)] if req.action_id else []


async def core_show_channels(s: AmiSession, req: Request) -> None:
    await s.respond(req, "Success", ("EventList", "start"), ("Message", "Channels will follow"))
    chans = [c for c in s.pbx.channels.values() if not c.gone]
    for ch in chans:
        await s.send(
            [
                ("Event", "CoreShowChannel"),
                *_id(req),
                *events.channel_block(ch),
                ("Application", ch.app),
                ("ApplicationData", ch.app_data),
                ("Duration", _hms(s.pbx.now() - ch.created_at)),
                ("BridgeId", ch.bridge_id),
            ]
        )
    await s.send(
        [
            ("Event", "CoreShowChannelsComplete"),
            *_id(req),
            ("EventList", "Complete"),
            ("ListItems", str(len(chans))),
        ]
    )


def _status_item(s: AmiSession, req: Request, ch: Channel) -> Frame:
    codec = "ulaw"
    return [
        ("Event", "Status"),
        ("Privilege", "Call"),
        *events.channel_block(ch),
        ("Type", ch.tech),
        ("DNID", ch.dnid),
        ("EffectiveConnectedLineNum", ch.connected_num or events.UNKNOWN),
        ("EffectiveConnectedLineName", ch.connected_name or events.UNKNOWN),
        ("TimeToHangup", "0"),
        ("BridgeID", ch.bridge_id),
        ("Application", ch.app),
        ("Data", ch.app_data),
        ("Nativeformats", f"({codec})"),
        ("Readformat", codec),
        ("Readtrans", ""),
        ("Writeformat", codec),
        ("Writetrans", ""),
        ("Callgroup", "0"),
        ("Pickupgroup", "0"),
        ("Seconds", str(int(s.pbx.now() - ch.created_at))),
        *_id(req),
    ]


async def status(s: AmiSession, req: Request) -> None:
    name = req.get("Channel")
    chans = [c for c in s.pbx.channels.values() if not c.gone]
    if name:
        found = s.pbx.find_channel(name)
        if found is None:
            await s.respond(req, "Error", ("Message", "No such channel"))
            return
        chans = [found]
    await s.respond(
        req, "Success", ("EventList", "start"), ("Message", "Channel status will follow")
    )
    for ch in chans:
        await s.send(_status_item(s, req, ch))
    count = str(len(chans))
    await s.send(
        [
            ("Event", "StatusComplete"),
            *_id(req),
            ("EventList", "Complete"),
            ("ListItems", count),
            ("Items", count),
        ]
    )


async def getvar(s: AmiSession, req: Request) -> None:
    variable = req.get("Variable")
    if not variable:
        await s.respond(req, "Error", ("Message", "No variable specified"))
        return
    ch = None
    if req.get("Channel"):
        ch = s.pbx.find_channel(req.get("Channel"))
        if ch is None:
            await s.respond(req, "Error", ("Message", "No such channel"))
            return
    value = read_variable(ch, variable, s.pbx.globals) or ""
    await s.respond(req, "Success", ("Variable", variable), ("Value", value))


async def setvar(s: AmiSession, req: Request) -> None:
    variable, value = req.get("Variable"), req.get("Value")
    if not variable:
        await s.respond(req, "Error", ("Message", "Variable not specified"))
        return
    if not req.get("Channel"):
        s.pbx.globals[variable.lstrip("_")] = value
        await s.respond(req, "Success", ("Message", "Variable Set"))
        s.pbx.emit(events.global_varset(variable, value))
        return
    ch = s.pbx.find_channel(req.get("Channel"))
    if ch is None:
        await s.respond(req, "Error", ("Message", "No such channel"))
        return
    await s.respond(req, "Success", ("Message", "Variable Set"))
    s.pbx.set_var(ch, variable, value)


async def play_dtmf(s: AmiSession, req: Request) -> None:
    """PlayDTMF (apps/app_senddtmf.c manager_play_dtmf): a digit sent towards the far
    end of ``Channel``. Sent into a Local ``;1`` it comes out of ``;2`` as received
    DTMF (fixture a1: DTMFBegin/DTMFEnd ``Direction: Received`` on ``;2``, ~Duration
    ms later), where the running application may read it."""
    ch = s.pbx.find_channel(req.get("Channel"))
    digit = req.get("Digit")[:1]
    if ch is None:
        await s.respond(req, "Error", ("Message", "Channel not found"))
        return
    if not digit:
        await s.respond(req, "Error", ("Message", "No digit specified"))
        return
    duration = req.get("Duration").strip()
    ms = int(duration) if duration.isdigit() else DTMF_DEFAULT_MS
    await s.respond(req, "Success", ("Message", "DTMF successfully queued"))
    if ch.local_peer is not None:
        s.pbx.spawn(_receive_dtmf(s.pbx, ch.local_peer, digit, ms), f"dtmf-{ch.name}")


DTMF_DEFAULT_MS = 100  # app_senddtmf's default duration (option_dtmfduration)


async def _receive_dtmf(pbx: Pbx, ch: Channel, digit: str, ms: int) -> None:
    await asyncio.sleep(ms / 1000)
    if ch.gone:
        return
    pbx.emit(events.dtmf_begin(ch, digit))
    pbx.emit(events.dtmf_end(ch, digit, ms))
    ch.keypad.append(digit)
    ch.wake.notify()


async def originate_action(s: AmiSession, req: Request) -> None:
    await originate(s.pbx, req, s.respond)


ACTIONS: dict[str, Action] = {
    "ping": ping,
    "events": events_action,
    "hangup": hangup,
    "redirect": redirect,
    "bridge": bridge,
    "coreshowchannels": core_show_channels,
    "status": status,
    "getvar": getvar,
    "setvar": setvar,
    "originate": originate_action,
    "playdtmf": play_dtmf,
    "mixmonitor": features.mixmonitor_action,
    "stopmixmonitor": features.stop_mixmonitor_action,
    "bridgelist": features.bridge_list,
    "bridgeinfo": features.bridge_info,
    "blindtransfer": features.blind_transfer_action,
    "atxfer": features.atxfer_action,
    "cancelatxfer": features.cancel_atxfer_action,
}
