"""REST routes of the team lead's desk: the floor, and forcing an agent's state.

Owns ``GET /api/supervisor/floor``, ``POST /api/supervisor/agents/{agent_id}/state``,
``POST /api/supervisor/agents/{agent_id}/supervise`` (listen, whisper, barge) and
``POST /api/supervisor/calls/{call_id}/priority`` for the roles
``supervisor`` and ``admin``. The live wallboard arrives over the WebSocket
as ``floor`` messages; this route gives the first picture.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path

from .auth import Auth
from .desk import view_to_json
from .schemas import ForceStateBody, PriorityBody, SuperviseBody
from .sessions import LoginSession
from .supervision import SupervisorDesk

CallIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
AgentIdPath = Annotated[str, Path(min_length=1, max_length=150, pattern=r"^[A-Za-z0-9_.@-]+$")]


def supervisor_router(*, desk: SupervisorDesk, auth: Auth) -> APIRouter:
    router = APIRouter(prefix="/api/supervisor", tags=["supervisor"])
    Lead = Annotated[LoginSession, Depends(auth.require("supervisor", "admin"))]

    @router.get("/floor")
    async def floor(session: Lead) -> dict[str, object]:
        return desk.floor()

    @router.post("/agents/{agent_id}/state")
    async def force_state(
        session: Lead, agent_id: AgentIdPath, body: ForceStateBody
    ) -> dict[str, object]:
        view = await desk.force_state(agent_id, body.state, body.reason, session.user.username)
        answer = view_to_json(view)
        if answer is None:
            raise HTTPException(404, f"the ACD has no agent {agent_id}")
        return answer

    @router.get("/calls/{call_id}/explain")
    async def explain(session: Lead, call_id: CallIdPath) -> dict[str, object]:
        answer = desk.explain(call_id)
        if answer is None:
            raise HTTPException(404, f"the ACD has no routing record of call {call_id}")
        return answer

    @router.post("/calls/{call_id}/priority")
    async def set_priority(
        session: Lead, call_id: CallIdPath, body: PriorityBody
    ) -> dict[str, object]:
        answer = desk.set_priority(call_id, body.priority, session.user.username)
        if answer is None:
            raise HTTPException(404, f"call {call_id} is not waiting in a queue")
        return answer

    @router.post("/agents/{agent_id}/supervise")
    async def supervise(
        session: Lead, agent_id: AgentIdPath, body: SuperviseBody
    ) -> dict[str, object]:
        return await desk.supervise(agent_id, body.mode, body.phone, session.user.username)

    return router
