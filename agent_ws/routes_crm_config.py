"""REST routes of the CRM's configuration: disposition codes, hotlines and queues.

Owns ``/api/crm/disposition-codes…``, ``/api/crm/hotlines…`` and ``/api/crm/queues…``.
Everyone logged in reads them (the agent page lists the active codes); creating, changing
and removing them needs the role supervisor or admin. Reads answer with
``ETag: "<version>"``; ``PATCH`` and the hotline's and queue's ``DELETE`` need it back in
``If-Match`` (428 without, 409 with the current version when stale). Removing a code that
calls already carry deactivates it instead (the answer says which). The rules are
crm_core's.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Response
from pydantic import BaseModel

from crm_core.dispositions import (
    DispositionCodeRecord,
    create_disposition_code,
    get_disposition_code,
    list_disposition_codes,
    remove_disposition_code,
    update_disposition_code,
)
from crm_core.errors import InvalidField, NotFound
from crm_core.routing import (
    HotlineRecord,
    QueueRecord,
    create_hotline,
    create_queue,
    delete_hotline,
    delete_queue,
    get_hotline,
    get_queue,
    list_hotlines,
    list_queues,
    update_hotline,
    update_queue,
)

from .crm_schemas import (
    DispositionCodeBody,
    DispositionCodePatchBody,
    HotlineBody,
    HotlinePatchBody,
    QueueBody,
    QueuePatchBody,
)
from .routes_crm_edge import LEADS, READERS, CrmDeps, CrmRoute, etag, if_match_version, to_json
from .sessions import LoginSession

Code = Annotated[str, Path(min_length=1, max_length=64, description="the disposition code")]
Dnis = Annotated[str, Path(min_length=1, max_length=32, description="the dialled number")]
QueueName = Annotated[str, Path(min_length=1, max_length=64, description="the queue's name")]
IfMatch = Annotated[str | None, Header(description='"<version>" from the ETag')]


def _answer(
    response: Response, record: DispositionCodeRecord | HotlineRecord | QueueRecord
) -> dict[str, Any]:
    response.headers["ETag"] = etag(record.version)
    body: dict[str, Any] = to_json(record)
    return body


def _required(header: str | None) -> int:
    expected = if_match_version(header, required=True)
    assert expected is not None
    return expected


def disposition_codes_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/disposition-codes", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]
    Lead = Annotated[LoginSession, Depends(deps.auth.require(*LEADS))]

    @router.get("", summary="Wrap-up codes, by category")
    async def listing(session: User, include_inactive: bool = False) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            codes = await list_disposition_codes(db, include_inactive=include_inactive)
        return {"items": to_json(codes)}

    @router.post("", status_code=201, summary="Add a wrap-up code")
    async def create(
        session: Lead, body: DispositionCodeBody, response: Response
    ) -> dict[str, Any]:
        """409 if the code exists (also when it was deactivated: reactivate it instead)."""
        async with deps.sessionmaker.begin() as db:
            record = await create_disposition_code(
                db,
                code=body.code,
                label=body.label,
                category=body.category,
                requires_note=body.requires_note,
            )
        response.headers["Location"] = f"/api/crm/disposition-codes/{record.code}"
        return _answer(response, record)

    @router.get("/{code}", summary="One wrap-up code")
    async def read(session: User, code: Code, response: Response) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            record = await get_disposition_code(db, code)
        if record is None:
            raise NotFound("disposition code", code)
        return _answer(response, record)

    @router.patch("/{code}", summary="Change a wrap-up code (needs If-Match)")
    async def patch(
        session: Lead,
        code: Code,
        body: DispositionCodePatchBody,
        response: Response,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        """``active: false`` retires a code; ``true`` brings it back."""
        expected = _required(if_match)
        changes = _changes(body)
        async with deps.sessionmaker.begin() as db:
            record = await update_disposition_code(db, code, expected, changes)
        return _answer(response, record)

    @router.delete("/{code}", summary="Remove a wrap-up code, or deactivate one calls carry")
    async def remove(session: Lead, code: Code) -> dict[str, Any]:
        """``{"code", "removal": "deleted" | "deactivated"}``."""
        async with deps.sessionmaker.begin() as db:
            removal = await remove_disposition_code(db, code)
        return {"code": code, "removal": removal.value}

    return router


def _changes(body: BaseModel) -> dict[str, Any]:
    """The fields a PATCH sets; at least one, none of them null (422 naming the body)."""
    changes = body.model_dump(exclude_unset=True)
    if not changes or any(v is None for v in changes.values()):
        raise InvalidField("body", "name at least one field to change, none of them null")
    return changes


def hotlines_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/hotlines", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]
    Lead = Annotated[LoginSession, Depends(deps.auth.require(*LEADS))]

    @router.get("", summary="Every hotline, by DNIS")
    async def listing(session: User) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            return {"items": to_json(await list_hotlines(db))}

    @router.post("", status_code=201, summary="Add a hotline")
    async def create(session: Lead, body: HotlineBody, response: Response) -> dict[str, Any]:
        """409 if the DNIS already has a hotline."""
        async with deps.sessionmaker.begin() as db:
            record = await create_hotline(db, **body.model_dump())
        response.headers["Location"] = f"/api/crm/hotlines/{record.dnis}"
        return _answer(response, record)

    @router.get("/{dnis}", summary="The hotline of a dialled number")
    async def read(session: User, dnis: Dnis, response: Response) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            record = await get_hotline(db, dnis)
        if record is None:
            raise NotFound("hotline", dnis)
        return _answer(response, record)

    @router.patch("/{dnis}", summary="Change a hotline (needs If-Match)")
    async def patch(
        session: Lead,
        dnis: Dnis,
        body: HotlinePatchBody,
        response: Response,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        expected = _required(if_match)
        changes = _changes(body)
        async with deps.sessionmaker.begin() as db:
            record = await update_hotline(db, dnis, expected, changes)
        return _answer(response, record)

    @router.delete("/{dnis}", status_code=204, summary="Remove a hotline (needs If-Match)")
    async def remove(session: Lead, dnis: Dnis, if_match: IfMatch = None) -> Response:
        expected = _required(if_match)
        async with deps.sessionmaker.begin() as db:
            await delete_hotline(db, dnis, expected)
        return Response(status_code=204)

    return router


def queues_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/queues", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]
    Lead = Annotated[LoginSession, Depends(deps.auth.require(*LEADS))]

    @router.get("", summary="Every queue, by name")
    async def listing(session: User) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            return {"items": to_json(await list_queues(db))}

    @router.post("", status_code=201, summary="Add a queue (the daemon reads it at start)")
    async def create(session: Lead, body: QueueBody, response: Response) -> dict[str, Any]:
        """409 if the name is taken."""
        async with deps.sessionmaker.begin() as db:
            record = await create_queue(db, **body.model_dump())
        response.headers["Location"] = f"/api/crm/queues/{record.name}"
        return _answer(response, record)

    @router.get("/{name}", summary="One queue")
    async def read(session: User, name: QueueName, response: Response) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            record = await get_queue(db, name)
        if record is None:
            raise NotFound("queue", name)
        return _answer(response, record)

    @router.patch("/{name}", summary="Change a queue (needs If-Match)")
    async def patch(
        session: Lead,
        name: QueueName,
        body: QueuePatchBody,
        response: Response,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        expected = _required(if_match)
        changes = _changes(body)
        async with deps.sessionmaker.begin() as db:
            record = await update_queue(db, name, expected, changes)
        return _answer(response, record)

    @router.delete("/{name}", status_code=204, summary="Remove a queue (needs If-Match)")
    async def remove(session: Lead, name: QueueName, if_match: IfMatch = None) -> Response:
        """Interactions and campaigns keep the queue's name as text."""
        expected = _required(if_match)
        async with deps.sessionmaker.begin() as db:
            await delete_queue(db, name, expected)
        return Response(status_code=204)

    return router
