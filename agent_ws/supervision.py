"""The seam between the edge and the team lead's side of the ACD.

Owns ``SupervisorDesk``, the protocol the composition root implements: the floor at a
glance (agents and queues) and forcing an agent's state. Like ``AgentDesk`` it decides
nothing; refusals come back as ``DeskRefused``.
"""

from typing import Literal, Protocol

from .desk import AgentView

ForcedState = Literal["ready", "not_ready", "signed_out"]
SpyMode = Literal["listen", "whisper", "barge"]


class StatsSource(Protocol):
    """Interval statistics (acd/stats.py, docs/metrics.md); ``interval`` is in seconds."""

    def live(self, interval: int) -> dict[str, object]:
        """The current interval as the live figures have it."""
        ...

    async def history(self, interval: int, start: float, end: float) -> dict[str, object]:
        """Every interval that begins in [start, end), from the event log; ``ValueError``
        when the span is too long."""
        ...


class SupervisorDesk(Protocol):
    def floor(self) -> dict[str, object]:
        """``{"agents": [agent view...], "queues": [{"queue", "waiting", "longest_wait",
        "ready_agents"}], "at"}``: what the wallboard shows."""
        ...

    async def force_state(
        self, agent_id: str, state: ForcedState, reason: str | None, by: str
    ) -> AgentView:
        """Put an agent in ``state`` on a team lead's behalf; logged with ``by``."""
        ...

    def explain(self, call_id: str) -> dict[str, object] | None:
        """Why the call is still waiting, or why its agent was chosen; None if unknown."""
        ...

    def set_priority(self, call_id: str, priority: int, by: str) -> dict[str, object] | None:
        """Change a waiting call's priority; answers its floor line (with its new place),
        None if no such call is waiting. Audited with ``by``."""
        ...

    def move_to_queue(self, call_id: str, queue: str, by: str) -> dict[str, object] | None:
        """Move a waiting call to another queue (keeping its join time); its floor line, or
        None if no such call is waiting; ``DeskRefused`` for an unknown queue. Audited."""
        ...

    async def supervise(
        self, agent_id: str, mode: SpyMode, phone: str, by: str
    ) -> dict[str, object]:
        """Ring the team lead's ``phone``; once answered they listen, whisper or barge on the
        agent's call. Answers ``{"agent_id", "call_id", "mode", "phone", "channel"}``."""
        ...
