"""The engine's incremental routing pass gives what a full pass would.

The engine looks only at what changed since its last pass (``acd.engine_core``): that is
only right if, after every event, a full pass in call order over every waiting call and
every agent (``routing.match``) finds nothing more to reserve. Seeded random traffic with
several queues, steps, overflow, both built-in strategies, calls' own skills, priorities,
busy phones, preferred agents and their windows, skill edits and clock jumps checks it
after every step, and checks each reservation as it is made: no open call ahead of the
chosen one could have taken that agent (a call held for its preferred agent aside).
"""

import random

import pytest

from acd.engine import AcdEngine
from acd.events import AcdEvent, AgentReserved
from acd.model import (
    AgentProfile,
    CallRequest,
    Overflow,
    OverflowAction,
    QueueConfig,
    RoutingStep,
    WrapUpMode,
)
from acd.preferred import holds
from acd.routing import current_step, match, qualifies, required_skills
from acd.states import AgentState, IllegalTransition
from cti.ids import AgentId, CallId, QueueName
from tests.acd.fakes import VirtualTime

QA, QB, QC, QG = (QueueName(n) for n in ("qa", "qb", "qc", "qg"))
QUEUES = [
    QueueConfig(
        QA,
        "a",
        steps=(RoutingStep({"a": 7}, 30), RoutingStep({"a": 3}, 90)),
        overflow=Overflow(OverflowAction.QUEUE, QG),
        wrap_up_seconds=20,
        preferred_window=25,
    ),
    QueueConfig(QB, "b", 3, choice="best_skill_fit", wrap_up_seconds=10, preferred_window=10),
    QueueConfig(
        QC,
        "c",
        steps=(RoutingStep({"c": 5, "a": 2}, 40), RoutingStep({"c": 1}, None)),
        wrap_up_mode=WrapUpMode.OPTIONAL,
    ),
    QueueConfig(
        QG,
        "d",
        steps=(RoutingStep({"d": 1}, 300),),
        overflow=Overflow(OverflowAction.CALLBACK),
        choice="best_skill_fit",
    ),
]
PHONES = 7


class Traffic:
    def __init__(self, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        self.time = VirtualTime()
        self.busy: set[str] = set()
        self.engine = AcdEngine(
            QUEUES,
            clock=self.time,
            scheduler=self.time,
            publish=self.check,
            max_missed_offers=2,
            reservation_timeout=25,
            phone_free=lambda endpoint: endpoint not in self.busy,
        )
        self.agents = [AgentId(f"ag{i}") for i in range(rng.randint(3, 20))]
        for n, agent_id in enumerate(self.agents):
            profile = AgentProfile(agent_id, agent_id, f"P/{n % PHONES}", self.skills())
            self.engine.add_agent(profile)
        self.calls: list[CallId] = []
        self.talking: list[CallId] = []

    def check(self, event: AcdEvent) -> None:
        """At each reservation: no open call ahead of it could have had this agent, unless
        the call claimed its preferred agent in their window."""
        if not isinstance(event, AgentReserved):
            return
        engine, now = self.engine, self.time.now()
        line = engine.in_line()
        chosen = next(c for c in line if c.request.call_id == event.call_id)
        if chosen.request.preferred_agent == event.agent_id:
            return
        agent = engine.agent(event.agent_id)
        for other in line:
            if other is chosen:
                break
            if other.reserved_for is not None:
                continue
            queue = engine.queues[other.request.queue]
            needed = required_skills(other, queue.routing_steps[current_step(other, queue, now)])
            if qualifies(agent, needed):
                preferred = other.request.preferred_agent
                held = preferred is not None and holds(
                    other, queue, engine.agent(preferred), needed, now
                )
                assert held, f"{other.request.call_id} was ahead of {event.call_id}"

    def skills(self) -> dict[str, int]:
        names = self.rng.sample("abcd", self.rng.randint(1, 4))
        return {s: self.rng.randint(1, 10) for s in names}

    def step(self) -> None:
        rng, engine, op = self.rng, self.engine, self.rng.random()
        if op < 0.25:
            call_id = CallId(f"c{len(self.calls)}")
            self.calls.append(call_id)
            own = {"b": rng.randint(1, 9)} if rng.random() < 0.2 else {}
            preferred = rng.choice(self.agents) if rng.random() < 0.4 else None
            queue = rng.choice([q.name for q in QUEUES])
            priority = rng.choice([0, 1, 10])
            engine.enqueue(CallRequest(call_id, queue, own, priority, preferred_agent=preferred))
        elif op < 0.45:
            offered = [c for c in self.calls if engine.offer_for(c)]
            if offered:
                call_id = rng.choice(offered)
                status = rng.choice(["ANSWER", "ANSWER", "NOANSWER", "BUSY", "CANCEL"])
                offer = engine.offer_for(call_id)
                assert offer is not None
                engine.offer_result(offer, status)
                if status == "ANSWER":
                    self.talking.append(call_id)
        elif op < 0.53:
            if engine.waiting():
                engine.leave_queue(rng.choice(engine.waiting()).request.call_id, "hangup")
        elif op < 0.63:
            if self.talking:
                engine.call_ended(self.talking.pop(rng.randrange(len(self.talking))))
        elif op < 0.76:
            self.agent_moves(rng.choice(self.agents), rng.random())
        elif op < 0.82:
            endpoint = f"P/{rng.randrange(PHONES)}"
            self.busy ^= {endpoint}
            engine.phone_changed(endpoint)
        elif op < 0.85:
            engine.set_skills(rng.choice(self.agents), self.skills())
        elif op < 0.88 and engine.waiting():
            call_id = rng.choice(engine.waiting()).request.call_id
            if rng.random() < 0.5:
                engine.change_priority(call_id, rng.choice([0, 5, 20]), "lead")
            else:
                engine.move_to_queue(call_id, rng.choice([q.name for q in QUEUES]), "lead")
        else:
            self.time.advance(rng.choice([1, 5, 10, 20, 25, 30, 31, 60, 90, 301]))

    def agent_moves(self, agent_id: AgentId, dice: float) -> None:
        engine = self.engine
        try:
            if dice < 0.7:
                if engine.agent(agent_id).state is AgentState.SIGNED_OUT:
                    engine.sign_in(agent_id)
                engine.go_ready(agent_id)
            elif dice < 0.9:
                engine.go_not_ready(agent_id, "break")
            else:
                engine.sign_out(agent_id)
        except IllegalTransition:
            pass

    def nothing_left_to_match(self) -> bool:
        engine = self.engine
        found = match(
            engine.waiting(),
            engine.agents(),
            engine.queues,
            self.time.now(),
            phone_free=lambda endpoint: endpoint not in self.busy,
        )
        return found == []


@pytest.mark.parametrize("seed", range(40))
def test_reservations_follow_call_order_and_leave_nothing_a_full_pass_would_take(seed: int) -> None:
    traffic = Traffic(seed)
    for n in range(300):
        traffic.step()
        assert traffic.nothing_left_to_match(), f"seed {seed}, step {n}"
