"""A simulated Asterisk channel and the waiting primitives built on it.

Owns: ``Channel`` (the state Asterisk keeps per channel and prints in the standard
channel header block), ``Location`` (context, exten, priority), ``Wakeup`` (a
level-free notification that wakes every current waiter) and ``wait_until``.
Must not emit events or know about AMI, AGI or the dialplan.

Why a shared ``Wakeup``: a channel's coroutine waits on many things at once (the caller
hanging up, a Redirect, a digit, the agent's phone answering). Every source pokes the
wakeup of the call it touches, and the waiter re-checks its condition, so there is one
thing to wait on and no lost notifications.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sim.asterisk import STATE_DOWN


@dataclass(frozen=True, slots=True)
class Location:
    """A dialplan position: where a channel runs (or will run) next."""

    context: str
    exten: str
    priority: int = 1


MIN_WAIT = 1e-6


class Wakeup:
    """Wakes every coroutine waiting at the moment ``notify`` is called."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float | None) -> None:
        """Return on the next ``notify`` or after ``seconds``, whichever is first."""
        event = self._event
        if seconds is not None:
            # A deadline computed in floats can sit a hair above the clock's grid; a
            # timer that close is "ready" without the clock moving, and the waiter would
            # spin. At least one microsecond (looptime's tick) always moves the clock.
            seconds = max(seconds, MIN_WAIT)
        try:
            async with asyncio.timeout(seconds):
                await event.wait()
        except TimeoutError:
            return


async def wait_until(wake: Wakeup, predicate: Callable[[], bool], deadline: float | None) -> bool:
    """Wait until ``predicate()`` holds (True) or the loop clock reaches ``deadline`` (False)."""
    loop = asyncio.get_running_loop()
    while not predicate():
        if deadline is None:
            await wake.wait(None)
            continue
        remaining = deadline - loop.time()
        if remaining <= 0:
            return predicate()
        await wake.wait(remaining)
    return True


class Party(Protocol):
    """The simulated human behind a caller's channel (implemented by ``SimCall``)."""

    state: str
    agi_commands: list[str]
    #: (language, file) of every prompt the PBX was asked to play to this caller.
    played: list[tuple[str, str]]

    def has_input(self) -> bool:
        """Whether any scripted entry is queued."""

    def take_silence(self) -> bool:
        """Consume a queued empty entry ("stay silent this time"); False if none is next."""

    def take_entry(self) -> str | None:
        """Pop the next scripted input entry, or None when nothing is queued."""

    def peek_digit(self) -> str | None:
        """The next digit the caller is about to press, if one is queued."""

    def take_digit(self) -> str | None:
        """Pop one digit of the next entry (an empty entry is consumed as 'nothing')."""

    def on_state(self, state: str) -> None:
        """Where the call is now: ivr, ringing-agent, talking, on-hold..."""

    def on_dial_begin(self, destination: str, monotonic: float) -> None:
        """A Dial on the caller's channel began ringing ``destination`` (its DialBegin),
        stamped with the system-wide ``time.monotonic()`` for cross-process latencies."""

    def on_dial_end(self, status: str) -> None:
        """A Dial on the caller's channel ended with this DIALSTATUS."""

    def on_connected(self, extension: str) -> None:
        """The caller is now talking to the agent at ``extension``."""

    def on_agent_left(self) -> None:
        """The agent hung up on the caller."""

    def on_outcome(self, outcome: str) -> None:
        """Something decided how the call ends (first writer wins, except answers)."""


@dataclass(eq=False)
class Channel:
    """One channel, with the fields of Asterisk's standard channel header block."""

    name: str
    uniqueid: str
    linkedid: str
    tech: str
    created_at: float
    wake: Wakeup
    state: int = STATE_DOWN
    caller_num: str = ""
    caller_name: str = ""
    connected_num: str = ""
    connected_name: str = ""
    language: str = "en"
    accountcode: str = ""
    context: str = "default"
    exten: str = "s"
    priority: int = 1
    app: str = ""
    app_data: str = ""
    dnid: str = ""
    device: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    #: Headers added to the outgoing INVITE (``PJSIP_HEADER(add,<name>)``), by name.
    sip_headers: dict[str, str] = field(default_factory=dict)
    inheritable: dict[str, str] = field(default_factory=dict)
    bridge_id: str = ""
    hangup_cause: int = 0
    hangup_requested: bool = False
    async_goto: Location | None = None
    bridge_target: str = ""
    #: Where the channel goes when its bridge ends (Bridge()'s F option), else it hangs up.
    after_bridge: Location | None = None
    #: (time, prompt) of what a customer reached through the trunk heard (tests read it).
    heard: list[tuple[float, str]] | None = None
    moh: bool = False
    gone: bool = False
    party: Party | None = None
    # The other half of a Local pair (chan_local's ;1 <-> ;2), None for other channels.
    local_peer: Channel | None = None
    # DTMF received from the line (AMI PlayDTMF towards a Local ;1 arrives on ;2) and
    # not read yet by an application: the keypad of a channel without a scripted party.
    keypad: deque[str] = field(default_factory=deque)
    mixmonitor: str = ""  # the file MixMonitor records to, "" when not recording
    atxfer_abort: bool = False  # the atxferabort feature code reached a consulting transferer
    machine: bool = False  # answered by an answering machine (what AMD() detects)
    held: bool = False  # the phone behind the channel has put the call on hold
    on_gone: list[Callable[[Channel], None]] = field(default_factory=list)

    @property
    def interrupted(self) -> bool:
        """A hangup or a Redirect/Bridge is pending: the running application must stop."""
        return self.hangup_requested or self.async_goto is not None or bool(self.bridge_target)

    @property
    def location(self) -> Location:
        return Location(self.context, self.exten, self.priority)

    def note_played(self, files: str) -> None:
        """Remember the prompts (``&``-joined) asked for, in the channel's language."""
        if self.party is not None:
            self.party.played.extend((self.language, f) for f in files.split("&") if f)

    def set_variable(self, name: str, value: str) -> None:
        """Store a variable; ``_X``/``__X`` prefixes mark inheritance, as in Asterisk."""
        bare = name.lstrip("_")
        self.variables[bare] = value
        if name.startswith("_"):
            self.inheritable[bare] = name
        else:
            self.inheritable.pop(bare, None)
