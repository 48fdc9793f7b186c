"""The real ACD engine under Poisson traffic, measured against Erlang C and Erlang A.

The traffic and the clock are the simulator's discrete-event driver (``sim.inbound``):
calls arrive as a Poisson stream into one queue of N identical agents, agents answer at
once (no ring time), handle times are exponential, wrap-up is optional (none), and, with
``--patience``, callers hang up after an exponential patience. ``AcdRouter`` plugs the
real ``acd.engine.AcdEngine`` into the driver's ``Router`` protocol, so the routing
decisions (and the engine's own timers) are the engine's; the driver only plays callers.

Confidence intervals use batch means: after a warm-up, the calls are cut into equal
batches in arrival order and the 95% interval is mean ± t·s/√batches.

Run: ``callcenter bench erlang [--calls N] [--seed S] [--agents 12 13 14 15]``.
"""

import argparse
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from acd.engine import AcdEngine
from acd.erlang import erlang_a, service_level
from acd.events import AcdEvent, AgentReserved
from acd.model import AgentProfile, CallRequest, QueueConfig, WrapUpMode
from cti.ids import AgentId, CallId, QueueName
from sim.des import VirtualTime
from sim.inbound import Assignment, InboundTraffic, run_inbound
from sim.traffic import Exponential, PoissonArrivals

QUEUE = QueueName("q")
RATE = 100 / 1800
AHT = 180.0
ANSWER_WITHIN = 20.0
BATCHES = 30
#: Two-sided 97.5% Student t quantile for BATCHES - 1 = 29 degrees of freedom.
T_29 = 2.045


class AcdRouter:
    """``sim.inbound.Router`` over the real engine: one queue, ``agents`` ready agents.

    The engine reads the driver's virtual time through ``self`` (a ``Clock``) and keeps its
    timers in a ``VirtualTime`` of its own, which the driver fires through ``wake``. Each
    reservation is answered at once (no ring time), which is when the driver hears of it.
    """

    def __init__(self, agents: int) -> None:
        self._now = 0.0
        self._timers = VirtualTime()
        self._reserved: list[CallId] = []
        queue = QueueConfig(QUEUE, "s", wrap_up_mode=WrapUpMode.OPTIONAL)
        self.engine = AcdEngine([queue], clock=self, scheduler=self._timers, publish=self._hear)
        for n in range(agents):
            agent_id = AgentId(f"a{n}")
            self.engine.add_agent(AgentProfile(agent_id, agent_id, f"PJSIP/{n}", {"s": 5}))
            self.engine.sign_in(agent_id)
            self.engine.go_ready(agent_id)

    def now(self) -> float:
        return self._now

    def _at(self, now: float) -> None:
        self._now = self._timers.current = now

    def _hear(self, event: AcdEvent) -> None:
        if isinstance(event, AgentReserved):
            self._reserved.append(event.call_id)

    def _answer_offers(self) -> list[Assignment]:
        made: list[Assignment] = []
        reserved, self._reserved = self._reserved, []
        for call_id in reserved:
            offer = self.engine.offer_for(call_id)
            assert offer is not None, "a reservation comes with its offer"
            self.engine.offer_result(offer, "ANSWER")
            made.append(Assignment(int(offer.call_id[1:]), int(offer.agent_id[1:])))
        return made

    def call_arrived(self, call: int, now: float) -> Sequence[Assignment]:
        self._at(now)
        self.engine.enqueue(CallRequest(CallId(f"c{call}"), QUEUE))
        return self._answer_offers()

    def call_abandoned(self, call: int, now: float) -> Sequence[Assignment]:
        self._at(now)
        self.engine.leave_queue(CallId(f"c{call}"), "caller hung up")
        return self._answer_offers()

    def call_ended(self, call: int, agent: int, now: float) -> Sequence[Assignment]:
        self._at(now)
        self.engine.call_ended(CallId(f"c{call}"))
        return self._answer_offers()

    def next_wake(self) -> float | None:
        return self._timers.next_due()

    def wake(self, now: float) -> Sequence[Assignment]:
        self._at(now)
        while (due := self._timers.next_due()) is not None and due <= now:
            self._timers.step()
        return self._answer_offers()


@dataclass
class Outcome:
    """Per call, in arrival order: the wait if answered, ``None`` if abandoned."""

    waits: list[float | None]


def simulate(agents: int, calls: int, seed: int, patience: float | None = None) -> Outcome:
    traffic = InboundTraffic(
        PoissonArrivals(RATE),
        Exponential(AHT),
        None if patience is None else Exponential(patience),
    )
    result = run_inbound(AcdRouter(agents), traffic, calls, seed)
    return Outcome(list(result.waits))


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
    parser = argparse.ArgumentParser(prog="callcenter bench erlang")
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
