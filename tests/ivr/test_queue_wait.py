"""The queue wait: music, one-second waits, dialling the reserved agent, retrying."""

from collections import deque
from dataclasses import dataclass, field

import pytest

from cti.errors import ChannelGone
from ivr.queue_wait import (
    Announcing,
    CallbackRequested,
    Connected,
    DialTarget,
    LeftQueue,
    wait_for_agent,
)
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


@dataclass
class PositionGateway(Gateway):
    """Also answers ``position``: a scripted reading per poll (the last one repeats)."""

    readings: list[tuple[int, float] | None] = field(default_factory=list)

    def position(self, call_id: str) -> tuple[int, float] | None:
        index = min(self.polls - 1, len(self.readings) - 1)
        return self.readings[index] if self.readings else None


@dataclass
class Ticks:
    """A clock that moves ``step`` seconds each time it is read."""

    step: float
    now: float = 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def announcements(log: list[str]) -> list[str]:
    return [line for line in log if line.startswith("SAY NUMBER")]


async def test_position_and_expected_wait_are_announced_over_the_music() -> None:
    channel = ScriptedChannel(dial_statuses=deque(["ANSWER"]))
    gateway = PositionGateway(deque([(2, ALICE)]), readings=[(3, 150.0)])
    announcing = Announcing(min_interval_s=60, clock=Ticks(1))
    await wait_for_agent(channel, gateway, "c1", announcing=announcing)
    assert channel.log[:9] == [
        "SET MUSIC ON default",
        "SET MUSIC OFF default",
        "STREAM FILE cc-queue-position",
        "SAY NUMBER 3",
        "STREAM FILE cc-expected-wait",
        "SAY NUMBER 3",
        "STREAM FILE cc-minutes",
        "SET MUSIC ON default",
        "WAIT FOR DIGIT 1000",
    ]


@pytest.mark.parametrize(
    ("readings", "step", "said"),
    [
        ([(5, 300.0), (4, 240.0), (3, 180.0)], 60, ["5", "4", "3"]),
        ([(5, 300.0), (4, 240.0), (3, 180.0)], 20, ["5", "3"]),  # only every 60 s
        ([(5, 300.0), (5, 300.0), (6, 400.0)], 60, ["5"]),  # no news, worse news: silent
        ([(5, 300.0), (5, 200.0), (5, 100.0)], 60, ["5", "5", "5"]),  # shorter wait is news
        ([None, None, (2, 10.0)], 60, ["2"]),  # the ACD has no reading yet
    ],
)
async def test_announcements_come_at_an_interval_and_only_with_better_news(
    readings: list[tuple[int, float] | None], step: float, said: list[str]
) -> None:
    channel = ScriptedChannel(dial_statuses=deque(["ANSWER"]))
    gateway = PositionGateway(deque([(5, ALICE)]), readings=readings)
    announcing = Announcing(min_interval_s=60, clock=Ticks(step))
    await wait_for_agent(channel, gateway, "c1", announcing=announcing)
    positions = [line.split()[-1] for line in announcements(channel.log)[::2]]
    assert positions == said


async def test_a_gateway_without_positions_waits_silently() -> None:
    channel = ScriptedChannel(dial_statuses=deque(["ANSWER"]))
    await wait_for_agent(channel, Gateway(deque([(2, ALICE)])), "c1", announcing=Announcing())
    assert announcements(channel.log) == []


async def test_pressing_1_during_the_music_requests_a_callback() -> None:
    channel = ScriptedChannel.pressing(["", "1"])
    gateway = Gateway(deque([(9, ALICE)]))
    result = await wait_for_agent(channel, gateway, "c1", callback_key="1")
    assert result == CallbackRequested("c1", None)
    assert channel.log[-1] == "SET MUSIC OFF default"
    assert gateway.results == []


async def test_pressing_1_during_an_announcement_requests_a_callback_with_the_position() -> None:
    channel = ScriptedChannel()
    gateway = PositionGateway(deque(), readings=[(4, 120.0)])

    async def press_during(name: str, escape_digits: str = "") -> str | None:
        channel.log.append(f"STREAM FILE {name} {escape_digits}")
        return "1" if name == "cc-press-1-callback" else None

    channel.stream_file = press_during  # type: ignore[method-assign]
    announcing = Announcing(clock=Ticks(1))
    result = await wait_for_agent(channel, gateway, "c1", announcing=announcing, callback_key="1")
    assert result == CallbackRequested("c1", 4)
    assert "STREAM FILE cc-queue-position 1" in channel.log


async def test_other_keys_do_not_end_the_wait() -> None:
    channel = ScriptedChannel.pressing(["5", "#"], dial_statuses=deque(["ANSWER"]))
    result = await wait_for_agent(channel, Gateway(deque([(3, ALICE)])), "c1", callback_key="1")
    assert result == Connected(ALICE)


@dataclass
class OverflowingGateway(Gateway):
    """Reports, from a given poll on, that the ACD took the call out (``QueueExit``)."""

    out_at_poll: int = 3
    action: str = "voicemail"

    def left_queue(self, call_id: str) -> str | None:
        return self.action if self.polls >= self.out_at_poll else None


async def test_an_overflow_out_of_the_queue_ends_the_wait_with_its_action() -> None:
    channel = ScriptedChannel()
    gateway = OverflowingGateway(deque(), out_at_poll=3, action="callback")
    left = await wait_for_agent(channel, gateway, "c1", poll_ms=1000)
    assert left == LeftQueue("c1", "callback")
    assert channel.log == [
        "SET MUSIC ON default",
        "WAIT FOR DIGIT 1000",
        "WAIT FOR DIGIT 1000",
        "SET MUSIC OFF default",
    ]


@dataclass
class GatedGateway(Gateway):
    """A ``DialGate``: the first offer is withdrawn while the pop is sent, the second holds."""

    gate_answers: deque[bool] = field(default_factory=deque)
    gated: list[str] = field(default_factory=list)

    async def before_dial(self, call_id: str, target: DialTarget) -> bool:
        self.gated.append(target.agent_id)
        return self.gate_answers.popleft()


async def test_a_dial_gate_is_awaited_before_each_dial_and_a_withdrawn_offer_is_not_dialled() -> (
    None
):
    channel = ScriptedChannel(dial_statuses=deque(["ANSWER"]))
    gateway = GatedGateway(deque([(1, ALICE), (2, BOB)]), gate_answers=deque([False, True]))
    connected = await wait_for_agent(channel, gateway, "c1")
    assert connected.target == BOB
    assert gateway.gated == ["alice", "bob"]
    assert [line for line in channel.log if line.startswith("EXEC Dial")] == [
        "EXEC Dial PJSIP/1002,20"
    ]
