"""Expected waits for announcements and entry rules: depth, agents serving, handle time."""

from acd.engine import AcdEngine
from acd.model import AgentProfile, CallRequest, QueueConfig
from callcenter.wait_estimate import DEFAULT_HANDLE_S, SERVING_TTL_SECONDS, WaitEstimates
from cti.ids import AgentId, CallId, QueueName
from tests.acd.fakes import VirtualTime

Q = QueueName("support")


def floor(signed_in: int) -> tuple[AcdEngine, VirtualTime]:
    time = VirtualTime()
    engine = AcdEngine([QueueConfig(Q, "s")], clock=time, scheduler=time, publish=lambda e: None)
    for n in range(signed_in):
        agent = AgentId(f"a{n}")
        engine.add_agent(AgentProfile(agent, f"A{n}", f"PJSIP/10{n:02d}", {"s": 5}))
        engine.sign_in(agent)  # signed in, not ready: serving, but takes no call
    return engine, time


def test_the_expected_wait_is_depth_plus_one_times_handle_time_over_agents_serving() -> None:
    engine, time = floor(signed_in=4)
    estimates = WaitEstimates(engine, time.now)
    engine.enqueue(CallRequest(CallId("c1"), Q))
    snapshot = estimates.snapshot(Q)
    assert (snapshot.depth, snapshot.signed_in) == (1, 4)
    assert snapshot.expected_wait == 2 * DEFAULT_HANDLE_S / 4


def test_the_agents_serving_are_counted_at_most_once_a_second() -> None:
    engine, time = floor(signed_in=2)
    estimates = WaitEstimates(engine, time.now)
    assert estimates.snapshot(Q).signed_in == 2
    engine.sign_out(AgentId("a0"))
    assert estimates.snapshot(Q).signed_in == 2  # the count of a moment ago
    time.advance(SERVING_TTL_SECONDS)
    assert estimates.snapshot(Q).signed_in == 1
