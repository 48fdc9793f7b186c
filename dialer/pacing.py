"""The pacer: how many dials to place now, for preview, progressive or predictive.

Owns ``PacingConfig``, ``PacingState`` (what the shell observed: free agents, agents in
wrap-up and in talk, dials ringing, the live estimates, the abandon ledger) and ``pace``.
Must not place calls or ask ``acd`` anything: the shell counts agents through acd's
public API and turns the number returned here into ``Originate`` commands. The
algorithm, with worked numbers, is in ``docs/dialer.md``.

- **Preview:** one record per agent who asks (``preview_requests``); no dialing ahead.
- **Progressive:** one dial per free agent not already covered by a call in flight.
- **Predictive:** add one dial at a time while the new dial's *marginal* abandon risk
  stays small. Within the answer window (``answer_window``: ring time plus detection,
  about 5–17 s) the agents who can take an answer are known: the free ones and those
  whose timed wrap-up ends by then (an agent talking now cannot be free before a whole
  wrap-up has passed). At each *checkpoint* (just before a wrap-up ends, and at the end
  of the window) the dials in flight bring ``N`` live answers against ``S`` agents:

  - a dial ringing for ``a`` s reaches a person within ``x`` more seconds with chance
    ``p·(G(a + x) − G(a)) ÷ (p·(1 − G(a)) + 1 − p)``, ``G`` uniform over the window and
    ``p`` the measured answer rate (a dial rung past the window counts for nothing);
  - ``N`` is taken as normal (sum of those chances, and of ``q(1 − q)`` for its
    variance); the expected abandons are the worst checkpoint's ``E[(N − S)⁺]``;
  - a dial is added while it raises that by at most ``threshold × p`` (the chance that
    its own answer finds no agent stays under ``threshold``). ``threshold`` is
    ``marginal_risk`` scaled by the ledger: ``× (1 + headroom ÷ headroom_scale)``
    clamped to ``[0, 2]``, where headroom is ``target·L − B``. A campaign under its target
    dials harder; one ``headroom_scale`` abandons over it dials progressively.

  The measured answer rate is shrunk toward 1.0 (i.e. toward progressive) while the
  sample is small, and never taken below ``answer_rate_floor``.

The abandon cap is a hard limit, enforced before the dial, never after: the calls in
flight may not exceed the number for which *all of them answering at once* keeps the
ledger at or under the legal cap. If ``n`` calls are in flight, ``F`` agents free, the
ledger holds ``L`` live answers and ``B`` abandons, the worst case adds ``n`` answers and
``n − F`` abandons, so ``n ≤ (F + cap·L − B) ÷ (1 − cap)``. When the 30-day rate has
reached the cap, pacing is progressive (1:1): progressive calls never abandon. A dial
counts in ``n`` until the shell reports its end (while it rings it may still be answered),
so it is the dialer's ring timeout, not a guess about who will answer, that frees a place:
predictive campaigns ring shorter for that reason (``docs/dialer.md``, "Ring time").
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
    #: Seconds after the dial within which people's answers reach the dialer (ring time
    #: plus answering-machine detection): the shell's measured low and high quantiles.
    answer_window: tuple[float, float] = (5.3, 17.3)
    #: Seconds an answered person may wait for an agent (2-second rule less detection).
    grace: float = 0.7
    #: Largest chance, at the target rate, that a new dial's answer finds no agent.
    marginal_risk: float = 0.015
    #: Abandons of headroom (at the target) that double the risk allowed (or, owed, stop it).
    headroom_scale: float = 20.0
    #: The lowest answer rate the predictive estimate ever uses.
    answer_rate_floor: float = 0.05
    #: Pseudo-attempts at a 100% answer rate blended in: a small sample paces near 1:1.
    prior_weight: int = 20
    #: Never more than this many calls in flight per agent on the floor.
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
        lo, hi = self.answer_window
        if not 0 <= lo <= hi or self.grace < 0:
            raise ValueError("answer_window must be 0 <= low <= high, grace >= 0")
        if not 0 <= self.marginal_risk <= 1 or self.headroom_scale <= 0:
            raise ValueError("marginal_risk must be in [0, 1] and headroom_scale > 0")

    def cap_for(self, ledger: AbandonLedger) -> Fraction:
        """The rate the pacer steers by: the target, never above the ledger's cap."""
        target = self.target_abandon
        return ledger.cap if target is None else min(target, ledger.cap)


