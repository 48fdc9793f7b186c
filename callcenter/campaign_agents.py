"""``agent_ws``'s ``CampaignDesk`` port, put together from the dialer's shell parts.

Owns nothing but the delegation: the life cycle and sign-in go to ``CampaignRuntime``,
preview leads to ``PreviewDesk``, dispositions to ``CampaignWrapUp``.
"""

from agent_ws.campaign_desk import CampaignDisposition
from callcenter.campaign_preview import PreviewDesk
from callcenter.campaign_runtime import CampaignRuntime
from callcenter.campaign_wrapup import CampaignWrapUp


class CampaignAgents:
    def __init__(
        self, runtime: CampaignRuntime, preview: PreviewDesk, wrap_up: CampaignWrapUp
    ) -> None:
        self._runtime = runtime
        self._preview = preview
        self._wrap_up = wrap_up

    def campaign_moved(self, campaign_id: int, status: str) -> None:
        self._runtime.campaign_moved(campaign_id, status)

    async def join(self, agent_id: str, campaign_id: int) -> dict[str, object]:
        return await self._runtime.join(agent_id, campaign_id)

    async def leave(self, agent_id: str) -> dict[str, object]:
        self._preview.offers.pop(agent_id, None)
        return await self._runtime.leave(agent_id)

    async def next_lead(self, agent_id: str) -> dict[str, object]:
        return await self._preview.next_lead(agent_id)

    async def dial_lead(self, agent_id: str) -> dict[str, object]:
        return await self._preview.dial(agent_id)

    async def skip_lead(self, agent_id: str, reason: str) -> dict[str, object]:
        return await self._preview.skip(agent_id, reason)

    async def disposition(self, agent_id: str, wrap_up: CampaignDisposition) -> dict[str, object]:
        return await self._wrap_up.disposition(agent_id, wrap_up)
