"""One queue's line on the team lead's wallboard, and the thresholds its colours follow.

Owns ``Thresholds`` (from the settings) and ``queue_line``: waiting calls, the longest wait,
agents by state among those who can answer the queue, and service level and abandonment
today (since local midnight) and over the last 30 minutes, from ``acd.service_level``.
Decides nothing about routing.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from acd.engine import AcdEngine
from acd.model import QueueConfig
from acd.service_level import QueueFigures, ServiceLevels
from cti.ids import QueueName

#: The "recent" window of the wallboard.
RECENT_SECONDS = 30 * 60


@dataclass(frozen=True, slots=True)
class Thresholds:
    #: A call answered within this many seconds counts toward the service level.
    answer_within: float = 20.0
    #: Below this service level (0..1) the wallboard turns red and raises an alert.
    service_level_target: float = 0.8
    #: Longest waits at or above these seconds are shown amber, then red.
    wait_warn: float = 30.0
    wait_alert: float = 60.0

    def to_json(self) -> dict[str, float]:
        return {
            "answer_within": self.answer_within,
            "service_level_target": self.service_level_target,
            "wait_warn": self.wait_warn,
            "wait_alert": self.wait_alert,
        }


def day_start(now: float) -> float:
    """Local midnight (the server's time zone) of the epoch time ``now``."""
    local = datetime.fromtimestamp(now).astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def can_answer(skills: Mapping[str, int], queue: QueueConfig) -> bool:
    """Whether an agent with ``skills`` meets the queue's first routing step."""
    first = queue.routing_steps[0].skills
    return all(skills.get(skill, 0) >= level for skill, level in first.items())


def figures_json(figures: QueueFigures) -> dict[str, object]:
    level, abandon = figures.service_level, figures.abandon_rate
    return {
        "offered": figures.offered,
        "answered": figures.answered,
        "abandoned": figures.abandoned,
        "service_level": None if level is None else round(level, 3),
        "abandon_rate": None if abandon is None else round(abandon, 3),
    }


def queue_line(
    engine: AcdEngine, levels: ServiceLevels | None, name: str, now: float
) -> dict[str, object]:
    config = engine.queues[QueueName(name)]
    waiting = [c for c in engine.waiting() if c.request.queue == name]
    agents = engine.agents()
    ready = sum(1 for a in agents if a.state.value == "ready")
    oldest = min((c.joined_at for c in waiting), default=now)
    by_state = Counter(a.state.value for a in agents if can_answer(a.profile.skills, config))
    line: dict[str, object] = {
        "queue": name,
        "waiting": len(waiting),
        "longest_wait": round(now - oldest, 1),
        "ready_agents": ready,
        "agents_by_state": dict(sorted(by_state.items())),
    }
    if levels is not None:
        line["today"] = figures_json(levels.figures(name, day_start(now)))
        line["last_30_min"] = figures_json(levels.figures(name, now - RECENT_SECONDS))
    return line
