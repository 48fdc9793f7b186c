"""REST routes of the interaction history: one call with its agent legs.

Owns ``GET /api/crm/interactions/{id}``: every stored field of the interaction plus
``segments``, its agent legs in order (agent, ring/talk/hold/wrap-up seconds, recording,
how each ended), so a transferred call shows each agent's part. History is written by the
call flow, not through REST; the routes decide nothing.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from crm_core.errors import NotFound
from crm_core.interactions import InteractionRecord
from crm_core.interactions import get_interaction as read_interaction
from crm_core.segments import SegmentRecord

from .routes_crm_edge import READERS, CrmDeps, CrmRoute, to_json
from .sessions import LoginSession

InteractionId = Annotated[int, Path(ge=1, le=2**62, description="the interaction's id")]


def interaction_json(record: InteractionRecord, segments: list[SegmentRecord]) -> dict[str, Any]:
    """An interaction as JSON with its ``segments``."""
    body: dict[str, Any] = to_json(record)
    body["segments"] = to_json(segments)
    return body


def interactions_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/interactions", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]

    @router.get("/{interaction_id}", summary="One interaction with its agent legs")
    async def read(session: User, interaction_id: InteractionId) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            detail = await read_interaction(db, interaction_id)
        if detail is None:
            raise NotFound("interaction", interaction_id)
        return interaction_json(detail.interaction, detail.segments)

    return router
