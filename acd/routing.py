"""Routing policy: which free agent takes which waiting call, and why.

Pure: takes the waiting calls, the ready agents and the queue table, returns matches, each
with a ``RoutingTrace``. One pass matches over all waiting calls and all agents, so the
order across queues is decided in one place.

Call order (the aging bound). A call's priority buys it a head start of
``head_start`` seconds per priority point: calls are served in ascending
``joined_at - priority × head_start``, then join time, then call id. So a caller with
``Δp`` fewer priority points goes first once they have waited ``Δp × head_start`` seconds
longer: with gold = 10, bronze = 1 and 15 s per point, a bronze caller who has waited more
than 135 s beats a gold caller who just arrived. The key does not change as time passes,
so the order is stable and cheap to keep.

Each call is matched at its current routing step (``current_step``). The agent is the
queue's strategy's best among the free agents qualified for that step, except that a
preferred agent (the account manager) who is free and qualified comes first.
"""

import heapq
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from acd.choice import CHOICES, AgentChoice
from acd.model import AgentStatus, QueueConfig, RoutingStep, WaitingCall
from acd.states import AgentState
from acd.trace import Candidate, RoutingTrace, SkipReason
from cti.ids import AgentId, QueueName

#: Seconds of waiting that one priority point is worth (see the module docstring).
DEFAULT_HEAD_START = 15.0
RUNNERS_UP = 3


@dataclass(frozen=True, slots=True)
class Match:
    call: WaitingCall
    agent: AgentStatus
    trace: str
    decision: RoutingTrace


def always_free(agent_id: str) -> bool:
    return True


def current_step(call: WaitingCall, queue: QueueConfig, now: float) -> int:
    """0-based index of the call's step; past the last timeout it stays on the last step."""
    elapsed = now - call.step_origin
    steps = queue.routing_steps
    for index, step in enumerate(steps):
        if step.timeout is None or elapsed < step.timeout:
            return index
    return len(steps) - 1


def past_last_step(call: WaitingCall, queue: QueueConfig, now: float) -> bool:
    last = queue.routing_steps[-1].timeout
    return last is not None and now - call.step_origin >= last


def next_boundary(call: WaitingCall, queue: QueueConfig, now: float) -> float | None:
    """Seconds until the call's next step starts (or its last step ends), if ever."""
    elapsed = now - call.step_origin
    for step in queue.routing_steps:
        if step.timeout is not None and elapsed < step.timeout:
            return step.timeout - elapsed
    return None


def required_skills(call: WaitingCall, step: RoutingStep) -> dict[str, int]:
    """The step's skills, raised by what the call itself asks for."""
    needed = dict(call.request.skills)
    for name, level in step.skills.items():
        needed[name] = max(needed.get(name, 0), level)
    return needed


def qualifies(agent: AgentStatus, needed: Mapping[str, int]) -> bool:
    skills = agent.profile.skills
    return all(skills.get(name, 0) >= level for name, level in needed.items())


def call_order(
    call: WaitingCall, head_start: float = DEFAULT_HEAD_START
) -> tuple[float, float, str]:
    request = call.request
    return (call.joined_at - request.priority * head_start, call.joined_at, request.call_id)


