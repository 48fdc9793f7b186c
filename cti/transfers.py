"""Transfer events from AMI as ``CallTransferred`` facts.

Owns: reading Asterisk's ``BlindTransfer`` and ``AttendedTransfer`` events
(Asterisk 22 AMI event docs; both raised by main/stasis_bridges.c once a transfer
was attempted, whatever its ``Result``). Pure: the events carry every channel's
snapshot under a prefix, so no tracker state is needed. An event without its
transferer's Uniqueid raises ``MissingHeader`` (the tracker counts it); any
other missing header becomes ``""``.

Prefixes used: blind: ``Transferer*`` (who pressed transfer), ``Transferee*``
(the party moved; absent when the transferer was not bridged), ``Context`` and
``Extension``. Attended: ``OrigTransferer*`` (the transferer in the first
bridge, the one with the party being moved), ``Transferee*`` and
``TransferTarget*`` (present in Asterisk 13.x and later), ``DestType``.
"""

from cti.ami_codec import AmiMessage
from cti.channel_table import need
from cti.events import CallTransferred
from cti.ids import ChannelName, LinkedId, UniqueId


def _uid(msg: AmiMessage, prefix: str) -> UniqueId:
    return UniqueId(msg.get(f"{prefix}Uniqueid") or "")


def blind_transfer(msg: AmiMessage, now: float) -> CallTransferred:
    return CallTransferred(
        kind="blind",
        result=msg.get("Result") or "",
        transferer_uniqueid=UniqueId(need(msg, "TransfererUniqueid")),
        transferer_channel=ChannelName(msg.get("TransfererChannel") or ""),
        linkedid=LinkedId(msg.get("TransfererLinkedid") or ""),
        transferee_uniqueid=_uid(msg, "Transferee"),
        target_uniqueid=UniqueId(""),
        context=msg.get("Context") or "",
        exten=msg.get("Extension") or "",
        dest_type="",
        at=now,
    )


def attended_transfer(msg: AmiMessage, now: float) -> CallTransferred:
    return CallTransferred(
        kind="attended",
        result=msg.get("Result") or "",
        transferer_uniqueid=UniqueId(need(msg, "OrigTransfererUniqueid")),
        transferer_channel=ChannelName(msg.get("OrigTransfererChannel") or ""),
        linkedid=LinkedId(msg.get("OrigTransfererLinkedid") or ""),
        transferee_uniqueid=_uid(msg, "Transferee"),
        target_uniqueid=_uid(msg, "TransferTarget"),
        context="",
        exten="",
        dest_type=msg.get("DestType") or "",
        at=now,
    )
