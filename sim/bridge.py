"""A basic two-party bridge (``BridgeType: basic``, ``simple_bridge``).

Owns: bridge identity and membership and the BridgeCreate / BridgeEnter /
BridgeLeave / BridgeDestroy events, with ``BridgeNumChannels`` counted as Asterisk
prints it (the count after the change). Must not decide who joins or leaves.
"""

from __future__ import annotations

import uuid

from sim import events
from sim.asterisk import CAUSE_NORMAL_CLEARING
from sim.channel import Channel, wait_until
from sim.pbx import Pbx


class Bridge:
    """Create with ``Bridge(pbx)``; the BridgeCreate event is emitted at once.

    ``expected`` counts the channels an AMI Bridge action still waits for; the bridge
    is destroyed once it is empty and nobody is expected any more.
    """

    def __init__(self, pbx: Pbx, *, expected: int = 0) -> None:
        self._pbx = pbx
        self.id = str(uuid.uuid4())
        self.members: list[Channel] = []
        self.broken = False
        self.expected = expected
        pbx.bridges[self.id] = self
        pbx.emit(events.bridge_create(self.id))

    def enter(self, ch: Channel) -> None:
        self.members.append(ch)
        ch.bridge_id = self.id
        self._pbx.emit(events.bridge_enter(self.id, len(self.members), ch))
        for member in self.members:
            member.wake.notify()  # one waiting for its peer to join (Bridge())

    def set_peers(self) -> None:
        """BRIDGEPEER on both members once the second one is in (fixture b)."""
        if len(self.members) == 2:
            first, second = self.members
            self._pbx.set_var(first, "BRIDGEPEER", second.name)
            self._pbx.set_var(second, "BRIDGEPEER", first.name)

    def clear_peers(self) -> None:
        for ch in self.members:
            self._pbx.set_var(ch, "BRIDGEPEER", "")

    def leave(self, ch: Channel) -> None:
        if ch not in self.members:
            return
        self.members.remove(ch)
        ch.bridge_id = ""
        self._pbx.emit(events.bridge_leave(self.id, len(self.members), ch))

    def destroy(self) -> None:
        self._pbx.bridges.pop(self.id, None)
        self._pbx.emit(events.bridge_destroy(self.id))

    def peer_of(self, ch: Channel) -> Channel | None:
        """The other member of a two-party bridge."""
        others = [other for other in self.members if other is not ch]
        return others[0] if len(others) == 1 else None

    def break_up(self) -> None:
        """Someone left for good: wake the others so they leave too."""
        if not self.broken:
            self.broken = True
            for other in self.members:
                other.wake.notify()

    def give_up(self) -> None:
        """A channel that was to join (AMI Bridge) is gone before it got there."""
        self.expected -= 1
        self.break_up()
        self.dispose_if_empty()

    def dispose_if_empty(self) -> None:
        if not self.members and self.expected <= 0:
            self.destroy()


async def hold_in_bridge(pbx: Pbx, ch: Channel) -> None:
    """Stay in the bridge named by ``ch.bridge_target`` (AMI Bridge) until one leaves.

    When the other party leaves, ``ch`` goes to its after-bridge location (Bridge()'s F
    option) or, with none, is hung up with Normal Clearing; a Redirect takes it elsewhere.
    """
    bridge = pbx.bridges.get(ch.bridge_target)
    ch.bridge_target = ""
    if bridge is None:
        return
    bridge.expected -= 1
    bridge.enter(ch)
    bridge.set_peers()
    if ch.party is not None:
        ch.party.on_state("talking")
    await wait_until(ch.wake, lambda: ch.interrupted or bridge.broken, None)
    if len(bridge.members) == 2:
        bridge.clear_peers()
    bridge.leave(ch)
    bridge.break_up()
    bridge.dispose_if_empty()
    after, ch.after_bridge = ch.after_bridge, None
    if not ch.interrupted:
        if after is not None:
            ch.async_goto = after
        else:
            pbx.request_soft_hangup(ch, CAUSE_NORMAL_CLEARING)
