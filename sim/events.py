"""Builders of AMI events, with the header names and order of Asterisk 22.

Owns: turning channels and bridges into ``Frame``s (ordered ``(key, value)`` lists),
e.g. the standard channel header block ``Channel ... Linkedid`` and its ``Dest``
variant. The order of every builder is copied from the recordings in
tests/fixtures/asterisk (a1, a2, b, d1, e1). Must not decide when an event happens.
"""

from __future__ import annotations

from sim.asterisk import cause_text, state_desc
from sim.channel import Channel

Frame = list[tuple[str, str]]

UNKNOWN = "<unknown>"


def channel_block(ch: Channel, prefix: str = "") -> Frame:
    """The 14-header channel block; ``prefix`` is ``Dest`` for the called side."""
    return [
        (f"{prefix}Channel", ch.name),
        (f"{prefix}ChannelState", str(ch.state)),
        (f"{prefix}ChannelStateDesc", state_desc(ch.state)),
        (f"{prefix}CallerIDNum", ch.caller_num or UNKNOWN),
        (f"{prefix}CallerIDName", ch.caller_name or UNKNOWN),
        (f"{prefix}ConnectedLineNum", ch.connected_num or UNKNOWN),
        (f"{prefix}ConnectedLineName", ch.connected_name or UNKNOWN),
        (f"{prefix}Language", ch.language),
        (f"{prefix}AccountCode", ch.accountcode),
        (f"{prefix}Context", ch.context),
        (f"{prefix}Exten", ch.exten),
        (f"{prefix}Priority", str(ch.priority)),
        (f"{prefix}Uniqueid", ch.uniqueid),
        (f"{prefix}Linkedid", ch.linkedid),
    ]


def event(name: str, klass: str, *fields: tuple[str, str]) -> Frame:
    """An event frame: ``Event``, ``Privilege: <class>,all``, then the fields."""
    return [("Event", name), ("Privilege", f"{klass},all"), *fields]


def channel_event(name: str, klass: str, ch: Channel, *extra: tuple[str, str]) -> Frame:
    return event(name, klass, *channel_block(ch), *extra)


def newchannel(ch: Channel) -> Frame:
    return channel_event("Newchannel", "call", ch)


def newstate(ch: Channel) -> Frame:
    return channel_event("Newstate", "call", ch)


def newexten(ch: Channel, app: str, data: str) -> Frame:
    return channel_event(
        "Newexten",
        "dialplan",
        ch,
        ("Extension", ch.exten),
        ("Application", app),
        ("AppData", data),
    )


def new_callerid(ch: Channel) -> Frame:
    return channel_event(
        "NewCallerid", "call", ch, ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")
    )


def new_connected_line(ch: Channel) -> Frame:
    return channel_event("NewConnectedLine", "call", ch)


def varset(ch: Channel, variable: str, value: str) -> Frame:
    return channel_event("VarSet", "dialplan", ch, ("Variable", variable), ("Value", value))


def global_varset(variable: str, value: str) -> Frame:
    """Setvar without a channel: e1 shows ``Channel: none`` / ``Uniqueid: none``."""
    return event(
        "VarSet",
        "dialplan",
        ("Channel", "none"),
        ("Uniqueid", "none"),
        ("Variable", variable),
        ("Value", value),
    )


def hangup(ch: Channel) -> Frame:
    cause = ch.hangup_cause
    return channel_event(
        "Hangup", "call", ch, ("Cause", str(cause)), ("Cause-txt", cause_text(cause))
    )


def hangup_request(ch: Channel, cause: int) -> Frame:
    """A hangup queued from the far end (ast_queue_hangup_with_cause): a Q.850 cause."""
    return channel_event("HangupRequest", "call", ch, ("Cause", str(cause)))


def soft_hangup_request(ch: Channel, flag: int) -> Frame:
    """ast_softhangup(): ``Cause`` is the AST_SOFTHANGUP_* flag, see sim.asterisk."""
    return channel_event("SoftHangupRequest", "call", ch, ("Cause", str(flag)))


