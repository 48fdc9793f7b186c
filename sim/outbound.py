"""Outbound dialling at virtual time through a pluggable ``Pacer``: the pacing-study oracle.

Owns the ``Pacer`` protocol this driver calls, ``FloorView`` (what a dialer can observe)
and ``run_outbound``. Agents sit on nailed-up connections: an agent is free, talking, or
in a timed wrap-up. The pacer is asked how many dials to start on every ``tick`` and
whenever an agent frees (as a dialer's pacing timer would); each dial takes the next
lead of the list, whose fate (``sim.traffic``) was drawn in advance, so two pacers
dialling the same list meet the same people.

A person who answers is first heard by answering-machine detection (``amd`` seconds),
then bridged to the longest-free agent. If none is free, the call waits for the first
agent to free, but only until ``max_connect`` seconds after the answer (the 2-second
rule, detection time included); then it hears the safe-harbour message and counts as
abandoned. Machines and unanswered dials end without an agent. Only a person's answer is
a live answer. The dialer may hang up a dial that still rings after ``ring_timeout``
seconds (as the product's Originate timeout does): the dial then ends as unanswered at
that second, and a person or machine who would have answered later is never reached
(counted in ``lost``). Must not import any other package of this repository.
"""

import bisect
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from sim.des import Event, VirtualTime
from sim.traffic import DialFate, DialTraffic, Duration, Fixed, Lead


@dataclass(frozen=True, slots=True)
class FloorView:
    """The dialer's observable state when it is asked to pace."""

    now: float
    free_agents: int
    #: When each talking agent's call was bridged (talk time so far is ``now - t``).
    talking_since: tuple[float, ...]
    #: When each agent in wrap-up becomes free again (wrap-up is timed).
    wrap_up_until: tuple[float, ...]
    #: When each dial still ringing or under detection was started.
    dialling_since: tuple[float, ...]
    #: People who answered and are waiting (at most ``max_connect`` s) for an agent.
    awaiting_agent: int


class Pacer(Protocol):
    def dials_to_start(self, view: FloorView) -> int: ...

    def dial_ended(self, now: float, fate: DialFate, ring_seconds: float) -> None:
        """A dial's outcome is known (a person's: after detection)."""

    def live_answer(self, now: float, *, abandoned: bool) -> None:
        """A person who answered was bridged, or was abandoned after ``max_connect``."""

    def agent_freed(self, now: float, talk_seconds: float) -> None: ...


WRAP_UP = Fixed(15.0)


@dataclass(frozen=True, slots=True)
class Floor:
    agents: int = 20
    wrap_up: Duration = WRAP_UP
    #: Answering-machine detection on a person's answer (amd.conf: 0.5 s + 0.8 s silence).
    amd: float = 1.3
    #: From a person's answer to an agent on the line, at most (the 2-second rule).
    max_connect: float = 2.0
    shift: float = 8 * 3600.0
    tick: float = 1.0
    #: The dialer's own ring timeout (Originate's): an unanswered dial is hung up after
    #: this many seconds; ``None`` lets it ring until the network gives up.
    ring_timeout: float | None = None

    def __post_init__(self) -> None:
        if self.ring_timeout is not None and self.ring_timeout <= 0:
            raise ValueError("ring_timeout must be positive")


@dataclass(frozen=True, slots=True)
class OutboundResult:
    agents: int
    shift: float
    dials: int
    machines: int
    #: People (or machines) who would have answered after the dialer's ring timeout.
    lost: int
    #: Talk seconds inside the shift (a call still going at the end counts up to the end).
    talk_seconds: float
    #: Every live answer in time order: (second, abandoned).
    answers: tuple[tuple[float, bool], ...]

    @property
    def live_answered(self) -> int:
        return len(self.answers)

    @property
    def abandoned(self) -> int:
        return sum(1 for _, a in self.answers if a)

    @property
    def talk_minutes_per_agent_hour(self) -> float:
        return self.talk_seconds / 60 / (self.agents * self.shift / 3600)


