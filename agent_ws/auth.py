"""Login, logout, and the session and role checks protected routes depend on.

Owns ``POST /api/login`` (username and password checked by ``crm_core.users.authenticate``,
argon2 behind it; per-account throttling; a server-side session in the HTTP-only ``cc_session``
cookie, and a short-lived WebSocket token in the answer), ``POST /api/logout`` and
``GET /api/session``, plus ``Auth``, whose ``session`` and ``require(*roles)`` are the
route dependencies (401 without a live session, 403 for a role not allowed).
Passwords are never logged or kept; sessions live in ``SessionStore``.
"""

import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Cookie, Depends, HTTPException, Request, Response

from crm_core.users import authenticate

from .clock import Clock
from .hub import Hub
from .schemas import LoginBody
from .sessions import LoginSession, SessionStore, SessionUser
from .throttle import LoginThrottle

if TYPE_CHECKING:  # SQLAlchemy stays crm_core's business; the edge only passes this along
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

__all__ = ["COOKIE", "Auth", "Clock", "auth_router", "user_json"]

COOKIE = "cc_session"
SessionCookie = Annotated[str | None, Cookie(alias=COOKIE)]


def user_json(user: SessionUser) -> dict[str, object]:
    """The user as the pages see it."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role}


class Auth:
    """Route dependencies that resolve the caller's session from the cookie."""

    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions

    # Both dependencies are ``async`` on purpose: FastAPI runs a plain ``def`` dependency
    # in a worker thread, a thread hop per request for an in-memory dictionary look-up.
    async def session(self, cc_session: SessionCookie = None) -> LoginSession:
        """The caller's live session; 401 without one."""
        session = self.sessions.get(cc_session)
        if session is None:
            raise HTTPException(401, "not logged in")
        return session

    def require(self, *roles: str) -> Callable[[LoginSession], Awaitable[LoginSession]]:
        """A dependency admitting a live session whose role is one of ``roles``; else 403."""

        async def dependency(
            session: Annotated[LoginSession, Depends(self.session)],
        ) -> LoginSession:
            if session.user.role not in roles:
                raise HTTPException(403, f"this needs the role {' or '.join(roles)}")
            return session

        return dependency


async def _check_credentials(
    sessionmaker: "async_sessionmaker[AsyncSession]", body: LoginBody
) -> SessionUser | None:
    # crm_core runs argon2 in a thread, between short transactions, spends the same effort
    # on unknown names, and upgrades an outdated hash in place.
    record = await authenticate(sessionmaker, body.username, body.password)
    if record is None:
        return None
    return SessionUser(record.username, record.display_name, str(record.role))


def auth_router(
    *,
    sessionmaker: "async_sessionmaker[AsyncSession]",
    sessions: SessionStore,
    throttle: LoginThrottle,
    hub: Hub,
    auth: Auth,
    secure_cookies: bool = False,
    address_throttle: LoginThrottle | None = None,
) -> APIRouter:
    """The login, logout and session routes.

    Failed logins are throttled per account and, more loosely, per client address: many
    agents of one office share an address, so its limit must let a shift sign in while
    still stopping one machine from trying password after password across accounts.
    """
    router = APIRouter(prefix="/api", tags=["auth"])

    @router.post("/login")
    async def login(body: LoginBody, request: Request, response: Response) -> dict[str, object]:
        address = request.client.host if request.client else "unknown"
        waits = [throttle.retry_after(body.username)]
        if address_throttle is not None:
            waits.append(address_throttle.retry_after(address))
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            headers = {"Retry-After": str(max(math.ceil(wait), 1))}
            raise HTTPException(429, "too many failed logins; try again later", headers)
        user = await _check_credentials(sessionmaker, body)
        if user is None:
            throttle.failed(body.username)
            if address_throttle is not None:
                address_throttle.failed(address)
            raise HTTPException(401, "invalid username or password")
        throttle.succeeded(body.username)
        token, session = sessions.open(user)
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(sessions.session_ttl),
            path="/",
            secure=secure_cookies,
            httponly=True,
            samesite="lax",
        )
        return {"user": user_json(user), "ws_token": sessions.issue_ws_token(session)}

    @router.post("/logout", status_code=204)
    async def logout(cc_session: SessionCookie = None) -> Response:
        session = sessions.close(cc_session)
        if session is not None:
            hub.close_session(session.id)
        response = Response(status_code=204)
        response.delete_cookie(
            COOKIE, path="/", secure=secure_cookies, httponly=True, samesite="lax"
        )
        return response

    @router.get("/session")
    async def current(
        session: Annotated[LoginSession, Depends(auth.session)],
    ) -> dict[str, object]:
        return {"user": user_json(session.user), "ws_token": sessions.issue_ws_token(session)}

    return router
