"""Queueing formulas for staffing: Erlang C (callers wait forever) and Erlang A (they give up).

Owns pure functions of numbers, no state and no I/O. Rates are per second, times in
seconds. ``load`` is the offered traffic in Erlangs: arrival rate × average handle time.

- Erlang B comes from the recursion ``B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1))``, which
  never forms ``A**n`` or ``n!`` and so stays finite for thousands of agents.
- Erlang C (M/M/N): ``C = N·B / (N - A·(1 - B))``; service level within T is
  ``1 - C·exp(-(N - A)·T / AHT)``; ASA is ``C·AHT / (N - A)``.
- Erlang A (M/M/N+M, exponential patience): the birth-death chain's stationary law, with
  the tail above N summed until it is negligible. By PASTA an arrival finding ``j`` callers
  ahead is answered within T if it passes ``j + 1`` exponential stages (rates
  ``N·μ + k·γ``, k = j..0) before both T and its own patience; that probability is computed
  for every j at once by uniformisation.
"""

import math
from dataclasses import dataclass

#: The stationary tail and the Poisson sums are cut where they add less than this.
EPSILON = 1e-13


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of ``servers`` lines offered ``load`` Erlangs."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be non-negative")
    b = 1.0
    for n in range(1, servers + 1):
        b = load * b / (n + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that a caller waits at all; 1.0 when the queue is unstable (N ≤ A)."""
    if servers <= load:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


def service_level(servers: int, arrival_rate: float, aht: float, answer_within: float) -> float:
    """Erlang C share of calls answered within ``answer_within`` seconds."""
    load = arrival_rate * aht
    if servers <= load:
        return 0.0
    wait = erlang_c(servers, load)
    return 1.0 - wait * math.exp(-(servers - load) * answer_within / aht)


def average_speed_of_answer(servers: int, arrival_rate: float, aht: float) -> float:
    """Erlang C mean wait over all calls (those answered at once count as 0 s)."""
    load = arrival_rate * aht
    if servers <= load:
        return math.inf
    return erlang_c(servers, load) * aht / (servers - load)


@dataclass(frozen=True, slots=True)
class ErlangA:
    """Figures of an M/M/N+M queue, each a probability over calls or a mean in seconds."""

    probability_wait: float
    abandon: float
    #: Answered within T over all offered calls (abandons count against it).
    service_level_offered: float
    #: Answered within T over answered calls only.
    service_level_answered: float
    #: Mean time in queue over all offered calls, Little's law on the queue length.
    mean_wait: float


def erlang_a(
    servers: int, arrival_rate: float, aht: float, patience: float, answer_within: float
) -> ErlangA:
    """Erlang A with exponential patience of mean ``patience`` seconds."""
    if servers < 1 or arrival_rate <= 0 or aht <= 0 or patience <= 0:
        raise ValueError("need at least one server and positive rates")
    mu, gamma = 1.0 / aht, 1.0 / patience
    below, queue = _stationary(servers, arrival_rate, mu, gamma)
    total = sum(below) + sum(queue)
    waiting = sum(queue) / total
    mean_queue = sum(j * p for j, p in enumerate(queue)) / total
    abandon = gamma * mean_queue / arrival_rate
    in_time = _served_within(servers * mu, gamma, len(queue), answer_within)
    offered_sl = (sum(below) + sum(p * s for p, s in zip(queue, in_time, strict=True))) / total
    answered = 1.0 - abandon
    return ErlangA(
        probability_wait=waiting,
        abandon=abandon,
        service_level_offered=offered_sl,
        service_level_answered=offered_sl / answered if answered > 0 else 0.0,
        mean_wait=mean_queue / arrival_rate,
    )


def agents_needed(
    arrival_rate: float,
    aht: float,
    answer_within: float,
    target: float,
    *,
    patience: float | None = None,
    max_agents: int = 100_000,
) -> int:
    """Smallest N whose service level (Erlang C, or Erlang A over offered) meets ``target``."""
    if not 0.0 < target < 1.0:
        raise ValueError("target is a fraction strictly between 0 and 1")
    start = 1 if patience is not None else max(1, math.floor(arrival_rate * aht) + 1)
    for n in range(start, max_agents + 1):
        if patience is None:
            level = service_level(n, arrival_rate, aht, answer_within)
        else:
            level = erlang_a(n, arrival_rate, aht, patience, answer_within).service_level_offered
        if level >= target:
            return n
    raise ValueError(f"no staffing up to {max_agents} agents meets {target:.1%}")


def _stationary(
    servers: int, arrival_rate: float, mu: float, gamma: float
) -> tuple[list[float], list[float]]:
    """Unnormalised π_n for n < N, and π_(N+j) for j = 0.. until the tail is negligible.

    Scaled so that π_(N-1) or so stays near 1: each term is the previous one times a ratio.
    """
    below = [1.0]
    for n in range(1, servers):
        below.append(below[-1] * arrival_rate / (n * mu))
    queue = [below[-1] * arrival_rate / (servers * mu)]
    running = sum(below) + queue[0]
    while True:
        nxt = queue[-1] * arrival_rate / (servers * mu + len(queue) * gamma)
        queue.append(nxt)
        running += nxt
        if nxt < EPSILON * running and len(queue) > 1:
            return below, queue


def _served_within(service_rate: float, gamma: float, depth: int, horizon: float) -> list[float]:
    """P(answered within ``horizon``) for a caller arriving with j = 0..depth-1 ahead.

    Stage k (k callers ahead) ends at rate ``service_rate + k·γ``; the caller abandons at
    rate γ from any stage. Uniformised at the largest total rate, ``served[n][k]`` is the
    chance of being answered within n jumps, mixed with Poisson(Λ·T) weights.
    """
    if horizon <= 0:
        return [0.0] * depth
    down = [service_rate + k * gamma for k in range(depth)]
    rate = down[-1] + gamma
    mean = rate * horizon
    served_by = [0.0] * depth  # g_0: nobody is answered without a jump
    result = [0.0] * depth
    log_weight, covered, n = -mean, 0.0, 0
    while covered < 1.0 - EPSILON and n < 10 * mean + 100:
        weight = math.exp(log_weight)
        covered += weight
        for k in range(depth):
            result[k] += weight * served_by[k]
        previous = served_by
        served_by = [
            (down[k] / rate) * (previous[k - 1] if k else 1.0)
            + (1.0 - (down[k] + gamma) / rate) * previous[k]
            for k in range(depth)
        ]
        n += 1
        log_weight += math.log(mean) - math.log(n)
    return result
