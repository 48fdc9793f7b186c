"""Cost of one routing decision in the real ACD engine, at 1,000 and at 10,000 agents.

Owns: building an ``AcdEngine`` with N agents (4 random skills of 20, levels 1-10) all
busy on calls and 500 calls waiting across 20 queues, then timing, many times over, the
moment one agent closes wrap-up: ``finish_wrap_up`` → state change → one dispatch pass over
every waiting call → reservation. After each sample the offer is answered and a new call
queued, so the floor stays at 500 waiting. Prints p50/p99 per size and the 10k/1k ratio.

Run: ``python -m bench.routing [--samples N] [--seed S]``.
"""

import argparse
import random
import time

from acd.engine import AcdEngine
from acd.events import AcdEvent
from acd.model import AgentProfile, CallRequest, QueueConfig, WrapUpMode
from cti.ids import AgentId, CallId, QueueName

SKILLS = [f"skill{i:02d}" for i in range(20)]
WAITING = 500


class Clock:
    """A clock that only moves when told: the engine's timers are never due here."""

    def __init__(self) -> None:
        self.current = 1_000_000.0

    def now(self) -> float:
        return self.current


class NoTimer:
    def cancel(self) -> None:
        return None


class Scheduler:
    def call_later(self, delay: float, callback: object) -> NoTimer:
        return NoTimer()


class Floor:
    """One engine, all agents busy, ``WAITING`` calls queued."""

    def __init__(self, agents: int, rng: random.Random) -> None:
        self.rng, self.clock = rng, Clock()
        mandatory = WrapUpMode.MANDATORY
        queues = [QueueConfig(QueueName(s), s, 1, wrap_up_mode=mandatory) for s in SKILLS]
        self.engine = AcdEngine(queues, clock=self.clock, scheduler=Scheduler(), publish=_drop)
        self.calls = 0
        for n in range(agents):
            skills = {s: rng.randint(1, 10) for s in rng.sample(SKILLS, 4)}
            agent_id = AgentId(f"agent{n}")
            self.engine.add_agent(AgentProfile(agent_id, agent_id, f"PJSIP/{n}", skills))
            self.engine.sign_in(agent_id)
            self.engine.go_ready(agent_id)
        while len(self.engine.waiting()) - self.ringing() < WAITING:
            self.arrive()
            self.answer_all()

    def ringing(self) -> int:
        return sum(1 for c in self.engine.waiting() if c.reserved_for is not None)

    def arrive(self) -> None:
        self.clock.current += 0.01
        self.calls += 1
        queue = QueueName(self.rng.choice(SKILLS))
        self.engine.enqueue(CallRequest(CallId(f"call{self.calls}"), queue))

    def answer_all(self) -> None:
        for call in self.engine.waiting():
            offer = self.engine.offer_for(call.request.call_id)
            if offer is not None:
                self.engine.offer_result(offer, "ANSWER")

    def sample(self) -> tuple[float, float]:
        """Wall and CPU seconds of one return to ready, with the dispatch it triggers.

        Both are printed: on a shared 2-core machine the wall p99 also counts preemption
        by other processes (a scheduler tick is 4 ms), which the thread's CPU time leaves out.
        """
        busy = [a for a in self.engine.agents() if a.call_id is not None]
        agent = self.rng.choice(busy)
        assert agent.call_id is not None
        self.clock.current += 0.01
        self.engine.call_ended(agent.call_id)
        started, cpu = time.perf_counter(), time.thread_time()
        self.engine.finish_wrap_up(agent.profile.agent_id)
        elapsed = (time.perf_counter() - started, time.thread_time() - cpu)
        self.answer_all()
        while len(self.engine.waiting()) - self.ringing() < WAITING:
            self.arrive()
            self.answer_all()
        return elapsed


def _drop(event: AcdEvent) -> None:
    return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(agents: int, samples: int, seed: int) -> dict[str, tuple[float, float]]:
    floor = Floor(agents, random.Random(seed))
    for _ in range(50):
        floor.sample()  # warm-up
    times = [floor.sample() for _ in range(samples)]
    wall, cpu = [w for w, _ in times], [c for _, c in times]
    return {
        "wall": (percentile(wall, 0.50), percentile(wall, 0.99)),
        "cpu": (percentile(cpu, 0.50), percentile(cpu, 0.99)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.routing")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    results = {}
    for agents in (1_000, 10_000):
        results[agents] = measure(agents, args.samples, args.seed)
        for kind, (p50, p99) in results[agents].items():
            print(
                f"{agents:>6} agents x {WAITING} waiting x {len(SKILLS)} skills, {kind:>4}:"
                f" p50 {p50 * 1e3:.3f} ms  p99 {p99 * 1e3:.3f} ms  ({args.samples} decisions)"
            )
    for kind in ("wall", "cpu"):
        big, small = results[10_000][kind], results[1_000][kind]
        print(
            f"10,000 / 1,000 agents, {kind:>4}: p50 x{big[0] / small[0]:.2f}"
            f"  p99 x{big[1] / small[1]:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
