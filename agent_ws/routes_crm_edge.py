"""What every CRM route shares: turning crm_core's refusals into HTTP answers, the clock as
an aware UTC datetime, ``If-Match`` versions, and JSON of crm_core's dataclasses.

Owns ``CrmRoute``, a route class that answers a ``CrmError`` in the edge's error shape
(``{"error", "field"}``) without app-level handlers, so the CRM routers can be included into
any app. It decides nothing about the CRM: it only maps typed errors to status codes.
"""

import re
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from crm_core.errors import (
    AlreadyExists,
    CrmError,
    DuplicateInteraction,
    IllegalTransition,
    InvalidField,
    InvalidPhoneNumber,
    InvalidValue,
    NotFound,
    NotYourInteraction,
    VersionConflict,
)

from .auth import Auth
from .campaign_desk import CampaignDesk
from .clock import Clock
from .roster import AgentRoster

if TYPE_CHECKING:  # SQLAlchemy stays crm_core's business; the edge only passes this along
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

READERS = ("agent", "supervisor", "admin")
LEADS = ("supervisor", "admin")


@dataclass(frozen=True, slots=True)
class CrmDeps:
    """What the CRM routers are built from."""

    sessionmaker: "async_sessionmaker[AsyncSession]"
    auth: Auth
    clock: Clock
    default_region: str
    #: The dialer's runtime, told each life-cycle move (None: nobody dials).
    campaigns: CampaignDesk | None = None
    #: The running ACD, told each stored edit of the agents (None: no daemon to tell).
    roster: AgentRoster | None = None

    def now(self) -> datetime:
        """The injected clock's wall time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock.now(), UTC)


def refusal(exc: CrmError) -> JSONResponse:
    """The HTTP answer to one of crm_core's typed refusals."""
    if isinstance(exc, NotFound):
        return JSONResponse({"error": str(exc)}, status_code=404)
    if isinstance(exc, InvalidField):
        return JSONResponse({"error": exc.reason, "field": exc.field}, status_code=422)
    if isinstance(exc, InvalidValue | InvalidPhoneNumber):
        return JSONResponse({"error": str(exc), "field": "body"}, status_code=422)
    if isinstance(exc, VersionConflict):
        body = {"error": str(exc), "current_version": exc.actual}
        return JSONResponse(body, status_code=409, headers={"ETag": etag(exc.actual)})
    if isinstance(exc, IllegalTransition):
        body = {"error": str(exc), "current": exc.current, "target": exc.target}
        return JSONResponse(body, status_code=409)
    if isinstance(exc, NotYourInteraction):
        return JSONResponse({"error": str(exc)}, status_code=403)
    if isinstance(exc, AlreadyExists | DuplicateInteraction):
        return JSONResponse({"error": str(exc)}, status_code=409)
    return JSONResponse({"error": str(exc)}, status_code=409)


class CrmRoute(APIRoute):
    """An ``APIRoute`` whose handler answers crm_core's refusals (see ``refusal``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except CrmError as exc:
                return refusal(exc)

        return handle


@contextmanager
def blaming(
    *, phone: str | None = None, value: str | None = None, missing: dict[str, str] | None = None
) -> Iterator[None]:
    """Refusals about one input field become ``InvalidField`` naming it: a bad phone number
    (``phone``), a plain ``InvalidValue`` (``value``), or a ``NotFound`` of a referenced thing
    (``missing``: what → field; an agent named in the body that does not exist is bad input,
    not a missing resource)."""
    try:
        yield
    except InvalidField:
        raise
    except InvalidPhoneNumber as exc:
        if phone is None:
            raise
        raise InvalidField(phone, str(exc)) from exc
    except InvalidValue as exc:
        if value is None:
            raise
        raise InvalidField(value, str(exc)) from exc
    except NotFound as exc:
        field = (missing or {}).get(exc.what)
        if field is None:
            raise
        raise InvalidField(field, str(exc)) from exc


def etag(version: int) -> str:
    return f'"{version}"'


_IF_MATCH = re.compile(r'\s*(?:W/)?"?(\d{1,18})"?\s*')


def if_match_version(header: str | None, *, required: bool) -> int | None:
    """The version an ``If-Match: "<version>"`` header names; 428 if required and absent."""
    if header is None or not header.strip():
        if required:
            raise HTTPException(428, 'send If-Match: "<version>" from the ETag you read')
        return None
    found = _IF_MATCH.fullmatch(header)
    if found is None:
        raise InvalidField("If-Match", 'must be "<version>" as sent in the ETag')
    return int(found.group(1))


def to_json(value: object) -> Any:
    """crm_core's dataclasses as JSON values: enums as their text, times in ISO 8601."""
    return jsonable_encoder(value)
