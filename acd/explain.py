"""Answers to "why is this call still waiting?", computed from the state at hand.

Pure: takes the waiting call, its queue, the other waiting calls and the agents, returns
an ``Explanation``. One pass over the agents and one over the waiting calls; it runs only
when someone asks, never on the routing path.
"""

from collections.abc import Callable, Collection

from acd.model import AgentStatus, QueueConfig, WaitingCall
from acd.routing import call_order, current_step, required_skills, survey
from acd.trace import Explanation


def why_waiting(
    call: WaitingCall,
    queue: QueueConfig,
    waiting: Collection[WaitingCall],
    agents: Collection[AgentStatus],
    now: float,
    *,
    head_start: float,
    phone_free: Callable[[str], bool],
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
        skipped=survey(call, queue, agents, now, phone_free),
        decision=None,
    )
