"""The service-level tally behind /metrics: answered within the threshold ÷ answered."""

from acd.events import CallConnected, CallLeftQueue
from callcenter.service_level import ServiceLevel
from cti.ids import AgentId, CallId, QueueName


def connected(queue: str, waited: float) -> CallConnected:
    return CallConnected(CallId("c"), AgentId("a"), QueueName(queue), waited, 0.0)


def test_service_level_counts_answers_within_the_threshold_per_queue() -> None:
    tally = ServiceLevel(threshold=20.0)
    for waited in (0.0, 5.0, 20.0, 21.0):
        tally.call_connected(connected("support", waited))
    tally.call_connected(connected("sales", 30.0))
    tally.call_left_queue(CallLeftQueue(CallId("d"), QueueName("support"), "caller hung up", 9, 0))

    support, sales = tally.queues["support"], tally.queues["sales"]
    assert (support.answered, support.answered_within, support.abandoned) == (4, 3, 1)
    assert support.level == 0.75
    assert sales.level == 0.0


def test_a_queue_with_no_answer_yet_reports_a_full_service_level() -> None:
    tally = ServiceLevel()
    tally.call_left_queue(CallLeftQueue(CallId("d"), QueueName("sales"), "caller hung up", 9, 0))
    assert tally.queues["sales"].level == 1.0
