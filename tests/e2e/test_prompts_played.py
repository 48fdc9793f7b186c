"""A caller through the bilingual example hotline hears only prompts that are built, in the
language they chose: the simulator records each prompt asked for, with the channel's
language, and times it by the built file's length."""

import asyncio
import shutil
from pathlib import Path

from callcenter.commands import prompt_lengths
from callcenter.settings import PACKAGE_DIR
from prompts.catalog import DEFAULT_LAYOUT
from prompts.manifest import Manifest
from tests.e2e.harness import DEADLINE, running_stack
from tests.virtual_time import run_in_virtual_time

ROOT = Path(__file__).resolve().parents[2]
SERVICE_LINE = "4008200000"  # ivr/examples/bilingual_service.yaml


def test_a_caller_choosing_mandarin_hears_built_mandarin_prompts(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(PACKAGE_DIR / "flows" / "main.yaml", flows)
    shutil.copy(ROOT / "ivr" / "examples" / "bilingual_service.yaml", flows)
    built = {(e.language, e.name) for e in Manifest.read(DEFAULT_LAYOUT.manifest).files}

    async def scenario() -> None:
        async with running_stack(tmp_path, flows_dir=flows) as stack:
            stack.sim.config.hotlines[SERVICE_LINE] = "inbound"
            stack.sim.config.prompt_lengths = prompt_lengths()
            call = await stack.sim.place_call("+13055550199", SERVICE_LINE, digits=["1"])
            await asyncio.sleep(120)  # virtual time: well into the menus or the voicemail
            call.hang_up()
            async with asyncio.timeout(DEADLINE):
                await call.ended.wait()
        assert call.played[0][1] == "cc-choose-language"
        after_choice = call.played[1:]
        assert after_choice, call.agi_commands
        assert {language for language, _ in after_choice} == {"zh"}
        assert [p for p in call.played if p not in built] == []

    run_in_virtual_time(scenario())
