"""Preview campaigns: the agent sees the next lead's record, then dials it or skips it.

Owns ``PreviewDesk``: ``next_lead`` reserves the next due lead for the agent (their own
scheduled callbacks and anyone's, never another agent's) and sends it to their tab as
``campaign_preview``; ``dial`` passes it through ``dialer.gate.decide`` right before the
Originate, rings the agent's phone and then the customer through ``[outbound]`` (as
click-to-dial does), and records the attempt from the AMI's ``DialEnd`` and ``Hangup``;
``skip`` takes the lead off the list with the agent's reason. Must not pace anything.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from agent_ws.campaign_checks import rules_of
from agent_ws.desk import DeskRefused
from callcenter.calls import ActiveCall
from callcenter.campaign_calls import CampaignCalls
from callcenter.campaign_runtime import CampaignRuntime
from callcenter.campaign_seats import Seat
from callcenter.campaign_store import DueLead
from crm_core.campaigns import CampaignRecord
from cti.commands import Originate
from cti.errors import OriginateFailed, PbxError
from cti.events import ChannelHungUp, DialEnded
from cti.telephony import Telephony
from dialer.gate import CampaignRules, Dial, Skip, decide
from dialer.retries import Outcome

log = logging.getLogger(__name__)

PREVIEW_CONTEXT = "outbound"
#: How long the agent's own phone rings before the preview dial gives up.
AGENT_PICKUP_MS = 20_000
#: The customer leg's DIALSTATUS as the attempt's outcome (a person answered: human).
DIAL_OUTCOMES = {
    "ANSWER": Outcome.HUMAN,
    "BUSY": Outcome.BUSY,
    "NOANSWER": Outcome.NO_ANSWER,
    "CANCEL": Outcome.NO_ANSWER,
}


@dataclass(slots=True)
class PreviewCall:
    call_id: str
    due: DueLead
    number: str
    seat: Seat
    started_at: float
    status: str = ""
    hung_up: asyncio.Event = field(default_factory=asyncio.Event)


class PreviewDesk:
    def __init__(
        self,
        *,
        runtime: CampaignRuntime,
        calls: CampaignCalls,
        telephony: Callable[[], Telephony | None],
    ) -> None:
        self._runtime = runtime
        self._calls = calls
        self._telephony = telephony
        self.offers: dict[str, DueLead] = {}
        self.live: dict[str, PreviewCall] = {}
        self._opened: dict[str, ActiveCall] = {}
        self._sequence = 0

    def _seat(self, agent_id: str) -> Seat:
        seat = self._runtime.seats.get(agent_id)
        if seat is None or seat.channel:
            raise DeskRefused("not signed in to a preview campaign")
        return seat

    async def next_lead(self, agent_id: str) -> dict[str, object]:
        """The lead this agent should call next (kept for them until dialed or skipped)."""
        seat = self._seat(agent_id)
        run = await self._runtime.run_of(seat.campaign_id)
        if run is None:
            raise DeskRefused(f"campaign {seat.campaign_id} is not running")
        offer = self.offers.get(agent_id)
        if offer is None:
            now = self._runtime.clock.now()
            taken = {o.lead.lead_id for o in self.offers.values()}
            taken |= {c.due.lead.lead_id for c in self.live.values()}
            draw = await self._runtime.store.due(run.campaign, now, wanted=1 + len(taken))
            for due in draw.leads:
                if due.lead.lead_id in taken or due.owner not in (None, agent_id):
                    continue
                offer = self.offers[agent_id] = due
                break
        body = await self._offer_json(seat, offer)
        self._runtime.hub.send_to_agent(agent_id, "campaign_preview", body)
        return body

    async def _offer_json(self, seat: Seat, offer: DueLead | None) -> dict[str, object]:
        if offer is None:
            return {"campaign_id": seat.campaign_id, "lead": None}
        lead = offer.lead
        contact = await self._runtime.store.contact(lead.contact_id)
        return {
            "campaign_id": seat.campaign_id,
            "lead": {"lead_id": lead.lead_id, "numbers": list(offer.history.numbers),
                     "attempts": lead.attempts, "callback_for": offer.owner},
            "contact": contact,
        }  # fmt: skip

    async def skip(self, agent_id: str, reason: str) -> dict[str, object]:
        self._seat(agent_id)
        offer = self.offers.pop(agent_id, None)
        if offer is None:
            raise DeskRefused("no lead to skip: ask for the next one first")
        why = f"skipped by {agent_id}: {reason.strip()}"
        await self._runtime.store.skip(offer.lead.lead_id, (why,), self._runtime.clock.now())
        log.info("preview lead %s %s", offer.lead.lead_id, why)
        return {"lead_id": offer.lead.lead_id, "state": "skipped", "reason": why}

    async def dial(self, agent_id: str) -> dict[str, object]:
        """Gate, then ring the agent's phone, then the customer."""
        seat = self._seat(agent_id)
        run = await self._runtime.run_of(seat.campaign_id)
        offer = self.offers.get(agent_id)
        if run is None or offer is None or seat.state != "free":
            raise DeskRefused("nothing to dial: the campaign must run, a lead be shown, you free")
        now = self._runtime.clock.now()
        verdict = decide(offer.facts, offer.history, run.rules, now)
        if isinstance(verdict, Skip):
            del self.offers[agent_id]
            await self._runtime.store.skip(offer.lead.lead_id, verdict.reasons, now)
            raise DeskRefused(f"this lead may not be dialed: {'; '.join(verdict.reasons)}")
        if not isinstance(verdict, Dial):
            raise DeskRefused(f"not now: {verdict.reason}")
        self._sequence += 1
        call_id = f"preview-{seat.campaign_id}-{offer.lead.lead_id}-{self._sequence}"
        call = PreviewCall(call_id, offer, verdict.number, seat, now)
        self.live[call_id] = call
        seat.state = "talking"
        try:
            await self._ring_agent(call, run.campaign.name)
        except DeskRefused:
            del self.live[call_id]
            seat.state = "free"
            raise
        del self.offers[agent_id]
        attempt_id = await self._runtime.store.start(offer.lead.lead_id, call.number, call_id, now)
        self._runtime.spawn(self._follow(call, attempt_id), f"preview-{call_id}")
        return {"call_id": call_id, "state": "dialing", "number": call.number}

    async def _ring_agent(self, call: PreviewCall, campaign_name: str) -> None:
        telephony = self._telephony()
        if telephony is None:
            raise DeskRefused("the PBX link is down; try again in a moment")
        command = Originate(
            f"PJSIP/{call.seat.extension}",
            context=PREVIEW_CONTEXT,
            exten=call.number.lstrip("+"),
            caller_id=f'"{campaign_name}" <{call.number}>',
            timeout_ms=AGENT_PICKUP_MS,
            variables={"CTI_AGENT": call.seat.agent_id},
            channel_id=call.call_id,
        )
        try:
            await telephony.originate(command)
        except (OriginateFailed, PbxError) as exc:
            raise DeskRefused(f"your phone {call.seat.extension}: {exc}") from None

    def dial_ended(self, event: DialEnded) -> None:
        call = self.live.get(event.uniqueid)
        if call is not None:
            call.status = event.status
            if event.status == "ANSWER":
                self._runtime.spawn(self._answered(call), f"preview-pop-{call.call_id}")

    async def _campaign(self, campaign_id: int) -> CampaignRecord:
        """The campaign of a call in flight (paused or stopped meanwhile: from the CRM)."""
        run = self._runtime.runs.get(campaign_id)
        campaign = (
            run.campaign if run is not None else await self._runtime.store.campaign(campaign_id)
        )
        if campaign is None:
            raise LookupError(f"campaign {campaign_id} is gone")
        return campaign

    async def _rules(self, campaign_id: int) -> CampaignRules:
        run = self._runtime.runs.get(campaign_id)
        return run.rules if run is not None else rules_of(await self._campaign(campaign_id))

    async def _answered(self, call: PreviewCall) -> None:
        campaign = await self._campaign(call.seat.campaign_id)
        contact = await self._runtime.store.contact(call.due.lead.contact_id)
        self._opened[call.call_id] = self._calls.open(
            call.call_id, campaign, call.due.lead, call.number, call.started_at, call.seat, contact
        )

    def channel_hung_up(self, event: ChannelHungUp) -> None:
        call = self.live.get(event.uniqueid)
        if call is not None:
            call.hung_up.set()

    async def _follow(self, call: PreviewCall, attempt_id: int) -> None:
        await call.hung_up.wait()
        del self.live[call.call_id]
        outcome = DIAL_OUTCOMES.get(call.status, Outcome.FAILED)
        opened = self._opened.pop(call.call_id, None)
        rules = await self._rules(call.seat.campaign_id)
        # The attempt first: a disposition (callback) after "ended" finds the lead settled.
        await self._runtime.store.finish(
            attempt_id, call.due.history, call.number, outcome, rules, self._runtime.clock.now(),
            answered_at=opened.answered_at if opened is not None else None,
            agent_id=call.seat.agent_id if outcome is Outcome.HUMAN else None,
        )  # fmt: skip
        if opened is not None:
            await self._calls.close(opened, call.seat, "completed")
        elif self._runtime.seats.get(call.seat.agent_id) is call.seat:
            call.seat.state, call.seat.since = "free", self._runtime.clock.now()
            self._runtime.hub.send_to_agent(
                call.seat.agent_id, "call_state", {"call_id": call.call_id, "state": "ended"}
            )
