"""Answers to "why is this call still waiting?", computed from the state at hand.

Pure: takes the waiting call, its queue, the other waiting calls and the ready-agent index,
returns an ``Explanation``. The agents are counted from the index's sizes; one pass over
the waiting calls gives the position. It runs only when someone asks, never on the
routing path.
"""

from collections.abc import Collection

from acd.model import AgentStatus, QueueConfig, WaitingCall
from acd.ready_index import ReadyAgents
from acd.routing import call_order, current_step, required_skills, survey
from acd.trace import Explanation


def why_waiting(
    call: WaitingCall,
    queue: QueueConfig,
    waiting: Collection[WaitingCall],
    ready: ReadyAgents,
    total_agents: int,
    now: float,
    *,
    head_start: float,
    preferred: AgentStatus | None,
) -> Explanation:
    """The call's current step, its place in its queue, and every agent's reason."""
    step = current_step(call, queue, now)
    mine = call_order(call, head_start)
    ahead = sum(
        1
        for other in waiting
        if other.request.queue == queue.name and call_order(other, head_start) < mine
    )
    return Explanation(
        call_id=call.request.call_id,
        state="waiting",
        queue=queue.name,
        step=step + 1,
        needed=required_skills(call, queue.routing_steps[step]),
        position=ahead + 1,
        skipped=survey(call, queue, ready, total_agents, now, preferred),
        decision=None,
    )
