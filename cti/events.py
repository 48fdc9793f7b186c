"""Telephony facts that ``cti`` publishes to the rest of the product.

Owns: frozen, slotted, past-tense event types folded from AMI by the tracker.
Asterisk's CamelCase keys never leave ``cti``; these are what everyone else reads.
Must not hold behaviour.
"""

from dataclasses import dataclass
from typing import Literal

from cti.ids import ChannelName, LinkedId, UniqueId


@dataclass(frozen=True, slots=True)
class ChannelCreated:
    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    caller_num: str
    exten: str
    at: float


@dataclass(frozen=True, slots=True)
class ChannelAnswered:
    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    at: float


@dataclass(frozen=True, slots=True)
class DialStarted:
    """``DialBegin``: a caller's channel started ringing a destination."""

    uniqueid: UniqueId
    dest_uniqueid: UniqueId
    dest_channel: ChannelName
    linkedid: LinkedId
    at: float


@dataclass(frozen=True, slots=True)
class DialEnded:
    """``DialEnd``: ``status`` is Asterisk's DIALSTATUS (ANSWER, BUSY, NOANSWER, ...)."""

    uniqueid: UniqueId
    dest_uniqueid: UniqueId
    dest_channel: ChannelName
    linkedid: LinkedId
    status: str
    at: float


@dataclass(frozen=True, slots=True)
class ChannelsBridged:
    bridge_id: str
    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    at: float


@dataclass(frozen=True, slots=True)
class ChannelUnbridged:
    bridge_id: str
    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    at: float


@dataclass(frozen=True, slots=True)
class DtmfReceived:
    uniqueid: UniqueId
    linkedid: LinkedId
    digit: str
    at: float


@dataclass(frozen=True, slots=True)
class HangupRequested:
    """``HangupRequest`` / ``SoftHangupRequest``: something asked this channel to hang up.

    A channel inside a FastAGI session is destroyed (and its ``Hangup`` event sent) only
    after the session's socket closes (Asterisk 22, fixture a1: ``HangupRequest`` at the
    caller's hang-up, ``Hangup`` after the AGI server's EOF). So this, not ``Hangup``, is
    what tells a live session that its caller is gone; a ``Redirect`` sends neither.
    """

    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    cause: int
    soft: bool
    at: float


@dataclass(frozen=True, slots=True)
class ChannelHungUp:
    """AMI ``Hangup``: the only proof that a channel is gone."""

    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    cause: int
    cause_txt: str
    at: float


@dataclass(frozen=True, slots=True)
class DeviceStateChanged:
    """``DeviceStateChange``: ``device`` like ``PJSIP/1001``, ``state`` like ``NOT_INUSE``."""

    device: str
    state: str
    at: float


@dataclass(frozen=True, slots=True)
class CallHeld:
    """AMI ``Hold``: the channel's phone put the other party on hold (``music_class`` may be "")."""

    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    music_class: str
    at: float


@dataclass(frozen=True, slots=True)
class CallResumed:
    """AMI ``Unhold``: the channel's phone took the other party off hold."""

    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    at: float


@dataclass(frozen=True, slots=True)
class CallTransferred:
    """AMI ``BlindTransfer`` or ``AttendedTransfer``: a transfer was attempted.

    ``result`` is Asterisk's (``Success``, ``Fail``, ``Invalid``, ``Not Permitted``); only
    ``Success`` moved anyone. ``transferer_*`` is the channel that transferred (for an
    attended transfer the original one, in the first bridge). ``transferee_uniqueid`` is
    the party being moved and ``target_uniqueid`` (attended only) who it was joined to;
    either is ``""`` when Asterisk does not name one. ``context``/``exten`` are the blind
    transfer's destination; ``dest_type`` is the attended one's (Bridge, App, Link,
    Threeway, Fail).
    """

    kind: Literal["blind", "attended"]
    result: str
    transferer_uniqueid: UniqueId
    transferer_channel: ChannelName
    linkedid: LinkedId
    transferee_uniqueid: UniqueId
    target_uniqueid: UniqueId
    context: str
    exten: str
    dest_type: str
    at: float


@dataclass(frozen=True, slots=True)
class LinkUp:
    """The AMI link is logged in (first time or after a reconnect)."""

    at: float


@dataclass(frozen=True, slots=True)
class LinkLost:
    reason: str
    at: float


TelephonyEvent = (
    ChannelCreated
    | ChannelAnswered
    | DialStarted
    | DialEnded
    | ChannelsBridged
    | ChannelUnbridged
    | DtmfReceived
    | HangupRequested
    | ChannelHungUp
    | DeviceStateChanged
    | CallHeld
    | CallResumed
    | CallTransferred
    | LinkUp
    | LinkLost
)
