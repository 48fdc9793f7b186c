"""Calls the IVR ends without a queue are recorded for what they were: a voicemail (with
its file), a transfer to an external number, a callback request."""

import asyncio
import shutil
from pathlib import Path

from sqlalchemy import select

from callcenter.settings import PACKAGE_DIR
from crm_core.db import make_engine, make_sessionmaker
from crm_core.models.follow_ups import FollowUp
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
            stranger = await stack.sim.place_call("+13125550188", LINE, digits=["1"])
            async with asyncio.timeout(DEADLINE):
                await message.ended.wait()
                await outside.ended.wait()
                await stranger.ended.wait()
            [voicemail] = await rows_when_settled(stack, message.uniqueid)
            [unknown] = await rows_when_settled(stack, stranger.uniqueid)
            tasks = await follow_ups(stack.db_url)
            [transfer] = await rows_when_settled(stack, outside.uniqueid)
        assert voicemail.outcome == "voicemail"
        # Each message is a task for the team, on the caller's contact; a number we did
        # not know became a contact, so the history and the call-back have a home.
        assert unknown.outcome == "voicemail" and unknown.contact_id is not None
        assert sorted(t[0] for t in tasks) == sorted([voicemail.contact_id, unknown.contact_id])
        assert all(t[1].startswith("Voicemail for support: listen and call back") for t in tasks)
        assert all(t[2] is None for t in tasks)  # the team's, not one agent's
        assert f"{message.uniqueid}.wav" in voicemail.notes
        assert any(c.startswith("EXEC Record") for c in message.agi_commands)
        assert transfer.outcome == "transferred_out"
        assert 'EXEC Dial "PJSIP/+13125550199@trunk,60"' in outside.agi_commands

    run_in_virtual_time(scenario())


async def follow_ups(db_url: str) -> list[tuple[int, str, str | None]]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(FollowUp.contact_id, FollowUp.subject, FollowUp.assignee)
            )
            return [tuple(r) for r in rows]
    finally:
        await engine.dispose()
