"""REST routes of the agent's calls: ``POST /api/agent/call/{hold,resume,transfer,hang-up,dial}``.

For a logged-in user with the role ``agent``, about the call they are connected to. The
refusals (no connected call, not on hold, the PBX said no) become 409 through
``errors.py``; a transfer body that names neither or both targets is a 422 naming the field.
"""

from typing import Annotated

from fastapi import APIRouter, Depends

from .auth import Auth
from .call_controls import AgentDialer, AttendedTransferControls, CallControls
from .schemas import ConsultBody, DialBody, TransferBody
from .sessions import LoginSession


def calls_router(
    *,
    controls: CallControls,
    dialer: AgentDialer,
    auth: Auth,
    attended: AttendedTransferControls | None = None,
) -> APIRouter:
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
        me = session.user.username
        if body.queue is not None:
            return await controls.transfer_to_queue(me, body.queue)
        if body.agent_id is not None:
            return await controls.transfer_to_agent(me, body.agent_id)
        assert body.number is not None  # the model requires exactly one
        return await controls.transfer_to_number(me, body.number)

    @router.post("/dial")
    async def dial(session: Agent, body: DialBody) -> dict[str, object]:
        if body.agent_id is not None:
            return await dialer.call_agent(session.user.username, body.agent_id)
        assert body.number is not None  # the model requires exactly one
        return await dialer.dial(session.user.username, body.number)

    if attended is not None:

        @router.post("/consult")
        async def consult(session: Agent, body: ConsultBody) -> dict[str, object]:
            me = session.user.username
            return await attended.consult(me, colleague=body.agent_id, number=body.number)

        @router.post("/consult/complete")
        async def complete(session: Agent) -> dict[str, object]:
            return await attended.complete(session.user.username)

        @router.post("/consult/cancel")
        async def cancel(session: Agent) -> dict[str, object]:
            return await attended.cancel(session.user.username)

    @router.post("/hang-up")
    async def hang_up(session: Agent) -> dict[str, object]:
        return await controls.hang_up(session.user.username)

    return router
