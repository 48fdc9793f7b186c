"""The caller's wait in queue and the connection to the agent the ACD reserved.

As DESIGN.md "How a call is controlled" says: hold music with ``SET MUSIC ON``, waits of
about a second with ``WAIT FOR DIGIT`` (FastAGI is one command, one reply, so a longer
wait would delay acting on a reservation), then ``EXEC Dial`` to the agent's endpoint
with a ring timeout. ``DIALSTATUS`` decides: answered ends the wait; anything else hands
the result back and the caller keeps waiting with the original join time.

Optional, both off by default: position/expected-wait announcements when the gateway also
satisfies ``QueuePosition`` (rules in ``announce``), and a ``callback_key`` that, pressed
during the music or an announcement, ends the wait with ``CallbackRequested``. A gateway
that is also a ``DialGate`` is awaited before each dial.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, overload, runtime_checkable

from ivr.announce import Announced, due, sentence
from ivr.channel import VoiceChannel
from ivr.runner import utter


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


@runtime_checkable
class QueuePosition(Protocol):
    """Optional extra of a ``QueueGateway``: (position from 1, expected wait in seconds)."""

    def position(self, call_id: str) -> tuple[int, float] | None: ...


@runtime_checkable
class QueueExit(Protocol):
    """Optional extra of a ``QueueGateway``: the ACD took the call out of its queues (an
    overflow to voicemail or a callback); the action, once, or None while it waits."""

    def left_queue(self, call_id: str) -> str | None: ...


@runtime_checkable
class DialGate(Protocol):
    """Optional extra of a ``QueueGateway``: awaited after an offer is taken and before the
    agent's phone is dialled (the agent's screen-pop goes out first); False when the offer
    was withdrawn meanwhile, and the caller keeps waiting."""

    async def before_dial(self, call_id: str, target: DialTarget) -> bool: ...


@dataclass(frozen=True, slots=True)
class LeftQueue:
    """The ACD's overflow took the caller out of the queue; the shell carries it out."""

    call_id: str
    action: str


@dataclass(frozen=True, slots=True)
class Connected:
    target: DialTarget


@dataclass(frozen=True, slots=True)
class CallbackRequested:
    """The caller pressed the callback key; the shell keeps their place as a callback."""

    call_id: str
    position: int | None = None


@dataclass(frozen=True, slots=True)
class Announcing:
    """How often to announce, and the loop-time clock to measure it (default: the loop's)."""

    min_interval_s: float = 60.0
    clock: Callable[[], float] | None = None
    callback_prompt: str = "cc-press-1-callback"


@overload
async def wait_for_agent(
    channel: VoiceChannel,
    gateway: QueueGateway,
    call_id: str,
    *,
    poll_ms: int = 1000,
    announcing: Announcing | None = None,
    callback_key: None = None,
) -> Connected: ...


@overload
async def wait_for_agent(
    channel: VoiceChannel,
    gateway: QueueGateway,
    call_id: str,
    *,
    poll_ms: int = 1000,
    announcing: Announcing | None = None,
    callback_key: str,
) -> Connected | CallbackRequested: ...


async def wait_for_agent(
    channel: VoiceChannel,
    gateway: QueueGateway,
    call_id: str,
    *,
    poll_ms: int = 1000,
    announcing: Announcing | None = None,
    callback_key: str | None = None,
) -> Connected | CallbackRequested | LeftQueue:
    """Hold the caller until an agent answers; ``ChannelGone`` ends the wait."""
    hold = _Hold(channel, gateway, call_id, announcing, callback_key)
    exits = gateway if isinstance(gateway, QueueExit) else None
    gate = gateway if isinstance(gateway, DialGate) else None
    await channel.set_music(True)
    while True:
        target = gateway.poll_offer(call_id)
        if target is None:
            action = exits.left_queue(call_id) if exits is not None else None
            if action is not None:
                await channel.set_music(False)
                return LeftQueue(call_id, action)
            pressed = await hold.announce() or await channel.wait_for_digit(poll_ms)
            if callback_key is not None and pressed == callback_key:
                await channel.set_music(False)
                return CallbackRequested(call_id, hold.last.position if hold.last else None)
            continue
        if gate is not None and not await gate.before_dial(call_id, target):
            continue
        status = await dial(channel, target)
        gateway.dial_result(call_id, target, status)
        if status == "ANSWER":
            return Connected(target)
        await channel.set_music(True)


class _Hold:
    """One caller's announcement state: the last thing they were told, and when."""

    def __init__(
        self,
        channel: VoiceChannel,
        gateway: QueueGateway,
        call_id: str,
        announcing: Announcing | None,
        callback_key: str | None,
    ) -> None:
        self._channel = channel
        self._source = gateway if isinstance(gateway, QueuePosition) else None
        self._call_id = call_id
        self._announcing = announcing
        self._keys = callback_key or ""
        self.last: Announced | None = None

    async def announce(self) -> str | None:
        """Play the announcement if one is due; the key pressed during it, if any."""
        if self._announcing is None or self._source is None:
            return None
        clock = self._announcing.clock or asyncio.get_running_loop().time
        news = due(
            self.last,
            clock(),
            self._source.position(self._call_id),
            self._announcing.min_interval_s,
        )
        if news is None:
            return None
        self.last = news
        items = sentence(news) + ((self._announcing.callback_prompt,) if self._keys else ())
        await self._channel.set_music(False)
        pressed = None
        for item in items:
            pressed = await utter(self._channel, item, self._keys)
            if pressed:
                break
        await self._channel.set_music(True)
        return pressed


async def dial(channel: VoiceChannel, target: DialTarget) -> str:
    await channel.set_music(False)
    await channel.exec("Dial", f"{target.endpoint},{target.ring_timeout}")
    # EXEC answers -1 both when the bridged call ended and when the caller hung up while
    # the agent rang; DIALSTATUS (readable even on a dead channel) says which.
    return (await channel.get_variable("DIALSTATUS")) or "UNKNOWN"
