"""Service level and abandonment per queue, folded from the ACD's events."""

import pytest

from acd.events import CallConnected, CallLeftQueue
from acd.service_level import CALLER_HUNG_UP, QueueFigures, ServiceLevels
from cti.ids import AgentId, CallId, QueueName

SUPPORT, SALES = QueueName("support"), QueueName("sales")


def answered(queue: QueueName, waited: float, at: float) -> CallConnected:
    return CallConnected(CallId(f"c{at}"), AgentId("alice"), queue, waited, at)


def left(queue: QueueName, waited: float, at: float, reason: str = CALLER_HUNG_UP) -> CallLeftQueue:
    return CallLeftQueue(CallId(f"c{at}"), queue, reason, waited, at)


def test_nothing_offered_has_no_service_level_or_abandonment() -> None:
    figures = ServiceLevels(20).figures("support", since=0)

    assert figures == QueueFigures(0, 0, 0, 0)
    assert (figures.service_level, figures.abandon_rate) == (None, None)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # answered within 20 s counts; at exactly 20 s too; after 20 s does not
        ([answered(SUPPORT, 5, 100), answered(SUPPORT, 20, 110)], (2, 2, 2, 0)),
        ([answered(SUPPORT, 5, 100), answered(SUPPORT, 21, 110)], (2, 2, 1, 0)),
        # an abandon counts against the service level
        ([answered(SUPPORT, 5, 100), left(SUPPORT, 3, 110)], (2, 1, 1, 1)),
        # a lost session is not an abandon, and not offered
        ([answered(SUPPORT, 5, 100), left(SUPPORT, 3, 110, reason="lost")], (1, 1, 1, 0)),
        # other queues are not counted
        ([answered(SALES, 5, 100), left(SALES, 3, 110)], (0, 0, 0, 0)),
    ],
)
def test_figures_count_answers_in_time_and_abandons_of_the_queue(
    events: list[CallConnected | CallLeftQueue], expected: tuple[int, int, int, int]
) -> None:
    levels = ServiceLevels(answer_within=20)
    for event in events:
        levels.record(event)

    assert levels.figures("support", since=0) == QueueFigures(*expected)


def test_service_level_and_abandonment_are_shares_of_the_offered_calls() -> None:
    levels = ServiceLevels(answer_within=20)
    for event in [answered(SUPPORT, 5, 1), answered(SUPPORT, 30, 2), left(SUPPORT, 9, 3)]:
        levels.record(event)
    levels.record(answered(SUPPORT, 1, 4))

    figures = levels.figures("support", since=0)

    assert (figures.service_level, figures.abandon_rate) == (0.5, 0.25)


def test_a_window_counts_only_calls_that_left_the_queue_since_its_start() -> None:
    levels = ServiceLevels(answer_within=20)
    for event in [left(SUPPORT, 50, 100), answered(SUPPORT, 2, 200), answered(SUPPORT, 2, 300)]:
        levels.record(event)

    assert levels.figures("support", since=200) == QueueFigures(2, 2, 2, 0)
    assert levels.figures("support", since=0) == QueueFigures(3, 2, 2, 1)


def test_forgetting_drops_records_older_than_the_day() -> None:
    levels = ServiceLevels(answer_within=20)
    levels.record(left(SUPPORT, 50, 100))
    levels.record(answered(SUPPORT, 2, 200))

    levels.forget_before(150)

    assert levels.figures("support", since=0) == QueueFigures(1, 1, 1, 0)
