"""Random interleavings of traffic against the engine's promises.

Arrivals, answers, no-answers, caller hang-ups, agents going ready, not ready and signing
out, calls ending and clock jumps, in any order. After every step:
- no agent holds two offers or calls, and every reserved agent holds exactly one offer;
- every call that arrived is either still waiting or has ended exactly once (answered,
  abandoned, or overflowed out to a callback or voicemail);
- each reservation went to the call first in priority/join order among those the agent
  could take (checked at the moment the reservation is published);
- the statistics folded from the event log (each event written and read back as JSON, as
  the log stores it) equal those counted live from what the test did.
"""

import dataclasses
import json
from collections import Counter

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from acd.engine import AcdEngine
from acd.events import AcdEvent, AgentReserved, CallConnected, CallLeftQueue, CallOverflowed
from acd.model import (
    AgentProfile,
    CallRequest,
    Overflow,
    OverflowAction,
    QueueConfig,
    RoutingStep,
)
from acd.routing import call_order, current_step, qualifies, required_skills
from acd.states import AgentState, IllegalTransition
from acd.stats import StatsFold
from cti.ids import AgentId, CallId, QueueName
from tests.acd.fakes import VirtualTime

SUPPORT, GENERAL = QueueName("support"), QueueName("general")
QUEUES = [
    QueueConfig(
        SUPPORT,
        "support",
        steps=(RoutingStep({"support": 7}, 30), RoutingStep({"support": 3}, 90)),
        overflow=Overflow(OverflowAction.QUEUE, GENERAL),
        wrap_up_seconds=20,
    ),
    QueueConfig(
        GENERAL,
        "general",
        steps=(RoutingStep({"general": 1}, 300),),
        overflow=Overflow(OverflowAction.CALLBACK),
        choice="best_skill_fit",
        wrap_up_seconds=10,
    ),
]
AGENTS = {
    AgentId("a1"): {"support": 8, "general": 2},
    AgentId("a2"): {"support": 4},
    AgentId("a3"): {"general": 6},
    AgentId("a4"): {"support": 2, "general": 9},
}
ENDINGS = (CallConnected, CallLeftQueue, CallOverflowed)


