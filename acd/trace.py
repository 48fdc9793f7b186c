"""Explainability records: why an agent got a call, and why a call is still waiting.

Owns frozen data only. A ``RoutingTrace`` is written by ``routing.match`` for every
reservation; an ``Explanation`` is what ``AcdEngine.explain`` answers for one call.
Counting skipped agents by reason reads the ready-agent index's sizes
(``acd.ready_index``), never a loop over agents: the "not ready" count is the total minus
the ready ones, "phone busy" the ready ones whose phone is busy, "not qualified" the free
ones minus those meeting the step's levels.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cti.ids import AgentId, CallId, QueueName


class SkipReason(StrEnum):
    #: Signed out, not ready, on a call, in wrap-up, or already taken in this pass.
    NOT_READY = "not_ready"
    #: Ready, but below a skill level the call's current routing step needs.
    NOT_QUALIFIED = "not_qualified"
    #: Ready, but the agent's phone is busy or unreachable (device state).
    PHONE_BUSY = "phone_busy"
    #: Ready and qualified, but another agent scored higher (under the default strategy:
    #: a shorter idle time).
    OUTRANKED = "outranked"
    #: Ready and qualified, but the call is in its preferred agent's window
    #: (``acd.preferred``): offered to that agent alone.
    PREFERRED_WINDOW = "preferred_window"


@dataclass(frozen=True, slots=True)
class Candidate:
    agent_id: AgentId
    #: The strategy's score, compared as a tuple: higher wins.
    score: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class RoutingTrace:
    """One routing decision: the winner, up to three runners-up, the rest counted by reason."""

    call_id: CallId
    queue: QueueName
    #: 1-based index of the routing step the call was matched at.
    step: int
    needed: Mapping[str, int]
    strategy: str
    chosen: Candidate
    runners_up: tuple[Candidate, ...]
    skipped: Mapping[SkipReason, int]
    preferred: bool
    at: float

    def summary(self) -> str:
        rule = "preferred agent" if self.preferred else self.strategy.replace("_", " ")
        others = ", ".join(f"{c.agent_id} {_score(c.score)}" for c in self.runners_up)
        skipped = ", ".join(f"{n} {r.value.replace('_', ' ')}" for r, n in self.skipped.items())
        return (
            f"{self.chosen.agent_id} by {rule} {_score(self.chosen.score)} at step {self.step}"
            f" needing {dict(self.needed)}; runners-up: {others or 'none'};"
            f" skipped: {skipped or 'none'}"
        )


@dataclass(frozen=True, slots=True)
class Explanation:
    """The answer to "why is this call still waiting?" or "why this agent?"."""

    call_id: CallId
    #: ``waiting``, ``reserved`` (an agent's phone rings) or ``connected``.
    state: str
    queue: QueueName
    #: For a waiting call: its current routing step (1-based) and that step's skills.
    step: int | None
    needed: Mapping[str, int]
    #: For a waiting call: 1-based place among the waiting calls of its queue.
    position: int | None
    #: For a waiting call: every agent, counted by the reason it cannot take the call now.
    skipped: Mapping[SkipReason, int]
    #: For a reserved or connected call: the routing decision that chose its agent.
    decision: RoutingTrace | None

    def text(self) -> str:
        if self.decision is not None:
            return f"{self.state}: {self.decision.summary()}"
        reasons = ", ".join(f"{n} {r.value.replace('_', ' ')}" for r, n in self.skipped.items())
        return (
            f"waiting at position {self.position} in {self.queue}, step {self.step}"
            f" needing {dict(self.needed)}; no agent can take it: {reasons or 'no agents'}"
        )


def _score(score: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{s:g}" for s in score) + ")"
