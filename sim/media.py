"""Media primitives every application shares: letting time pass on a channel, and
music on hold.

Owns: ``hold_for`` (media plays until a hangup or Redirect cuts it short) and the
MusicOnHoldStart/Stop pair. Must not know which application uses them.
"""

from __future__ import annotations

from sim import events
from sim.channel import Channel, wait_until
from sim.pbx import Pbx


async def hold_for(pbx: Pbx, ch: Channel, seconds: float | None) -> bool:
    """Let ``seconds`` of media play; False if a hangup or Redirect cut it short."""
    deadline = None if seconds is None else pbx.now() + seconds
    interrupted = await wait_until(ch.wake, lambda: ch.interrupted, deadline)
    return not interrupted


def start_moh(pbx: Pbx, ch: Channel, klass: str = "default") -> None:
    if not ch.moh:
        ch.moh = True
        pbx.emit(events.moh_start(ch, klass or "default"))


def stop_moh(pbx: Pbx, ch: Channel) -> None:
    if ch.moh:
        ch.moh = False
        pbx.emit(events.moh_stop(ch))
