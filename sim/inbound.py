"""Inbound traffic at virtual time through a pluggable ``Router``: the queueing-theory oracle.

Owns the ``Router`` protocol this driver calls and ``run_inbound``, which plays a Poisson
stream of callers into one pool of identical agents: each caller waits until the router
gives them an agent (answered at once: no ring time, no wrap-up) or until their patience
runs out (they hang up and the router is told). Handle times and patience are drawn per
call from their own seeded streams, so two routers face exactly the same callers.

The driver checks what the router says: an agent given a call must be free, the call must
be waiting. A router that breaks that raises ``RouterError`` — the oracle does not trust
the code under test. Must not import any other package of this repository.

The router may need timers of its own (routing-step boundaries, wrap-up): after every call
into it the driver asks ``next_wake()`` and calls ``wake(now)`` when that moment comes.
"""

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sim.des import Event, VirtualTime
from sim.traffic import Duration, PoissonArrivals


@dataclass(frozen=True, slots=True)
class Assignment:
    """The router's decision: this agent takes this call, now."""

    call: int
    agent: int


class Router(Protocol):
    """Decides which agent takes which waiting call; calls and agents are numbered from 0."""

    def call_arrived(self, call: int, now: float) -> Sequence[Assignment]: ...

    def call_abandoned(self, call: int, now: float) -> Sequence[Assignment]: ...

    def call_ended(self, call: int, agent: int, now: float) -> Sequence[Assignment]: ...

    def next_wake(self) -> float | None: ...

    def wake(self, now: float) -> Sequence[Assignment]: ...


class RouterError(AssertionError):
    """The router gave a busy agent, or a call that is not waiting."""


@dataclass(frozen=True, slots=True)
class InboundTraffic:
    arrivals: PoissonArrivals
    handle: Duration
    #: ``None``: callers wait for ever (Erlang C); else their patience (Erlang A).
    patience: Duration | None = None


@dataclass(frozen=True, slots=True)
class InboundResult:
    """Per call in arrival order: seconds waited if answered, ``None`` if abandoned."""

    waits: tuple[float | None, ...]
    arrived_at: tuple[float, ...]


@dataclass
class _Run:
    router: Router
    traffic: InboundTraffic
    calls: int
    time: VirtualTime
    streams: dict[str, random.Random]
    arrived: list[float]
    waits: list[float | None]
    waiting: dict[int, Event | None]
    busy: set[int]
    wake_event: Event | None = None

    def arrive(self, call: int) -> None:
        now = self.time.now()
        self.arrived.append(now)
        self.waits.append(None)
        patience = self.traffic.patience
        give_up = None
        if patience is not None:
            seconds = patience.draw(self.streams["patience"])
            give_up = self.time.call_later(seconds, lambda: self.abandon(call))
        self.waiting[call] = give_up
        if call + 1 < self.calls:
            gap = self.traffic.arrivals.gap(self.streams["arrivals"])
            self.time.call_later(gap, lambda: self.arrive(call + 1))
        self.apply(self.router.call_arrived(call, now))

    def abandon(self, call: int) -> None:
        if self.waiting.pop(call, None) is None:
            raise RouterError(f"call {call} gave up but was not waiting")
        self.apply(self.router.call_abandoned(call, self.time.now()))

    def end(self, call: int, agent: int) -> None:
        self.busy.discard(agent)
        self.apply(self.router.call_ended(call, agent, self.time.now()))

    def wake(self) -> None:
        self.wake_event = None
        self.apply(self.router.wake(self.time.now()))

    def apply(self, assignments: Sequence[Assignment]) -> None:
        now = self.time.now()
        for a in assignments:
            if a.call not in self.waiting or a.agent in self.busy:
                raise RouterError(f"{a}: the call is not waiting or the agent is busy")
            give_up = self.waiting.pop(a.call)
            if give_up is not None:
                give_up.cancel()
            self.busy.add(a.agent)
            self.waits[a.call] = now - self.arrived[a.call]
            seconds = self.traffic.handle.draw(self.streams["handle"])
            self.time.call_later(seconds, functools.partial(self.end, a.call, a.agent))
        self.arm_wake()

    def arm_wake(self) -> None:
        due = self.router.next_wake()
        if self.wake_event is not None:
            if due is not None and due == self.wake_event.due:
                return
            self.wake_event.cancel()
            self.wake_event = None
        if due is not None:
            self.wake_event = self.time.call_at(due, self.wake)


def streams(seed: int, *names: str) -> dict[str, random.Random]:
    """One independent, repeatable stream per quantity (a string seed hashes stably)."""
    return {name: random.Random(f"{seed}/{name}") for name in names}


def run_inbound(router: Router, traffic: InboundTraffic, calls: int, seed: int) -> InboundResult:
    """Play ``calls`` callers through ``router`` and return what each one experienced."""
    run = _Run(
        router,
        traffic,
        calls,
        VirtualTime(),
        streams(seed, "arrivals", "handle", "patience"),
        [],
        [],
        {},
        set(),
    )
    if calls > 0:
        run.time.call_at(0.0, lambda: run.arrive(0))
    run.time.run()
    return InboundResult(tuple(run.waits), tuple(run.arrived))
