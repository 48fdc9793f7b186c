"""Matching AMI answers to the actions that asked for them.

Owns: the table of actions waiting for an answer, keyed by ActionID; deciding
which received frames belong to which action (the ``Response``, then, for
``EventList: start`` answers, every item up to the ``...Complete`` event); and
resolving or failing their futures. Must not do I/O: ``ami_client`` writes the
actions and feeds every received frame through ``offer``.

Asterisk 22 facts this relies on (fixtures b, d1, e1): list items carry the
action's ActionID anywhere in the frame; unrelated events may arrive between
the response and the items; an ``OriginateResponse`` echoes the ActionID after
the response, and is an ordinary event for everyone else.
"""

import asyncio
from dataclasses import dataclass, field

from cti.ami_codec import AmiMessage
from cti.errors import ActionFailed, LinkDown


@dataclass(frozen=True, slots=True)
class AmiResponse:
    """The answer to one action: its ``Response`` frame plus any ``EventList`` items."""

    response: str
    message: str
    headers: AmiMessage
    events: list[AmiMessage] = field(default_factory=list)
    complete: AmiMessage | None = None


@dataclass(slots=True)
class _Pending:
    action: str
    future: asyncio.Future[AmiResponse]
    response: AmiMessage | None = None
    events: list[AmiMessage] = field(default_factory=list)


class PendingActions:
    """Actions in flight. ``register`` one, ``offer`` every frame, ``fail_all`` on link loss."""

    def __init__(self) -> None:
        self._waiting: dict[str, _Pending] = {}

    def __len__(self) -> int:
        return len(self._waiting)

    def register(self, action: str, action_id: str) -> asyncio.Future[AmiResponse]:
        future: asyncio.Future[AmiResponse] = asyncio.get_running_loop().create_future()
        self._waiting[action_id] = _Pending(action, future)
        return future

    def discard(self, action_id: str) -> None:
        """Forget an action whose caller stopped waiting (timeout, cancellation)."""
        self._waiting.pop(action_id, None)

    def offer(self, msg: AmiMessage) -> bool:
        """Give a received frame to the action it answers; False when it answers none."""
        if not self._waiting:
            return False  # reading ActionID costs a header index: skip it when nothing waits
        action_id = msg.action_id
        pending = self._waiting.get(action_id) if action_id is not None else None
        if pending is None or action_id is None:
            return False
        if msg.kind == "response":
            if pending.response is not None:
                return False
            pending.response = msg
            if msg.name == "Error":
                self._fail(action_id, ActionFailed(pending.action, msg.get("Message") or ""))
            elif msg.get("EventList") != "start":
                self._resolve(action_id, None)
            return True
        if pending.response is None or pending.response.get("EventList") != "start":
            return False  # e.g. OriginateResponse: an ordinary event echoing our ActionID
        if msg.get("EventList") == "Complete":
            self._resolve(action_id, msg)
        else:
            pending.events.append(msg)
        return True

    def fail_all(self, reason: str) -> None:
        waiting, self._waiting = self._waiting, {}
        for pending in waiting.values():
            if not pending.future.done():
                pending.future.set_exception(LinkDown(reason))

    def _fail(self, action_id: str, error: Exception) -> None:
        pending = self._waiting.pop(action_id)
        if not pending.future.done():
            pending.future.set_exception(error)

    def _resolve(self, action_id: str, complete: AmiMessage | None) -> None:
        pending = self._waiting.pop(action_id)
        response = pending.response
        if pending.future.done() or response is None:
            return
        pending.future.set_result(
            AmiResponse(
                response=response.name,
                message=response.get("Message") or "",
                headers=response,
                events=pending.events,
                complete=complete,
            )
        )
