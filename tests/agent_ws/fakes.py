"""Fakes with behaviour for the agent_ws tests: a settable clock and a tiny ACD desk.

``FakeDesk`` keeps each agent in a small state machine with the refusal rules the edge
must surface, and publishes to the hub the way the composition root does: every change of
state as ``agent_state``, plus ``pop`` and ``call_state`` for calls it is handed.
"""

from dataclasses import dataclass, replace

import orjson

from agent_ws.desk import AgentView, DeskRefused, view_to_json
from agent_ws.hub import ClientGone, Hub

T0 = 1_795_000_000.0

# (state, request) -> next state; any other pair is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("signed_out", "sign_in"): "not_ready",
    ("not_ready", "ready"): "ready",
    ("ready", "not_ready"): "not_ready",
    ("not_ready", "not_ready"): "not_ready",
    ("ready", "sign_out"): "signed_out",
    ("not_ready", "sign_out"): "signed_out",
    ("ready", "offer"): "on_call",
    ("on_call", "hang_up"): "wrap_up",
    ("wrap_up", "finish_wrap_up"): "ready",
}


class FakeClock:
    def __init__(self, start: float = T0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@dataclass(frozen=True)
class WrapUp:
    agent_id: str
    call_id: object
    disposition: str
    notes: str


class FakeDesk:
    def __init__(self, hub: Hub, clock: FakeClock, agents: dict[str, str]) -> None:
        self.hub = hub
        self.clock = clock
        self.views = {
            agent_id: AgentView(agent_id, name, "signed_out", None, clock.now(), None, None)
            for agent_id, name in agents.items()
        }
        self.wrap_ups: list[WrapUp] = []

    def agent_view(self, agent_id: str) -> AgentView | None:
        return self.views.get(agent_id)

    async def sign_in(self, agent_id: str) -> AgentView:
        return self._move(agent_id, "sign_in")

    async def sign_out(self, agent_id: str) -> AgentView:
        return self._move(agent_id, "sign_out")

    async def go_ready(self, agent_id: str) -> AgentView:
        return self._move(agent_id, "ready")

    async def go_not_ready(self, agent_id: str, reason: str) -> AgentView:
        return self._move(agent_id, "not_ready", reason=reason)

    async def finish_wrap_up(self, agent_id: str, disposition: str, notes: str) -> AgentView:
        call_id = (
            (self.views[agent_id].call or {}).get("call_id") if agent_id in self.views else None
        )
        view = self._move(agent_id, "finish_wrap_up", call=None, pop=None)
        self.wrap_ups.append(WrapUp(agent_id, call_id, disposition, notes))
        return view

    def directory(self) -> dict[str, object]:
        agents = [
            {"agent_id": v.agent_id, "display_name": v.display_name, "state": v.state}
            for v in self.views.values()
        ]
        return {"agents": agents, "queues": ["sales", "support"]}

    # -- what the ACD and telephony would do ---------------------------------------------

    def offer_call(self, agent_id: str, pop: dict[str, object]) -> None:
        call = {"call_id": pop["call_id"], "state": "ringing"}
        self.hub.send_to_agent(agent_id, "pop", pop)
        self.hub.send_to_agent(agent_id, "call_state", call)
        self._move(agent_id, "offer", call=call, pop=pop)

    def answer_call(self, agent_id: str) -> None:
        view = self.views[agent_id]
        call = {**(view.call or {}), "state": "connected"}
        self.views[agent_id] = replace(view, call=call)
        self.hub.send_to_agent(agent_id, "call_state", call)

    def hang_up(self, agent_id: str) -> None:
        call = {**(self.views[agent_id].call or {}), "state": "ended"}
        self.hub.send_to_agent(agent_id, "call_state", call)
        self._move(agent_id, "hang_up", call={**call, "state": "wrap_up"})

    def _move(self, agent_id: str, request: str, **changes: object) -> AgentView:
        view = self.views.get(agent_id)
        if view is None:
            raise DeskRefused(f"no agent {agent_id}")
        state = TRANSITIONS.get((view.state, request))
        if state is None:
            raise DeskRefused(f"cannot {request.replace('_', ' ')} while {view.state}")
        reason = changes.pop("reason", None)
        new = replace(view, state=state, reason=reason, since=self.clock.now(), **changes)  # type: ignore[arg-type]
        self.views[agent_id] = new
        self.hub.send_to_agent(agent_id, "agent_state", view_to_json(new) or {})
        return new


def sample_pop(call_id: str = "c-1", **overrides: object) -> dict[str, object]:
    pop: dict[str, object] = {
        "call_id": call_id,
        "ani": "+15550100",
        "dnis": "8005550199",
        "hotline": "Support",
        "withheld": False,
        "ivr_path": ["main", "support"],
        "queue": "support",
        "candidates": [
            {
                "contact_id": 7,
                "display_name": "Ann Example",
                "organisation": "Example Ltd",
                "tier": "gold",
                "open_requests": [
                    {"number": "SR-1001", "subject": "Router offline", "status": "new"}
                ],
                "recent_interactions": [
                    {
                        "at": "2026-11-20T10:00:00Z",
                        "queue": "support",
                        "agent_id": "bob",
                        "outcome": "answered",
                        "disposition": "resolved",
                    }
                ],
            }
        ],
    }
    pop.update(overrides)
    return pop


class RecordingSocket:
    """A tab's socket that records the type of every message the hub writes to it."""

    def __init__(self) -> None:
        self.types: list[str] = []

    async def send_text(self, data: str) -> None:
        self.types.append(orjson.loads(data)["type"])

    async def close(self, code: int, reason: str) -> None:
        raise ClientGone
