"""REST routes of an agent's campaign seat: ``POST /api/agent/campaign/{join,leave}``.

For a logged-in user with the role ``agent``. Joining nails the agent's phone up to wait
for the campaign's answered calls; refusals (unknown or finished campaign, already in one,
the phone did not answer) are 409 through ``errors.py``.
"""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from .auth import Auth
from .campaign_desk import CampaignDesk
from .sessions import LoginSession


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: int = Field(ge=1, le=2**62, description="the campaign to sign in to")


def agent_campaign_router(*, campaigns: CampaignDesk, auth: Auth) -> APIRouter:
    router = APIRouter(prefix="/api/agent/campaign", tags=["agent"])
    Agent = Annotated[LoginSession, Depends(auth.require("agent"))]

    @router.post("/join", summary="Sign in to a campaign (the phone is nailed up)")
    async def join(session: Agent, body: JoinBody) -> dict[str, object]:
        return await campaigns.join(session.user.username, body.campaign_id)

    @router.post("/leave", summary="Sign out of the campaign (the line is hung up)")
    async def leave(session: Agent) -> dict[str, object]:
        return await campaigns.leave(session.user.username)

    return router
