"""REST routes of the team lead's desk: the floor, and forcing an agent's state.

Owns ``GET /api/supervisor/floor``, ``POST /api/supervisor/agents/{agent_id}/state``,
``POST /api/supervisor/agents/{agent_id}/supervise`` (listen, whisper, barge) and
``POST /api/supervisor/calls/{call_id}/priority`` and ``GET /api/supervisor/stats`` for the roles
``supervisor`` and ``admin``. The live wallboard arrives over the WebSocket
as ``floor`` messages; this route gives the first picture. Every action that changes
something is written to the audit log (``AuditTrail``) before the route answers.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import AwareDatetime

from .audit_trail import AuditTrail
from .auth import Auth
from .desk import view_to_json
from .schemas import ForceStateBody, MoveBody, PriorityBody, SuperviseBody
from .sessions import LoginSession
from .supervision import StatsSource, SupervisorDesk

CallIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
AgentIdPath = Annotated[str, Path(min_length=1, max_length=150, pattern=r"^[A-Za-z0-9_.@-]+$")]


def _bad_query(field: str, message: str) -> RequestValidationError:
    """A 422 naming the query parameter, like pydantic's own."""
    return RequestValidationError(
        [{"loc": ("query", field), "msg": message, "type": "value_error"}]
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def supervisor_router(
    *, desk: SupervisorDesk, auth: Auth, trail: AuditTrail, stats: StatsSource | None = None
) -> APIRouter:
    router = APIRouter(prefix="/api/supervisor", tags=["supervisor"])
    Lead = Annotated[LoginSession, Depends(auth.require("supervisor", "admin"))]

    @router.get("/stats")
    async def statistics(
        session: Lead,
        interval: Annotated[Literal["15", "30"], Query()] = "15",
        start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
        end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    ) -> dict[str, object]:
        if stats is None:
            raise HTTPException(404, "statistics are not served here")
        if start is None and end is None:
            return stats.live(int(interval) * 60)
        if start is None or end is None:
            raise _bad_query("to" if end is None else "from", "give both from and to, or neither")
        if end <= start:
            raise _bad_query("to", "to must be after from")
        try:
            return await stats.history(int(interval) * 60, start.timestamp(), end.timestamp())
        except ValueError as exc:
            raise _bad_query("to", str(exc)) from None

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
        details = {"state": body.state, "reason": body.reason}
        await trail.record(
            session.user.username, f"force_{body.state}", agent_id=agent_id, details=details
        )
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
        details = {"priority": body.priority}
        await trail.record(session.user.username, "priority", call_id=call_id, details=details)
        return answer

    @router.post("/calls/{call_id}/queue")
    async def move_call(session: Lead, call_id: CallIdPath, body: MoveBody) -> dict[str, object]:
        answer = desk.move_to_queue(call_id, body.queue, session.user.username)
        if answer is None:
            raise HTTPException(404, f"call {call_id} is not waiting in a queue")
        details = {"queue": body.queue}
        await trail.record(session.user.username, "move_call", call_id=call_id, details=details)
        return answer

    @router.post("/agents/{agent_id}/supervise")
    async def supervise(
        session: Lead, agent_id: AgentIdPath, body: SuperviseBody
    ) -> dict[str, object]:
        answer = await desk.supervise(agent_id, body.mode, body.phone, session.user.username)
        await trail.record(
            session.user.username,
            body.mode,
            agent_id=agent_id,
            call_id=_text(answer.get("call_id")),
            details={"phone": body.phone, "channel": answer.get("channel")},
        )
        return answer

    return router
