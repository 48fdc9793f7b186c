"""Self-service over the real CRM: a known caller with an open request hears its status
before any menu (ivr's branch and say_status nodes, callcenter's CRM directory)."""

import asyncio
import shutil
from pathlib import Path

from callcenter.settings import PACKAGE_DIR
from tests.e2e.harness import DEADLINE, running_stack
from tests.virtual_time import run_in_virtual_time

STATUS_LINE = "8005550300"
FLOW = f"""
hotline: "{STATUS_LINE}"
name: Status line
start: identify
nodes:
  identify:
    type: branch
    rules:
      - when: {{known: true, open_request: true}}
        next: status
    default: request
  status:
    type: say_status
    request: caller
    next: bye
    missing: bye
  request:
    type: collect
    prompt: cc-enter-request
    min_digits: 5
    max_digits: 8
    validate: request
    store_as: request
    max_retries: 1
    next: spoken
    default: bye
  spoken:
    type: say_status
    request: request
    next: bye
    missing: bye
  bye:
    type: hangup
"""


def flows_with_status_line(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(PACKAGE_DIR / "flows" / "main.yaml", flows / "main.yaml")
    (flows / "status.yaml").write_text(FLOW, encoding="utf-8")
    return flows


def said(commands: list[str]) -> str:
    return "\n".join(c for c in commands if c.startswith(("SAY", "STREAM FILE", "EXEC SayUnix")))


def test_a_known_caller_hears_the_status_of_their_open_request(tmp_path: Path) -> None:
    async def scenario() -> None:
        flows = flows_with_status_line(tmp_path)
        async with running_stack(tmp_path, flows_dir=flows) as stack:
            stack.sim.config.hotlines[STATUS_LINE] = "inbound"
            call = await stack.sim.place_call("+12125550100", STATUS_LINE)  # Grace: 10023
            async with asyncio.timeout(DEADLINE):
                await call.ended.wait()
        spoken = said(call.agi_commands)
        assert "10023" in spoken
        assert "cc-status-in_progress" in spoken  # CRM's in_progress, as the prompts say it

    run_in_virtual_time(scenario())


def test_an_unknown_caller_keys_in_a_request_number_and_hears_its_status(tmp_path: Path) -> None:
    async def scenario() -> None:
        flows = flows_with_status_line(tmp_path)
        async with running_stack(tmp_path, flows_dir=flows) as stack:
            stack.sim.config.hotlines[STATUS_LINE] = "inbound"
            call = await stack.sim.place_call("+13055550199", STATUS_LINE, digits=["10024"])
            async with asyncio.timeout(DEADLINE):
                await call.ended.wait()
        spoken = said(call.agi_commands)
        assert "10024" in spoken  # Marie Curie's quote request, status new
        assert "cc-status-open" in spoken

    run_in_virtual_time(scenario())
