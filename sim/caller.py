"""A simulated caller on the carrier trunk: the person behind ``PJSIP/trunk-N``.

Owns: ``SimCall``, i.e. the caller's script of key presses, patience, hanging up, and
the record tests read afterwards (state, outcome, AGI commands, dial statuses).
The channel and its events belong to the dialplan; this module only reacts.
Must not emit AMI events except through ``Pbx`` hangup requests.

States: ``ringing`` (arrived), ``ivr`` (in the FastAGI session), ``ringing-agent``,
``talking``, ``on-hold`` (music in the dialplan: fallback or a Redirect target), ``ended``.
Outcomes: ``rejected`` (not a hotline), ``no-agi`` (FastAGI unreachable), ``abandoned``
(hung up before an agent answered), ``hung-up-by-ivr``, ``answered-by-agent`` (wins over
everything), else ``ended-by-pbx``.

Scripted input: ``digits`` is a queue of entries. ``GET DATA`` consumes one whole entry
("" means the caller stays silent and the prompt times out); ``WAIT FOR DIGIT`` and an
escape digit of ``STREAM FILE`` take the next entry's first digit.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence

from sim.asterisk import CAUSE_NORMAL_CLEARING
from sim.channel import Channel, wait_until
from sim.pbx import Pbx

ANSWERED_BY_AGENT = "answered-by-agent"
ABANDONED = "abandoned"
ENDED_BY_PBX = "ended-by-pbx"
HUNG_UP_BY_IVR = "hung-up-by-ivr"
NO_AGI = "no-agi"
REJECTED = "rejected"


class SimCall:
    """One inbound call placed by ``Simulator.place_call``."""

    def __init__(
        self,
        pbx: Pbx,
        ch: Channel,
        *,
        ani: str,
        dnis: str,
        caller_name: str,
        digits: Sequence[str],
        patience: float | None,
    ) -> None:
        self._pbx = pbx
        self._ch = ch
        self.ani = ani
        self.dnis = dnis
        self.caller_name = caller_name
        self.uniqueid = ch.uniqueid
        self.channel = ch.name
        self.state = "ringing"
        self.outcome: str | None = None
        self.agi_commands: list[str] = []
        self.played: list[tuple[str, str]] = []
        self.dial_statuses: list[str] = []
        #: (destination, ``time.monotonic()``) of each DialBegin: when each agent's phone
        #: began to ring for this caller.
        self.rings: list[tuple[str, float]] = []
        self.ended = asyncio.Event()
        self.patience = patience
        self._entries: deque[str] = deque(digits)
        self._connected = False
        ch.party = self
        ch.on_gone.append(self._gone)

    def __repr__(self) -> str:
        return f"SimCall({self.ani}->{self.dnis} {self.channel} {self.state} {self.outcome})"

    # -- what tests do -----------------------------------------------------------------
    def hang_up(self) -> None:
        """The caller hangs up now (a SIP BYE from the carrier)."""
        if self._ch.gone or self._ch.hangup_requested:
            return
        if not self._connected:
            self.on_outcome(ABANDONED)
        self._pbx.request_remote_hangup(self._ch, CAUSE_NORMAL_CLEARING)

    def press(self, digits: str) -> None:
        """Queue an entry of DTMF the caller will press when the IVR next listens."""
        self._entries.append(digits)
        self._ch.wake.notify()

    # -- the Party protocol used by the dialplan, AGI and Dial -------------------------
    def has_input(self) -> bool:
        return bool(self._entries)

    def take_silence(self) -> bool:
        if self._entries and self._entries[0] == "":
            self._entries.popleft()
            return True
        return False

    def take_entry(self) -> str | None:
        return self._entries.popleft() if self._entries else None

    def peek_digit(self) -> str | None:
        return self._entries[0][0] if self._entries and self._entries[0] else None

    def take_digit(self) -> str | None:
        if not self._entries:
            return None
        entry = self._entries[0]
        if len(entry) <= 1:
            self._entries.popleft()
            return entry
        self._entries[0] = entry[1:]
        return entry[0]

    def on_state(self, state: str) -> None:
        if self.state != "ended":
            self.state = state

    def on_dial_begin(self, destination: str, monotonic: float) -> None:
        self.rings.append((destination, monotonic))

    def on_dial_end(self, status: str) -> None:
        self.dial_statuses.append(status)

    def on_connected(self, extension: str) -> None:
        self._connected = True
        self.outcome = ANSWERED_BY_AGENT
        self.on_state("talking")

    def on_agent_left(self) -> None:
        # The agent went away: the conversation is over and a person hangs up too.
        # (A real Dial inside FastAGI returns -1 and leaves the channel up; the HANGUP
        # line that follows comes from this caller, not from Asterisk.)
        self.hang_up()

    def on_outcome(self, outcome: str) -> None:
        if self.outcome is None:
            self.outcome = outcome

    # -- lifecycle ---------------------------------------------------------------------
    async def run_patience(self) -> None:
        """Hang up after ``patience`` seconds unless an agent answered first."""
        if self.patience is None:
            return
        ch = self._ch
        deadline = self._pbx.now() + self.patience
        done = await wait_until(ch.wake, lambda: ch.gone or self._connected, deadline)
        if not done:
            self.on_outcome(ABANDONED)
            self.hang_up()

    def _gone(self, ch: Channel) -> None:
        self.on_outcome(ENDED_BY_PBX)
        self.state = "ended"
        self.ended.set()
