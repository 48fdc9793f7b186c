"""The abandon ledger of one campaign: per-day counts over a rolling 30-day window.

Owns: ``AbandonLedger``, an immutable record of live-answered and abandoned calls per
UTC day, and the rate the law caps. A call *answered live by a person* counts once in
``live_answered``; if no agent is connected within 2 s it also counts in ``abandoned``
(it is still a live answer: the US rule measures abandoned ÷ answered-live, 3% per
campaign per 30 days). Answering machines are not live answers and are not recorded.
The window is the 30 UTC days ending with ``now``'s day. Arithmetic is exact
(``Fraction``), so "at the cap" never depends on float rounding. Must not read a clock.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from types import MappingProxyType

DAY = 86_400
WINDOW_DAYS = 30
DEFAULT_CAP = Fraction(3, 100)


@dataclass(frozen=True, slots=True)
class DayCount:
    live_answered: int = 0
    abandoned: int = 0


def day_of(now: float) -> int:
    """The UTC day number (days since the epoch) of a ``Clock.now()`` reading."""
    return math.floor(now / DAY)


@dataclass(frozen=True, slots=True)
class AbandonLedger:
    cap: Fraction = DEFAULT_CAP
    days: Mapping[int, DayCount] = field(default_factory=lambda: MappingProxyType({}))

    def record(self, now: float, *, abandoned: bool) -> "AbandonLedger":
        """A new ledger with one more live answer on ``now``'s day (abandoned or not)."""
        today = day_of(now)
        old = self.days.get(today, DayCount())
        new = DayCount(old.live_answered + 1, old.abandoned + int(abandoned))
        kept = {d: c for d, c in self.days.items() if d > today - WINDOW_DAYS}
        kept[today] = new
        return replace(self, days=MappingProxyType(kept))

    def totals(self, now: float) -> DayCount:
        """Live answers and abandons in the 30 days ending with ``now``'s day."""
        today = day_of(now)
        inside = [c for d, c in self.days.items() if today - WINDOW_DAYS < d <= today]
        return DayCount(sum(c.live_answered for c in inside), sum(c.abandoned for c in inside))

    def day(self, now: float) -> DayCount:
        return self.days.get(day_of(now), DayCount())

    def rate(self, now: float) -> Fraction:
        """Abandoned ÷ live-answered over the 30-day window (0 with no answers)."""
        return _rate(self.totals(now))

    def day_rate(self, now: float) -> Fraction:
        """The same ratio for ``now``'s UTC day alone (VICIdial's daily drop rate)."""
        return _rate(self.day(now))

    def at_cap(self, now: float, cap: Fraction | None = None) -> bool:
        """Whether the 30-day rate has reached ``cap`` (the ledger's own by default)."""
        return self.rate(now) >= (self.cap if cap is None else cap)

    def headroom(self, now: float, cap: Fraction | None = None) -> Fraction:
        """How many more abandons the window allows now without any further answers.

        ``cap × live_answered − abandoned``: negative once the cap is crossed. Each new
        live answer adds ``cap`` to it; each abandon takes away ``1 − cap``. ``cap``
        defaults to the ledger's; a pacer aiming below the legal cap passes its target.
        """
        totals = self.totals(now)
        return (self.cap if cap is None else cap) * totals.live_answered - totals.abandoned


def _rate(count: DayCount) -> Fraction:
    if count.live_answered == 0:
        return Fraction(0)
    return Fraction(count.abandoned, count.live_answered)