@dataclass(frozen=True, slots=True)
class PacingState:
    free_agents: int = 0
    #: Seconds left of each agent's (timed) wrap-up.
    wrap_up_left: tuple[float, ...] = ()
    #: Seconds each talking agent has talked so far.
    talking_for: tuple[float, ...] = ()
    #: Calls dialled and not yet with an agent or ended (answered people waiting included).
    in_flight: int = 0
    #: Seconds each of those calls has rung (missing ones count as just dialled).
    ringing_for: tuple[float, ...] = ()
    #: Dials that ended so far (the sample) and how many of them a person answered.
    dials_ended: int = 0
    answered: int = 0
    #: Measured mean talk time and the campaign's wrap-up, in seconds.
    mean_talk: float = 120.0
    wrap_up: float = 0.0
    ledger: AbandonLedger = field(default_factory=AbandonLedger)
    #: Preview mode: agents asking for a record now.
    preview_requests: int = 0

    @property
    def agents(self) -> int:
        return self.free_agents + len(self.wrap_up_left) + len(self.talking_for)


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


def answer_by(x: float, age: float, p: float, window: tuple[float, float]) -> float:
    """Chance that a dial ringing for ``age`` s reaches a person within ``x`` more seconds.

    People answer uniformly within ``window`` seconds of the dial (detection included);
    the dial is still ringing, so the chance is conditional on no answer before ``age``.
    """
    lo, hi = window

    def cdf(t: float) -> float:
        return 0.0 if t <= lo else 1.0 if t >= hi or hi <= lo else (t - lo) / (hi - lo)

    still = p * (1 - cdf(age))
    ringing = still + 1 - p
    return p * (cdf(age + x) - cdf(age)) / ringing if ringing > 0 else 0.0


def checkpoints(state: PacingState, config: PacingConfig) -> list[tuple[float, int]]:
    """(seconds ahead, agents free by then) just before each wrap-up ends, and at the end.

    Agents talking now cannot be free before their wrap-up is over, so within the window
    the supply is known: the free agents plus the wrap-ups already ending. An answer may
    wait ``grace`` seconds for an agent (the 2-second rule less detection).
    """
    end = config.answer_window[1]
    ends = sorted(w - config.grace for w in state.wrap_up_left if w - config.grace < end)
    points = [(max(0.0, t), state.free_agents + i) for i, t in enumerate(ends)]
    points.append((end, state.free_agents + len(ends)))
    return points


def expected_excess(mean: float, variance: float) -> float:
    """``E[X⁺]`` for a normal ``X`` (exactly ``max(mean, 0)`` when there is no spread)."""
    if variance <= 1e-12:
        return max(mean, 0.0)
    sigma = math.sqrt(variance)
    z = mean / sigma
    cdf = 0.5 * math.erfc(-z / math.sqrt(2))
    pdf = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    return mean * cdf + sigma * pdf


def abandon_risk(
    means: list[float], variances: list[float], points: list[tuple[float, int]]
) -> float:
    """Expected abandons: the worst checkpoint's expected answers beyond the agents free."""
    return max(
        expected_excess(m - free, v)
        for m, v, (_, free) in zip(means, variances, points, strict=True)
    )


def threshold(state: PacingState, now: float, config: PacingConfig) -> float:
    """How likely a new dial may be to go unanswered by an agent, scaled by the ledger."""
    room = float(state.ledger.headroom(now, config.cap_for(state.ledger)))
    scale = min(2.0, max(0.0, 1 + room / config.headroom_scale))
    return config.marginal_risk * scale


def predictive_target(state: PacingState, now: float, config: PacingConfig) -> int:
    """Calls in flight wanted: add dials while each one's marginal abandon risk is small."""
    p = float(answer_rate(state, config))
    window = config.answer_window
    points = checkpoints(state, config)
    ages = list(state.ringing_for[: state.in_flight])
    ages += [0.0] * (state.in_flight - len(ages))
    means, variances = [0.0] * len(points), [0.0] * len(points)
    for age in ages:
        for k, (x, _) in enumerate(points):
            q = answer_by(x, age, p, window)
            means[k] += q
            variances[k] += q * (1 - q)
    fresh = [answer_by(x, 0.0, p, window) for x, _ in points]
    risk = abandon_risk(means, variances, points)
    allowed = threshold(state, now, config) * p
    limit = math.floor(max(1, state.agents) * config.max_ratio)
    n = state.in_flight
    while n < limit:
        means = [m + q for m, q in zip(means, fresh, strict=True)]
        variances = [v + q * (1 - q) for v, q in zip(variances, fresh, strict=True)]
        new_risk = abandon_risk(means, variances, points)
        if new_risk - risk > allowed:
            break
        risk, n = new_risk, n + 1
    return n


def pace(state: PacingState, now: float, config: PacingConfig | None = None) -> int:
    """How many dials to place now (preview: how many records to hand out)."""
    config = config or PacingConfig()
    if config.mode is Mode.PREVIEW:
        return max(0, state.preview_requests)
    floor = progressive(state)
    if config.mode is Mode.PROGRESSIVE or state.ledger.at_cap(now):
        return floor
    wanted = min(predictive_target(state, now, config), cap_bound(state, now, state.ledger.cap))
    return max(floor, wanted - state.in_flight)
