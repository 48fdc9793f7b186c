"""Fold AMI events into telephony facts: the channel and bridge tracker.

Owns: the mapping from Asterisk's events to the typed facts in ``cti.events``,
and ``resync`` after a link loss. The state it folds into (channels by Uniqueid,
bridges, calls by Linkedid, Local channel pairs) is ``channel_table``'s; the
transfer events are read by ``transfers``, the reconciliation by ``resync``.
Pure: no I/O, no clock (``now`` is passed in), never raises on input.

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
* ``Hold``/``Unhold`` become ``CallHeld``/``CallResumed``; a repeated one (a phone
  re-sending its hold re-INVITE) is counted as an anomaly, not repeated as a fact.
* One ``ChannelHungUp`` per channel: a repeated ``Hangup`` (or one after ``resync``
  already inferred it) is an anomaly. Uniqueids are never reused, so a repeated
  ``Newchannel`` (or one for a hung-up channel) is an anomaly too, not a new channel.
* A channel is in one bridge at a time: ``BridgeEnter`` into another bridge takes it
  out of the previous one (its ``BridgeLeave`` was lost).
* ``LocalBridge`` pairs the two halves of a Local channel (``local_peer``).
"""

from collections.abc import Callable, Sequence

from cti.ami_codec import AmiMessage
from cti.channel_list import ShownChannel
from cti.channel_state import STATE_UP, ChannelSnapshot, caller, snapshot, to_int
from cti.channel_table import ChannelTable, MissingHeader, need
from cti.events import (
    CallHeld,
    CallResumed,
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
from cti.resync import GONE_DURING_LINK_LOSS, reconcile
from cti.transfers import attended_transfer, blind_transfer

__all__ = ["GONE_DURING_LINK_LOSS", "TRACKED_EVENTS", "CallTracker", "ChannelSnapshot"]

Handler = Callable[[AmiMessage, float], list[TelephonyEvent]]


class CallTracker(ChannelTable):
    """Feed AMI events in arrival order; get typed telephony facts back."""

    def __init__(self) -> None:
        super().__init__()
        self._handlers: dict[str, Handler] = {
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
            "LocalBridge": self._localbridge,
            "Hold": self._hold,
            "Unhold": self._unhold,
            "BlindTransfer": lambda msg, now: [blind_transfer(msg, now)],
            "AttendedTransfer": lambda msg, now: [attended_transfer(msg, now)],
        }

    def feed(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        if msg.name not in TRACKED_EVENTS or msg.kind != "event":
            return []
        try:
            return self._handlers[msg.name](msg, now)
        except MissingHeader as exc:
            self._anomaly(f"{msg.name} without {exc}")
            return []

    def resync(
        self, listed: Sequence[ShownChannel], now: float, *, listed_since: float | None = None
    ) -> list[TelephonyEvent]:
        """Reconcile with a fresh ``CoreShowChannels`` listing (rules in ``cti.resync``).

        ``listed_since``: the ``now`` at which the listing was asked for; channels first
        seen since then are kept even if the listing lacks them.
        """
        events, channels = reconcile(self._channels, self._gone, listed, now, listed_since)
        self._replace_all(channels)
        return events

    def _newchannel(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid = UniqueId(need(msg, "Uniqueid"))
        if uid in self._channels or self.is_gone(uid):
            # Uniqueids are never reused: a repeat is a duplicate, not a new channel.
            self._anomaly(f"Newchannel for known or gone channel {uid}")
            return []
        chan = snapshot(msg, uid, now)
        self._add(chan)
        out: list[TelephonyEvent] = [
            ChannelCreated(uid, chan.linkedid, chan.channel, chan.caller_num, chan.exten, now)
        ]
        if chan.state == STATE_UP:
            out.append(ChannelAnswered(uid, chan.linkedid, chan.channel, now))
        return out

    def _newstate(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid = UniqueId(need(msg, "Uniqueid"))
        known = self._channels.get(uid)
        chan = self._channel(msg, now)
        state = to_int(msg.get("ChannelState"))
        self._update(chan, state=state)
        # An adopted channel's snapshot already says Up; a hung-up one is never answered again.
        was_up = known.state == STATE_UP if known is not None else uid in self._gone
        if state == STATE_UP and not was_up:
            return [ChannelAnswered(chan.uniqueid, chan.linkedid, chan.channel, now)]
        return []

    def _newcallerid(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        chan = self._channel(msg, now)
        self._update(chan, caller_num=caller(msg.get("CallerIDNum")))
        return []

    def _rename(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        chan = self._channel(msg, now)
        new_name = ChannelName(need(msg, "Newname"))
        self._update(chan, channel=new_name)
        return []

    def _dial_parties(
        self, msg: AmiMessage, now: float
    ) -> tuple[UniqueId, LinkedId, UniqueId, ChannelName]:
        dest_uid = UniqueId(need(msg, "DestUniqueid"))
        dest_channel = ChannelName(need(msg, "DestChannel"))
        if msg.get("Uniqueid") is None:  # Originate: no calling channel
            linked = msg.get("DestLinkedid") or dest_uid
            return UniqueId(""), LinkedId(linked), dest_uid, dest_channel
        calling = self._channel(msg, now)
        return calling.uniqueid, calling.linkedid, dest_uid, dest_channel

    def _dialbegin(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid, linked, dest_uid, dest_channel = self._dial_parties(msg, now)
        return [DialStarted(uid, dest_uid, dest_channel, linked, now)]

    def _dialend(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid, linked, dest_uid, dest_channel = self._dial_parties(msg, now)
        status = msg.get("DialStatus") or ""
        if not status:
            self._anomaly(f"DialEnd without DialStatus for {dest_uid}")
        return [DialEnded(uid, dest_uid, dest_channel, linked, status, now)]

    def _bridgecreate(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        self._bridges.setdefault(need(msg, "BridgeUniqueid"), set())
        return []

    def _bridgeenter(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        bridge = need(msg, "BridgeUniqueid")
        chan = self._channel(msg, now)
        if bridge not in self._bridges:
            self._anomaly(f"BridgeEnter into unknown bridge {bridge}")
        if chan.uniqueid in self._channels:
            if chan.bridge_id is not None and chan.bridge_id != bridge:
                # A channel is in one bridge at a time: its BridgeLeave was lost.
                self._anomaly(f"BridgeEnter of {chan.uniqueid} still in {chan.bridge_id}")
                self._bridges.get(chan.bridge_id, set()).discard(chan.uniqueid)
            self._bridges.setdefault(bridge, set()).add(chan.uniqueid)
        self._update(chan, bridge_id=bridge)
        return [ChannelsBridged(bridge, chan.uniqueid, chan.linkedid, chan.channel, now)]

    def _bridgeleave(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        bridge = need(msg, "BridgeUniqueid")
        chan = self._channel(msg, now)
        members = self._bridges.get(bridge)
        if members is None or chan.uniqueid not in members:
            self._anomaly(f"BridgeLeave of {chan.uniqueid} not in bridge {bridge}")
        else:
            members.discard(chan.uniqueid)
        if chan.bridge_id == bridge:
            self._update(chan, bridge_id=None)
        return [ChannelUnbridged(bridge, chan.uniqueid, chan.linkedid, chan.channel, now)]

    def _bridgedestroy(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        self._bridges.pop(need(msg, "BridgeUniqueid"), None)
        return []

    def _dtmfend(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        if msg.get("Direction") != "Received":
            return []
        chan = self._channel(msg, now)
        return [DtmfReceived(chan.uniqueid, chan.linkedid, need(msg, "Digit"), now)]

    def _hangup(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid = UniqueId(need(msg, "Uniqueid"))
        if self.is_gone(uid) and uid not in self._channels:
            # Asterisk sends one Hangup per channel; a second one, or one after resync
            # inferred the hang-up, must not settle the call twice.
            self._anomaly(f"Hangup of {uid} already gone")
            return []
        chan = self._channel(msg, now)
        self._bury(chan)
        cause = to_int(msg.get("Cause"))
        cause_txt = msg.get("Cause-txt") or ""
        return [ChannelHungUp(chan.uniqueid, chan.linkedid, chan.channel, cause, cause_txt, now)]

    def _hangup_request(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        chan = self._channel(msg, now)
        cause = to_int(msg.get("Cause"))
        soft = msg.name == "SoftHangupRequest"
        return [HangupRequested(chan.uniqueid, chan.linkedid, chan.channel, cause, soft, now)]

    def _devicestate(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        device = need(msg, "Device")
        return [DeviceStateChanged(device, need(msg, "State"), now)]

    def _localbridge(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        one = self._channel(msg, now, "LocalOne")
        two = self._channel(msg, now, "LocalTwo")
        if not (self.is_gone(one.uniqueid) or self.is_gone(two.uniqueid)):
            self._calls.pair_local(one.uniqueid, two.uniqueid)
        return []

    def _hold(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        chan = self._channel(msg, now)
        if chan.held:
            self._anomaly(f"Hold of {chan.uniqueid} already on hold")
            return []
        self._update(chan, held=True)
        music = msg.get("MusicClass") or ""
        return [CallHeld(chan.uniqueid, chan.linkedid, chan.channel, music, now)]

    def _unhold(self, msg: AmiMessage, now: float) -> list[TelephonyEvent]:
        uid = UniqueId(need(msg, "Uniqueid"))
        known = self._channels.get(uid)
        chan = self._channel(msg, now)
        if known is not None and not known.held:
            # Adopted or revived channels fall through: we cannot know they were not held.
            self._anomaly(f"Unhold of {uid} not on hold")
            return []
        self._update(chan, held=False)
        return [CallResumed(chan.uniqueid, chan.linkedid, chan.channel, now)]


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
        "LocalBridge",
        "Hold",
        "Unhold",
        "BlindTransfer",
        "AttendedTransfer",
    }
)
