"""Pure traffic models for the discrete-event driver: arrivals, durations, patience, dial fates.

Owns small frozen descriptions of random quantities and the draws from them. Every draw
takes the ``random.Random`` to use, so the caller decides which stream feeds which
quantity (a fixed seed per stream gives repeatable runs, and two runs that differ only in
the code under test see the same calls: common random numbers). Must not read a clock,
keep state between draws, or import any other package of this repository.

- ``Exponential``, ``Uniform``, ``Fixed``: durations in seconds;
- ``PoissonArrivals``: exponential gaps at a rate per second;
- ``StepRate``: a probability that changes at given times (an answer rate that falls
  mid-shift);
- ``DialTraffic`` and ``Lead``: what happens when a number is dialled. A lead carries its
  own uniform draws, so its fate at a given answer rate is fixed in advance; a person
  answers when ``u < answer rate``, a machine when ``u < answer rate + machine rate``,
  otherwise the line rings until the no-answer timeout.
"""

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Duration(Protocol):
    @property
    def mean(self) -> float: ...

    def draw(self, rng: random.Random) -> float: ...


@dataclass(frozen=True, slots=True)
class Exponential:
    mean: float

    def __post_init__(self) -> None:
        if self.mean <= 0:
            raise ValueError("an exponential duration needs a positive mean")

    def draw(self, rng: random.Random) -> float:
        return rng.expovariate(1 / self.mean)


@dataclass(frozen=True, slots=True)
class Uniform:
    low: float
    high: float

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise ValueError("a uniform duration needs 0 <= low <= high")

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def draw(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True, slots=True)
class Fixed:
    value: float

    @property
    def mean(self) -> float:
        return self.value

    def draw(self, rng: random.Random) -> float:
        return self.value


@dataclass(frozen=True, slots=True)
class PoissonArrivals:
    """Arrivals at ``rate`` per second: exponential gaps with mean ``1 / rate``."""

    rate: float

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("an arrival rate must be positive")

    def gap(self, rng: random.Random) -> float:
        return rng.expovariate(self.rate)


@dataclass(frozen=True, slots=True)
class StepRate:
    """A probability that holds from each ``(start second, value)`` until the next one."""

    steps: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        starts = [s for s, _ in self.steps]
        if not self.steps or starts[0] != 0 or starts != sorted(set(starts)):
            raise ValueError("steps start at 0 and their start times increase")
        if any(not 0 <= v <= 1 for _, v in self.steps):
            raise ValueError("a rate is a probability in [0, 1]")

    @classmethod
    def constant(cls, value: float) -> "StepRate":
        return cls(((0.0, value),))

    def at(self, second: float) -> float:
        value = self.steps[0][1]
        for start, v in self.steps:
            if second < start:
                break
            value = v
        return value


class DialFate(StrEnum):
    HUMAN = "human"
    MACHINE = "machine"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True, slots=True)
class Lead:
    """One number on the list, with every draw its dial will need, made in advance."""

    index: int
    #: Compared with the answer rate (and machine rate) at the moment of the dial.
    u: float
    answer_after: float
    no_answer_after: float
    talk: float


@dataclass(frozen=True, slots=True)
class DialTraffic:
    """How dialled numbers behave: who answers, after how long, and how long they talk."""

    answer_rate: StepRate
    answer_after: Duration = Uniform(4, 16)
    no_answer_after: Duration = Uniform(20, 30)
    talk: Duration = Exponential(120)
    #: Share of dials an answering machine picks up (after ``answer_after``, like a person).
    machine_rate: float = 0.0

    def lead(self, index: int, rng: random.Random) -> Lead:
        """The next lead of a list; draw order is fixed so a seed gives the same list."""
        u = rng.random()
        answer = self.answer_after.draw(rng)
        no_answer = self.no_answer_after.draw(rng)
        return Lead(index, u, answer, no_answer, self.talk.draw(rng))

    def fate(self, lead: Lead, second: float) -> tuple[DialFate, float]:
        """What a dial of ``lead`` placed at ``second`` ends as, and after how many seconds."""
        human = self.answer_rate.at(second)
        if lead.u < human:
            return DialFate.HUMAN, lead.answer_after
        if lead.u < human + self.machine_rate:
            return DialFate.MACHINE, lead.answer_after
        return DialFate.NO_ANSWER, lead.no_answer_after
