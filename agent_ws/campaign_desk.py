"""The port through which the edge reaches the dialer's runtime (``callcenter`` plugs it in).

``campaign_moved`` is told each life-cycle move the REST routes store (start, pause,
resume, stop, finish), so a started campaign dials and a paused one stops placing dials;
``join``/``leave`` sign an agent in to or out of a campaign (a refusal is ``DeskRefused``).
"""

from typing import Protocol


class CampaignDesk(Protocol):
    def campaign_moved(self, campaign_id: int, status: str) -> None: ...

    async def join(self, agent_id: str, campaign_id: int) -> dict[str, object]: ...

    async def leave(self, agent_id: str) -> dict[str, object]: ...