@dataclass
class _Run:
    pacer: Pacer
    traffic: DialTraffic
    floor: Floor
    time: VirtualTime
    leads: random.Random
    wraps: random.Random
    #: Free agents as (free since, agent), longest-free first.
    free: list[tuple[float, int]]
    talking: dict[int, float] = field(default_factory=dict)
    wrapping: dict[int, float] = field(default_factory=dict)
    dialling: dict[int, float] = field(default_factory=dict)
    #: Answered people waiting for an agent: (dial, answered at, lead, give-up event).
    awaiting: deque[tuple[int, float, Lead, Event]] = field(default_factory=deque)
    dials: int = 0
    machines: int = 0
    lost: int = 0
    talk: float = 0.0
    answers: list[tuple[float, bool]] = field(default_factory=list)

    def view(self) -> FloorView:
        return FloorView(
            self.time.now(),
            len(self.free),
            tuple(self.talking.values()),
            tuple(self.wrapping.values()),
            tuple(self.dialling.values()),
            len(self.awaiting),
        )

    def pace(self) -> None:
        now = self.time.now()
        if now >= self.floor.shift:
            return
        for _ in range(max(0, self.pacer.dials_to_start(self.view()))):
            self.dial(now)

    def tick(self) -> None:
        self.pace()
        if self.time.now() + self.floor.tick < self.floor.shift:
            self.time.call_later(self.floor.tick, self.tick)

    def dial(self, now: float) -> None:
        dial_id, lead = self.dials, self.traffic.lead(self.dials, self.leads)
        self.dials += 1
        self.dialling[dial_id] = now
        fate, ring = self.traffic.fate(lead, now)
        limit = self.floor.ring_timeout
        if limit is not None and ring > limit:
            # Hung up by the dialer while still ringing: whoever would have answered later
            # is never reached, and the dialer sees an unanswered dial.
            self.lost += fate is not DialFate.NO_ANSWER
            fate, ring = DialFate.NO_ANSWER, limit
        ends = ring if fate is DialFate.NO_ANSWER else ring + self.floor.amd
        self.time.call_later(ends, lambda: self.dial_ended(dial_id, lead, fate, ring))

    def dial_ended(self, dial_id: int, lead: Lead, fate: DialFate, ring: float) -> None:
        now = self.time.now()
        del self.dialling[dial_id]
        self.pacer.dial_ended(now, fate, ring)
        if fate is DialFate.MACHINE:
            self.machines += 1
        elif fate is DialFate.HUMAN:
            answered_at = now - self.floor.amd
            if self.free:
                self.bridge(lead, answered_at)
            else:
                deadline = answered_at + self.floor.max_connect
                give_up = self.time.call_at(deadline, lambda: self.abandon(dial_id))
                self.awaiting.append((dial_id, answered_at, lead, give_up))

    def bridge(self, lead: Lead, answered_at: float) -> None:
        now = self.time.now()
        _, agent = self.free.pop(0)
        self.talking[agent] = now
        self.answers.append((answered_at, False))
        self.pacer.live_answer(now, abandoned=False)
        self.time.call_later(lead.talk, lambda: self.talk_ended(agent, lead.talk))

    def abandon(self, dial_id: int) -> None:
        for index, (waiting_id, answered_at, _, _) in enumerate(self.awaiting):
            if waiting_id == dial_id:
                del self.awaiting[index]
                self.answers.append((answered_at, True))
                self.pacer.live_answer(self.time.now(), abandoned=True)
                break

    def talk_ended(self, agent: int, seconds: float) -> None:
        now = self.time.now()
        started = self.talking.pop(agent)
        self.talk += max(0.0, min(now, self.floor.shift) - min(started, self.floor.shift))
        until = now + self.floor.wrap_up.draw(self.wraps)
        self.wrapping[agent] = until
        self.time.call_at(until, lambda: self.agent_freed(agent, seconds))

    def agent_freed(self, agent: int, talk_seconds: float) -> None:
        now = self.time.now()
        del self.wrapping[agent]
        bisect.insort(self.free, (now, agent))
        self.pacer.agent_freed(now, talk_seconds)
        if self.awaiting:
            _, answered_at, lead, give_up = self.awaiting.popleft()
            give_up.cancel()
            self.bridge(lead, answered_at)
        self.pace()


def run_outbound(pacer: Pacer, traffic: DialTraffic, floor: Floor, seed: int) -> OutboundResult:
    """Dial the list of ``seed`` through ``pacer`` for one shift; calls in flight then finish."""
    run = _Run(
        pacer,
        traffic,
        floor,
        VirtualTime(),
        random.Random(f"{seed}/leads"),
        random.Random(f"{seed}/wrap-up"),
        [(0.0, agent) for agent in range(floor.agents)],
    )
    run.time.call_at(0.0, run.tick)
    run.time.run()
    return OutboundResult(
        floor.agents,
        floor.shift,
        run.dials,
        run.machines,
        run.lost,
        run.talk,
        tuple(sorted(run.answers)),
    )