def match(
    waiting: Iterable[WaitingCall],
    agents: Iterable[AgentStatus],
    queues: Mapping[QueueName, QueueConfig],
    now: float,
    *,
    choices: Mapping[str, AgentChoice] = CHOICES,
    phone_free: Callable[[str], bool] = always_free,
    total_agents: int | None = None,
    head_start: float = DEFAULT_HEAD_START,
    in_order: bool = False,
) -> list[Match]:
    """Pair waiting calls with free agents; each agent and call at most once.

    ``in_order`` says ``waiting`` already comes sorted by ``call_order`` (the engine keeps
    it so), which saves sorting every waiting call on every pass.

    ``agents`` may be all agents or only the ready ones; ``total_agents`` (default: how
    many were given) is what the "not ready" count of each trace is taken from.
    """
    given = list(agents)
    ready = [a for a in given if a.state is AgentState.READY]
    busy_phones = sum(1 for a in ready if not phone_free(a.profile.endpoint))
    free = {a.profile.agent_id: a for a in ready if phone_free(a.profile.endpoint)}
    total = len(given) if total_agents is None else total_agents
    matches: list[Match] = []
    # (queue, step, the call's own skills) that no free agent can take: the free set only
    # shrinks during a pass, so such calls are skipped without another scan of the agents.
    hopeless: set[tuple[QueueName, int, tuple[tuple[str, int], ...]]] = set()
    ordered = waiting if in_order else sorted(waiting, key=lambda c: call_order(c, head_start))
    for call in ordered:
        if not free:
            break
        if call.reserved_for is not None:
            continue
        queue = queues.get(call.request.queue)
        if queue is None:
            continue
        step = current_step(call, queue, now)
        own = call.request.skills
        key = (queue.name, step, tuple(sorted(own.items())) if own else ())
        if key in hopeless:
            continue
        skipped: dict[SkipReason, int] = {}
        if total > len(free) + busy_phones:
            skipped[SkipReason.NOT_READY] = total - len(free) - busy_phones
        if busy_phones:
            skipped[SkipReason.PHONE_BUSY] = busy_phones
        decision = decide(call, queue, step, free, now, choices, skipped)
        if decision is None:
            hopeless.add(key)
        else:
            agent = free.pop(decision.chosen.agent_id)
            matches.append(Match(call, agent, decision.summary(), decision))
    return matches


def decide(
    call: WaitingCall,
    queue: QueueConfig,
    step: int,
    free: Mapping[AgentId, AgentStatus],
    now: float,
    choices: Mapping[str, AgentChoice],
    skipped: dict[SkipReason, int],
) -> RoutingTrace | None:
    """The best free agent for ``call`` at routing step ``step``, with the runners-up."""
    needed = required_skills(call, queue.routing_steps[step])
    strategy = choices[queue.choice]
    qualified = [a for a in free.values() if qualifies(a, needed)]
    if len(qualified) < len(free):
        skipped[SkipReason.NOT_QUALIFIED] = len(free) - len(qualified)
    if not qualified:
        return None
    ranked = [Candidate(a.profile.agent_id, strategy.score(a, needed, now)) for a in qualified]
    wanted = call.request.preferred_agent
    preferred = [c for c in ranked if c.agent_id == wanted]
    best = heapq.nlargest(RUNNERS_UP + 1, ranked, key=_rank)
    if preferred:
        best = preferred + [c for c in best if c.agent_id != wanted][:RUNNERS_UP]
    if len(qualified) > 1:
        skipped[SkipReason.OUTRANKED] = len(qualified) - 1
    return RoutingTrace(
        call_id=call.request.call_id,
        queue=queue.name,
        step=step + 1,
        needed=needed,
        strategy=queue.choice,
        chosen=best[0],
        runners_up=tuple(best[1:]),
        skipped=skipped,
        preferred=bool(preferred),
        at=now,
    )


def survey(
    call: WaitingCall,
    queue: QueueConfig,
    agents: Collection[AgentStatus],
    now: float,
    phone_free: Callable[[str], bool] = always_free,
) -> dict[SkipReason, int]:
    """Every agent counted by why it cannot take ``call`` now (for "why still waiting?")."""
    needed = required_skills(call, queue.routing_steps[current_step(call, queue, now)])
    counts = dict.fromkeys(SkipReason, 0)
    for agent in agents:
        if agent.state is not AgentState.READY:
            counts[SkipReason.NOT_READY] += 1
        elif not phone_free(agent.profile.endpoint):
            counts[SkipReason.PHONE_BUSY] += 1
        elif not qualifies(agent, needed):
            counts[SkipReason.NOT_QUALIFIED] += 1
        else:
            counts[SkipReason.OUTRANKED] += 1
    return {reason: n for reason, n in counts.items() if n}


def _rank(candidate: Candidate) -> tuple[float, ...]:
    return candidate.score
