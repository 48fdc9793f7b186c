"""Cost of one routing decision in the real ACD engine, at 1,000 and at 10,000 agents.

Owns two floors, each an ``AcdEngine`` with N agents (4 random skills of 20, levels 1-10),
20 queues (one per skill) and 500 calls waiting, and times, many times over, the one
event that makes a decision:

- ``agent frees``: every agent busy on a call; one closes wrap-up: ``finish_wrap_up`` →
  state change → routing pass → reservation of the first waiting call they qualify for.
- ``call arrives``: the agents of skills 10-19 busy with the 500 waiting calls of those
  queues behind them, the others (half the floor) ready, 5 % of their phones busy; a call
  arrives for one of queues 0-9: ``enqueue`` → routing pass → reservation. Phones are
  looked up in a real ``cti.devices.DeviceStates``, as the daemon does. This is the
  daemon's busy case (issue 9's profile: thousands of ready agents, a call every 10 ms).

After each sample the offer is answered and the floor put back as it was. Prints p50/p99
per floor and size, wall and thread-CPU time, and the 10k/1k ratios.

Run: ``python -m bench.routing [--samples N] [--seed S]``.
"""

import argparse
import random
import time

from acd.engine import AcdEngine
from acd.events import AcdEvent
from acd.model import AgentProfile, CallRequest, QueueConfig, WrapUpMode
from cti.devices import DeviceStates
from cti.events import DeviceStateChanged
from cti.ids import AgentId, CallId, QueueName

SKILLS = [f"skill{i:02d}" for i in range(20)]
WAITING = 500
BUSY_PHONES = 0.05


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
    """One engine with ``agents`` agents and ``WAITING`` calls queued."""

    def __init__(self, agents: int, rng: random.Random, *, arrivals: bool) -> None:
        self.rng, self.clock, self.devices = rng, Clock(), DeviceStates()
        mandatory = WrapUpMode.MANDATORY
        queues = [QueueConfig(QueueName(s), s, 1, wrap_up_mode=mandatory) for s in SKILLS]
        self.engine = AcdEngine(
            queues,
            clock=self.clock,
            scheduler=Scheduler(),
            publish=_drop,
            phone_free=self.devices.is_free,
        )
        self.calls = 0
        #: ``call arrives``: waiting calls go to queues 10-19, samples to queues 0-9.
        self.arrivals = arrivals
        for n in range(agents):
            pool = SKILLS[10:] if arrivals and n % 2 else SKILLS[:10] if arrivals else SKILLS
            skills = {s: rng.randint(1, 10) for s in rng.sample(pool, 4)}
            agent_id = AgentId(f"agent{n}")
            endpoint = f"PJSIP/{n}"
            if arrivals and rng.random() < BUSY_PHONES:
                self.devices.apply(DeviceStateChanged(endpoint, "INUSE", self.clock.current))
            self.engine.add_agent(AgentProfile(agent_id, agent_id, endpoint, skills))
            self.engine.sign_in(agent_id)
            self.engine.go_ready(agent_id)
        self.fill()

    def ringing(self) -> int:
        return sum(1 for c in self.engine.waiting() if c.reserved_for is not None)

    def fill(self) -> None:
        backlog = SKILLS[10:] if self.arrivals else SKILLS
        while len(self.engine.waiting()) - self.ringing() < WAITING:
            self.arrive(self.rng.choice(backlog))
            self.answer_all()

    def arrive(self, skill: str) -> CallId:
        self.clock.current += 0.01
        self.calls += 1
        call_id = CallId(f"call{self.calls}")
        self.engine.enqueue(CallRequest(call_id, QueueName(skill)))
        return call_id

    def answer_all(self) -> None:
        for call in self.engine.waiting():
            offer = self.engine.offer_for(call.request.call_id)
            if offer is not None:
                self.engine.offer_result(offer, "ANSWER")

    def sample(self) -> tuple[float, float]:
        """Wall and CPU seconds of one decision, with the pass that makes it.

        Both are printed: on a shared 2-core machine the wall p99 also counts preemption
        by other processes (a scheduler tick is 4 ms), which the thread's CPU time leaves out.
        """
        if self.arrivals:
            return self._arrival()
        busy = [a for a in self.engine.agents() if a.call_id is not None]
        agent = self.rng.choice(busy)
        assert agent.call_id is not None
        self.clock.current += 0.01
        self.engine.call_ended(agent.call_id)
        started, cpu = time.perf_counter(), time.thread_time()
        self.engine.finish_wrap_up(agent.profile.agent_id)
        elapsed = (time.perf_counter() - started, time.thread_time() - cpu)
        self.answer_all()
        self.fill()
        return elapsed

    def _arrival(self) -> tuple[float, float]:
        skill = self.rng.choice(SKILLS[:10])
        started, cpu = time.perf_counter(), time.thread_time()
        call_id = self.arrive(skill)
        elapsed = (time.perf_counter() - started, time.thread_time() - cpu)
        offer = self.engine.offer_for(call_id)
        if offer is not None:  # back to ready at once: the floor stays half ready
            self.engine.offer_result(offer, "ANSWER")
            self.engine.call_ended(call_id)
            self.engine.finish_wrap_up(offer.agent_id)
        return elapsed


def _drop(event: AcdEvent) -> None:
    return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(
    agents: int, samples: int, seed: int, *, arrivals: bool
) -> dict[str, tuple[float, float]]:
    floor = Floor(agents, random.Random(seed), arrivals=arrivals)
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
    for name, arrivals in (("agent frees", False), ("call arrives", True)):
        results = {}
        for agents in (1_000, 10_000):
            results[agents] = measure(agents, args.samples, args.seed, arrivals=arrivals)
            for kind, (p50, p99) in results[agents].items():
                print(
                    f"{name}: {agents:>6} agents x {WAITING} waiting x {len(SKILLS)} skills,"
                    f" {kind:>4}: p50 {p50 * 1e3:.3f} ms  p99 {p99 * 1e3:.3f} ms"
                    f"  ({args.samples} decisions)"
                )
        for kind in ("wall", "cpu"):
            big, small = results[10_000][kind], results[1_000][kind]
            print(
                f"{name}: 10,000 / 1,000 agents, {kind:>4}: p50 x{big[0] / small[0]:.2f}"
                f"  p99 x{big[1] / small[1]:.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