def dial_begin(caller: Channel | None, dest: Channel, dialstring: str) -> Frame:
    """DialBegin; an Originate has no calling channel, so only the Dest block (e1)."""
    head = channel_block(caller) if caller is not None else []
    return event(
        "DialBegin", "call", *head, *channel_block(dest, "Dest"), ("DialString", dialstring)
    )


def dial_state(caller: Channel | None, dest: Channel, status: str) -> Frame:
    head = channel_block(caller) if caller is not None else []
    return event("DialState", "call", *head, *channel_block(dest, "Dest"), ("DialStatus", status))


def dial_end(caller: Channel | None, dest: Channel, status: str) -> Frame:
    head = channel_block(caller) if caller is not None else []
    return event("DialEnd", "call", *head, *channel_block(dest, "Dest"), ("DialStatus", status))


def bridge_block(bridge_id: str, members: int) -> Frame:
    return [
        ("BridgeUniqueid", bridge_id),
        ("BridgeType", "basic"),
        ("BridgeTechnology", "simple_bridge"),
        ("BridgeCreator", UNKNOWN),
        ("BridgeName", UNKNOWN),
        ("BridgeNumChannels", str(members)),
        ("BridgeVideoSourceMode", "none"),
    ]


def bridge_create(bridge_id: str) -> Frame:
    return event("BridgeCreate", "call", *bridge_block(bridge_id, 0))


def bridge_destroy(bridge_id: str) -> Frame:
    return event("BridgeDestroy", "call", *bridge_block(bridge_id, 0))


def bridge_enter(bridge_id: str, members: int, ch: Channel) -> Frame:
    return event("BridgeEnter", "call", *bridge_block(bridge_id, members), *channel_block(ch))


def bridge_leave(bridge_id: str, members: int, ch: Channel) -> Frame:
    return event("BridgeLeave", "call", *bridge_block(bridge_id, members), *channel_block(ch))


def device_state_change(device: str, state: str) -> Frame:
    return event("DeviceStateChange", "call", ("Device", device), ("State", state))


def agi_exec_start(ch: Channel, command_id: int, command: str) -> Frame:
    return channel_event(
        "AGIExecStart", "agi", ch, ("CommandId", str(command_id)), ("Command", command)
    )


def agi_exec_end(ch: Channel, command_id: int, command: str, code: int, result: str) -> Frame:
    return channel_event(
        "AGIExecEnd",
        "agi",
        ch,
        ("CommandId", str(command_id)),
        ("Command", command),
        ("ResultCode", str(code)),
        ("Result", result),
    )


def moh_start(ch: Channel, klass: str) -> Frame:
    return channel_event("MusicOnHoldStart", "call", ch, ("Class", klass))


def moh_stop(ch: Channel) -> Frame:
    return channel_event("MusicOnHoldStop", "call", ch)


def dtmf_begin(ch: Channel, digit: str) -> Frame:
    return channel_event("DTMFBegin", "dtmf", ch, ("Digit", digit), ("Direction", "Received"))


def dtmf_end(ch: Channel, digit: str, duration_ms: int) -> Frame:
    return channel_event(
        "DTMFEnd",
        "dtmf",
        ch,
        ("Digit", digit),
        ("DurationMs", str(duration_ms)),
        ("Direction", "Received"),
    )


def fully_booted(uptime: int) -> Frame:
    return event(
        "FullyBooted",
        "system",
        ("Uptime", str(uptime)),
        ("LastReload", str(uptime)),
        ("Status", "Fully Booted"),
    )


def local_bridge(one: Channel, two: Channel, context: str, exten: str) -> Frame:
    """chan_local ties ``;1`` and ``;2`` together (LocalOne*/LocalTwo* blocks, e1)."""
    return event(
        "LocalBridge",
        "call",
        *channel_block(one, "LocalOne"),
        *channel_block(two, "LocalTwo"),
        ("Context", context),
        ("Exten", exten),
        ("LocalOptimization", "Yes"),
    )
