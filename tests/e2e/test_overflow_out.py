"""A queue whose last routing step overflows to voicemail or a callback: the waiting caller
is taken out of the hold music and the overflow is carried out (not left on music until
they hang up): a message recorded, or a callback that keeps the caller's place."""

import asyncio
from pathlib import Path

from tests.e2e.harness import DEADLINE, HOTLINE, running_stack
from tests.e2e.test_edge_cases import rows_when_settled
from tests.virtual_time import run_in_virtual_time

QUEUES = """
sales: {{}}
support:
  steps:
    - {{skills: {{support: 9}}, timeout: 40}}
  overflow: {{action: {action}}}
"""


def queues_file(tmp_path: Path, action: str) -> Path:
    path = tmp_path / "queues.yaml"
    path.write_text(QUEUES.format(action=action), encoding="utf-8")
    return path


def test_an_overflow_to_voicemail_records_the_callers_message(tmp_path: Path) -> None:
    async def scenario() -> None:
        path = queues_file(tmp_path, "voicemail")
        async with running_stack(tmp_path, queues_file=path) as stack:
            call = await stack.sim.place_call("+13125550171", HOTLINE, digits=["2"])
            async with asyncio.timeout(DEADLINE + 120):
                await call.ended.wait()
            [row] = await rows_when_settled(stack, call.uniqueid)
            assert not stack.app.engine.waiting()
        assert row.outcome == "voicemail"
        assert "overflow of support: voicemail" in row.notes
        assert any(c.startswith("EXEC Record") for c in call.agi_commands)

    run_in_virtual_time(scenario())


def test_an_overflow_to_callback_queues_a_callback_with_the_callers_join_time(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        path = queues_file(tmp_path, "callback")
        async with running_stack(tmp_path, queues_file=path) as stack:
            call = await stack.sim.place_call("+13125550172", HOTLINE, digits=["2"])
            async with asyncio.timeout(DEADLINE + 120):
                await call.ended.wait()
            [row] = await rows_when_settled(stack, call.uniqueid)
            [callback] = stack.app.engine.waiting()
            caller = row.queued_at
        assert row.outcome == "callback_requested"
        assert callback.request.callback_number == "+13125550172"
        assert caller is not None
        assert abs(callback.joined_at - caller.timestamp()) < 1.0  # the caller's place

    run_in_virtual_time(scenario())
