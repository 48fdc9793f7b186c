"""A PIN keyed in the IVR is a secret: it reaches neither the database, nor the logs, nor
the agent's screen-pop; the pop shows the caller's path with the PIN masked."""

import logging
import shutil
from pathlib import Path

import pytest

from callcenter.settings import PACKAGE_DIR
from tests.e2e.harness import ready_agent, running_stack
from tests.e2e.test_edge_cases import rows_when_settled
from tests.virtual_time import run_in_virtual_time

LINE = "8005550500"
#: Eight digits, so that finding them by chance among ids and timestamps is unlikely.
PIN = "86420975"
FLOW = f"""
hotline: "{LINE}"
name: Card line
start: pin
nodes:
  pin:
    type: collect
    prompt: cc-enter-pin
    min_digits: 8
    max_digits: 8
    secret: true
    next: support
    default: support
  support:
    type: queue
    queue: support
"""


def test_a_pin_never_reaches_the_database_the_logs_or_the_pop(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        flows = tmp_path / "flows"
        flows.mkdir()
        shutil.copy(PACKAGE_DIR / "flows" / "main.yaml", flows / "main.yaml")
        (flows / "card.yaml").write_text(FLOW, encoding="utf-8")
        async with running_stack(tmp_path, flows_dir=flows) as stack:
            stack.sim.config.hotlines[LINE] = "inbound"
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=5.0)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call("+12125550100", LINE, digits=[PIN])
                pop = await alice.expect("pop")
                await alice.expect("call_state", lambda d: d["state"] == "ended")
            [row] = await rows_when_settled(stack, call.uniqueid)
        assert PIN not in str(pop)
        assert "pin" in pop["ivr_summary"] and "****" in str(pop["ivr_path"]) + pop["ivr_summary"]
        assert PIN not in str(row)

    caplog.set_level(logging.DEBUG)
    run_in_virtual_time(scenario())
    for db_file in tmp_path.glob("callcenter.db*"):  # the file, its WAL and its SHM
        assert PIN.encode() not in db_file.read_bytes(), db_file.name
    assert PIN not in caplog.text
