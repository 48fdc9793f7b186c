"""``/metrics`` tells an operator what the floor looks like right now, in Prometheus text."""

import asyncio
from pathlib import Path

from acd.events import CallQueued
from tests.e2e.harness import DEADLINE, HOTLINE, http_client, ready_agent, running_stack
from tests.virtual_time import run_in_virtual_time


def sample(text: str, line_start: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    return float(line.rsplit(" ", 1)[1])


def test_metrics_show_a_waiting_call_then_the_agent_on_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            queued = asyncio.Event()
            stack.app.bus.subscribe(CallQueued, lambda _: queued.set())
            await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
            async with asyncio.timeout(DEADLINE):
                await queued.wait()
            await asyncio.sleep(30)  # virtual: the caller waits half a minute
            async with http_client(stack) as http:
                waiting = (await http.get("/metrics")).text
            assert sample(waiting, 'callcenter_queue_depth{queue="support"}') == 1
            assert sample(waiting, 'callcenter_queue_longest_wait_seconds{queue="support"}') >= 30
            assert sample(waiting, 'callcenter_calls{state="queued"}') == 1
            assert sample(waiting, "callcenter_ami_connected") == 1
            assert sample(waiting, "callcenter_fastagi_sessions") == 1

            stack.sim.add_phone("1001", hold_ringing=True)
            async with ready_agent(stack, "alice") as alice:
                await alice.expect("pop")
                async with http_client(stack) as http:
                    ringing = (await http.get("/metrics")).text
                assert sample(ringing, 'callcenter_queue_depth{queue="support"}') == 1
                assert sample(ringing, 'callcenter_agents{state="reserved"}') == 1
                assert sample(ringing, "callcenter_ws_clients") == 1

    run_in_virtual_time(scenario())
