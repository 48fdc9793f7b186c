"""Expected waits for the queue announcements: position × average handle time ÷ agents.

A deliberately simple, explainable estimate: the handle time is a moving average of the
queue's finished calls (180 s until there are any), the agents are those signed in with
the queue's skill. Erlang-based advice lives in ``acd.erlang``; a caller needs a number of
minutes that moves the right way, not a model.
"""

from collections.abc import Callable

from acd.engine import AcdEngine, UnknownCall
from acd.entry import QueueSnapshot
from acd.events import CallConnected, CallFinished
from acd.states import AgentState
from cti.ids import CallId, QueueName

DEFAULT_HANDLE_S = 180.0
#: Weight of the newest call in the moving average.
WEIGHT = 0.2


#: How long a count of the agents serving a queue is reused: it walks every agent, and is
#: read on every arrival and announcement.
SERVING_TTL_SECONDS = 1.0


class WaitEstimates:
    def __init__(self, engine: AcdEngine, now: Callable[[], float]) -> None:
        self._engine = engine
        self._now = now
        self._handle: dict[QueueName, float] = {}
        self._queue_of: dict[CallId, QueueName] = {}
        self._serving_counts: dict[QueueName, tuple[float, int]] = {}

    def call_connected(self, event: CallConnected) -> None:
        self._queue_of[event.call_id] = event.queue

    def call_finished(self, event: CallFinished) -> None:
        queue = self._queue_of.pop(event.call_id, None)
        if queue is None:
            return
        old = self._handle.get(queue, DEFAULT_HANDLE_S)
        self._handle[queue] = (1 - WEIGHT) * old + WEIGHT * event.talk_seconds

    def snapshot(self, queue: QueueName) -> QueueSnapshot:
        """The queue as a caller joining now finds it (for ``acd.entry`` rules)."""
        depth = sum(1 for c in self._engine.waiting() if c.request.queue == queue)
        serving = self._serving(queue)
        handle = self._handle.get(queue, DEFAULT_HANDLE_S)
        return QueueSnapshot(depth, serving, (depth + 1) * handle / max(1, serving))

    def _serving(self, name: QueueName) -> int:
        now = self._now()
        counted = self._serving_counts.get(name)
        if counted is not None and now - counted[0] < SERVING_TTL_SECONDS:
            return counted[1]
        count = self._count_serving(name)
        self._serving_counts[name] = (now, count)
        return count

    def _count_serving(self, name: QueueName) -> int:
        queue = self._engine.queues[name]
        return sum(
            1
            for a in self._engine.agents()
            if a.state is not AgentState.SIGNED_OUT and a.profile.skills.get(queue.skill, 0) > 0
        )

    def position(self, call_id: str) -> tuple[int, float] | None:
        """(place in line, expected seconds) of a waiting call; None once it is offered."""
        try:
            why = self._engine.explain(CallId(call_id))
        except UnknownCall:
            return None
        if why.state != "waiting" or why.position is None:
            return None
        serving = self._serving(why.queue)
        handle = self._handle.get(why.queue, DEFAULT_HANDLE_S)
        return why.position, why.position * handle / max(1, serving)
