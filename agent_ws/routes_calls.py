"""REST routes of the agent's call controls: ``POST /api/agent/call/{hold,resume,...}``.

For a logged-in user with the role ``agent``, about the call they are connected to. The
refusals (no connected call, not on hold, the PBX said no) become 409 through
``errors.py``; a transfer body that names neither or both targets is a 422 naming the field.
"""

from typing import Annotated

from fastapi import APIRouter, Depends

from .auth import Auth
from .call_controls import CallControls
from .schemas import TransferBody
from .sessions import LoginSession


def calls_router(*, controls: CallControls, auth: Auth) -> APIRouter:
    router = APIRouter(prefix="/api/agent/call", tags=["agent"])
    Agent = Annotated[LoginSession, Depends(auth.require("agent"))]

    @router.post("/hold")
    async def hold(session: Agent) -> dict[str, object]:
        return await controls.hold(session.user.username)

    @router.post("/resume")
    async def resume(session: Agent) -> dict[str, object]:
        return await controls.resume(session.user.username)

    @router.post("/transfer")
    async def transfer(session: Agent, body: TransferBody) -> dict[str, object]:
        if body.queue is not None:
            return await controls.transfer_to_queue(session.user.username, body.queue)
        assert body.number is not None  # the model requires exactly one
        return await controls.transfer_to_number(session.user.username, body.number)

    @router.post("/hang-up")
    async def hang_up(session: Agent) -> dict[str, object]:
        return await controls.hang_up(session.user.username)

    return router
