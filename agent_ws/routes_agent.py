"""REST routes of the agent's desk, and the public health check.

Owns ``GET /api/agent/me``, ``GET /api/agent/directory`` (colleagues and queues) and the
``POST /api/agent/…`` state requests (sign-in, sign-out, ready, not-ready, wrap-up) for a
logged-in user with the role ``agent``. Each answers with the agent's view after the
change; the ACD's refusals become 409 through ``errors.py``, and crm_core's refusals
surfacing from the desk (a wrap-up code that is not an active disposition code: 422 naming
``disposition``) are answered by ``CrmRoute``. The routes decide nothing: the desk does.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

from .auth import Auth
from .desk import AgentDesk, AgentView, view_to_json
from .routes_crm_edge import CrmRoute
from .schemas import NotReadyBody, WrapUpBody
from .sessions import LoginSession


def health_router() -> APIRouter:
    """``GET /health``: the process answers HTTP. Public, for load balancers."""
    router = APIRouter(tags=["health"])

    @router.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return router


def agent_router(*, desk: AgentDesk, auth: Auth) -> APIRouter:
    """The agent's REST routes, all behind the role ``agent``."""
    router = APIRouter(prefix="/api/agent", tags=["agent"], route_class=CrmRoute)
    Agent = Annotated[LoginSession, Depends(auth.require("agent"))]

    def answer(view: AgentView | None) -> dict[str, object]:
        body = view_to_json(view)
        if body is None:
            raise HTTPException(404, "the ACD has no agent for this user")
        return body

    @router.get("/me")
    async def me(session: Agent) -> dict[str, object]:
        return answer(desk.agent_view(session.user.username))

    @router.get("/directory")
    async def directory(session: Agent) -> dict[str, object]:
        """Colleagues (id, name, state) and queue names: transfer and call targets."""
        return desk.directory()

    @router.post("/sign-in")
    async def sign_in(session: Agent) -> dict[str, object]:
        return answer(await desk.sign_in(session.user.username))

    @router.post("/sign-out")
    async def sign_out(session: Agent) -> dict[str, object]:
        return answer(await desk.sign_out(session.user.username))

    @router.post("/ready")
    async def ready(session: Agent) -> dict[str, object]:
        return answer(await desk.go_ready(session.user.username))

    @router.post("/not-ready")
    async def not_ready(session: Agent, body: NotReadyBody) -> dict[str, object]:
        return answer(await desk.go_not_ready(session.user.username, body.reason))

    @router.post("/wrap-up")
    async def wrap_up(session: Agent, body: WrapUpBody) -> dict[str, object]:
        view = await desk.finish_wrap_up(session.user.username, body.disposition, body.notes)
        return answer(view)

    return router
