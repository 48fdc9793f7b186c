"""The queue wait: music, one-second waits, dialling the reserved agent, retrying."""

from collections import deque
from dataclasses import dataclass, field

import pytest

from cti.errors import ChannelGone
from ivr.queue_wait import DialTarget, wait_for_agent
from tests.ivr.fakes import ScriptedChannel

ALICE = DialTarget("alice", "PJSIP/1001", 20)
BOB = DialTarget("bob", "PJSIP/1002", 20)


@dataclass
class Gateway:
    """Offers an agent after a number of polls; records the dial results."""

    offers: deque[tuple[int, DialTarget]]
    polls: int = 0
    results: list[tuple[str, str]] = field(default_factory=list)

    def poll_offer(self, call_id: str) -> DialTarget | None:
        self.polls += 1
        if self.offers and self.polls >= self.offers[0][0]:
            return self.offers.popleft()[1]
        return None

    def dial_result(self, call_id: str, target: DialTarget, status: str) -> None:
        self.results.append((target.agent_id, status))


async def test_waits_with_music_then_dials_the_reserved_agent() -> None:
    channel = ScriptedChannel(dial_statuses=deque(["ANSWER"]))
    gateway = Gateway(deque([(3, ALICE)]))
    connected = await wait_for_agent(channel, gateway, "c1", poll_ms=1000)
    assert connected.target == ALICE
    assert channel.log == [
        "SET MUSIC ON default",
        "WAIT FOR DIGIT 1000",
        "WAIT FOR DIGIT 1000",
        "SET MUSIC OFF default",
        "EXEC Dial PJSIP/1001,20",
        "GET VARIABLE DIALSTATUS",
    ]
    assert gateway.results == [("alice", "ANSWER")]


async def test_an_unanswered_agent_sends_the_caller_back_to_waiting() -> None:
    channel = ScriptedChannel(dial_statuses=deque(["NOANSWER", "ANSWER"]))
    gateway = Gateway(deque([(1, ALICE), (3, BOB)]))
    connected = await wait_for_agent(channel, gateway, "c1")
    assert connected.target == BOB
    assert gateway.results == [("alice", "NOANSWER"), ("bob", "ANSWER")]
    assert channel.log.count("SET MUSIC ON default") == 2


async def test_a_caller_who_hangs_up_while_waiting_ends_the_wait() -> None:
    channel = ScriptedChannel(hang_up_after=4)
    with pytest.raises(ChannelGone):
        await wait_for_agent(channel, Gateway(deque()), "c1")
