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
preferred agent (the account manager) who is free and qualified comes first, and that a
call in its preferred agent's window is offered to that agent alone (``acd.preferred``).
Calls in such a window claim their free preferred agent before the pass in call order.

A decision reads the ready-agent index (``acd.ready_index``): only the free agents
qualified for the call's step are looked at, and the skip counts come from the index's
sizes.
"""

import heapq
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from acd.choice import CHOICES, AgentChoice
from acd.model import AgentStatus, QueueConfig, RoutingStep, WaitingCall
from acd.preferred import holds, in_window
from acd.ready_index import ReadyAgents
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

    The whole pass the engine makes piece by piece (``acd.engine_core``), on a fresh index:
    first the calls in their preferred agent's window claim that agent if free, then every
    other call in ``call_order`` takes its best free agent. ``in_order`` says ``waiting``
    already comes sorted by ``call_order``. ``agents`` may be all agents or only the ready
    ones; ``total_agents`` (default: how many were given) is what the "not ready" count of
    each trace is taken from.
    """
    given = list(agents)
    ready = ReadyAgents(phone_free)
    for agent in given:
        if agent.state is AgentState.READY:
            ready.add(agent)
    everyone = {a.profile.agent_id: a for a in given}
    total = len(given) if total_agents is None else total_agents
    ordered = waiting if in_order else sorted(waiting, key=lambda c: call_order(c, head_start))
    calls = [c for c in ordered if c.reserved_for is None and c.request.queue in queues]
    matches: list[Match] = []
    taken: set[int] = set()
    claiming = [c for c in calls if claims(c, queues[c.request.queue], ready, now)]
    for call in itertools.chain(claiming, calls):
        if ready.free_count == 0:
            break
        if id(call) in taken:
            continue
        queue = queues[call.request.queue]
        preferred = everyone.get(call.request.preferred_agent or AgentId(""))
        decision = decide(call, queue, ready, now, choices, total, preferred)
        if decision is not None:
            agent = ready.take(decision.chosen.agent_id)
            matches.append(Match(call, agent, decision.summary(), decision))
            taken.add(id(call))
    return matches


def claims(call: WaitingCall, queue: QueueConfig, ready: ReadyAgents, now: float) -> bool:
    """The call is in its preferred agent's window and that agent is free and qualified."""
    wanted = call.request.preferred_agent
    if wanted is None or not ready.is_free(wanted) or not in_window(call, queue, now):
        return False
    needed = required_skills(call, queue.routing_steps[current_step(call, queue, now)])
    return qualifies(ready.status(wanted), needed)


def decide(
    call: WaitingCall,
    queue: QueueConfig,
    ready: ReadyAgents,
    now: float,
    choices: Mapping[str, AgentChoice],
    total: int,
    preferred: AgentStatus | None,
) -> RoutingTrace | None:
    """The best free agent for ``call`` at its current step, with the runners-up; ``None``
    if no free agent qualifies or the call waits for its preferred agent alone.
    ``preferred`` is the status of the call's preferred agent, if known."""
    step = current_step(call, queue, now)
    needed = required_skills(call, queue.routing_steps[step])
    free, busy = ready.free_count, ready.busy_phones
    skipped: dict[SkipReason, int] = {}
    if total > free + busy:
        skipped[SkipReason.NOT_READY] = total - free - busy
    if busy:
        skipped[SkipReason.PHONE_BUSY] = busy
    wanted = call.request.preferred_agent
    held = holds(call, queue, preferred, needed, now)
    if free == 0 or (held and wanted is not None and not ready.is_free(wanted)):
        return None
    qualified = ready.qualified_count(needed)
    if qualified < free:
        skipped[SkipReason.NOT_QUALIFIED] = free - qualified
    if not qualified:
        return None
    strategy = choices[queue.choice]
    best = _best(strategy, ready, needed, now, RUNNERS_UP + 1)
    first = False
    if wanted is not None and ready.is_free(wanted):
        status = ready.status(wanted)
        first = qualifies(status, needed)
        if first:
            mine = Candidate(wanted, strategy.score(status, needed, now))
            best = [mine, *[c for c in best if c.agent_id != wanted][:RUNNERS_UP]]
    if qualified > 1:
        why = SkipReason.PREFERRED_WINDOW if held and first else SkipReason.OUTRANKED
        skipped[why] = qualified - 1
    return RoutingTrace(
        call_id=call.request.call_id,
        queue=queue.name,
        step=step + 1,
        needed=needed,
        strategy=queue.choice,
        chosen=best[0],
        runners_up=tuple(best[1:]),
        skipped=skipped,
        preferred=first,
        at=now,
    )


def survey(
    call: WaitingCall,
    queue: QueueConfig,
    ready: ReadyAgents,
    total: int,
    now: float,
    preferred: AgentStatus | None,
) -> dict[SkipReason, int]:
    """Every agent counted by why it cannot take ``call`` now (for "why still waiting?"),
    from the index's sizes."""
    needed = required_skills(call, queue.routing_steps[current_step(call, queue, now)])
    qualified = ready.qualified_count(needed)
    counts = dict.fromkeys(SkipReason, 0)
    counts[SkipReason.NOT_READY] = total - ready.ready_count
    counts[SkipReason.PHONE_BUSY] = ready.busy_phones
    counts[SkipReason.NOT_QUALIFIED] = ready.free_count - qualified
    if holds(call, queue, preferred, needed, now):
        counts[SkipReason.PREFERRED_WINDOW] = qualified
    else:
        counts[SkipReason.OUTRANKED] = qualified
    return {reason: n for reason, n in counts.items() if n}


def _best(
    strategy: AgentChoice, ready: ReadyAgents, needed: Mapping[str, int], now: float, n: int
) -> list[Candidate]:
    """The strategy's ``n`` best free agents meeting ``needed``, best first; ties go to the
    agent who became ready first."""
    order = getattr(strategy, "index_order", None)
    if order == "idle":
        agents = list(itertools.islice(ready.by_idle(needed), n))
    elif order == "fit" and len(needed) == 1 and min(needed.values()) > 0:
        agents = list(itertools.islice(ready.by_fit(needed), n))
    else:
        agents = heapq.nlargest(
            n,
            ready.by_idle(needed),
            key=lambda a: (strategy.score(a, needed, now), -ready.order_of(a.profile.agent_id)),
        )
    return [Candidate(a.profile.agent_id, strategy.score(a, needed, now)) for a in agents]
