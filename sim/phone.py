"""An agent's simulated PJSIP softphone (``PJSIP/<extension>``), or a customer reached
through the trunk (``PJSIP/<number>@<trunk>``, endpoint ``trunk``).

Owns: how a phone reacts to an offered call (ring, answer after ``answer_after`` seconds
or on ``release()``, reject when busy or unreachable) and how long the agent talks
before hanging up, plus the counters tests read. The channel events of an offer are
produced by dial.py and originate.py; the phone only decides and reports.
Must not emit AMI events itself except through ``Pbx`` hangup requests and the
hold/unhold of features.py.
"""

from __future__ import annotations

import asyncio

from sim import features
from sim.asterisk import CAUSE_NORMAL_CLEARING
from sim.channel import Channel, Wakeup, wait_until
from sim.pbx import Pbx


def answer_after_header(ch: Channel) -> float | None:
    """The ``answer-after`` of the INVITE's Call-Info header, or None without one."""
    for param in ch.sip_headers.get("Call-Info", "").split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "answer-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


class SimPhone:
    """One agent phone; see ``Simulator.add_phone`` for the behaviour switches."""

    def __init__(
        self,
        pbx: Pbx,
        extension: str,
        *,
        answer_after: float | None,
        talk_for: float,
        hold_ringing: bool = False,
        busy: bool = False,
        unreachable: bool = False,
        congested: bool = False,
        machine: bool = False,
        endpoint: str = "",
    ) -> None:
        self._pbx = pbx
        self.extension = extension
        self.endpoint = endpoint or extension
        self.answer_after = answer_after
        self.talk_for = talk_for
        self.hold_ringing = hold_ringing
        self.busy = busy
        self.congested = congested  # answers 503: DIALSTATUS CONGESTION, cause 34
        self.machine = machine  # an answering machine picks up (AMD says MACHINE)
        self.ringing = False
        self.in_call = False
        self.rings = 0
        self.answered = 0
        #: When each call was answered, and (time, prompt) of every prompt played to it.
        self.answer_times: list[float] = []
        self.heard: list[tuple[float, str]] = []
        self._unreachable = unreachable
        self._channel: Channel | None = None
        self._release_requested = False
        self._reject_requested = False
        self._changed = Wakeup()
        if self.endpoint == extension:
            # An agent's endpoint; a customer shares the trunk's, which stays available.
            pbx.set_device_unavailable(self.device, unreachable)

    @property
    def device(self) -> str:
        return f"PJSIP/{self.endpoint}"

    @property
    def unreachable(self) -> bool:
        return self._unreachable

    @unreachable.setter
    def unreachable(self, value: bool) -> None:
        self._unreachable = value
        if self.endpoint == self.extension:
            self._pbx.set_device_unavailable(self.device, value)

    # -- what tests and the agent do ----------------------------------------------------
    def release(self) -> None:
        """Answer a phone held ringing; from now on it answers by itself again."""
        self.hold_ringing = False
        if self.ringing:
            self._release_requested = True
            self._poke()

    async def wait_ringing(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109 (public API)
        """Return once the phone rings; TimeoutError after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            await wait_until(self._changed, lambda: self.ringing, None)

    def hang_up(self) -> None:
        """The agent hangs up now: ends the call, or rejects a ringing offer."""
        ch = self._channel
        if ch is None:
            return
        if self.in_call:
            self._pbx.request_remote_hangup(ch, CAUSE_NORMAL_CLEARING)
        elif self.ringing:
            self._reject_requested = True
            self._poke()

    def hold(self) -> bool:
        """Put the current call on hold from the phone (a sendonly re-INVITE): ``Hold``
        on the phone's channel, music for the other party. False when not in a call."""
        ch = self._channel
        return self.in_call and ch is not None and features.hold(self._pbx, ch)

    def unhold(self) -> bool:
        """Take the call off hold: ``Unhold``, and the other party's music stops."""
        ch = self._channel
        return self.in_call and ch is not None and features.unhold(self._pbx, ch)

    @property
    def running(self) -> tuple[str, str] | None:
        """The application and its data on the phone's current channel (``ChanSpy``,
        ``PJSIP/1001-,qB`` for a barging team lead), or None when idle."""
        ch = self._channel
        return None if ch is None or not self.in_call else (ch.app, ch.app_data)

    # -- what the offer code asks -------------------------------------------------------
    def accepts_offer(self) -> bool:
        """False when the phone would answer 486 Busy Here (busy, or already on a call)."""
        return not (self.busy or self.ringing or self.in_call)

    def start_ringing(self, ch: Channel) -> None:
        self._channel = ch
        self._release_requested = False
        self._reject_requested = False
        self.ringing = True
        self.rings += 1
        ch.on_gone.append(self._channel_gone)
        self._poke()

    def answer_deadline(self, ring_started: float) -> float | None:
        """When the phone answers by itself, or None while held or never answering.

        An INVITE with ``Call-Info: ...;answer-after=N`` (the auto-answer header of
        Polycom, Yealink, Grandstream...) is answered after N seconds, whatever the
        phone's own ``answer_after``; a phone held ringing still waits for ``release``."""
        if self.hold_ringing:
            return None
        asked = answer_after_header(self._channel) if self._channel is not None else None
        if asked is not None:
            return ring_started + asked
        if self.answer_after is None:
            return None
        return ring_started + self.answer_after

    def wants_answer(self, ring_started: float) -> bool:
        deadline = self.answer_deadline(ring_started)
        return self._release_requested or (deadline is not None and self._pbx.now() >= deadline)

    @property
    def rejected(self) -> bool:
        return self._reject_requested

    def start_talking(self, ch: Channel) -> None:
        """Answered: count it and let the agent hang up after ``talk_for`` seconds."""
        self.ringing = False
        self.in_call = True
        self.answered += 1
        self.answer_times.append(self._pbx.now())
        ch.machine = self.machine
        ch.heard = self.heard
        self._poke()
        self._pbx.spawn(self._talk(ch, self._pbx.now() + self.talk_for), f"talk-{ch.name}")

    def stop_ringing(self) -> None:
        self.ringing = False
        self._poke()

    async def _talk(self, ch: Channel, deadline: float) -> None:
        ended = await wait_until(ch.wake, lambda: ch.gone or ch.hangup_requested, deadline)
        if not ended:
            self._pbx.request_remote_hangup(ch, CAUSE_NORMAL_CLEARING)

    def _channel_gone(self, ch: Channel) -> None:
        if self._channel is ch:
            self._channel = None
            self.ringing = False
            self.in_call = False
            self._poke()

    def _poke(self) -> None:
        self._changed.notify()
        if self._channel is not None:
            self._channel.wake.notify()
