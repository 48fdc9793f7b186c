"""``agent_ws``'s ``CampaignDesk`` port, put together from the dialer's shell parts.

Owns an agent's sign-in to a campaign (checked against the ACD's agents and the campaign's
state; a predictive or progressive seat is nailed up, a preview seat is not) and the
delegation of the rest: the life cycle to ``CampaignRuntime``, preview leads to
``PreviewDesk``, dispositions to ``CampaignWrapUp``.
"""

from acd.engine import AcdEngine, UnknownAgent
from agent_ws.campaign_desk import CampaignDisposition
from agent_ws.desk import DeskRefused
from callcenter.campaign_preview import PreviewDesk
from callcenter.campaign_runtime import CampaignRuntime
from callcenter.campaign_wrapup import CampaignWrapUp
from crm_core.vocabulary import CampaignMode
from cti.ids import AgentId


class CampaignAgents:
    def __init__(
        self,
        runtime: CampaignRuntime,
        preview: PreviewDesk,
        wrap_up: CampaignWrapUp,
        engine: AcdEngine,
    ) -> None:
        self._engine = engine
        self._runtime = runtime
        self._preview = preview
        self._wrap_up = wrap_up

    def campaign_moved(self, campaign_id: int, status: str) -> None:
        self._runtime.campaign_moved(campaign_id, status)

    async def join(self, agent_id: str, campaign_id: int) -> dict[str, object]:
        """Sign the agent in to a campaign (predictive/progressive: their phone is nailed up
        to wait for answered calls)."""
        try:
            extension = self._engine.agent(AgentId(agent_id)).profile.endpoint
        except UnknownAgent:
            raise DeskRefused(f"{agent_id} is not configured as an agent") from None
        rt = self._runtime
        campaign = await rt.store.campaign(campaign_id)
        if campaign is None:
            raise DeskRefused(f"no campaign {campaign_id}")
        if campaign.status.value in ("finished", "stopped", "draft"):
            raise DeskRefused(f"campaign {campaign_id} is {campaign.status.value}")
        phone = extension.removeprefix("PJSIP/")
        if campaign.mode is CampaignMode.PREVIEW:
            seat = rt.seats.sit(agent_id, campaign_id, phone, rt.clock.now())
        else:
            seat = await rt.seats.nail_up(agent_id, campaign_id, phone, rt.clock.now())
        body: dict[str, object] = {
            "campaign_id": seat.campaign_id,
            "name": campaign.name,
            "mode": campaign.mode.value,
            "state": seat.state,
        }
        rt.hub.send_to_agent(agent_id, "campaign_state", body)
        return body

    async def leave(self, agent_id: str) -> dict[str, object]:
        self._preview.offers.pop(agent_id, None)
        seat = await self._runtime.seats.release(agent_id)
        body: dict[str, object] = {"campaign_id": seat.campaign_id, "state": "signed_out"}
        self._runtime.hub.send_to_agent(agent_id, "campaign_state", body)
        return body

    async def next_lead(self, agent_id: str) -> dict[str, object]:
        return await self._preview.next_lead(agent_id)

    async def dial_lead(self, agent_id: str) -> dict[str, object]:
        return await self._preview.dial(agent_id)

    async def skip_lead(self, agent_id: str, reason: str) -> dict[str, object]:
        return await self._preview.skip(agent_id, reason)

    async def disposition(self, agent_id: str, wrap_up: CampaignDisposition) -> dict[str, object]:
        return await self._wrap_up.disposition(agent_id, wrap_up)
