"""The preferred-agent window: when a call waits for its preferred agent alone.

Pure rules, given the time. A call names a preferred agent (the caller's account manager,
or the last agent who served them within the CRM's look-back; see ``docs/acd.md``). While
the call is younger than its queue's ``preferred_window`` seconds (counted from its
original join time), it is *held* for that agent — offered to nobody else — as long as
the agent is ready or soon ready and has the skills of the call's current routing step.

"Soon ready" means signed in and already attached to the work cycle, so the agent will be
free without deciding to come back: reserved for another call (its phone rings), on a
call, in wrap-up, or ready with a busy phone. Not ready (with any reason) and signed out
end the hold at once: nobody knows when that agent comes back. So does the agent letting
this call's offer ring out or rejecting it (``WaitingCall.preferred_declined``). After the
window the call is routed normally; a preferred agent who is free then still ranks first.
"""

from collections.abc import Mapping

from acd.model import AgentStatus, QueueConfig, WaitingCall
from acd.states import AgentState

#: The states in which a preferred agent holds its caller's call (see the module docstring).
HOLDING_STATES = frozenset(
    {AgentState.READY, AgentState.RESERVED, AgentState.ON_CALL, AgentState.WRAP_UP}
)


def window_end(call: WaitingCall, queue: QueueConfig) -> float | None:
    """When the call stops waiting for its preferred agent alone (``None``: no window)."""
    if call.request.preferred_agent is None or queue.preferred_window <= 0:
        return None
    if call.preferred_declined:
        return None
    return call.joined_at + queue.preferred_window


def in_window(call: WaitingCall, queue: QueueConfig, now: float) -> bool:
    end = window_end(call, queue)
    return end is not None and now < end


def holds(
    call: WaitingCall,
    queue: QueueConfig,
    preferred: AgentStatus | None,
    needed: Mapping[str, int],
    now: float,
) -> bool:
    """Whether the call waits for ``preferred`` (its preferred agent's status) alone now."""
    if preferred is None or not in_window(call, queue, now):
        return False
    if preferred.state not in HOLDING_STATES:
        return False
    skills = preferred.profile.skills
    return all(skills.get(name, 0) >= level for name, level in needed.items())
