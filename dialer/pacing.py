"""The pacer: how many dials to place now, for preview, progressive or predictive.

Owns: ``PacingConfig``, ``PacingState`` (what the shell measured: free agents, agents
about to free, calls in flight, answers so far, the abandon ledger) and ``pace``.
Must not place calls or ask ``acd`` anything: the shell counts agents through acd's
public API and turns the number returned here into ``Originate`` commands.

- **Preview:** one record per agent who asks (``preview_requests``); no dialing ahead.
- **Progressive:** one dial per free agent not already covered by a call in flight.
- **Predictive:** aim for as many answers as agents free now or within
  ``answer_horizon`` seconds: ``available ÷ answer_rate`` calls in flight. The measured
  answer rate is shrunk toward 1.0 (i.e. toward progressive) while the sample is small,
  and never taken below ``answer_rate_floor``.

The abandon cap is a hard limit, enforced before the dial, never after: the calls in
flight may not exceed the number for which *all of them answering at once* keeps the
ledger at or under the cap. If ``n`` calls are in flight, ``F`` agents free, the ledger
holds ``L`` live answers and ``B`` abandons, the worst case adds ``n`` answers and
``n − F`` abandons, so ``n ≤ (F + cap·L − B) ÷ (1 − cap)``. Agents *about* to free are
not counted there (they might not). When the 30-day rate has reached the cap, pacing
is progressive (1:1): the bound alone could then stop even the calls an agent is free
to take, and progressive calls never abandon while that agent waits for them.
``target_abandon`` puts the same bound at a lower rate (say 2%) to keep a margin.
"""

import math
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from dialer.abandon import AbandonLedger


class Mode(StrEnum):
    PREVIEW = "preview"
    PROGRESSIVE = "progressive"
    PREDICTIVE = "predictive"


@dataclass(frozen=True, slots=True)
class PacingConfig:
    mode: Mode = Mode.PREDICTIVE
    #: Seconds from dial to answer that agents about to free are counted within.
    answer_horizon: float = 10.0
    #: The lowest answer rate the predictive estimate ever uses.
    answer_rate_floor: float = 0.05
    #: Pseudo-attempts at a 100% answer rate blended in: a small sample paces near 1:1.
    prior_weight: int = 20
    #: Never more than this many calls in flight per available agent.
    max_ratio: float = 10.0
    #: Abandon rate to steer by, at or below the ledger's legal cap (``None``: the cap).
    target_abandon: Fraction | None = None

    def __post_init__(self) -> None:
        if not 0 < self.answer_rate_floor <= 1:
            raise ValueError("answer_rate_floor must be in (0, 1]")
        if self.prior_weight < 0 or self.max_ratio < 1:
            raise ValueError("prior_weight must be >= 0 and max_ratio >= 1")
        if self.target_abandon is not None and not 0 <= self.target_abandon < 1:
            raise ValueError("target_abandon must be in [0, 1)")

    def cap_for(self, ledger: AbandonLedger) -> Fraction:
        """The rate the pacer steers by: the target, never above the ledger's cap."""
        target = self.target_abandon
        return ledger.cap if target is None else min(target, ledger.cap)


@dataclass(frozen=True, slots=True)
class PacingState:
    free_agents: int = 0
    #: Expected seconds until each busy agent frees (talk + wrap-up remaining).
    freeing_in: tuple[float, ...] = ()
    in_flight: int = 0
    #: Dials that ended so far (the sample) and how many of them a person answered.
    dials_ended: int = 0
    answered: int = 0
    ledger: AbandonLedger = field(default_factory=AbandonLedger)
    #: Preview mode: agents asking for a record now.
    preview_requests: int = 0


def answer_rate(state: PacingState, config: PacingConfig) -> Fraction:
    """The measured answer rate, shrunk toward 1.0 on a small sample, floored (exact)."""
    prior = config.prior_weight
    sample = state.dials_ended + prior
    estimate = Fraction(state.answered + prior, sample) if sample else Fraction(1)
    return min(Fraction(1), max(Fraction(str(config.answer_rate_floor)), estimate))


def progressive(state: PacingState) -> int:
    return max(0, state.free_agents - state.in_flight)


def cap_bound(state: PacingState, now: float, cap: Fraction) -> int:
    """The most calls that may be in flight so that all answering stays within ``cap``."""
    room = state.free_agents + state.ledger.headroom(now, cap)
    return math.floor(room / (1 - cap)) if room > 0 else 0


def predictive_target(state: PacingState, config: PacingConfig) -> int:
    """Calls in flight wanted so that the expected answers match the agents available."""
    soon = sum(1 for s in state.freeing_in if s <= config.answer_horizon)
    available = state.free_agents + soon
    rate = answer_rate(state, config)
    return min(math.floor(available / rate), math.floor(available * config.max_ratio))


def pace(state: PacingState, now: float, config: PacingConfig | None = None) -> int:
    """How many dials to place now (preview: how many records to hand out)."""
    config = config or PacingConfig()
    if config.mode is Mode.PREVIEW:
        return max(0, state.preview_requests)
    floor = progressive(state)
    cap = config.cap_for(state.ledger)
    if config.mode is Mode.PROGRESSIVE or state.ledger.at_cap(now, cap):
        return floor
    wanted = min(predictive_target(state, config), cap_bound(state, now, cap))
    return max(floor, wanted - state.in_flight)
