"""The error bodies of the HTTP edge.

Owns one JSON shape for every refusal, ``{"error": message}`` plus ``"field"`` when one
input field is to blame, and the handlers that produce it for FastAPI's validation
errors (422), HTTP errors (401, 403, 404, 429) and the desk's refusals (409). The
WebSocket's ``error`` message uses the same ``error``/``field`` keys.
"""

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from .desk import DeskRefused

# Where pydantic says an error is: the first element names the request part, not a field.
_REQUEST_PARTS = {"body", "query", "path", "header", "cookie"}


def field_of(error: Any) -> str | None:
    """The dotted field name a pydantic error blames, or None for the input as a whole."""
    if error.get("type") == "json_invalid":
        return None  # its location is a character offset, not a field
    parts = [str(p) for p in error.get("loc", ())]
    if parts and parts[0] in _REQUEST_PARTS:
        parts = parts[1:]
    return ".".join(parts) or None


def first_error(errors: Sequence[Any]) -> tuple[str, str | None]:
    """The message and field of the first pydantic error, for a one-line answer."""
    if not errors:
        return "invalid input", None
    return str(errors[0].get("msg", "invalid input")), field_of(errors[0])


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    message, field = first_error(errors)
    detail = [{"field": field_of(e), "error": e.get("msg")} for e in errors]
    return JSONResponse(
        {"error": message, "field": field or "body", "detail": detail}, status_code=422
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _desk_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DeskRefused)
    return JSONResponse({"error": exc.message}, status_code=409)


def install_error_handlers(app: FastAPI) -> None:
    """Make every refusal of ``app`` answer in the shape above."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(DeskRefused, _desk_refused)
