"""The port through which the edge reaches the dialer's runtime (``callcenter`` plugs it in).

``campaign_moved`` is told each life-cycle move the REST routes store (start, pause,
resume, stop, finish), so a started campaign dials and a paused one stops placing dials;
``join``/``leave`` sign an agent in to or out of a campaign; in a preview campaign
``next_lead``, ``dial_lead`` and ``skip_lead`` show, dial or skip the agent's next lead;
``disposition`` closes a campaign call's wrap-up. A refusal is ``DeskRefused``.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CampaignDisposition:
    """The agent's wrap-up of a campaign call: the code and notes go to the interaction;
    ``callback_at`` (seconds since the epoch) makes the lead due again then, for this
    agent only when ``callback_mine``; ``do_not_call`` lists the number; ``follow_up``
    creates a task for the agent, due at the callback or the next day."""

    call_id: str
    code: str
    notes: str = ""
    callback_at: float | None = None
    callback_mine: bool = True
    do_not_call: bool = False
    follow_up: str | None = None


class CampaignDesk(Protocol):
    def campaign_moved(self, campaign_id: int, status: str) -> None: ...

    async def join(self, agent_id: str, campaign_id: int) -> dict[str, object]: ...

    async def leave(self, agent_id: str) -> dict[str, object]: ...

    async def next_lead(self, agent_id: str) -> dict[str, object]: ...

    async def dial_lead(self, agent_id: str) -> dict[str, object]: ...

    async def skip_lead(self, agent_id: str, reason: str) -> dict[str, object]: ...

    async def disposition(
        self, agent_id: str, wrap_up: CampaignDisposition
    ) -> dict[str, object]: ...
