"""REST routes of the CRM's lists and files: do-not-call, CSV import/export, value pyramid.

Owns ``/api/crm/do-not-call…``, ``POST /api/crm/contacts/import`` (a ``text/csv`` body of at
most ``max_import_bytes``; 413 beyond), ``GET /api/crm/contacts/export`` and
``GET /api/crm/value-pyramid``. Removing a do-not-call entry and importing contacts need
the role supervisor or admin. The CSV format and its checks are crm_core's.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from crm_core.contacts_csv import COLUMNS, export_contacts_csv, import_contacts_csv
from crm_core.do_not_call import add_do_not_call, get_do_not_call, remove_do_not_call
from crm_core.errors import InvalidField, InvalidValue, NotFound
from crm_core.value import value_pyramid
from crm_core.vocabulary import Tier

from .crm_schemas import DoNotCallBody
from .routes_crm_edge import LEADS, READERS, CrmDeps, CrmRoute, blaming, to_json
from .sessions import LoginSession

Number = Annotated[str, Path(min_length=1, max_length=40, description="a phone number")]
CSV_TYPES = ("text/csv", "text/plain", "application/csv")
CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": f"UTF-8 CSV with a header naming some of: {', '.join(COLUMNS)}",
    }
}


def do_not_call_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/do-not-call", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]
    Lead = Annotated[LoginSession, Depends(deps.auth.require(*LEADS))]

    @router.post("", summary="List a number as do-not-call (replaces an existing entry)")
    async def add(session: User, body: DoNotCallBody) -> dict[str, Any]:
        """The number is stored in E.164; 422 (``number``) if it is not dialable."""
        async with deps.sessionmaker.begin() as db:
            with blaming(phone="number"):
                entry = await add_do_not_call(
                    db,
                    body.number,
                    reason=body.reason,
                    source=body.source,
                    expires_at=body.expires_at,
                    default_region=deps.default_region,
                    now=deps.now(),
                )
        answer: dict[str, Any] = to_json(entry)
        return answer

    @router.get("/{number}", summary="The do-not-call entry of a number")
    async def read(session: User, number: Number) -> dict[str, Any]:
        """``active`` is false once the entry has expired; 404 if the number is not listed."""
        now = deps.now()
        async with deps.sessionmaker() as db:
            with blaming(phone="number"):
                entry = await get_do_not_call(db, number, default_region=deps.default_region)
        if entry is None:
            raise NotFound("do-not-call entry", number)
        answer: dict[str, Any] = to_json(entry)
        answer["active"] = entry.expires_at is None or entry.expires_at > now
        return answer

    @router.delete("/{number}", status_code=204, summary="Take a number off the list")
    async def remove(session: Lead, number: Number) -> Response:
        async with deps.sessionmaker.begin() as db:
            with blaming(phone="number"):
                await remove_do_not_call(db, number, default_region=deps.default_region)
        return Response(status_code=204)

    return router


def files_router(deps: CrmDeps, *, max_import_bytes: int) -> APIRouter:
    """CSV routes; include them before ``/api/crm/contacts/{contact_id}``."""
    router = APIRouter(prefix="/api/crm", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]
    Lead = Annotated[LoginSession, Depends(deps.auth.require(*LEADS))]

    @router.post("/contacts/import", summary="Import contacts from CSV", openapi_extra=CSV_BODY)
    async def import_csv(session: Lead, request: Request) -> dict[str, Any]:
        """Good rows land, each whole; ``errors`` lists every refused row as ``{line,
        reason}`` (line 1 is the header). 413 over the size limit; 422 (``header``) for an
        unusable header."""
        text = await csv_text(request, max_import_bytes)
        try:
            report = await import_contacts_csv(
                deps.sessionmaker, text, default_region=deps.default_region, now=deps.now()
            )
        except InvalidValue as exc:
            raise InvalidField("header", str(exc)) from exc
        return {
            "imported": report.imported,
            "contact_ids": report.contact_ids,
            "errors": to_json(report.errors),
        }

    @router.get(
        "/contacts/export",
        summary="All contacts (or one tier's) as CSV",
        response_class=Response,
        responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
    )
    async def export_csv(session: User, tier: Tier | None = None) -> Response:
        """The columns import reads; phones in E.164."""
        async with deps.sessionmaker() as db:
            text = await export_contacts_csv(db, tier=tier)
        headers = {"Content-Disposition": 'attachment; filename="contacts.csv"'}
        return Response(text, media_type="text/csv; charset=utf-8", headers=headers)

    @router.get("/value-pyramid", summary="Contacts per tier and value band")
    async def pyramid(session: User) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            found = await value_pyramid(db)
        answer: dict[str, Any] = to_json(found)
        return answer

    return router


async def csv_text(request: Request, limit: int) -> str:
    """The UTF-8 text of a CSV body of at most ``limit`` bytes (415, 413, 422 otherwise)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in CSV_TYPES:
        raise HTTPException(415, "send the file as text/csv")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the file is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"the file is larger than {limit} bytes")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidField("body", "the file is not UTF-8 text") from None
