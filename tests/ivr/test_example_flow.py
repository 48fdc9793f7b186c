"""The bilingual example hotline loads and serves its main paths end to end over fakes."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

import ivr
from ivr.directory import Caller, RequestStatus
from ivr.flow import Flow, load_flow
from ivr.interpreter import IvrOutcome
from ivr.library import FlowLibrary
from ivr.runner import run_flow
from tests.ivr.fakes import Directory, ScriptedChannel

EXAMPLES = Path(ivr.__file__).parent / "examples"
GOLD = "13800138000"
OPEN_MONDAY = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
SUNDAY = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def directory() -> Directory:
    return Directory(
        accounts={"100234"},
        requests={"10023": RequestStatus("10023", "in_progress", opened=1764460800)},
        callers={GOLD: Caller(GOLD, known=True, tier="gold", open_request="10023")},
    )


@pytest.fixture
def flow() -> Flow:
    return load_flow(EXAMPLES / "bilingual_service.yaml")


async def call(flow: Flow, presses: list[str], ani: str, now: datetime) -> IvrOutcome:
    channel = ScriptedChannel.pressing(presses)
    return await run_flow(flow, channel, ani=ani, directory=directory(), clock=lambda: now)


def test_the_examples_load_as_a_library() -> None:
    assert "4008200000" in FlowLibrary.open(EXAMPLES)


async def test_a_gold_caller_hears_the_status_then_reaches_the_vip_lane(flow: Flow) -> None:
    outcome = await call(flow, ["1", "0"], GOLD, OPEN_MONDAY)
    assert outcome.language == "zh"
    assert (outcome.queue, outcome.priority_boost) == ("support", 10)
    assert outcome.path[:8] == (
        "language",
        "language:zh",
        "hours",
        "hours:open",
        "identify",
        "identify:rule1",
        "status",
        "status:read",
    )


async def test_an_unknown_caller_failing_the_account_twice_reaches_the_menu(flow: Flow) -> None:
    outcome = await call(flow, ["2", "999999", "888888", ""], "02155550000", OPEN_MONDAY)
    assert outcome.language == "en" and not outcome.verified
    assert "account:default" in outcome.path
    assert outcome.queue == "support"  # the menu's default after no input


async def test_a_verified_caller_reads_a_request_by_number(flow: Flow) -> None:
    presses = ["2", "100234", "3", "10023", "0"]
    outcome = await call(flow, presses, "02155550000", OPEN_MONDAY)
    assert outcome.verified
    assert outcome.collected == {"account": "100234", "request": "10023"}
    assert "request_status:read" in outcome.path


async def test_after_hours_the_caller_leaves_a_voicemail(flow: Flow) -> None:
    outcome = await call(flow, ["1"], GOLD, SUNDAY)
    assert (outcome.voicemail, outcome.queue) == ("support", None)
    assert outcome.goodbye == ("cc-leave-message",)


async def test_a_caller_asks_to_be_called_back_on_their_number(flow: Flow) -> None:
    outcome = await call(flow, ["2", "100234", "4", "1"], "02155550000", OPEN_MONDAY)
    assert (outcome.callback_number, outcome.callback_queue) == ("02155550000", "support")
