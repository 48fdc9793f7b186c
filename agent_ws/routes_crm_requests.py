"""REST routes of service requests and follow-up tasks.

Owns ``/api/crm/requests…`` (open, read, edit, change status, assign, history) and
``/api/crm/follow-ups…`` (create, one contact's list, the logged-in user's due list, read,
complete, cancel). The actor of
every change is the logged-in username; times come from the injected clock. Status and
assignment accept an optional ``If-Match: "<version>"`` (409 if the request moved on); an
edit (``PATCH``) requires it. The
routes decide nothing: the lifecycle and every rule live in crm_core.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Response
from pydantic import AwareDatetime

from crm_core.errors import InvalidField, InvalidValue, NotFound, VersionConflict
from crm_core.follow_ups import (
    cancel_follow_up,
    complete_follow_up,
    contact_follow_ups,
    create_follow_up,
    due_follow_ups,
    get_follow_up,
)
from crm_core.request_changes import (
    assign,
    change_status,
    edit_request,
    request_history,
    set_due,
    set_priority,
)
from crm_core.service_requests import RequestDetail, create_request, get_request

from .crm_schemas import (
    AssignBody,
    FollowUpCompleteBody,
    FollowUpCreateBody,
    RequestCreateBody,
    RequestPatchBody,
    StatusBody,
)
from .routes_crm_edge import READERS, CrmDeps, CrmRoute, blaming, etag, if_match_version, to_json
from .sessions import LoginSession

RequestNumber = Annotated[int, Path(ge=1, le=999_999_999, description="the request's number")]
TaskId = Annotated[int, Path(ge=1, le=2**62, description="the follow-up's id")]
IfMatch = Annotated[str | None, Header(description='optional "<version>" from the ETag')]


def _detail(response: Response, detail: RequestDetail) -> dict[str, Any]:
    response.headers["ETag"] = etag(detail.version)
    answer: dict[str, Any] = to_json(detail)
    return answer


def requests_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/requests", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]

    @router.post("", status_code=201, summary="Open a service request for a contact")
    async def open_request(
        session: User, body: RequestCreateBody, response: Response
    ) -> dict[str, Any]:
        """Answers the request under its new number; its history starts with ``new``."""
        async with deps.sessionmaker.begin() as db:
            with blaming(value="subject", missing={"contact": "contact_id"}):
                summary = await create_request(
                    db,
                    contact_id=body.contact_id,
                    subject=body.subject,
                    description=body.description,
                    category=body.category,
                    priority=body.priority,
                    due_at=body.due_at,
                    actor=session.user.username,
                    now=deps.now(),
                )
            detail = await get_request(db, summary.number)
        assert detail is not None
        response.headers["Location"] = f"/api/crm/requests/{detail.number}"
        return _detail(response, detail)

    @router.get("/{number}", summary="A service request by its number")
    async def read(session: User, number: RequestNumber, response: Response) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            detail = await get_request(db, number)
        if detail is None:
            raise NotFound("service request", number)
        return _detail(response, detail)

    @router.patch("/{number}", summary="Edit a request (needs If-Match)")
    async def edit(
        session: User,
        number: RequestNumber,
        body: RequestPatchBody,
        response: Response,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        """Subject, description, category, priority, due time; only what changed is applied,
        priority and due time with a history line each."""
        expected = if_match_version(if_match, required=True)
        assert expected is not None
        sent = body.model_dump(exclude_unset=True)
        note = sent.pop("note", "")
        texts: dict[str, str] = {
            k: sent.pop(k) for k in ("subject", "description", "category") if k in sent
        }
        if not (texts or sent) or any(v is None for v in texts.values()):
            raise InvalidField("body", "name at least one field to change")
        if "priority" in sent and sent["priority"] is None:
            raise InvalidField("priority", "cannot be null")
        actor, at = session.user.username, deps.now()
        async with deps.sessionmaker.begin() as db:
            detail = await get_request(db, number)
            if detail is None:
                raise NotFound("service request", number)
            if detail.version != expected:
                raise VersionConflict("service request", number, expected, detail.version)
            # The first change re-checks the version under the row lock; the rest follow it.
            check: int | None = expected
            if texts:
                detail = await edit_request(db, number, texts, at=at, expected_version=check)
                check = None
            if "priority" in sent and sent["priority"] != detail.priority:
                detail = await set_priority(
                    db, number, sent["priority"], actor=actor, at=at, note=note,
                    expected_version=check,
                )  # fmt: skip
                check = None
            if "due_at" in sent and sent["due_at"] != detail.due_at:
                detail = await set_due(
                    db, number, sent["due_at"], actor=actor, at=at, note=note,
                    expected_version=check,
                )  # fmt: skip
        return _detail(response, detail)

    @router.post("/{number}/status", summary="Move a request along its lifecycle")
    async def status(
        session: User,
        number: RequestNumber,
        body: StatusBody,
        response: Response,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        """409 with ``current`` and ``target`` for a move the lifecycle does not allow."""
        expected = if_match_version(if_match, required=False)
        async with deps.sessionmaker.begin() as db:
            detail = await change_status(
                db,
                number,
                body.status,
                actor=session.user.username,
                at=deps.now(),
                note=body.note,
                expected_version=expected,
            )
        return _detail(response, detail)

    @router.post("/{number}/assign", summary="Give a request to an agent")
    async def give(
        session: User,
        number: RequestNumber,
        body: AssignBody,
        response: Response,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        """A new request becomes ``assigned``; 422 (``assignee``) for an unknown agent or the
        current assignee."""
        expected = if_match_version(if_match, required=False)
        async with deps.sessionmaker.begin() as db:
            with blaming(value="assignee", missing={"agent": "assignee"}):
                detail = await assign(
                    db,
                    number,
                    body.assignee,
                    actor=session.user.username,
                    at=deps.now(),
                    note=body.note,
                    expected_version=expected,
                )
        return _detail(response, detail)

    @router.get("/{number}/history", summary="Every change to a request, oldest first")
    async def history(session: User, number: RequestNumber) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            changes = await request_history(db, number)
        return {"number": number, "items": to_json(changes)}

    return router


def follow_ups_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/follow-ups", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]

    @router.post("", status_code=201, summary="Schedule a follow-up call or visit")
    async def create(session: User, body: FollowUpCreateBody) -> dict[str, Any]:
        """``assignee`` defaults to the logged-in user, who must then be an agent."""
        assignee = body.assignee if body.assignee is not None else session.user.username
        missing = {
            "contact": "contact_id",
            "agent": "assignee",
            "service request": "request_number",
        }
        async with deps.sessionmaker.begin() as db:
            with blaming(missing=missing):
                task = await create_follow_up(
                    db,
                    contact_id=body.contact_id,
                    subject=body.subject,
                    due_at=body.due_at,
                    assignee=assignee,
                    created_by=session.user.username,
                    request_number=body.request_number,
                    now=deps.now(),
                )
        answer: dict[str, Any] = to_json(task)
        return answer

    @router.get("/due", summary="The logged-in user's open follow-ups due by now (or until)")
    async def due(
        session: User, until: Annotated[AwareDatetime | None, Query()] = None
    ) -> dict[str, Any]:
        """Oldest due first; each item is ``{"task", "overdue"}``."""
        async with deps.sessionmaker() as db:
            tasks = await due_follow_ups(db, session.user.username, at=deps.now(), until=until)
        return {"items": to_json(tasks)}

    @router.get("", summary="One contact's follow-ups, open ones first")
    async def of_contact(
        session: User, contact_id: Annotated[int, Query(ge=1, le=2**62)]
    ) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            return {"items": to_json(await contact_follow_ups(db, contact_id))}

    @router.get("/{task_id}", summary="One follow-up")
    async def read(session: User, task_id: TaskId) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            task = await get_follow_up(db, task_id)
        if task is None:
            raise NotFound("follow-up", task_id)
        answer: dict[str, Any] = to_json(task)
        return answer

    @router.delete("/{task_id}", status_code=204, summary="Cancel an open follow-up")
    async def cancel(session: User, task_id: TaskId) -> Response:
        """409 for a completed task: it stays in the history."""
        async with deps.sessionmaker.begin() as db:
            try:
                await cancel_follow_up(db, task_id)
            except InvalidValue as exc:
                raise HTTPException(409, str(exc)) from exc
        return Response(status_code=204)

    @router.post("/{task_id}/complete", summary="Close a follow-up with its outcome")
    async def complete(
        session: User, task_id: TaskId, body: FollowUpCompleteBody
    ) -> dict[str, Any]:
        """409 if the task was already completed."""
        async with deps.sessionmaker.begin() as db:
            try:
                task = await complete_follow_up(
                    db, task_id, body.outcome, at=deps.now(), note=body.note
                )
            except InvalidValue as exc:
                raise HTTPException(409, str(exc)) from exc
        answer: dict[str, Any] = to_json(task)
        return answer

    return router
