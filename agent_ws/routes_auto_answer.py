"""REST routes of the auto-answer option (自动应答).

Owns ``GET``/``PUT /api/agent/auto-answer`` (the agent's own option, role ``agent``) and
``PUT /api/supervisor/agents/{agent_id}/auto-answer`` (role ``admin``, audited). The option
is stored on the agent in the CRM and read by the ACD's next dial of the agent's phone.
"""

from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, Path

from .audit_trail import AuditTrail
from .auth import Auth
from .schemas import AutoAnswerBody
from .sessions import LoginSession

AgentIdPath = Annotated[str, Path(min_length=1, max_length=150, pattern=r"^[A-Za-z0-9_.@-]+$")]


class AutoAnswerSetting(Protocol):
    def is_on(self, agent_id: str) -> bool: ...

    async def set(self, agent_id: str, on: bool) -> bool:
        """Store the option; ``DeskRefused`` for an unknown agent."""
        ...


def auto_answer_router(*, setting: AutoAnswerSetting, auth: Auth, trail: AuditTrail) -> APIRouter:
    router = APIRouter(tags=["agent"])
    Agent = Annotated[LoginSession, Depends(auth.require("agent"))]
    Admin = Annotated[LoginSession, Depends(auth.require("admin"))]

    @router.get("/api/agent/auto-answer")
    async def mine(session: Agent) -> dict[str, object]:
        return {"auto_answer": setting.is_on(session.user.username)}

    @router.put("/api/agent/auto-answer")
    async def set_mine(session: Agent, body: AutoAnswerBody) -> dict[str, object]:
        return {"auto_answer": await setting.set(session.user.username, body.auto_answer)}

    @router.put("/api/supervisor/agents/{agent_id}/auto-answer")
    async def set_theirs(
        session: Admin, agent_id: AgentIdPath, body: AutoAnswerBody
    ) -> dict[str, object]:
        on = await setting.set(agent_id, body.auto_answer)
        await trail.record(
            session.user.username, "auto_answer", agent_id=agent_id, details={"on": on}
        )
        return {"agent_id": agent_id, "auto_answer": on}

    return router
