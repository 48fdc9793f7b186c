"""Calls the IVR ends without a queue are recorded for what they were: a voicemail (with
its file), a transfer to an external number, a callback request."""

import asyncio
import shutil
from pathlib import Path

from callcenter.settings import PACKAGE_DIR
from tests.e2e.harness import DEADLINE, running_stack
from tests.e2e.test_edge_cases import rows_when_settled
from tests.virtual_time import run_in_virtual_time

LINE = "8005550400"
FLOW = f"""
hotline: "{LINE}"
name: After-hours line
start: menu
nodes:
  menu:
    type: menu
    prompt: cc-service-menu
    options: {{"1": message, "2": outside}}
    default: message
  message:
    type: voicemail
    team: support
    prompts: [cc-leave-message]
  outside:
    type: transfer
    number: "+13125550199"
"""


def test_voicemail_and_external_transfer_are_recorded_as_such(tmp_path: Path) -> None:
    async def scenario() -> None:
        flows = tmp_path / "flows"
        flows.mkdir()
        shutil.copy(PACKAGE_DIR / "flows" / "main.yaml", flows / "main.yaml")
        (flows / "line.yaml").write_text(FLOW, encoding="utf-8")
        async with running_stack(tmp_path, flows_dir=flows) as stack:
            stack.sim.config.hotlines[LINE] = "inbound"
            stack.sim.add_customer("+13125550199", answer_after=1.0, talk_for=5.0)
            message = await stack.sim.place_call("+12125550100", LINE, digits=["1"])
            outside = await stack.sim.place_call("+12125550111", LINE, digits=["2"])
            async with asyncio.timeout(DEADLINE):
                await message.ended.wait()
                await outside.ended.wait()
            [voicemail] = await rows_when_settled(stack, message.uniqueid)
            [transfer] = await rows_when_settled(stack, outside.uniqueid)
        assert voicemail.outcome == "voicemail"
        assert f"{message.uniqueid}.wav" in voicemail.notes
        assert any(c.startswith("EXEC Record") for c in message.agi_commands)
        assert transfer.outcome == "transferred_out"
        assert 'EXEC Dial "PJSIP/+13125550199@trunk,60"' in outside.agi_commands

    run_in_virtual_time(scenario())
