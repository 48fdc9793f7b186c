"""The real ACD engine under Poisson traffic, measured against Erlang C and Erlang A.

Owns a small discrete-event loop at virtual time: a heap of timers serves as both the
engine's ``Clock`` and its ``Scheduler``. Calls arrive as a Poisson stream into one queue
of N identical agents, agents answer at once (no ring time), handle times are exponential,
wrap-up is optional (none), and, with ``--patience``, callers hang up after an exponential
patience. The routing decisions are the engine's own (``acd.engine.AcdEngine``).

Confidence intervals use batch means: after a warm-up, the calls are cut into equal
batches in arrival order and the 95% interval is mean ± t·s/√batches.

Run: ``python -m bench.erlang [--calls N] [--seed S] [--agents 12 13 14 15]``.
"""

import argparse
import heapq
import itertools
import math
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from acd.engine import AcdEngine
from acd.erlang import erlang_a, service_level
from acd.events import AcdEvent, AgentReserved, CallConnected, CallLeftQueue
from acd.model import AgentProfile, CallRequest, QueueConfig, WrapUpMode
from cti.ids import AgentId, CallId, QueueName

QUEUE = QueueName("q")
RATE = 100 / 1800
AHT = 180.0
ANSWER_WITHIN = 20.0
BATCHES = 30
#: Two-sided 97.5% Student t quantile for BATCHES - 1 = 29 degrees of freedom.
T_29 = 2.045


@dataclass
class Timer:
    due: float
    seq: int
    callback: Callable[[], object]
    cancelled: bool = False

    def __lt__(self, other: "Timer") -> bool:
        return (self.due, self.seq) < (other.due, other.seq)

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class Loop:
    """Virtual time: ``now`` jumps to the next due timer."""

    current: float = 0.0
    heap: list[Timer] = field(default_factory=list)
    seq: "itertools.count[int]" = field(default_factory=itertools.count)

    def now(self) -> float:
        return self.current

    def call_later(self, delay: float, callback: Callable[[], object]) -> Timer:
        timer = Timer(self.current + delay, next(self.seq), callback)
        heapq.heappush(self.heap, timer)
        return timer

    def run_until_idle(self) -> None:
        while self.heap:
            timer = heapq.heappop(self.heap)
            if not timer.cancelled:
                self.current = timer.due
                timer.callback()


@dataclass
class Outcome:
    """Per call, in arrival order: the wait if answered, ``None`` if abandoned."""

    waits: list[float | None]


def simulate(agents: int, calls: int, seed: int, patience: float | None = None) -> Outcome:
    rng, loop = random.Random(seed), Loop()
    waits: dict[CallId, float | None] = {}
    engine: AcdEngine

    def on_event(event: AcdEvent) -> None:
        if isinstance(event, AgentReserved):
            loop.call_later(0.0, lambda: answer(event.call_id))
        elif isinstance(event, CallConnected):
            waits[event.call_id] = event.waited
            loop.call_later(rng.expovariate(1 / AHT), lambda: engine.call_ended(event.call_id))
        elif isinstance(event, CallLeftQueue):
            waits[event.call_id] = None

    def answer(call_id: CallId) -> None:
        offer = engine.offer_for(call_id)
        if offer is not None:
            engine.offer_result(offer, "ANSWER")

    def arrive(n: int) -> None:
        call_id = CallId(f"c{n}")
        waits[call_id] = math.nan
        engine.enqueue(CallRequest(call_id, QUEUE))
        if patience is not None:
            loop.call_later(rng.expovariate(1 / patience), lambda: give_up(call_id))
        if n + 1 < calls:
            loop.call_later(rng.expovariate(RATE), lambda: arrive(n + 1))

    def give_up(call_id: CallId) -> None:
        if engine.is_waiting(call_id) and engine.offer_for(call_id) is None:
            engine.leave_queue(call_id, "caller hung up")

    queue = QueueConfig(QUEUE, "s", wrap_up_mode=WrapUpMode.OPTIONAL)
    engine = AcdEngine([queue], clock=loop, scheduler=loop, publish=on_event)
    for n in range(agents):
        agent_id = AgentId(f"a{n}")
        engine.add_agent(AgentProfile(agent_id, agent_id, f"PJSIP/{n}", {"s": 5}))
        engine.sign_in(agent_id)
        engine.go_ready(agent_id)
    loop.call_later(0.0, lambda: arrive(0))
    loop.run_until_idle()
    return Outcome([waits[CallId(f"c{n}")] for n in range(calls)])


@dataclass(frozen=True, slots=True)
class Estimate:
    mean: float
    half_width: float


def batch_estimate(values: list[float]) -> Estimate:
    """Mean and 95% half-width by batch means over ``BATCHES`` equal batches."""
    size = len(values) // BATCHES
    means = [statistics.fmean(values[i * size : (i + 1) * size]) for i in range(BATCHES)]
    return Estimate(statistics.fmean(means), T_29 * statistics.stdev(means) / math.sqrt(BATCHES))


def measure(
    agents: int, calls: int, seed: int, patience: float | None = None
) -> dict[str, Estimate]:
    """Service level (answered within T over answered, and over offered) and abandon rate."""
    waits = simulate(agents, calls, seed, patience).waits
    kept = waits[len(waits) // 50 :]  # 2% warm-up from an empty floor
    answered = [1.0 if w is not None and w <= ANSWER_WITHIN else 0.0 for w in kept]
    abandoned = [1.0 if w is None else 0.0 for w in kept]
    answered_only = [1.0 if w <= ANSWER_WITHIN else 0.0 for w in kept if w is not None]
    return {
        "sl_offered": batch_estimate(answered),
        "sl_answered": batch_estimate(answered_only),
        "abandon": batch_estimate(abandoned),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.erlang")
    parser.add_argument("--calls", type=int, default=2_500_000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--agents", type=int, nargs="+", default=[12, 13, 14, 15])
    parser.add_argument("--patience", type=float, default=300.0, help="0 skips Erlang A")
    args = parser.parse_args(argv)
    print(f"{args.calls} calls per run, 100 calls/30 min, AHT 180 s, T 20 s, seed {args.seed}")
    for agents in args.agents:
        sl = measure(agents, args.calls, args.seed)["sl_answered"]
        theory = service_level(agents, RATE, AHT, ANSWER_WITHIN)
        print(
            f"{agents} agents: measured SL {sl.mean:.2%} ± {sl.half_width:.2%} (95% CI),"
            f" Erlang C {theory:.2%}, difference {sl.mean - theory:+.2%}"
        )
    if args.patience <= 0:
        return 0
    figures = measure(13, args.calls, args.seed, patience=args.patience)
    model = erlang_a(13, RATE, AHT, args.patience, ANSWER_WITHIN)
    for name, theory in [
        ("abandon", model.abandon),
        ("sl_offered", model.service_level_offered),
        ("sl_answered", model.service_level_answered),
    ]:
        got = figures[name]
        print(
            f"13 agents, patience {args.patience:g} s: {name} {got.mean:.2%} ±"
            f" {got.half_width:.2%} (95% CI), Erlang A {theory:.2%},"
            f" difference {got.mean - theory:+.2%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
