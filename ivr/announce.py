"""When to tell a waiting caller their place in line, and what to say. Pure.

Rules:
- The first reading the ACD gives is announced at once.
- After that, an announcement needs ``min_interval_s`` since the last one AND news that is
  better: a lower position or fewer expected minutes. A caller never hears "you are
  number 3" after "you are number 2", nor the same sentence every minute.
- The expected wait is said in whole minutes, rounded up, at least one.
"""

import math
from dataclasses import dataclass

from ivr.actions import Say, Utterance


@dataclass(frozen=True, slots=True)
class Announced:
    at: float
    position: int
    minutes: int


def due(
    last: Announced | None, now: float, reading: tuple[int, float] | None, min_interval_s: float
) -> Announced | None:
    """The announcement to make now, or ``None``; ``reading`` is (position, wait seconds)."""
    if reading is None:
        return None
    position, wait_s = reading
    news = Announced(now, position, max(1, math.ceil(wait_s / 60)))
    if last is None:
        return news
    if now - last.at < min_interval_s:
        return None
    if news.position < last.position or news.minutes < last.minutes:
        return news
    return None


def sentence(news: Announced) -> tuple[Utterance, ...]:
    """ "You are number <n> in line. Your expected wait is <m> minutes." """
    return (
        "cc-queue-position",
        Say("number", str(news.position)),
        "cc-expected-wait",
        Say("number", str(news.minutes)),
        "cc-minutes",
    )
