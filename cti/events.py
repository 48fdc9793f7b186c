"""Telephony facts that ``cti`` publishes to the rest of the product.

Owns: frozen, slotted, past-tense event types folded from AMI by the tracker.
Asterisk's CamelCase keys never leave ``cti``; these are what everyone else reads.
Must not hold behaviour.
"""

from dataclasses import dataclass

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
    | LinkUp
    | LinkLost
)
