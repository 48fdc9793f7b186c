"""Builders of the AMI events of call features: hold, recording, spying and transfers.

Owns: the header names and order of ``Hold``/``Unhold`` (main/manager_channels.c
channel_hold_cb / channel_unhold_cb), ``MixMonitorStart``/``MixMonitorStop``
(main/stasis_channels.c, basic channel events), ``ChanSpyStart``/``ChanSpyStop``
(main/manager_channels.c channel_chanspy_start_cb / _stop_cb: ``Spyer``/``Spyee``
prefixed blocks), ``BlindTransfer`` and ``AttendedTransfer`` (main/stasis_bridges.c
blind_transfer_to_ami / attended_transfer_to_ami). Must not decide when they happen.
"""

from __future__ import annotations

from sim.channel import Channel
from sim.events import Frame, bridge_block, channel_block, channel_event, event


def hold(ch: Channel, music_class: str = "") -> Frame:
    """``MusicClass`` only when the hold indication named one (a SIP re-INVITE does not)."""
    extra = [("MusicClass", music_class)] if music_class else []
    return channel_event("Hold", "call", ch, *extra)


def unhold(ch: Channel) -> Frame:
    return channel_event("Unhold", "call", ch)


def mixmonitor_start(ch: Channel) -> Frame:
    return channel_event("MixMonitorStart", "call", ch)


def mixmonitor_stop(ch: Channel) -> Frame:
    return channel_event("MixMonitorStop", "call", ch)


def chanspy_start(spyer: Channel, spyee: Channel) -> Frame:
    return event(
        "ChanSpyStart", "call", *channel_block(spyer, "Spyer"), *channel_block(spyee, "Spyee")
    )


def chanspy_stop(spyer: Channel, spyee: Channel | None) -> Frame:
    """The Spyee block is left out when the spied-on channel is already gone."""
    spyee_block = channel_block(spyee, "Spyee") if spyee is not None and not spyee.gone else []
    return event("ChanSpyStop", "call", *channel_block(spyer, "Spyer"), *spyee_block)


def prefixed_bridge_block(bridge_id: str, members: int, prefix: str) -> Frame:
    """ast_manager_build_bridge_state_string_prefix: ``<prefix>BridgeUniqueid`` ..."""
    return [(f"{prefix}{key}", value) for key, value in bridge_block(bridge_id, members)]


def blind_transfer(
    transferer: Channel,
    transferee: Channel | None,
    bridge: tuple[str, int] | None,
    context: str,
    exten: str,
    *,
    result: str = "Success",
    external: bool = True,
) -> Frame:
    """Result, Transferer*, Transferee* (if any), Bridge* (if any), IsExternal, Context,
    Extension. ``external`` is Yes for AMI's BlindTransfer (ast_bridge_transfer_blind(1…))."""
    return event(
        "BlindTransfer",
        "call",
        ("Result", result),
        *channel_block(transferer, "Transferer"),
        *(channel_block(transferee, "Transferee") if transferee is not None else []),
        *(bridge_block(*bridge) if bridge is not None else []),
        ("IsExternal", "Yes" if external else "No"),
        ("Context", context),
        ("Extension", exten),
    )


def attended_transfer(
    orig: Channel,
    orig_bridge: tuple[str, int],
    second: Channel,
    second_bridge: tuple[str, int],
    transferee: Channel | None,
    target: Channel | None,
    dest_bridge: str,
) -> Frame:
    """A completed attended transfer that merged the two bridges (DestType: Bridge)."""
    return event(
        "AttendedTransfer",
        "call",
        ("Result", "Success"),
        *channel_block(orig, "OrigTransferer"),
        *prefixed_bridge_block(*orig_bridge, "Orig"),
        *channel_block(second, "SecondTransferer"),
        *prefixed_bridge_block(*second_bridge, "Second"),
        *(channel_block(transferee, "Transferee") if transferee is not None else []),
        *(channel_block(target, "TransferTarget") if target is not None else []),
        ("IsExternal", "No"),
        ("DestType", "Bridge"),
        ("DestBridgeUniqueid", dest_bridge),
    )