class Traffic(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.time = VirtualTime()
        self.events: list[AcdEvent] = []
        self.engine = AcdEngine(
            QUEUES,
            clock=self.time,
            scheduler=self.time,
            publish=self.record,
            max_missed_offers=2,
            reservation_timeout=25,
        )
        for agent_id, skills in AGENTS.items():
            self.engine.add_agent(AgentProfile(agent_id, agent_id, f"PJSIP/{agent_id}", skills))
        self.arrived: list[CallId] = []
        self.talking: set[CallId] = set()
        #: Counted live, from what the test does: (figure, queue or agent) -> count.
        self.counted: Counter[tuple[str, str]] = Counter()

    def record(self, event: AcdEvent) -> None:
        self.events.append(event)
        if isinstance(event, CallOverflowed):
            self.counted["overflowed", event.queue] += 1
            if event.to_queue:
                self.counted["offered", event.to_queue] += 1
        if isinstance(event, AgentReserved):
            self.check_order(event)

    def check_order(self, event: AgentReserved) -> None:
        waiting = {c.request.call_id: c for c in self.engine.waiting()}
        chosen, agent = waiting[event.call_id], self.engine.agent(event.agent_id)
        now = self.time.now()
        for other in waiting.values():
            if other.reserved_for is not None or call_order(other) >= call_order(chosen):
                continue
            queue = self.engine.queues[other.request.queue]
            needed = required_skills(other, queue.routing_steps[current_step(other, queue, now)])
            assert not qualifies(agent, needed), f"{other} was ahead of {event.call_id}"

    def offered(self) -> list[CallId]:
        return [c for c in self.arrived if self.engine.offer_for(c) is not None]

    @rule(queue=st.sampled_from([SUPPORT, GENERAL]), priority=st.sampled_from([0, 1, 10]))
    def arrive(self, queue: QueueName, priority: int) -> None:
        call_id = CallId(f"c{len(self.arrived)}")
        self.arrived.append(call_id)
        self.counted["offered", queue] += 1
        self.engine.enqueue(CallRequest(call_id, queue, priority=priority))

    @precondition(lambda self: self.offered())
    @rule(data=st.data(), status=st.sampled_from(["ANSWER", "NOANSWER", "BUSY", "CANCEL"]))
    def dial_ends(self, data: st.DataObject, status: str) -> None:
        call_id = data.draw(st.sampled_from(self.offered()))
        offer = self.engine.offer_for(call_id)
        assert offer is not None
        self.engine.offer_result(offer, status)
        if status == "ANSWER":
            self.talking.add(call_id)
            self.counted["answered", offer.queue] += 1
            self.counted["answered", offer.agent_id] += 1

    @precondition(lambda self: self.engine.waiting())
    @rule(data=st.data())
    def caller_hangs_up(self, data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(self.engine.waiting()))
        self.counted["abandoned", call.request.queue] += 1
        if self.time.now() - call.joined_at < 5:
            self.counted["short_abandoned", call.request.queue] += 1
        self.engine.leave_queue(call.request.call_id, "caller hung up")

    @precondition(lambda self: self.talking)
    @rule(data=st.data())
    def call_ends(self, data: st.DataObject) -> None:
        call_id = data.draw(st.sampled_from(sorted(self.talking)))
        self.talking.discard(call_id)
        agent = next(a for a in self.engine.agents() if a.call_id == call_id)
        self.counted["handled", agent.profile.agent_id] += 1
        self.engine.call_ended(call_id)

    @rule(agent_id=st.sampled_from(sorted(AGENTS)))
    def agent_goes_ready(self, agent_id: AgentId) -> None:
        state = self.engine.agent(agent_id).state
        if state is AgentState.SIGNED_OUT:
            self.engine.sign_in(agent_id)
        try:
            self.engine.go_ready(agent_id)
        except IllegalTransition:
            assert state in {AgentState.RESERVED, AgentState.ON_CALL, AgentState.READY}

    @rule(agent_id=st.sampled_from(sorted(AGENTS)), sign_out=st.booleans())
    def agent_leaves(self, agent_id: AgentId, sign_out: bool) -> None:
        state = self.engine.agent(agent_id).state
        try:
            if sign_out:
                self.engine.sign_out(agent_id)
            else:
                self.engine.go_not_ready(agent_id, "break")
        except IllegalTransition:
            assert state in {AgentState.SIGNED_OUT, AgentState.RESERVED, AgentState.ON_CALL} or (
                sign_out and state is AgentState.WRAP_UP
            )

    @rule(seconds=st.sampled_from([1, 5, 20, 31, 60, 95, 301]))
    def clock_jumps(self, seconds: float) -> None:
        self.time.advance(seconds)

    @invariant()
    def one_offer_or_call_per_agent(self) -> None:
        holders = Counter(o.agent_id for c in self.arrived if (o := self.engine.offer_for(c)))
        assert all(n == 1 for n in holders.values())
        for status in self.engine.agents():
            reserved = status.state is AgentState.RESERVED
            assert reserved == (holders[status.profile.agent_id] == 1)
            attached = status.state in {AgentState.RESERVED, AgentState.ON_CALL}
            assert attached == (status.call_id is not None) or status.state is AgentState.WRAP_UP
        on_call = [a.call_id for a in self.engine.agents() if a.state is AgentState.ON_CALL]
        assert len(on_call) == len(set(on_call)) == len(self.talking)

    @invariant()
    def every_call_ends_exactly_once(self) -> None:
        ends = Counter(
            e.call_id
            for e in self.events
            if isinstance(e, ENDINGS) and not (isinstance(e, CallOverflowed) and e.to_queue)
        )
        assert all(n == 1 for n in ends.values())
        waiting = {c.request.call_id for c in self.engine.waiting()}
        assert waiting.isdisjoint(ends)
        assert waiting | set(ends) == set(self.arrived)

    @invariant()
    def statistics_from_the_log_equal_those_counted_live(self) -> None:
        logged = [json.loads(json.dumps(dataclasses.asdict(e))) for e in self.events]
        fold = StatsFold(interval=900).fold(
            (type(e).__name__, row) for e, row in zip(self.events, logged, strict=True)
        )
        from_log: Counter[tuple[str, str]] = Counter()
        for (_, queue), q in fold.queues.items():
            for figure in ("offered", "answered", "abandoned", "short_abandoned", "overflowed"):
                from_log[figure, queue] += getattr(q, figure)
        for (_, agent), a in fold.agents.items():
            from_log["answered", agent] += a.answered
            from_log["handled", agent] += a.handled
        assert +from_log == +self.counted


Traffic.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_traffic = Traffic.TestCase
