"""The WebSocket endpoint ``/ws``: one socket per open agent page.

Owns the socket's life: the token check at connect (close 4001 when bad), registration
with the hub (which queues ``hello`` and any replay or ``snapshot``), the reader that
validates client commands and answers each with ``ack`` or ``error``, and the hub's
writer that drains the client's outbox. Reader and writer run in one ``TaskGroup``; when
either ends the other is cancelled. The protocol is written down in docs/websocket.md.
"""

import asyncio
import logging
from typing import Any

import orjson
from fastapi import APIRouter, WebSocket
from pydantic import ValidationError
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from crm_core.errors import InvalidField

from .auth import user_json
from .desk import AgentDesk, AgentView, DeskRefused, view_to_json
from .errors import first_error
from .hub import CLOSE_UNAUTHORISED, ClientGone, Hub, HubClient
from .schemas import (
    COMMANDS,
    Command,
    NotReadyCommand,
    PingCommand,
    ReadyCommand,
    SignInCommand,
    SignOutCommand,
    WrapUpCommand,
)
from .sessions import LoginSession, SessionStore

log = logging.getLogger(__name__)

#: Commands are a few hundred bytes; anything far larger is a client bug or abuse.
MAX_COMMAND_BYTES = 16 * 1024


class _Socket:
    """A Starlette WebSocket as the hub's ``Connection``."""

    def __init__(self, websocket: WebSocket) -> None:
        self._ws = websocket

    async def send_text(self, data: str) -> None:
        try:
            await self._ws.send_text(data)
        except (WebSocketDisconnect, WebSocketDisconnected, OSError) as exc:
            raise ClientGone from exc

    async def close(self, code: int, reason: str) -> None:
        try:
            await self._ws.close(code, reason)
        except (WebSocketDisconnect, WebSocketDisconnected, OSError) as exc:
            raise ClientGone from exc


class _CommandError(Exception):
    """A command not carried out; ``client_id`` is the client's id, if it could be read."""

    def __init__(
        self, code: str, message: str, field: str | None = None, client_id: object = None
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.field, self.client_id = code, message, field, client_id


async def execute(desk: AgentDesk, agent_id: str, command: Command) -> AgentView | None:
    """Carry out one command on the desk; the agent's view afterwards."""
    match command:
        case PingCommand():
            return desk.agent_view(agent_id)
        case SignInCommand():
            return await desk.sign_in(agent_id)
        case SignOutCommand():
            return await desk.sign_out(agent_id)
        case NotReadyCommand(reason=reason):
            return await desk.go_not_ready(agent_id, reason)
        case WrapUpCommand(disposition=disposition, notes=notes):
            return await desk.finish_wrap_up(agent_id, disposition, notes)
        case ReadyCommand():
            return await desk.go_ready(agent_id)
    raise _CommandError("unknown_type", f"no handler for {type(command).__name__}", "type")


def parse_command(text: str) -> tuple[object, Command]:
    """The client's id (for the reply) and the validated command; ``_CommandError`` if bad."""
    if len(text) > MAX_COMMAND_BYTES:
        raise _CommandError("too_large", f"a command may have at most {MAX_COMMAND_BYTES} bytes")
    try:
        raw: Any = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise _CommandError("malformed", "not valid JSON") from None
    if not isinstance(raw, dict):
        raise _CommandError("malformed", "a command is a JSON object")
    client_id = raw.get("id") if isinstance(raw.get("id"), str | int) else None
    kind = raw.get("type")
    model = COMMANDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise _CommandError("unknown_type", f"unknown command type {kind!r}", "type", client_id)
    try:
        return client_id, model.model_validate(raw)
    except ValidationError as exc:
        message, field = first_error(exc.errors())
        raise _CommandError("invalid", message, field, client_id) from None


class _AgentSocket:
    """The reader side of one connected socket."""

    def __init__(
        self,
        websocket: WebSocket,
        client: HubClient,
        session: LoginSession,
        *,
        desk: AgentDesk,
        hub: Hub,
        sessions: SessionStore,
    ) -> None:
        self._ws, self._client, self._session = websocket, client, session
        self._desk, self._hub, self._sessions = desk, hub, sessions

    async def serve(self) -> None:
        """Run reader and writer until the peer leaves or the hub closes the socket."""
        async with asyncio.TaskGroup() as group:
            reader = group.create_task(self._read())
            writer = group.create_task(self._client.run())
            writer.add_done_callback(lambda _: reader.cancel())
            reader.add_done_callback(lambda _: writer.cancel())

    async def _read(self) -> None:
        while True:
            message = await self._ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                self._error(None, _CommandError("malformed", "send text frames with JSON"))
                continue
            await self._handle(text)

    async def _handle(self, text: str) -> None:
        client_id: object = None
        try:
            client_id, command = parse_command(text)
            if self._sessions.by_id(self._session.id) is None:
                self._hub.close_session(self._session.id, "session expired")
                return
            if not isinstance(command, PingCommand) and self._session.user.role != "agent":
                raise _CommandError("forbidden", "only agents have a desk")
            view = await execute(self._desk, self._session.user.username, command)
        except _CommandError as exc:
            self._error(exc.client_id if client_id is None else client_id, exc)
        except DeskRefused as exc:
            self._error(client_id, _CommandError("refused", exc.message))
        except InvalidField as exc:  # crm_core refusing the wrap-up's code or notes
            self._error(client_id, _CommandError("invalid", exc.reason, exc.field))
        except Exception:
            # A bug behind the desk must not take the agent's socket down with it.
            log.exception("a command of %s failed", self._session.user.username)
            self._error(client_id, _CommandError("internal", "internal error"))
        else:
            self._hub.reply(self._client, "ack", {"id": client_id, "agent": view_to_json(view)})

    def _error(self, client_id: object, exc: _CommandError) -> None:
        data = {"id": client_id, "code": exc.code, "error": exc.message, "field": exc.field}
        self._hub.reply(self._client, "error", data)


def _int_or_none(text: str | None) -> int | None:
    try:
        return None if text is None else int(text)
    except ValueError:
        return None


def ws_router(*, desk: AgentDesk, hub: Hub, sessions: SessionStore) -> APIRouter:
    """The ``/ws`` endpoint."""
    router = APIRouter()

    @router.websocket("/ws")
    async def agent_socket(websocket: WebSocket) -> None:
        # Accept first: a close code can only be sent on an open socket, and the page
        # needs 4001 (not an HTTP 403) to know it should fetch a new token.
        await websocket.accept()
        query = websocket.query_params
        session = sessions.redeem_ws_token(query.get("token"))
        if session is None:
            await websocket.close(CLOSE_UNAUTHORISED, "invalid or expired token")
            return
        agent_id = session.user.username
        client = hub.connect(
            _Socket(websocket),
            agent_id=agent_id,
            role=session.user.role,
            session_id=session.id,
            state={
                "user": user_json(session.user),
                "agent": view_to_json(desk.agent_view(agent_id)),
            },
            resume_from=_int_or_none(query.get("resume_from")),
            epoch=query.get("epoch"),
        )
        try:
            await _AgentSocket(
                websocket, client, session, desk=desk, hub=hub, sessions=sessions
            ).serve()
        finally:
            hub.disconnect(client)

    return router
