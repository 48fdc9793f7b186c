"""REST routes of the people who work in the centre: users (logins, roles) and agents.

Owns ``/api/crm/users…`` (the role admin only: they hold logins) and ``/api/crm/agents…``
(everyone logged in reads the agents; only an admin changes them). A user is never deleted:
``DELETE`` deactivates, because the history names them, and an admin cannot lock themself
out. An agent with calls in the history cannot be removed (409): deactivate the user. The
ACD reads the agents at start; after that, each stored change of an agent (added, new phone
or skills, removed, user deactivated or re-activated) is told to the running ACD through
``CrmDeps.roster`` once its transaction has committed. The rules are crm_core's; password
hashes never leave it. Every admin change is written to the audit log in the same
transaction (``audit_in``).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Response

from crm_core.agents import create_agent, get_agent, list_agents, remove_agent, update_agent
from crm_core.errors import InvalidField, InvalidValue, NotFound
from crm_core.users import UserRecord, create_user, get_user, list_users, update_user

from .audit_trail import audit_in
from .crm_schemas import AgentBody, AgentPatchBody, UserBody, UserPatchBody
from .routes_crm_edge import READERS, CrmDeps, CrmRoute, blaming, to_json
from .sessions import LoginSession

Username = Annotated[str, Path(min_length=1, max_length=64, description="the username")]


def _user_json(user: UserRecord) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "active": user.active,
        "created_at": to_json(user.created_at),
    }


def _changes(body: UserPatchBody | AgentPatchBody) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    if not changes or any(v is None for v in changes.values()):
        raise InvalidField("body", "name at least one field to change, none of them null")
    return changes


async def _tell_roster(deps: CrmDeps, username: str) -> None:
    """After a user's activation changed: the ACD routes to them again if they are an
    active agent, and to them no more otherwise."""
    if deps.roster is None:
        return
    async with deps.sessionmaker() as db:
        agent = await get_agent(db, username)  # only active users' agents are listed
    if agent is None:
        deps.roster.agent_gone(username)
    else:
        deps.roster.agent_saved(agent)


def users_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/users", tags=["crm"], route_class=CrmRoute)
    Admin = Annotated[LoginSession, Depends(deps.auth.require("admin"))]

    @router.get("", summary="Every user (admin)")
    async def listing(session: Admin) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            return {"items": [_user_json(u) for u in await list_users(db)]}

    @router.post("", status_code=201, summary="Add a user (admin)")
    async def create(session: Admin, body: UserBody) -> dict[str, Any]:
        """409 if the username is taken."""
        async with deps.sessionmaker.begin() as db:
            user = await create_user(db, **body.model_dump(), now=deps.now())
        return _user_json(user)

    @router.get("/{username}", summary="One user (admin)")
    async def read(session: Admin, username: Username) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            user = await get_user(db, username)
        if user is None:
            raise NotFound("user", username)
        return _user_json(user)

    @router.patch("/{username}", summary="Change a user (admin)")
    async def patch(session: Admin, username: Username, body: UserPatchBody) -> dict[str, Any]:
        changes = _changes(body)
        if username == session.user.username and changes.get("active") is False:
            raise HTTPException(409, "an admin cannot deactivate themself")
        async with deps.sessionmaker.begin() as db:
            user = await update_user(db, username, **changes)
            await audit_in(db, deps.now(), session, "user_changed", agent_id=username, **changes)
        if "active" in changes:
            await _tell_roster(deps, username)
        return _user_json(user)

    @router.delete("/{username}", summary="Deactivate a user (admin)")
    async def deactivate(session: Admin, username: Username) -> dict[str, Any]:
        """Users stay (the history names them) but can no longer log in or take calls."""
        if username == session.user.username:
            raise HTTPException(409, "an admin cannot deactivate themself")
        async with deps.sessionmaker.begin() as db:
            user = await update_user(db, username, active=False)
            await audit_in(db, deps.now(), session, "user_deactivated", agent_id=username)
        if deps.roster is not None:
            deps.roster.agent_gone(username)
        return _user_json(user)

    return router


def agents_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/agents", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]
    Admin = Annotated[LoginSession, Depends(deps.auth.require("admin"))]

    @router.get("", summary="Active agents with their phones and skills")
    async def listing(session: User) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            return {"items": to_json(await list_agents(db))}

    @router.post("", status_code=201, summary="Make a user an agent (admin)")
    async def create(session: Admin, body: AgentBody) -> dict[str, Any]:
        """422 (``agent_id``) for an unknown user; 409 if already an agent."""
        endpoint = body.endpoint or f"PJSIP/{body.extension}"
        async with deps.sessionmaker.begin() as db:
            with blaming(missing={"user": "agent_id"}):
                agent = await create_agent(
                    db,
                    agent_id=body.agent_id,
                    extension=body.extension,
                    endpoint=endpoint,
                    skills=body.skills,
                )
            await audit_in(
                db,
                deps.now(),
                session,
                "agent_created",
                agent_id=body.agent_id,
                extension=body.extension,
            )
        if deps.roster is not None:
            deps.roster.agent_saved(agent)
        answer: dict[str, Any] = to_json(agent)
        return answer

    @router.get("/{agent_id}", summary="One active agent")
    async def read(session: User, agent_id: Username) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            agent = await get_agent(db, agent_id)
        if agent is None:
            raise NotFound("agent", agent_id)
        answer: dict[str, Any] = to_json(agent)
        return answer

    @router.patch("/{agent_id}", summary="Change an agent's phone or skills (admin)")
    async def patch(session: Admin, agent_id: Username, body: AgentPatchBody) -> dict[str, Any]:
        async with deps.sessionmaker.begin() as db:
            changes = _changes(body)
            agent = await update_agent(db, agent_id, **changes)
            await audit_in(db, deps.now(), session, "agent_changed", agent_id=agent_id, **changes)
        if deps.roster is not None:
            deps.roster.agent_saved(agent)
        answer: dict[str, Any] = to_json(agent)
        return answer

    @router.delete("/{agent_id}", status_code=204, summary="Stop a user being an agent (admin)")
    async def remove(session: Admin, agent_id: Username) -> Response:
        """409 if calls in the history name the agent."""
        async with deps.sessionmaker.begin() as db:
            try:
                await remove_agent(db, agent_id)
            except InvalidValue as exc:
                raise HTTPException(409, str(exc)) from exc
            await audit_in(db, deps.now(), session, "agent_removed", agent_id=agent_id)
        if deps.roster is not None:
            deps.roster.agent_gone(agent_id)
        return Response(status_code=204)

    return router
