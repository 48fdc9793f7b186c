"""REST routes of an agent's campaign work: ``/api/agent/campaign/…``.

For a logged-in user with the role ``agent``: ``join`` / ``leave`` a campaign (predictive
and progressive: the phone is nailed up to wait for answered calls), in a preview campaign
``next`` (the lead to call, also sent as ``campaign_preview``), ``dial`` and ``skip``
(with a reason), and ``disposition`` to wrap up a campaign call. Refusals (unknown or
finished campaign, already in one, nothing to dial) are 409 through ``errors.py``; a body
that breaks its schema is a 422 naming the field.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from .auth import Auth
from .campaign_desk import CampaignDesk, CampaignDisposition
from .sessions import LoginSession


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JoinBody(_Strict):
    campaign_id: int = Field(ge=1, le=2**62, description="the campaign to sign in to")


class SkipBody(_Strict):
    reason: str = Field(min_length=1, max_length=200, pattern=r"\S", description="why not")


class DispositionBody(_Strict):
    call_id: str = Field(min_length=1, max_length=64)
    disposition: str = Field(min_length=1, max_length=64, description="a disposition code")
    notes: str = Field(default="", max_length=2000)
    callback_at: AwareDatetime | None = Field(default=None, description="call the lead back then")
    callback_for: Literal["me", "anyone"] = "me"
    do_not_call: bool = Field(default=False, description="the person asked not to be called")
    follow_up: str | None = Field(default=None, min_length=1, max_length=200)


def agent_campaign_router(*, campaigns: CampaignDesk, auth: Auth) -> APIRouter:
    router = APIRouter(prefix="/api/agent/campaign", tags=["agent"])
    Agent = Annotated[LoginSession, Depends(auth.require("agent"))]

    @router.post("/join", summary="Sign in to a campaign (predictive: the phone is nailed up)")
    async def join(session: Agent, body: JoinBody) -> dict[str, object]:
        return await campaigns.join(session.user.username, body.campaign_id)

    @router.post("/leave", summary="Sign out of the campaign (the line is hung up)")
    async def leave(session: Agent) -> dict[str, object]:
        return await campaigns.leave(session.user.username)

    @router.post("/next", summary="Preview: the next lead to call, kept for you")
    async def next_lead(session: Agent) -> dict[str, object]:
        return await campaigns.next_lead(session.user.username)

    @router.post("/dial", summary="Preview: ring your phone, then the lead")
    async def dial(session: Agent) -> dict[str, object]:
        return await campaigns.dial_lead(session.user.username)

    @router.post("/skip", summary="Preview: take the lead off the list, with a reason")
    async def skip(session: Agent, body: SkipBody) -> dict[str, object]:
        return await campaigns.skip_lead(session.user.username, body.reason)

    @router.post("/disposition", summary="Wrap up a campaign call")
    async def disposition(session: Agent, body: DispositionBody) -> dict[str, object]:
        wrap = CampaignDisposition(
            call_id=body.call_id,
            code=body.disposition,
            notes=body.notes,
            callback_at=None if body.callback_at is None else body.callback_at.timestamp(),
            callback_mine=body.callback_for == "me",
            do_not_call=body.do_not_call,
            follow_up=body.follow_up,
        )
        return await campaigns.disposition(session.user.username, wrap)

    return router
