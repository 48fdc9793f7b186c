"""The bilingual example hotline end to end over the simulator: a gold caller's self-service
readback then "0" to the VIP lane with the path on the pop; an unknown caller failing the
account number twice reaching the default route; after hours, a voicemail. The example's
opening hours are replaced by always-open or always-closed, so the day the tests run on
does not matter."""

import re
import shutil
from pathlib import Path
from typing import Any

from acd.events import CallQueued
from callcenter.settings import PACKAGE_DIR
from ivr.hours import WEEKDAYS
from tests.e2e.harness import DEADLINE, ready_agent, running_stack, until
from tests.e2e.test_edge_cases import rows_when_settled
from tests.virtual_time import run_in_virtual_time

EXAMPLE = Path(__file__).resolve().parents[2] / "ivr" / "examples" / "bilingual_service.yaml"
LINE = "4008200000"
GRACE = "+12125550100"  # seeded: platinum, with an open service request
WEEK = re.compile(r"    week:\n(?:      .*\n)+")


def example_with_hours(tmp_path: Path, day: str) -> Path:
    """A flows folder with the main hotline and the example, every day set to ``day``."""
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(PACKAGE_DIR / "flows" / "main.yaml", flows / "main.yaml")
    days = "".join(f'      {d}: "{day}"\n' for d in WEEKDAYS)
    text, count = WEEK.subn(f"    week:\n{days}", EXAMPLE.read_text(encoding="utf-8"))
    assert count == 1
    (flows / "example.yaml").write_text(text, encoding="utf-8")
    return flows


def test_a_gold_caller_hears_their_request_then_reaches_the_vip_lane_with_the_path_on_the_pop(
    tmp_path: Path,
) -> None:
    async def scenario() -> dict[str, Any]:
        flows = example_with_hours(tmp_path, "00:00-23:59:59")
        async with running_stack(tmp_path, flows_dir=flows) as stack:
            stack.sim.config.hotlines[LINE] = "inbound"
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=5.0)
            queued: list[CallQueued] = []
            stack.app.bus.subscribe(CallQueued, queued.append)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call(GRACE, LINE, digits=["1", "0"])
                pop: dict[str, Any] = await alice.expect("pop")
                await alice.expect("call_state", lambda d: d["state"] == "ended")
            [row] = await rows_when_settled(stack, call.uniqueid)
            assert any(c.startswith("SAY") for c in call.agi_commands)  # the readback
            assert (row.queue, row.outcome) == ("support", "answered")
            [joined] = queued
            assert joined.priority >= 10  # platinum plus the VIP lane's boost
            return pop

    pop = run_in_virtual_time(scenario())
    assert "status:read" in pop["ivr_path"]
    assert "language zh" in pop["ivr_summary"]
    assert pop["ivr_summary"].endswith("queue support +10")


def test_an_unknown_caller_failing_the_account_twice_takes_the_default_route(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        flows = example_with_hours(tmp_path, "00:00-23:59:59")
        async with running_stack(tmp_path, flows_dir=flows) as stack:
            stack.sim.config.hotlines[LINE] = "inbound"
            call = await stack.sim.place_call(
                "+13125550166", LINE, digits=["2", "999999#", "888888#"]
            )
            await until(lambda: stack.app.engine.is_waiting(call.uniqueid), within=DEADLINE)
            live = stack.app.registry.get(call.uniqueid)
            assert live is not None
            assert "account:default" in live.ivr_path and live.queue == "support"
            assert "verified" not in live.ivr_summary
            call.hang_up()
            [row] = await rows_when_settled(stack, call.uniqueid)
            assert row.outcome == "abandoned_queue"

    run_in_virtual_time(scenario())


def test_after_hours_the_caller_leaves_a_voicemail(tmp_path: Path) -> None:
    async def scenario() -> None:
        flows = example_with_hours(tmp_path, "closed")
        async with running_stack(tmp_path, flows_dir=flows) as stack:
            stack.sim.config.hotlines[LINE] = "inbound"
            call = await stack.sim.place_call(GRACE, LINE, digits=["2"])
            await until(lambda: call.ended.is_set(), within=DEADLINE + 120)
            [row] = await rows_when_settled(stack, call.uniqueid)
            assert row.outcome == "voicemail" and "hours:closed" in row.ivr_path
            assert any(c.startswith("EXEC Record") for c in call.agi_commands)

    run_in_virtual_time(scenario())
