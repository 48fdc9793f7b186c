"""The simulated switch: channels, devices, identifiers and the AMI event feed.

Owns: the channel registry, uniqueids (``<epoch>.<n>`` from the loop clock) and
channel-name sequence numbers, device-state aggregation per endpoint, the primitives
every application uses to change a channel (state, variables, hangup requests,
Redirect) and the fan-out of events to logged-in AMI sessions. It also owns the
simulator's background tasks, so ``close`` can cancel them.
Must not run dialplan or talk FastAGI; those live in dialplan.py and agi_session.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from sim import events
from sim.asterisk import (
    DEVICE_INUSE,
    DEVICE_NOT_INUSE,
    DEVICE_UNAVAILABLE,
    SOFTHANGUP_APPUNLOAD,
    device_state,
)
from sim.channel import Channel, Location, Wakeup
from sim.config import SimConfig
from sim.events import Frame

if TYPE_CHECKING:
    from sim.bridge import Bridge
    from sim.phone import SimPhone

log = logging.getLogger(__name__)


class EventSink(Protocol):
    """An AMI session that wants events; ``deliver`` must not block."""

    def deliver(self, data: bytes, klass: str) -> None: ...


def encode_frame(frame: Frame) -> bytes:
    """AMI wire form: ``Key: value`` lines ended by CRLF, then an empty CRLF line."""
    return "".join(f"{key}: {value}\r\n" for key, value in frame).encode() + b"\r\n"


class Pbx:
    """Shared state of the simulated Asterisk; one per ``Simulator``."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.channels: dict[str, Channel] = {}
        self.phones: dict[str, SimPhone] = {}
        self.auto_phone: Callable[[str], SimPhone] | None = None
        self.customer: Callable[[str], SimPhone] | None = None
        # Starts a dialplan run for a channel (at a Location, or at its pending Redirect
        # target when None); plugged in by the Simulator so dial.py needs no dialplan.
        self.run_dialplan: Callable[[Channel, Location | None], None] | None = None
        # Plugged in by the Simulator (dialplan.exists), so Local devices can report
        # INVALID for an extension that does not exist without pbx knowing the dialplan.
        self.extension_exists: Callable[[Location], bool] = lambda loc: True
        # Runs a channel's pre-dial handler (Dial option b) up to its Return(); plugged in
        # by the Simulator (dialplan.run_subroutine), like run_dialplan.
        self.run_subroutine: Callable[[Channel, Location], Awaitable[None]] | None = None
        self.globals: dict[str, str] = {
            "AGENT_RING": f"{config.agent_ring:g}",
            "AGENT_TALK": f"{config.agent_talk:g}",
            "SUPERVISOR_TALK": f"{config.supervisor_talk:g}",
            "HOLD_LIMIT": "3600",
            "DIALER_ABANDON_PROMPT": "vm-goodbye",
        }
        self.bridges: dict[str, Bridge] = {}
        self.errors: list[BaseException] = []
        self._sinks: set[EventSink] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._uniq = 0
        self._seq: dict[str, int] = {}
        self._devices: dict[str, str] = {}
        self._unavailable: set[str] = set()
        self._wall_anchor = 0.0
        self.started_at = 0.0

    def anchor_clock(self) -> None:
        """Called once by ``Simulator.start`` inside the running loop.

        The only wall-clock read of the simulator: "now" is anchored once, then advances
        with the loop clock, so uniqueids and Ping timestamps move under virtual time.
        """
        loop_now = asyncio.get_running_loop().time()
        self._wall_anchor = time.time() - loop_now
        self.started_at = loop_now

    # -- clock and identifiers -------------------------------------------------------
    def now(self) -> float:
        return asyncio.get_running_loop().time()

    def wall(self) -> float:
        return self._wall_anchor + self.now()

    def next_uniqueid(self) -> str:
        uniqueid = f"{int(self.wall())}.{self._uniq}"
        self._uniq += 1
        return uniqueid

    def next_suffix(self, tech: str) -> str:
        """Per-driver sequence, printed as 8 hex digits (chan_pjsip's chan_idx, %08x)."""
        n = self._seq.get(tech, 0)
        self._seq[tech] = n + 1
        return f"{n:08x}"

    # -- tasks -------------------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.errors.append(exc)
            log.error("simulator task %s failed", task.get_name(), exc_info=exc)

    async def cancel_tasks(self) -> None:
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- event feed ------------------------------------------------------------------
    def subscribe(self, sink: EventSink) -> None:
        self._sinks.add(sink)

    def unsubscribe(self, sink: EventSink) -> None:
        self._sinks.discard(sink)

    def emit(self, frame: Frame) -> None:
        klass = frame[1][1].split(",", 1)[0] if len(frame) > 1 else "system"
        data = encode_frame(frame)
        for sink in list(self._sinks):
            sink.deliver(data, klass)

    # -- channels ----------------------------------------------------------------------
    def add_channel(self, ch: Channel) -> Channel:
        """Register a new channel and announce it (Newchannel, then device state)."""
        self.channels[ch.name] = ch
        self.emit(events.newchannel(ch))
        self.update_device(ch.device)
        return ch

    def make_channel(
        self,
        tech: str,
        resource: str,
        *,
        linkedid: str = "",
        wake: Wakeup | None = None,
        uniqueid: str = "",
    ) -> Channel:
        """A channel object named like the driver names it; not yet announced."""
        uid = uniqueid or self.next_uniqueid()
        return Channel(
            name=f"{tech}/{resource}-{self.next_suffix(tech)}",
            uniqueid=uid,
            linkedid=linkedid or uid,
            tech=tech,
            created_at=self.now(),
            wake=wake or Wakeup(),
            device=f"{tech}/{resource}" if tech == "PJSIP" else "",
        )

    def find_channel(self, name: str) -> Channel | None:
        ch = self.channels.get(name)
        return ch if ch is not None and not ch.gone else None

    def set_state(self, ch: Channel, state: int) -> None:
        if ch.state == state:
            return
        ch.state = state
        self.emit(events.newstate(ch))
        self.update_device(ch.device)
        self.local_device_changed(ch)
        ch.wake.notify()

    def set_var(self, ch: Channel, name: str, value: str) -> None:
        ch.set_variable(name, value)
        self.emit(events.varset(ch, name, value))

    def request_remote_hangup(self, ch: Channel, cause: int) -> None:
        """The far end hung up (SIP BYE): ast_queue_hangup_with_cause -> HangupRequest."""
        if ch.gone or ch.hangup_requested:
            return
        ch.hangup_cause = cause
        ch.hangup_requested = True
        self.emit(events.hangup_request(ch, cause))
        ch.wake.notify()

    def request_soft_hangup(self, ch: Channel, cause: int, flag: int | None = None) -> None:
        """A local hangup request; ``flag`` given means ast_softhangup published it."""
        if ch.gone or ch.hangup_requested:
            return
        if cause:
            ch.hangup_cause = cause
        ch.hangup_requested = True
        if flag is not None:
            self.emit(events.soft_hangup_request(ch, flag))
        ch.wake.notify()

    def redirect(self, ch: Channel, target: Location) -> None:
        """ast_async_goto: the channel moves when its current application lets go."""
        ch.async_goto = target
        ch.wake.notify()

    def end_dialplan(self, ch: Channel) -> None:
        """The pbx run of a channel is over: ast_softhangup(APPUNLOAD), then Hangup."""
        if not ch.gone:
            self.emit(events.soft_hangup_request(ch, SOFTHANGUP_APPUNLOAD))
            self.finish(ch)

    def finish(self, ch: Channel) -> None:
        """The channel is destroyed: Hangup, device state, then the owners' hooks."""
        if ch.gone:
            return
        ch.gone = True
        ch.hangup_requested = True
        self.emit(events.hangup(ch))
        self.channels.pop(ch.name, None)
        self.update_device(ch.device)
        self.local_device_changed(ch)
        pending = self.bridges.get(ch.bridge_target)
        if pending is not None:
            ch.bridge_target = ""
            pending.give_up()
        ch.wake.notify()
        for hook in ch.on_gone:
            hook(ch)

    # -- devices ---------------------------------------------------------------------
    def set_device_unavailable(self, device: str, unavailable: bool) -> None:
        """An endpoint without a reachable contact reports UNAVAILABLE when idle."""
        if unavailable:
            self._unavailable.add(device)
        else:
            self._unavailable.discard(device)
        self.update_device(device)

    def update_device(self, device: str) -> None:
        """Emit DeviceStateChange when the aggregate state of an endpoint changes."""
        if not device:
            return
        states = [c.state for c in self.channels.values() if c.device == device and not c.gone]
        if not states and device in self._unavailable:
            state = DEVICE_UNAVAILABLE
        else:
            state = device_state(states)
        if self._devices.get(device) != state:
            self._devices[device] = state
            self.emit(events.device_state_change(device, state))

    def local_device_changed(self, ch: Channel) -> None:
        """DeviceStateChange of ``Local/<exten>@<context>`` on every state change or hangup.

        core_local.c's local_devicestate: INVALID when the extension does not exist,
        else INUSE while a pair for it is whole. Local devices are not cachable
        (AST_DEVSTATE_NOT_CACHABLE), so each change is published even when the state
        is the same (fixtures a1, b, e1: two INUSE at answer, two at hang-up).
        """
        if ch.tech != "Local" or ch.local_peer is None:
            return
        device = ch.name.rsplit("-", 1)[0]
        exten, _, context = device.removeprefix("Local/").partition("@")
        if not self.extension_exists(Location(context, exten, 1)):
            state = "INVALID"
        elif not (ch.gone or ch.local_peer.gone):
            state = DEVICE_INUSE
        else:
            state = DEVICE_NOT_INUSE
        self.emit(events.device_state_change(device, state))

    def device_state_of(self, device: str) -> str | None:
        return self._devices.get(device)

    # -- phones ----------------------------------------------------------------------
    def find_endpoint(self, resource: str) -> SimPhone | None:
        """Who answers ``PJSIP/<resource>``: a customer for ``<number>@<trunk>``, else a phone."""
        user, _, endpoint = resource.partition("@")
        if endpoint:
            trunk = endpoint == self.config.trunk_name and user and self.customer is not None
            return self.customer(user) if trunk and self.customer is not None else None
        return self.find_phone(resource)

    def find_phone(self, extension: str) -> SimPhone | None:
        phone = self.phones.get(extension)
        if phone is None and self.auto_phone is not None and extension:
            phone = self.auto_phone(extension)
        return phone
