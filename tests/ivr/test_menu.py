"""The menu interpreter and runner: choices, retries, the default route, hang-ups."""

import pytest

from callcenter.settings import PACKAGE_DIR
from cti.errors import ChannelGone
from ivr.flow import Flow, load_flow
from ivr.runner import run_flow
from tests.ivr.fakes import ScriptedChannel


@pytest.fixture
def main_flow() -> Flow:
    return load_flow(PACKAGE_DIR / "flows" / "main.yaml")


async def test_pressing_2_routes_to_support_and_records_the_path(main_flow: Flow) -> None:
    channel = ScriptedChannel.pressing(["2"])
    outcome = await run_flow(main_flow, channel)
    assert outcome.queue == "support"
    assert outcome.choice == "2"
    assert outcome.path == ("welcome", "main", "main:2", "support")
    assert channel.log == [
        "STREAM FILE cc-welcome",
        "GET DATA cc-main-menu 5000 1",
    ]


async def test_invalid_key_repeats_the_menu_with_the_invalid_prompt(main_flow: Flow) -> None:
    channel = ScriptedChannel.pressing(["7", "1"])
    outcome = await run_flow(main_flow, channel)
    assert outcome.queue == "sales"
    assert outcome.path == ("welcome", "main", "main:7", "main:1", "sales")
    assert "STREAM FILE cc-invalid 12" in channel.log


async def test_no_input_plays_the_timeout_prompt_and_asks_again(main_flow: Flow) -> None:
    channel = ScriptedChannel.pressing(["", "2"])
    outcome = await run_flow(main_flow, channel)
    assert outcome.queue == "support"
    assert "STREAM FILE cc-no-input 12" in channel.log


async def test_after_the_retries_the_menu_falls_back_to_its_default(main_flow: Flow) -> None:
    channel = ScriptedChannel.pressing(["9", "", "*"])
    outcome = await run_flow(main_flow, channel)
    assert outcome.queue == "support"
    assert outcome.choice is None
    assert outcome.path[-2:] == ("main:default", "support")
    assert channel.log.count("GET DATA cc-main-menu 5000 1") == 3


async def test_a_caller_hanging_up_in_the_menu_surfaces_as_channel_gone(main_flow: Flow) -> None:
    channel = ScriptedChannel.pressing([], hang_up_after=1)
    with pytest.raises(ChannelGone):
        await run_flow(main_flow, channel)
