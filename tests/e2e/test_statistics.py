"""Interval statistics over the simulator: one caller answered, one hanging up in the
queue; the live figures of the current interval equal those read back from the event log,
and the route checks its query."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    Stack,
    agent_tab,
    ready_agent,
    running_stack,
)
from tests.e2e.test_edge_cases import rows_when_settled
from tests.e2e.test_supervisor_floor import lead_client
from tests.virtual_time import run_in_virtual_time


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat()


def test_live_interval_figures_equal_those_from_the_event_log(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1002", answer_after=2.0, talk_for=30.0)
            start = stack.app.clock.now()
            async with ready_agent(stack, "bob") as bob:
                answered = await stack.sim.place_call("+13125550181", HOTLINE, digits=["2"])
                await bob.expect("call_state", lambda d: d["state"] == "connected")
                gives_up = await stack.sim.place_call(
                    "+13125550182", HOTLINE, digits=["2"], patience=10.0
                )
                async with asyncio.timeout(DEADLINE):
                    await gives_up.ended.wait()
                    await answered.ended.wait()
                await rows_when_settled(stack, gives_up.uniqueid)
                await rows_when_settled(stack, answered.uniqueid)
                await bob.command("wrap_up", disposition="resolved", notes="")
            async with lead_client(stack) as http:
                live = (await http.get("/api/supervisor/stats", params={"interval": 15})).json()
                [support] = [q for q in live["queues"] if q["queue"] == "support"]
                assert (support["offered"], support["answered"], support["abandoned"]) == (2, 1, 1)
                assert support["aht"] is not None and support["asa"] is not None
                [bob_line] = [a for a in live["agents"] if a["agent_id"] == "bob"]
                assert (bob_line["answered"], bob_line["handled"]) == (1, 1)
                window = {"interval": 15, "from": iso(start - 3600), "to": iso(start + 3600)}
                current = live["from"]
                await logged_equals_live(stack, http, window, current, live)
                await refusals(http, stack)

    run_in_virtual_time(scenario())


async def logged_equals_live(
    stack: Stack, http: Any, window: dict[str, object], current: float, live: dict[str, Any]
) -> None:
    """The log is written in batches: wait until it holds everything, then compare."""
    async with asyncio.timeout(DEADLINE):
        while True:
            logged = (await http.get("/api/supervisor/stats", params=window)).json()
            now = {k: [r for r in logged[k] if r["start"] == current] for k in ("queues", "agents")}
            if now["queues"] == live["queues"]:
                break
            await stack.app.event_log.flush()
            await asyncio.sleep(1)
    # Agents' seconds keep growing in the state they are in: compare what is settled.
    settled = ("answered", "handled", "aht")
    assert [{k: a[k] for k in settled} for a in now["agents"]] == [
        {k: a[k] for k in settled} for a in live["agents"]
    ]


async def refusals(http: Any, stack: Stack) -> None:
    bad = await http.get("/api/supervisor/stats", params={"interval": 20})
    assert (bad.status_code, bad.json()["field"]) == (422, "interval")
    half = await http.get("/api/supervisor/stats", params={"from": iso(0)})
    assert (half.status_code, half.json()["field"]) == (422, "to")
    backwards = await http.get("/api/supervisor/stats", params={"from": iso(10), "to": iso(5)})
    assert (backwards.status_code, backwards.json()["field"]) == (422, "to")
    async with agent_tab(stack, "alice") as alice:
        assert (await alice.http.get("/api/supervisor/stats")).status_code == 403
