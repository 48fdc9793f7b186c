"""Fold AMI events into telephony facts: the channel and bridge tracker.

Owns: the live view of channels (by Uniqueid) and bridges, and the mapping from
Asterisk's events to the typed facts in ``cti.events``. Pure: no I/O, no clock
(``now`` is passed in), never raises on input.

Rules:
* Events from Asterisk are facts. One that names an unknown channel, lacks a
  header or arrives out of order is counted in ``anomalies``, logged at debug,
  and still applied as far as it goes: every channel event carries the channel's
  snapshot (Channel, Uniqueid, Linkedid, ChannelState...), so an unknown channel
  is adopted from it (we may have connected mid-call).
* Only the events in ``TRACKED_EVENTS`` cost more than one set lookup; the rest
  (Newexten, VarSet, AGIExec*, Cdr...) are most of the stream and are dropped.
* ``ChannelAnswered`` is emitted the first time a channel is seen Up (state 6).
* ``DialStarted``/``DialEnded`` have an empty ``uniqueid`` when Asterisk dials
  without a calling channel (``Originate``): only the destination exists.
* ``<unknown>`` (Asterisk's placeholder caller number) becomes ``""``.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from cti.ami_codec import AmiMessage
from cti.events import (
    ChannelAnswered,
    ChannelCreated,
    ChannelHungUp,
    ChannelsBridged,
    ChannelUnbridged,
    DeviceStateChanged,
    DialEnded,
    DialStarted,
    DtmfReceived,
    HangupRequested,
    TelephonyEvent,
)
from cti.ids import ChannelName, LinkedId, UniqueId

log = logging.getLogger(__name__)

STATE_UP = 6
GONE_MEMORY = 4096


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    state: int
    caller_num: str
    exten: str
    bridge_id: str | None = None


class _MissingHeader(Exception):
    """Internal: a tracked event lacks a header it needs."""


def _caller(value: str | None) -> str:
    return "" if value is None or value == "<unknown>" else value


def _int(value: str | None) -> int:
    try:
        return int(value) if value is not None else -1
    except ValueError:
        return -1


class CallTracker:
    """Feed AMI events in arrival order; get typed telephony facts back."""

    def __init__(self) -> None:
        self.anomalies = 0
        self._channels: dict[UniqueId, ChannelSnapshot] = {}
        self._bridges: dict[str, set[UniqueId]] = {}
        # Recently hung-up channels (insertion-ordered, bounded) so late events cannot revive them.
        self._gone: dict[UniqueId, None] = {}
        self._handlers: dict[str, Callable[[AmiMessage, float], list[TelephonyEvent]]] = {
            "Newchannel": self._newchannel,
            "Newstate": self._newstate,
            "NewCallerid": self._newcallerid,
            "Rename": self._rename,
            "DialBegin": self._dialbegin,
            "DialEnd": self._dialend,
            "BridgeCreate": self._bridgecreate,
            "BridgeEnter": self._bridgeenter,
            "BridgeLeave": self._bridgeleave,
            "BridgeDestroy": self._bridgedestroy,
            "DTMFEnd": self._dtmfend,
            "HangupRequest": self._hangup_request,
            "SoftHangupRequest": self._hangup_request,
            "Hangup": self._hangup,
            "DeviceStateChange": self._devicestate,
        }

    @property
    def channels(self) -> Mapping[UniqueId, ChannelSnapshot]:
        """A copy of the live channels, keyed by Uniqueid."""
        return dict(self._channels)

    @property
    def bridges(self) -> Mapping[str, frozenset[UniqueId]]:
        return {bridge: frozenset(members) for bridge, members in self._bridges.items()}

    def feed(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        if msg.name not in TRACKED_EVENTS or msg.kind != "event":
            return []
        try:
            return self._handlers[msg.name](msg, now)
        except _MissingHeader as exc:
            self._anomaly(f"{msg.name} without {exc}")
            return []

    def _anomaly(self, what: str) -> None:
        self.anomalies += 1
        log.debug("AMI anomaly: %s", what)

    @staticmethod
    def _need(msg: AmiMessage, key: str) -> str:
        value = msg.get(key)
        if value is None:
            raise _MissingHeader(key)
        return value

    def _channel(self, msg: AmiMessage) -> ChannelSnapshot:
        """The channel an event is about; adopted from the event if we never saw it."""
        uid = UniqueId(self._need(msg, "Uniqueid"))
        known = self._channels.get(uid)
        if known is not None:
            return known
        adopted = self._snapshot(msg, uid)
        if uid in self._gone:
            # Late event for a hung-up channel: report it, but do not resurrect it.
            self._anomaly(f"{msg.name} after Hangup of {uid}")
            return adopted
        self._anomaly(f"{msg.name} for unknown channel {uid}")
        self._channels[uid] = adopted
        return adopted

    def _update(self, chan: ChannelSnapshot, **changes: Any) -> None:
        """Store a changed snapshot, unless the channel already hung up."""
        if chan.uniqueid in self._channels:
            self._channels[chan.uniqueid] = replace(chan, **changes)

    def _snapshot(self, msg: AmiMessage, uid: UniqueId) -> ChannelSnapshot:
        return ChannelSnapshot(
            uniqueid=uid,
            linkedid=LinkedId(msg.get("Linkedid") or uid),
            channel=ChannelName(msg.get("Channel") or ""),
            state=_int(msg.get("ChannelState")),
            caller_num=_caller(msg.get("CallerIDNum")),
            exten=msg.get("Exten") or "",
        )

    def _newchannel(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid = UniqueId(self._need(msg, "Uniqueid"))
        if uid in self._channels:
            self._anomaly(f"Newchannel for known channel {uid}")
        chan = self._channels[uid] = self._snapshot(msg, uid)
        out: list[TelephonyEvent] = [
            ChannelCreated(uid, chan.linkedid, chan.channel, chan.caller_num, chan.exten, now)
        ]
        if chan.state == STATE_UP:
            out.append(ChannelAnswered(uid, chan.linkedid, chan.channel, now))
        return out

    def _newstate(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid = UniqueId(self._need(msg, "Uniqueid"))
        known = self._channels.get(uid)
        chan = self._channel(msg)
        state = _int(msg.get("ChannelState"))
        self._update(chan, state=state)
        # An adopted channel's snapshot already says Up; a hung-up one is never answered again.
        was_up = known.state == STATE_UP if known is not None else uid in self._gone
        if state == STATE_UP and not was_up:
            return [ChannelAnswered(chan.uniqueid, chan.linkedid, chan.channel, now)]
        return []

    def _newcallerid(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        chan = self._channel(msg)
        self._update(chan, caller_num=_caller(msg.get("CallerIDNum")))
        return []

    def _rename(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        chan = self._channel(msg)
        new_name = ChannelName(self._need(msg, "Newname"))
        self._update(chan, channel=new_name)
        return []

    def _dial_parties(self, msg: AmiMessage) -> tuple[UniqueId, LinkedId, UniqueId, ChannelName]:
        dest_uid = UniqueId(self._need(msg, "DestUniqueid"))
        dest_channel = ChannelName(self._need(msg, "DestChannel"))
        if msg.get("Uniqueid") is None:  # Originate: no calling channel
            linked = msg.get("DestLinkedid") or dest_uid
            return UniqueId(""), LinkedId(linked), dest_uid, dest_channel
        caller = self._channel(msg)
        return caller.uniqueid, caller.linkedid, dest_uid, dest_channel

    def _dialbegin(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid, linked, dest_uid, dest_channel = self._dial_parties(msg)
        return [DialStarted(uid, dest_uid, dest_channel, linked, now)]

    def _dialend(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid, linked, dest_uid, dest_channel = self._dial_parties(msg)
        status = msg.get("DialStatus") or ""
        if not status:
            self._anomaly(f"DialEnd without DialStatus for {dest_uid}")
        return [DialEnded(uid, dest_uid, dest_channel, linked, status, now)]

    def _bridgecreate(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        self._bridges.setdefault(self._need(msg, "BridgeUniqueid"), set())
        return []

    def _bridgeenter(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        bridge = self._need(msg, "BridgeUniqueid")
        chan = self._channel(msg)
        if bridge not in self._bridges:
            self._anomaly(f"BridgeEnter into unknown bridge {bridge}")
        self._bridges.setdefault(bridge, set()).add(chan.uniqueid)
        self._update(chan, bridge_id=bridge)
        return [ChannelsBridged(bridge, chan.uniqueid, chan.linkedid, chan.channel, now)]

    def _bridgeleave(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        bridge = self._need(msg, "BridgeUniqueid")
        chan = self._channel(msg)
        members = self._bridges.get(bridge)
        if members is None or chan.uniqueid not in members:
            self._anomaly(f"BridgeLeave of {chan.uniqueid} not in bridge {bridge}")
        else:
            members.discard(chan.uniqueid)
        self._update(chan, bridge_id=None)
        return [ChannelUnbridged(bridge, chan.uniqueid, chan.linkedid, chan.channel, now)]

    def _bridgedestroy(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        self._bridges.pop(self._need(msg, "BridgeUniqueid"), None)
        return []

    def _dtmfend(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        if msg.get("Direction") != "Received":
            return []
        chan = self._channel(msg)
        return [DtmfReceived(chan.uniqueid, chan.linkedid, self._need(msg, "Digit"), now)]

    def _hangup(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        chan = self._channel(msg)
        self._channels.pop(chan.uniqueid, None)
        self._gone[chan.uniqueid] = None
        if len(self._gone) > GONE_MEMORY:
            del self._gone[next(iter(self._gone))]
        if chan.bridge_id is not None and chan.bridge_id in self._bridges:
            self._bridges[chan.bridge_id].discard(chan.uniqueid)
        cause = _int(msg.get("Cause"))
        cause_txt = msg.get("Cause-txt") or ""
        return [ChannelHungUp(chan.uniqueid, chan.linkedid, chan.channel, cause, cause_txt, now)]

    def _hangup_request(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        chan = self._channel(msg)
        cause = _int(msg.get("Cause"))
        soft = msg.name == "SoftHangupRequest"
        return [HangupRequested(chan.uniqueid, chan.linkedid, chan.channel, cause, soft, now)]

    def _devicestate(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        device = self._need(msg, "Device")
        return [DeviceStateChanged(device, self._need(msg, "State"), now)]


TRACKED_EVENTS = frozenset(
    {
        "Newchannel",
        "Newstate",
        "NewCallerid",
        "Rename",
        "HangupRequest",
        "SoftHangupRequest",
        "DialBegin",
        "DialEnd",
        "BridgeCreate",
        "BridgeEnter",
        "BridgeLeave",
        "BridgeDestroy",
        "DTMFEnd",
        "Hangup",
        "DeviceStateChange",
    }
)
