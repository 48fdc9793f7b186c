"""The browser pages: ``/``, ``/login``, ``/agent``, ``/supervisor``, ``/docs`` and static files.

Owns which page a browser gets (a page that needs a login redirects to ``/login``) and
the headers that keep the pages to their own origin. The pages are plain HTML, CSS and
JavaScript in ``static/``, with no build step and nothing loaded from elsewhere (the
call centre may have no internet). What the pages do is in ``static/*.js``.
"""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.responses import Response

from .auth import COOKIE
from .sessions import SessionStore

STATIC_DIR = Path(__file__).parent / "static"

#: Scripts and styles come only from our own files; no inline script can run.
_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC_DIR / name, media_type="text/html", headers=_PAGE_HEADERS)


def pages_router(*, sessions: SessionStore) -> APIRouter:
    """The HTML pages; the cookie decides between a page and a redirect to ``/login``."""
    router = APIRouter(include_in_schema=False)

    def logged_in(request: Request) -> bool:
        return sessions.get(request.cookies.get(COOKIE)) is not None

    def home(request: Request) -> str:
        """Where a user lands: team leads on the wallboard, agents at their desk."""
        session = sessions.get(request.cookies.get(COOKIE))
        if session is None:
            return "/login"
        return "/supervisor" if session.user.role in {"supervisor", "admin"} else "/agent"

    @router.get("/")
    async def root(request: Request) -> Response:
        return RedirectResponse(home(request), status_code=303)

    @router.get("/login")
    async def login_page(request: Request) -> Response:
        if logged_in(request):
            return RedirectResponse(home(request), status_code=303)
        return _page("login.html")

    @router.get("/supervisor")
    async def supervisor_page(request: Request) -> Response:
        if not logged_in(request):
            return RedirectResponse("/login", status_code=303)
        return _page("supervisor.html")

    @router.get("/docs")
    async def api_docs() -> Response:
        """The API reference, public like the schema it renders (no CDN: FastAPI's own
        Swagger page loads its scripts from the internet, which a call centre may not reach)."""
        return _page("docs.html")

    @router.get("/agent")
    async def agent_page(request: Request) -> Response:
        if not logged_in(request):
            return RedirectResponse("/login", status_code=303)
        return _page("agent.html")

    return router
