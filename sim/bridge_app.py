"""The ``Bridge`` application (main/features.c ``bridge_exec``): join another channel.

``Bridge(channel[,options])`` pulls ``channel`` out of whatever it runs into a basic
bridge with the calling channel. With ``F(context^exten^priority)`` the pulled channel
goes there when the bridge ends (the dialer's nailed-up agent back to its wait);
without, it hangs up. ``BRIDGERESULT`` is ``SUCCESS``, or ``NONEXISTENT`` / ``LOOP`` /
``FAILURE`` without bridging. Returns -1 when the calling channel hung up, 0 when the
other left first. Must not know who asked for the bridge.
"""

from __future__ import annotations

import asyncio
import re

from sim.bridge import Bridge
from sim.channel import Channel, Location, wait_until
from sim.pbx import Pbx

#: How long the calling channel waits for the pulled one to enter (it leaves its app).
JOIN_WAIT = 5.0
_GO_ON = re.compile(r"F\(([^)]*)\)")


def _after(options: str, other: Channel) -> Location | None:
    found = _GO_ON.search(options)
    if found is None:
        return None
    parts = found.group(1).split("^")
    if len(parts) == 3:
        return Location(parts[0], parts[1], int(parts[2]) if parts[2].isdigit() else 1)
    if len(parts) == 2:
        return Location(other.context, parts[0], int(parts[1]) if parts[1].isdigit() else 1)
    return Location(other.context, other.exten, other.priority + 1)


async def app_bridge(pbx: Pbx, ch: Channel, data: str) -> int:
    name, _, options = data.partition(",")
    other = pbx.find_channel(name.strip())
    if other is None or other.gone or other.hangup_requested:
        pbx.set_var(ch, "BRIDGERESULT", "NONEXISTENT")
        return 0
    if other is ch:
        pbx.set_var(ch, "BRIDGERESULT", "LOOP")
        return 0
    if ch.hangup_requested:
        return -1
    bridge = Bridge(pbx, expected=1)
    bridge.enter(ch)
    other.after_bridge = _after(options, other)
    other.bridge_target = bridge.id
    other.wake.notify()
    deadline = asyncio.get_running_loop().time() + JOIN_WAIT
    await wait_until(
        ch.wake, lambda: len(bridge.members) == 2 or other.gone or ch.interrupted, deadline
    )
    joined = len(bridge.members) == 2
    if joined:
        bridge.set_peers()
        pbx.set_var(ch, "BRIDGERESULT", "SUCCESS")
        await wait_until(ch.wake, lambda: ch.interrupted or bridge.broken, None)
        if len(bridge.members) == 2:
            bridge.clear_peers()
    else:
        pbx.set_var(ch, "BRIDGERESULT", "FAILURE")
    bridge.leave(ch)
    bridge.break_up()
    bridge.dispose_if_empty()
    return -1 if ch.hangup_requested else 0
