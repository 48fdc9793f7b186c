"""Typed rows of Asterisk's channel listing (``CoreShowChannels``).

Owns: ``ShownChannel``, one live channel as Asterisk lists it, and turning a
``CoreShowChannel`` list item into one. Used by ``Telephony.core_show_channels``
and by the tracker's ``resync``. Must not do I/O or keep state.

Asterisk 22 facts (fixtures b, d1): every item carries Channel, ChannelState,
CallerIDNum, Context, Exten, Uniqueid, Linkedid, Application, ApplicationData,
Duration (``HH:MM:SS``) and BridgeId, which is empty when not bridged.
"""

from dataclasses import dataclass

from cti.ami_codec import AmiMessage
from cti.channel_state import STATE_UP, caller, to_int
from cti.ids import ChannelName, LinkedId, UniqueId


@dataclass(frozen=True, slots=True)
class ShownChannel:
    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    state: int
    caller_num: str
    context: str
    exten: str
    application: str
    application_data: str
    bridge_id: str | None
    duration_s: int

    @property
    def is_up(self) -> bool:
        return self.state == STATE_UP


def _seconds(hms: str) -> int:
    try:
        hours, minutes, seconds = (int(part) for part in hms.split(":"))
    except ValueError:
        return 0
    return hours * 3600 + minutes * 60 + seconds


def shown_channel(msg: AmiMessage) -> ShownChannel | None:
    """The channel a ``CoreShowChannel`` item lists; None for a frame without a Uniqueid."""
    uid = msg.get("Uniqueid")
    if not uid or msg.name != "CoreShowChannel":
        return None
    return ShownChannel(
        uniqueid=UniqueId(uid),
        linkedid=LinkedId(msg.get("Linkedid") or uid),
        channel=ChannelName(msg.get("Channel") or ""),
        state=to_int(msg.get("ChannelState")),
        caller_num=caller(msg.get("CallerIDNum")),
        context=msg.get("Context") or "",
        exten=msg.get("Exten") or "",
        application=msg.get("Application") or "",
        application_data=msg.get("ApplicationData") or "",
        bridge_id=msg.get("BridgeId") or None,
        duration_s=_seconds(msg.get("Duration") or ""),
    )


def shown_channels(items: list[AmiMessage]) -> list[ShownChannel]:
    return [chan for chan in map(shown_channel, items) if chan is not None]
