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


#: Every figure issue 9 asks /metrics for, by family name (docs/metrics.md).
ISSUE_FAMILIES = (
    "callcenter_calls",  # calls by state
    "callcenter_queue_depth",
    "callcenter_queue_longest_wait_seconds",
    "callcenter_agents",  # agents by state
    "callcenter_service_level",
    "callcenter_calls_answered_within_threshold_total",
    "callcenter_ami_lag_seconds",
    "callcenter_ami_frames_total",
    "callcenter_ws_clients",
    "callcenter_ws_dropped_frames_total",
    "callcenter_fastagi_sessions",
)


def test_metrics_list_every_family_an_operator_watches_and_count_an_answer_in_service_level(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=5.0)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                async with http_client(stack) as http:
                    text = (await http.get("/metrics")).text
                async with asyncio.timeout(DEADLINE):
                    await call.ended.wait()
        names = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line[:1] != "#"}
        assert set(ISSUE_FAMILIES) <= names
        assert sample(text, 'callcenter_calls{state="talking"}') == 1
        assert sample(text, 'callcenter_service_level{queue="support",threshold_seconds="20"}') == 1
        assert sample(text, 'callcenter_calls_answered_total{queue="support"}') == 1
        assert sample(text, "callcenter_ami_frames_total") > 0

    run_in_virtual_time(scenario())
