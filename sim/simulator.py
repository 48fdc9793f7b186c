"""The public face of the PBX simulator.

Owns: ``Simulator`` (start/close, agents' phones, the behaviour of customers' numbers,
placing inbound calls, the list of calls) and the wiring of pbx, dialplan, AMI server
and phones. Must not implement protocol or call behaviour itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from sim.ami_server import AmiServer
from sim.asterisk import STATE_RING
from sim.caller import REJECTED, SimCall
from sim.channel import Location
from sim.config import SimConfig
from sim.dialplan import exists, run_subroutine, start_dialplan
from sim.pbx import Pbx
from sim.phone import SimPhone


@dataclass(frozen=True, slots=True)
class Customer:
    """A number on the far side of the trunk; see ``Simulator.add_customer``."""

    answers: bool = True
    machine: bool = False
    busy: bool = False
    congested: bool = False
    unreachable: bool = False
    answer_after: float | None = None
    talk_for: float | None = None


class Simulator:
    """Stands in for Asterisk and the SIP world behind it (trunk callers, agent phones)."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.calls: list[SimCall] = []
        self.ami_port = 0
        self._customers: dict[str, Customer] = {}
        self._reached: dict[str, list[SimPhone]] = {}
        self._pbx = Pbx(config)
        self._pbx.run_dialplan = lambda ch, start: start_dialplan(self._pbx, ch, start)
        self._pbx.extension_exists = lambda loc: exists(self._pbx, loc)
        self._pbx.run_subroutine = lambda ch, start: run_subroutine(self._pbx, ch, start)
        self._pbx.customer = self._customer
        self._server = AmiServer(self._pbx)

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised inside the simulator's own tasks (should stay empty)."""
        return self._pbx.errors

    async def start(self) -> None:
        """Bind the AMI server; ``ami_port`` is the bound port afterwards."""
        self._pbx.anchor_clock()
        self.ami_port = await self._server.start(self.config.ami_host, self.config.ami_port)

    def live_uniqueids(self) -> set[str]:
        """The Uniqueids of every channel that exists now (what CoreShowChannels lists)."""
        return {ch.uniqueid for ch in self._pbx.channels.values() if not ch.gone}

    def ami_subscriptions(self) -> list[frozenset[str] | None]:
        """The event classes each logged-in AMI client subscribed to (None: all)."""
        return self._server.subscriptions()

    def ami_outage(self, seconds: float) -> None:
        """Fault injection: cut every AMI connection and refuse new ones for ``seconds``.

        Calls go on meanwhile (the FastAGI sessions are separate connections), which is
        exactly what a daemon must survive: events it never sees.
        """
        self._server.refuse_until = asyncio.get_running_loop().time() + seconds
        self._server.drop_clients()

    async def close(self) -> None:
        """Hang up everything, close the sockets and cancel the simulator's tasks."""
        await self._pbx.cancel_tasks()
        for ch in list(self._pbx.channels.values()):
            self._pbx.finish(ch)
        await self._server.close()

    def add_phone(
        self,
        extension: str,
        *,
        answer_after: float | None = 2.0,
        talk_for: float = 10.0,
        hold_ringing: bool = False,
        busy: bool = False,
        unreachable: bool = False,
        congested: bool = False,
    ) -> SimPhone:
        """Register the softphone ``PJSIP/<extension>`` of an agent."""
        phone = SimPhone(
            self._pbx,
            extension,
            answer_after=answer_after,
            talk_for=talk_for,
            hold_ringing=hold_ringing,
            busy=busy,
            unreachable=unreachable,
            congested=congested,
        )
        self._pbx.phones[extension] = phone
        return phone

    def phone(self, extension: str) -> SimPhone:
        return self._pbx.phones[extension]

    def add_customer(
        self,
        number: str,
        *,
        answers: bool = True,
        machine: bool = False,
        busy: bool = False,
        congested: bool = False,
        unreachable: bool = False,
        answer_after: float | None = None,
        talk_for: float | None = None,
    ) -> None:
        """How the number ``number`` behaves when called through the trunk
        (``PJSIP/<number>@<trunk>``, Originate or Dial). Unlisted numbers answer after
        ``default_answer_after`` and talk for ``default_talk_for``.

        ``answers=False`` rings until the caller's timeout (NOANSWER, cause 19);
        ``busy`` answers 486 (BUSY, 17); ``congested`` 503 (CONGESTION, 34);
        ``unreachable`` cannot be reached (CHANUNAVAIL, 20); ``machine`` is answered
        by an answering machine, which the ``AMD`` application reports as MACHINE.
        """
        self._customers[number] = Customer(
            answers=answers,
            machine=machine,
            busy=busy,
            congested=congested,
            unreachable=unreachable,
            answer_after=answer_after,
            talk_for=talk_for,
        )

    def _customer(self, number: str) -> SimPhone:
        """A person reached through the trunk, as ``add_customer`` described them."""
        profile = self._customers.get(number, Customer())
        answer_after = (
            profile.answer_after
            if profile.answer_after is not None
            else self.config.default_answer_after
        )
        phone = SimPhone(
            self._pbx,
            number,
            answer_after=answer_after if profile.answers else None,
            talk_for=profile.talk_for
            if profile.talk_for is not None
            else self.config.default_talk_for,
            busy=profile.busy,
            congested=profile.congested,
            unreachable=profile.unreachable,
            machine=profile.machine,
            endpoint=self.config.trunk_name,
        )
        self._reached.setdefault(number, []).append(phone)
        return phone

    def customer_calls(self, number: str) -> list[SimPhone]:
        """Each call placed to ``number`` through the trunk, oldest first: its rings,
        answer times and the prompts it heard (``answer_times``, ``heard``)."""
        return list(self._reached.get(number, []))

    def auto_create_phones(self) -> None:
        """Standalone mode: an unknown extension gets a phone with the default timings."""
        self._pbx.auto_phone = lambda ext: self.add_phone(
            ext,
            answer_after=self.config.default_answer_after,
            talk_for=self.config.default_talk_for,
        )

    async def place_call(
        self,
        ani: str,
        dnis: str,
        *,
        caller_name: str = "",
        digits: Sequence[str] = (),
        patience: float | None = None,
    ) -> SimCall:
        """A carrier call arrives on the trunk for ``dnis`` from ``ani``."""
        pbx = self._pbx
        ch = pbx.make_channel("PJSIP", self.config.trunk_name)
        ch.state = STATE_RING
        ch.caller_num, ch.caller_name = ani, caller_name
        ch.context, ch.exten, ch.dnid = "incoming", dnis, dnis
        call = SimCall(
            pbx, ch, ani=ani, dnis=dnis, caller_name=caller_name, digits=digits, patience=patience
        )
        self.calls.append(call)
        if dnis not in self.config.hotlines:
            call.on_outcome(REJECTED)
        pbx.add_channel(ch)
        start_dialplan(pbx, ch, Location("incoming", dnis, 1))
        if patience is not None:
            pbx.spawn(call.run_patience(), f"patience-{ch.name}")
        return call
