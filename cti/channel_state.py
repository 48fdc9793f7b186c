"""One tracked channel, and how to read it from an AMI channel snapshot.

Owns: ``ChannelSnapshot`` (what the tracker knows about one live channel) and
building one from the channel-snapshot headers Asterisk puts in every channel
event, optionally under a prefix (``LocalOne``, ``Transferer``...; Asterisk 12+
``ast_manager_build_channel_state_string_prefix``). Pure; must not keep state.
"""

from dataclasses import dataclass

from cti.ami_codec import AmiMessage
from cti.ids import ChannelName, LinkedId, UniqueId

STATE_UP = 6


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    uniqueid: UniqueId
    linkedid: LinkedId
    channel: ChannelName
    state: int
    caller_num: str
    exten: str
    bridge_id: str | None = None
    held: bool = False
    #: When the tracker first saw the channel (its ``now``), for ``resync``'s race rule.
    created_at: float = 0.0


def caller(value: str | None) -> str:
    """``<unknown>`` is Asterisk's placeholder for no caller number: we say ``""``."""
    return "" if value is None or value == "<unknown>" else value


def to_int(value: str | None) -> int:
    try:
        return int(value) if value is not None else -1
    except ValueError:
        return -1


def snapshot(msg: AmiMessage, uid: UniqueId, now: float, prefix: str = "") -> ChannelSnapshot:
    return ChannelSnapshot(
        uniqueid=uid,
        linkedid=LinkedId(msg.get(f"{prefix}Linkedid") or uid),
        channel=ChannelName(msg.get(f"{prefix}Channel") or ""),
        state=to_int(msg.get(f"{prefix}ChannelState")),
        caller_num=caller(msg.get(f"{prefix}CallerIDNum")),
        exten=msg.get(f"{prefix}Exten") or "",
        created_at=now,
    )
