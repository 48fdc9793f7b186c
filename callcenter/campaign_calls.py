"""A campaign call an agent talks on: its pop, its tab states, its interaction, the wrap-up.

Owns ``CampaignCalls``: ``open`` sends the agent the ``campaign_pop`` (campaign, lead,
contact card) and ``connected``; ``close`` ends the agent's segment, puts the seat in its
timed wrap-up, records the ``outbound`` interaction and then sends ``ended`` (the agent's
disposition is added later, ``callcenter/campaign_wrapup.py``). Shared by the predictive /
progressive bridge (``outbound_amd.py``) and preview dials (``campaign_preview.py``).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from agent_ws.hub import Hub
from callcenter.calls import ActiveCall
from callcenter.campaign_seats import Seat
from callcenter.clock import LoopClock
from callcenter.crm_port import CrmAdapter
from callcenter.legs import AgentLeg
from crm_core.campaign_leads import LeadRecord
from crm_core.campaigns import CampaignRecord
from cti.ids import CallId, UniqueId

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ended:
    """What the agent's disposition of a campaign call applies to."""

    campaign_id: int
    lead_id: int
    contact_id: int
    number: str
    agent_id: str


class CampaignCalls:
    def __init__(
        self,
        *,
        crm: CrmAdapter,
        hub: Hub,
        clock: LoopClock,
        wrap_up_seconds: float,
        is_seated: Callable[[Seat], bool],
    ) -> None:
        self._crm = crm
        self._hub = hub
        self._clock = clock
        self._wrap_up = wrap_up_seconds
        self._is_seated = is_seated
        #: Calls that ended, by call id, until their agent's disposition.
        self.ended: dict[str, Ended] = {}

    def open(
        self,
        call_id: str,
        campaign: CampaignRecord,
        lead: LeadRecord,
        number: str,
        started_at: float,
        seat: Seat,
        contact: dict[str, object] | None,
    ) -> ActiveCall:
        now = self._clock.now()
        call = ActiveCall(
            call_id=CallId(call_id),
            uniqueid=UniqueId(call_id),
            channel="",
            ani=campaign.caller_id,
            dnis=number,
            hotline=f"campaign:{campaign.name}",
            started_at=started_at,
            agent_id=seat.agent_id,
            answered_at=now,
            direction="outbound",
            control="ami",
        )
        call.legs.append(AgentLeg(seat.agent_id, now, answered_at=now))
        seat.state, seat.since = "talking", now
        pop = {
            "call_id": call_id,
            "campaign_id": campaign.campaign_id,
            "campaign": campaign.name,
            "mode": campaign.mode.value,
            "script": campaign.script,
            "lead_id": lead.lead_id,
            "contact_id": lead.contact_id,
            "number": number,
            "attempt": lead.attempts + 1,
            "contact": contact,
        }
        self._hub.send_to_agent(seat.agent_id, "campaign_pop", pop)
        self._hub.send_to_agent(
            seat.agent_id, "call_state", {"call_id": call_id, "state": "connected"}
        )
        self.ended[call_id] = Ended(
            campaign.campaign_id, lead.lead_id, lead.contact_id, number, seat.agent_id
        )
        return call

    async def close(self, call: ActiveCall, seat: Seat, reason: str) -> None:
        now = self._clock.now()
        call.ended_at = now
        call.outcome = "answered" if reason == "completed" else "failed"
        call.legs[-1].end(reason, now)
        if self._is_seated(seat):
            seat.state, seat.wrap_up_until = "wrap_up", now + self._wrap_up
        try:
            await self._crm.identify_number(call, call.dnis)
            await self._crm.record(call)
        except Exception:
            log.exception("campaign call %s: could not record the interaction", call.call_id)
        # Only now: the agent's disposition applies to the recorded interaction.
        self._hub.send_to_agent(
            seat.agent_id, "call_state", {"call_id": call.call_id, "state": "ended"}
        )
