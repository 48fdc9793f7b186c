"""The daemon asks Asterisk (here the simulator) only for the event classes it uses."""

from pathlib import Path

from tests.e2e.harness import running_stack
from tests.virtual_time import run_in_virtual_time


def test_the_daemon_logs_in_subscribed_to_call_dtmf_and_system_events(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            assert stack.sim.ami_subscriptions() == [frozenset({"call", "dtmf", "system"})]

    run_in_virtual_time(scenario())
