"""Which calls were waiting and what state each agent was in, folded from the event log.

Owns the replay that lets a restarted daemon give callers back their place (DESIGN.md: the
dialplan keeps them on hold music in [cti-fallback]; the daemon brings them back and "they
keep their place from the event log"). Pure: it reads ``(type, payload)`` pairs in log
order, as ``callcenter/event_log.py`` writes them (the event's class name and its fields),
and never raises on a malformed or unknown row: the log is history, not input to trust.
"""

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from acd.states import AgentState
from cti.ids import AgentId, CallId, QueueName


@dataclass(frozen=True, slots=True)
class WaitingEntry:
    """A call the log shows waiting: its queue now, its priority and when it joined."""

    call_id: CallId
    queue: QueueName
    priority: int
    joined_at: float
    callback_number: str | None = None
    tier: str = "none"


def waiting_calls(events: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[CallId, WaitingEntry]:
    """The calls still waiting at the end of ``events`` (oldest first)."""
    waiting: dict[CallId, WaitingEntry] = {}
    for type_, payload in events:
        try:
            call_id = CallId(str(payload["call_id"]))
            if type_ == "CallQueued":
                earlier = waiting.get(call_id)
                number = payload.get("callback_number")
                # A transferred call queues again: its new place starts now, but one that
                # is re-queued after a restart keeps the first join time, and a callback
                # the join time of the call it replaced.
                joined = payload.get("joined_at") or payload["at"]
                waiting[call_id] = WaitingEntry(
                    call_id,
                    QueueName(str(payload["queue"])),
                    int(payload["priority"]),
                    float(joined) if earlier is None else earlier.joined_at,
                    None if number is None else str(number),
                    str(payload.get("tier") or "none"),
                )
            elif type_ == "CallPriorityChanged" and call_id in waiting:
                waiting[call_id] = dataclasses.replace(
                    waiting[call_id], priority=int(payload["priority"])
                )
            elif type_ in ("CallConnected", "CallLeftQueue"):
                waiting.pop(call_id, None)
            elif type_ == "CallOverflowed":
                entry = waiting.get(call_id)
                if entry is None:
                    continue
                if payload.get("action") == "queue" and payload.get("to_queue"):
                    to_queue = QueueName(str(payload["to_queue"]))
                    waiting[call_id] = dataclasses.replace(entry, queue=to_queue)
                else:
                    waiting.pop(call_id, None)
            elif type_ == "CallMoved" and call_id in waiting:
                to_queue = QueueName(str(payload["to_queue"]))
                waiting[call_id] = dataclasses.replace(waiting[call_id], queue=to_queue)
        except (KeyError, TypeError, ValueError):
            continue
    return waiting


@dataclass(frozen=True, slots=True)
class AgentEntry:
    """The state an agent gets back after a restart, and since when they were in it."""

    agent_id: AgentId
    state: AgentState
    reason: str | None
    since: float


#: What a state that was attached to a call comes back as. The call itself is not restored
#: from the log: the PBX resync decides whether it still exists, and the phone-state gate
#: keeps an agent whose phone is still busy from being offered another call. Before a
#: reservation the agent was ready; a wrap-up cannot be finished for a call the restarted
#: daemon no longer knows, so the agent chooses when to be ready again.
AFTER_A_CALL: dict[AgentState, tuple[AgentState, str | None]] = {
    AgentState.RESERVED: (AgentState.READY, None),
    AgentState.ON_CALL: (AgentState.READY, None),
    AgentState.WRAP_UP: (AgentState.NOT_READY, "wrap-up interrupted by a restart"),
}


def agent_states(events: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[AgentId, AgentEntry]:
    """The signed-in agents at the end of ``events`` (oldest first), from each one's last
    ``AgentStateChanged``: ready, or not ready with its reason. Signed-out agents are left
    out; reserved, on-call and wrap-up states come back as ``AFTER_A_CALL`` says."""
    agents: dict[AgentId, AgentEntry] = {}
    for type_, payload in events:
        if type_ != "AgentStateChanged":
            continue
        try:
            agent_id = AgentId(str(payload["agent_id"]))
            state = AgentState(str(payload["state"]))
            reason = payload.get("reason")
            at = float(payload["at"])
        except (KeyError, TypeError, ValueError):
            continue
        if state is AgentState.SIGNED_OUT:
            agents.pop(agent_id, None)
            continue
        earlier = agents.get(agent_id)
        if state in AFTER_A_CALL:
            state, reason = AFTER_A_CALL[state]
            # Still in the state the agent was in before the call: keep when that began.
            if earlier is not None and earlier.state is state and state is AgentState.READY:
                at = earlier.since
        agents[agent_id] = AgentEntry(agent_id, state, None if reason is None else str(reason), at)
    return agents
