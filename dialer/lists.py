"""Which of a campaign's lists the next dials come from: priority, quotas, scoring by yield.

Owns ``ListStats`` (one list's priority, quota and what it has yielded so far) and
``allocate``, which splits the next ``n`` dials among the lists:

- **Priority** is strict: a list is drawn from only when every list of a higher priority
  (a lower number) has no lead ready now or has used its quota.
- **Quota**: at most ``quota`` dials from the list over the campaign (``None``: no limit);
  the dials in flight count, so a quota is never overshot.
- **Dynamic scoring**: lists of the same priority share the dials in proportion to their
  yield, live answers ÷ dials, shrunk toward the lists' pooled yield while a list's sample is
  small (``prior`` pseudo-dials at the pooled rate), and never below ``floor`` of the best
  score, so a list that yields little still gets tried and its estimate can recover.
  Shares are rounded by largest remainder, ties to the list with more leads ready.

Must not read a clock or look anything up: the shell passes the counts (crm_core's).
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ListStats:
    list_id: str
    #: 1 is dialed first; equal priorities share by yield.
    priority: int = 1
    #: Most dials ever placed from this list (``None``: no limit).
    quota: int | None = None
    #: Dials placed so far, in flight included, and live answers among them.
    dials: int = 0
    answered: int = 0
    #: Leads of this list the gate would dial now (the most this list can take).
    ready: int = 0

    def __post_init__(self) -> None:
        if self.quota is not None and self.quota < 0:
            raise ValueError("a quota is a number of dials, at least 0")
        if not 0 <= self.answered <= self.dials or self.ready < 0:
            raise ValueError("answered must be within 0..dials and ready at least 0")

    @property
    def room(self) -> int:
        """Dials this list can take now: its ready leads, within its quota."""
        left = self.ready if self.quota is None else min(self.ready, self.quota - self.dials)
        return max(0, left)


def pooled_yield(lists: Sequence[ListStats]) -> float:
    """Live answers ÷ dials over all the lists (1.0 before any dial: assume the best)."""
    dials = sum(s.dials for s in lists)
    return sum(s.answered for s in lists) / dials if dials else 1.0


def scores(lists: Sequence[ListStats], prior: float = 20.0, floor: float = 0.1) -> dict[str, float]:
    """Each list's shrunk yield, at least ``floor`` × the best of them."""
    pooled = pooled_yield(lists)
    raw = {s.list_id: (s.answered + prior * pooled) / (s.dials + prior) for s in lists}
    best = max(raw.values(), default=0.0)
    if best <= 0:  # nobody answered anywhere yet: no list has shown it yields less
        return dict.fromkeys(raw, 1.0)
    return {k: max(v, floor * best) for k, v in raw.items()}


def allocate(
    lists: Sequence[ListStats], n: int, prior: float = 20.0, floor: float = 0.1
) -> dict[str, int]:
    """How many of the next ``n`` dials to draw from each list (every list named, 0 or more)."""
    if n < 0 or prior < 0 or not 0 < floor <= 1:
        raise ValueError("n and prior must be >= 0, floor in (0, 1]")
    given = {s.list_id: 0 for s in lists}
    weight = scores(lists, prior, floor)
    left = n
    for priority in sorted({s.priority for s in lists}):
        tier = [s for s in lists if s.priority == priority and s.room > 0]
        while left > 0 and tier:
            share = _split(tier, left, weight, given)
            placed = sum(share.values())
            for list_id, k in share.items():
                given[list_id] += k
            left -= placed
            tier = [s for s in tier if s.room > given[s.list_id]]
            if placed == 0:
                break
    return given


def _split(
    tier: list[ListStats], n: int, weight: dict[str, float], given: dict[str, int]
) -> dict[str, int]:
    """``n`` dials over ``tier`` by weight (largest remainder), each within its room."""
    total = sum(weight[s.list_id] for s in tier)
    exact = {s.list_id: n * weight[s.list_id] / total for s in tier}
    share = {k: int(v) for k, v in exact.items()}
    order = sorted(tier, key=lambda s: (-(exact[s.list_id] - share[s.list_id]), -s.ready))
    for s in order[: n - sum(share.values())]:
        share[s.list_id] += 1
    return {s.list_id: min(share[s.list_id], s.room - given[s.list_id]) for s in tier}
