"""The runner over a scripted channel: what the caller hears and what the directory is asked."""

import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from cti.errors import ChannelGone
from ivr.directory import Caller, RequestStatus
from ivr.runner import run_flow
from tests.ivr.fakes import Directory, ScriptedChannel
from tests.ivr.flows import ACCOUNT, BRANCH, CALLBACK, HOURS, LANGUAGE, PIN, STATUS, VIP, flow_of

REQUEST = RequestStatus("10023", "open", opened=1764460800, due=1765065600)


class ChannelWithoutSayDate:
    """A channel like ``AgiSession`` today: SAY NUMBER and SAY DIGITS but no SAY DATE."""

    def __init__(self) -> None:
        self.inner = ScriptedChannel()

    def __getattr__(self, name: str) -> Any:
        if name == "say_date":
            raise AttributeError(name)
        return getattr(self.inner, name)


async def test_choosing_a_language_sets_channel_language_and_keeps_prompt_names_bare() -> None:
    flow = flow_of(
        "lang", lang={**LANGUAGE, "next": "bye"}, bye={"type": "hangup", "prompts": ["cc-goodbye"]}
    )
    channel = ScriptedChannel.pressing(["2"])
    outcome = await run_flow(flow, channel)
    assert outcome.language == "en"
    assert channel.log == [
        "GET DATA cc-choose-language 5000 1",
        "SET VARIABLE CHANNEL(language) en",
        "STREAM FILE cc-goodbye",
    ]


async def test_an_account_is_verified_through_the_directory() -> None:
    directory = Directory(accounts={"10023"})
    channel = ScriptedChannel.pressing(["99999", "10023"])
    outcome = await run_flow(flow_of("acct", acct=ACCOUNT), channel, directory=directory)
    assert directory.asked == ["account 99999", "account 10023"]
    assert outcome.verified and outcome.collected == {"account": "10023"}
    assert "STREAM FILE cc-invalid" in channel.log


async def test_without_a_directory_nothing_verifies_and_the_caller_reaches_the_default(
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel = ScriptedChannel.pressing(["10023", "10023"])
    with caplog.at_level(logging.WARNING):
        outcome = await run_flow(flow_of("acct", acct=ACCOUNT), channel)
    assert outcome.queue == "support" and not outcome.verified
    assert "no directory" in caplog.text


async def test_a_pin_never_reaches_the_log_or_the_outcome(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        outcome = await run_flow(flow_of("pin", pin=PIN), ScriptedChannel.pressing(["4321"]))
    assert "4321" not in repr(outcome) and "4321" not in caplog.text


async def test_the_status_of_the_callers_open_request_is_read_back() -> None:
    directory = Directory(
        requests={"10023": REQUEST},
        callers={"13800138000": Caller("13800138000", True, "bronze", "10023")},
    )
    flow = flow_of("route", route=BRANCH, vip=VIP, status=STATUS)
    channel = ScriptedChannel()
    outcome = await run_flow(flow, channel, ani="13800138000", directory=directory)
    assert directory.asked == ["lookup 13800138000", "request 10023"]
    assert channel.log == [
        "STREAM FILE cc-request",
        "SAY DIGITS 10023",
        "STREAM FILE cc-status-open",
        "STREAM FILE cc-opened-on",
        "SAY DATE 1764460800",
        "STREAM FILE cc-due-on",
        "SAY DATE 1765065600",
        "STREAM FILE cc-goodbye",
    ]
    assert outcome.path[:3] == ("route", "route:rule2", "status")


async def test_a_channel_without_say_date_reads_dates_with_say_unix_time() -> None:
    directory = Directory(requests={"10023": REQUEST})
    channel = ChannelWithoutSayDate()
    caller = Caller(open_request="10023")
    flow = flow_of("status", status=STATUS)
    await run_flow(flow, channel, caller=caller, directory=directory)  # type: ignore[arg-type]
    assert "EXEC SayUnixTime 1764460800,,ABdY" in channel.inner.log
    assert not any(line.startswith("SAY DATE") for line in channel.inner.log)


async def test_an_unknown_ani_is_an_unknown_caller() -> None:
    directory = Directory()
    flow = flow_of("route", route=BRANCH, vip=VIP, status=STATUS)
    outcome = await run_flow(flow, ScriptedChannel(), ani="02155550000", directory=directory)
    assert outcome.path == ("route", "route:default", "agent")


@pytest.mark.parametrize(("hour", "queue"), [(2, "support"), (12, None)])
async def test_hours_read_the_injected_clock(hour: int, queue: str | None) -> None:
    instant = datetime(2026, 11, 30, hour, 0, tzinfo=UTC)
    outcome = await run_flow(
        flow_of("hours", hours=HOURS), ScriptedChannel(), clock=lambda: instant
    )
    assert outcome.queue == queue


async def test_a_callback_confirms_the_callers_number() -> None:
    channel = ScriptedChannel.pressing(["1"])
    outcome = await run_flow(flow_of("cb", cb=CALLBACK), channel, ani="13800138000")
    assert (outcome.callback_number, outcome.callback_queue) == ("13800138000", "support")
    assert channel.log == [
        "STREAM FILE cc-callback-on 12",
        "SAY DIGITS 13800138000 12",
        "GET DATA cc-callback-options 5000 1",
        "STREAM FILE cc-bye",
    ]


async def test_voicemail_plays_its_prompt_then_hands_recording_to_the_shell() -> None:
    node = {"type": "voicemail", "team": "billing", "prompts": ["cc-leave-message"]}
    channel = ScriptedChannel()
    outcome = await run_flow(flow_of("vm", vm=node), channel)
    assert outcome.voicemail == "billing" and outcome.queue is None
    assert channel.log == ["STREAM FILE cc-leave-message"]


async def test_a_caller_hanging_up_during_a_readback_surfaces_as_channel_gone() -> None:
    directory = Directory(requests={"10023": REQUEST})
    channel = ScriptedChannel(hang_up_after=2)
    caller = Caller(open_request="10023")
    with pytest.raises(ChannelGone):
        await run_flow(
            flow_of("status", status=STATUS), channel, caller=caller, directory=directory
        )
    assert channel.log == ["STREAM FILE cc-request", "SAY DIGITS 10023"]


async def test_a_transfer_hands_the_number_to_the_shell() -> None:
    node = {"type": "transfer", "number": "+8610123456", "prompts": ["cc-transferring"]}
    channel = ScriptedChannel()
    outcome = await run_flow(flow_of("out", out=node), channel)
    assert outcome.transfer_to == "+8610123456"
    assert channel.log == ["STREAM FILE cc-transferring"]
