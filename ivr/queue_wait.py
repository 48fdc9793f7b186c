"""The caller's wait in queue and the connection to the agent the ACD reserved.

As DESIGN.md "How a call is controlled" says: hold music with ``SET MUSIC ON``, waits of
about a second with ``WAIT FOR DIGIT`` (FastAGI is one command, one reply, so a longer
wait would delay acting on a reservation), then ``EXEC Dial`` to the agent's endpoint
with a ring timeout. ``DIALSTATUS`` decides: answered ends the wait; anything else hands
the result back and the caller keeps waiting with the original join time.
"""

from dataclasses import dataclass
from typing import Protocol

from ivr.channel import VoiceChannel


@dataclass(frozen=True, slots=True)
class DialTarget:
    """An agent reserved for this call: whom to ring, and for how long."""

    agent_id: str
    endpoint: str
    ring_timeout: int


class QueueGateway(Protocol):
    """What the queue wait needs from the ACD."""

    def poll_offer(self, call_id: str) -> DialTarget | None: ...

    def dial_result(self, call_id: str, target: DialTarget, status: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Connected:
    target: DialTarget


async def wait_for_agent(
    channel: VoiceChannel, gateway: QueueGateway, call_id: str, *, poll_ms: int = 1000
) -> Connected:
    """Hold the caller until an agent answers; ``ChannelGone`` ends the wait."""
    await channel.set_music(True)
    while True:
        target = gateway.poll_offer(call_id)
        if target is None:
            await channel.wait_for_digit(poll_ms)
            continue
        status = await dial(channel, target)
        gateway.dial_result(call_id, target, status)
        if status == "ANSWER":
            return Connected(target)
        await channel.set_music(True)


async def dial(channel: VoiceChannel, target: DialTarget) -> str:
    await channel.set_music(False)
    await channel.exec("Dial", f"{target.endpoint},{target.ring_timeout}")
    # EXEC answers -1 both when the bridged call ended and when the caller hung up while
    # the agent rang; DIALSTATUS (readable even on a dead channel) says which.
    return (await channel.get_variable("DIALSTATUS")) or "UNKNOWN"
