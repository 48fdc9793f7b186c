"""REST route of the audit log: ``GET /api/supervisor/audit`` (roles supervisor, admin).

Newest first, ``limit`` rows a page; ``next_before`` in the answer is the ``before`` of the
next (older) page, null on the last. Filters: ``actor``, ``action``, ``agent_id``,
``call_id``, and ``from``/``to`` (aware ISO times, ``to`` excluded).
"""

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import AwareDatetime

from crm_core.audit import MAX_PAGE, AuditFilter, AuditRecord, audit_page

from .auth import Auth
from .sessions import LoginSession

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Name = Annotated[str | None, Query(min_length=1, max_length=64)]


def _entry(record: AuditRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "at": record.at.isoformat(),
        "actor": record.actor,
        "action": record.action,
        "agent_id": record.agent_id,
        "call_id": record.call_id,
        "details": record.details,
    }


def audit_router(*, sessionmaker: "async_sessionmaker[AsyncSession]", auth: Auth) -> APIRouter:
    router = APIRouter(prefix="/api/supervisor", tags=["supervisor"])
    Lead = Annotated[LoginSession, Depends(auth.require("supervisor", "admin"))]

    @router.get("/audit")
    async def audit(
        session: Lead,
        actor: Name = None,
        action: Name = None,
        agent_id: Name = None,
        call_id: Name = None,
        start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
        end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
        before: Annotated[int | None, Query(ge=1)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    ) -> dict[str, object]:
        if start is not None and end is not None and end <= start:
            raise RequestValidationError(
                [{"loc": ("query", "to"), "msg": "to must be after from", "type": "value_error"}]
            )
        where = AuditFilter(actor, action, agent_id, call_id, start, end)
        async with sessionmaker() as db:
            page = await audit_page(db, where, before=before, limit=limit)
        return {"items": [_entry(e) for e in page.entries], "next_before": page.next_before}

    return router
