"""Login sessions and WebSocket tokens, held in memory.

Owns who is logged in: a session per successful login, found by the random token in the
``cc_session`` cookie, and short-lived single-use tokens that let a page open its
WebSocket (a browser cannot set headers on a WebSocket, and a token in the URL should be
worthless once used). Expiry follows the injected ``Clock``. It knows nothing of HTTP or
passwords; a restart logs everyone out, which the pages handle by going to ``/login``.
"""

import secrets
from dataclasses import dataclass

from .clock import Clock


@dataclass(frozen=True, slots=True)
class SessionUser:
    """The logged-in user, as the edge needs it."""

    username: str
    display_name: str
    #: ``agent``, ``supervisor`` or ``admin``.
    role: str


@dataclass(frozen=True, slots=True)
class LoginSession:
    """One login. ``id`` is not secret: it labels the session's sockets; the token is."""

    id: str
    user: SessionUser
    expires_at: float


@dataclass(frozen=True, slots=True)
class _WsToken:
    session_id: str
    expires_at: float


class SessionStore:
    """Sessions by cookie token, and WebSocket tokens that lead back to a session."""

    def __init__(
        self, clock: Clock, *, session_ttl: float = 12 * 3600.0, ws_token_ttl: float = 300.0
    ) -> None:
        #: A shift plus overtime; a session does not slide, so a stolen cookie ages out.
        self.session_ttl = session_ttl
        self.ws_token_ttl = ws_token_ttl
        self._clock = clock
        self._sessions: dict[str, LoginSession] = {}
        self._token_by_id: dict[str, str] = {}
        self._ws_tokens: dict[str, _WsToken] = {}

    def open(self, user: SessionUser) -> tuple[str, LoginSession]:
        """Start a session; return the cookie token and the session."""
        self._prune()
        token = secrets.token_urlsafe(32)
        session = LoginSession(
            id=secrets.token_hex(8),
            user=user,
            expires_at=self._clock.now() + self.session_ttl,
        )
        self._sessions[token] = session
        self._token_by_id[session.id] = token
        return token, session

    def get(self, token: str | None) -> LoginSession | None:
        """The live session for a cookie token, or None (unknown or expired)."""
        if not token:
            return None
        session = self._sessions.get(token)
        if session is None:
            return None
        if session.expires_at <= self._clock.now():
            self._forget(token, session)
            return None
        return session

    def close(self, token: str | None) -> LoginSession | None:
        """End a session and void its unused WebSocket tokens; return what was ended."""
        session = self.get(token)
        if session is None or token is None:
            return None
        self._forget(token, session)
        self._ws_tokens = {k: t for k, t in self._ws_tokens.items() if t.session_id != session.id}
        return session

    def by_id(self, session_id: str) -> LoginSession | None:
        """The live session with this id (sockets check it before each command)."""
        return self.get(self._token_by_id.get(session_id))

    def issue_ws_token(self, session: LoginSession) -> str:
        """A fresh single-use WebSocket token for a session."""
        ws_token = secrets.token_urlsafe(24)
        expires_at = min(self._clock.now() + self.ws_token_ttl, session.expires_at)
        self._ws_tokens[ws_token] = _WsToken(session.id, expires_at)
        return ws_token

    def redeem_ws_token(self, ws_token: str | None) -> LoginSession | None:
        """Use up a WebSocket token; the session it was issued for, if both are live."""
        entry = self._ws_tokens.pop(ws_token or "", None)
        if entry is None or entry.expires_at <= self._clock.now():
            return None
        return self.by_id(entry.session_id)

    def _forget(self, token: str, session: LoginSession) -> None:
        del self._sessions[token]
        self._token_by_id.pop(session.id, None)

    def _prune(self) -> None:
        """Drop what has expired, so abandoned logins do not pile up."""
        now = self._clock.now()
        for token, session in list(self._sessions.items()):
            if session.expires_at <= now:
                self._forget(token, session)
        self._ws_tokens = {k: t for k, t in self._ws_tokens.items() if t.expires_at > now}
