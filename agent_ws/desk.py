"""The seam between the HTTP/WebSocket edge and the agent's side of the ACD.

Owns ``AgentDesk``, the protocol the composition root implements over the ACD, the
``AgentView`` it answers with, and ``DeskRefused`` for requests the ACD's rules turn down.
It makes no routing decisions and knows nothing of HTTP: routes and the WebSocket call
these methods and turn the answers into JSON with ``view_to_json``.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AgentView:
    """What an agent's page shows about the agent right now."""

    agent_id: str
    display_name: str
    #: The ACD's state name (``signed_out``, ``ready``, ``not_ready``, ``on_call``, ``wrap_up``…).
    state: str
    #: The not-ready reason, if the state has one.
    reason: str | None
    #: When the agent entered ``state``, in wall epoch seconds.
    since: float
    #: The call the agent is on or wrapping up, as JSON-ready data.
    call: dict[str, object] | None
    #: The current screen-pop (see docs/websocket.md, ``pop``), if any.
    pop: dict[str, object] | None
    #: In wrap-up: ``{"mode", "seconds", "ends_at"}`` from the call's queue (``ends_at`` in
    #: wall epoch seconds, null when the wrap-up does not end by itself).
    wrap_up: dict[str, object] | None = None


class DeskRefused(Exception):
    """A person's request that the ACD's rules refuse (e.g. ``ready`` while on a call)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AgentDesk(Protocol):
    """What the edge may ask of the ACD on behalf of a signed-in agent.

    Each request returns the agent's view after it took effect or raises ``DeskRefused``.
    ``agent_view`` is synchronous on purpose: the WebSocket reads it in the same step as it
    registers a client, so no message can fall between the snapshot and the live stream.

    The implementation is also the one source of the agent's pushes: it sends the hub
    ``agent_state`` (the view, after every change of state, whatever caused it, these
    requests included), ``pop`` and ``call_state``. The edge only replies ``ack``/``error``,
    so no change reaches a tab twice.
    """

    def agent_view(self, agent_id: str) -> AgentView | None:
        """Return the agent's current view, or None if the ACD has no such agent."""
        ...

    async def sign_in(self, agent_id: str) -> AgentView: ...

    async def sign_out(self, agent_id: str) -> AgentView: ...

    async def go_ready(self, agent_id: str) -> AgentView: ...

    async def go_not_ready(self, agent_id: str, reason: str) -> AgentView: ...

    async def finish_wrap_up(self, agent_id: str, disposition: str, notes: str) -> AgentView: ...

    def directory(self) -> dict[str, object]:
        """Who and where an agent may transfer to or call: ``{"agents": [{"agent_id",
        "display_name", "state"}], "queues": [name…]}``."""
        ...


def view_to_json(view: AgentView | None) -> dict[str, object] | None:
    """Return the JSON shape of a view, the one REST, ``hello`` and ``ack`` all use."""
    if view is None:
        return None
    return {
        "agent_id": view.agent_id,
        "display_name": view.display_name,
        "state": view.state,
        "reason": view.reason,
        "since": view.since,
        "call": view.call,
        "pop": view.pop,
        "wrap_up": view.wrap_up,
    }
