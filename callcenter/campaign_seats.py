"""Agents signed in to a campaign, each on a nailed-up line (DESIGN.md, Outbound).

Owns ``Seat`` (the agent, their campaign, the channel of their phone parked in
``[cti-nailed]``, and whether they are free, talking or in wrap-up) and ``Seats``: the
Originate that nails the line up at sign-in, the Hangup at sign-out, and the seat's end
when the AMI reports the line gone. An agent is free for the dialer only while their line
is up and they are neither talking nor in wrap-up. Must not pick leads or pace dials.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from agent_ws.desk import DeskRefused
from cti.commands import Originate
from cti.errors import OriginateFailed, PbxError
from cti.events import ChannelHungUp
from cti.ids import ChannelName
from cti.telephony import Telephony

log = logging.getLogger(__name__)

NAILED_CONTEXT = "cti-nailed"
#: How long the agent's phone rings for the nailed-up line before sign-in gives up.
NAILED_PICKUP_MS = 20_000

SeatState = Literal["connecting", "free", "talking", "wrap_up"]


@dataclass(slots=True)
class Seat:
    agent_id: str
    campaign_id: int
    extension: str
    uniqueid: str
    since: float
    channel: str = ""
    state: SeatState = "connecting"
    wrap_up_until: float = 0.0


class Seats:
    def __init__(
        self,
        telephony: Callable[[], Telephony | None],
        on_gone: Callable[[Seat], None],
    ) -> None:
        self._telephony = telephony
        self._on_gone = on_gone
        self._seats: dict[str, Seat] = {}
        self._sequence = 0

    def get(self, agent_id: str) -> Seat | None:
        return self._seats.get(agent_id)

    def all(self) -> list[Seat]:
        return list(self._seats.values())

    def of(self, campaign_id: int) -> list[Seat]:
        return [s for s in self._seats.values() if s.campaign_id == campaign_id]

    def free(self, campaign_id: int, now: float) -> dict[str, float]:
        """Agents of the campaign free now, and since when."""
        found: dict[str, float] = {}
        for seat in self.of(campaign_id):
            if seat.state == "wrap_up" and seat.wrap_up_until <= now:
                seat.state, seat.since = "free", seat.wrap_up_until
            if seat.state == "free":
                found[seat.agent_id] = seat.since
        return found

    def sit(self, agent_id: str, campaign_id: int, extension: str, now: float) -> Seat:
        """A preview seat: no line is nailed up, the agent's own phone rings per dial."""
        if agent_id in self._seats:
            raise DeskRefused(f"already signed in to campaign {self._seats[agent_id].campaign_id}")
        self._sequence += 1
        seat = Seat(agent_id, campaign_id, extension, "", now, state="free")
        self._seats[agent_id] = seat
        return seat

    async def nail_up(self, agent_id: str, campaign_id: int, extension: str, now: float) -> Seat:
        """Ring the agent's phone into ``[cti-nailed]``; the seat is free once answered."""
        if agent_id in self._seats:
            raise DeskRefused(f"already signed in to campaign {self._seats[agent_id].campaign_id}")
        telephony = self._telephony()
        if telephony is None:
            raise DeskRefused("the PBX link is down; try again in a moment")
        self._sequence += 1
        seat = Seat(agent_id, campaign_id, extension, f"nailed-{agent_id}-{self._sequence}", now)
        self._seats[agent_id] = seat
        command = Originate(
            f"PJSIP/{extension}",
            context=NAILED_CONTEXT,
            exten=extension,
            caller_id=f'"Campaign {campaign_id}" <{extension}>',
            timeout_ms=NAILED_PICKUP_MS,
            variables={"CTI_AGENT": agent_id},
            channel_id=seat.uniqueid,
        )
        try:
            result = await telephony.originate(command)
        except (OriginateFailed, PbxError) as exc:
            self._seats.pop(agent_id, None)
            raise DeskRefused(f"your phone {extension} did not take the line: {exc}") from None
        seat.channel, seat.state, seat.since = result.channel, "free", now
        log.info("agent %s nailed up on %s for campaign %s", agent_id, seat.channel, campaign_id)
        return seat

    async def release(self, agent_id: str) -> Seat:
        """Sign the agent out of their campaign: the line is hung up (a call on it ends)."""
        seat = self._seats.get(agent_id)
        if seat is None:
            raise DeskRefused("not signed in to a campaign")
        if not seat.channel and seat.state == "talking":
            raise DeskRefused("finish the call first")
        del self._seats[agent_id]
        telephony = self._telephony()
        if telephony is not None and seat.channel:
            try:
                await telephony.hangup(ChannelName(seat.channel))
            except PbxError as exc:
                log.info("agent %s: nailed line %s already gone (%s)", agent_id, seat.channel, exc)
        return seat

    def channel_hung_up(self, event: ChannelHungUp) -> None:
        """The AMI says a nailed-up line ended (the agent hung up, or sign-out)."""
        for agent_id, seat in list(self._seats.items()):
            if seat.uniqueid and seat.uniqueid == event.uniqueid:
                del self._seats[agent_id]
                log.info("agent %s: nailed line %s ended", agent_id, event.channel)
                self._on_gone(seat)
