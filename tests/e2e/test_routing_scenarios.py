"""Routing over the simulator, end to end: a gold caller overtakes standard callers, a
call relaxes to a lower skill level after its step's timeout, an agent who misses offers
is paused, and a transfer leaves the agent in the wrap-up their queue asks for."""

import asyncio
from pathlib import Path

from acd.events import AgentStateChanged, CallQueued
from acd.states import AgentState
from cti.ids import AgentId
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    Stack,
    ready_agent,
    running_stack,
)
from tests.virtual_time import run_in_virtual_time

TURING = "+12125550111"  # gold in the seeded CRM
STANDARD = ("+13125550191", "+13125550192")


async def queued(stack: Stack, ani: str, digits: str = "2") -> str:
    arrived = asyncio.Event()
    unsubscribe = stack.app.bus.subscribe(CallQueued, lambda _: arrived.set())
    call = await stack.sim.place_call(ani, HOTLINE, digits=[digits])
    async with asyncio.timeout(DEADLINE):
        await arrived.wait()
    unsubscribe()
    return call.uniqueid


def queue_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "queues.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_gold_caller_overtakes_standard_callers_who_waited_longer(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1002", answer_after=1.0, talk_for=600.0)
            first = await queued(stack, STANDARD[0])
            await asyncio.sleep(10)
            await queued(stack, STANDARD[1])
            await asyncio.sleep(10)
            gold = await queued(stack, TURING)
            line = [w.request.call_id for w in stack.app.engine.in_line()]
            assert line[0] == gold and line[1] == first
            async with ready_agent(stack, "bob") as bob:
                connected = await bob.expect("call_state", lambda d: d["state"] == "connected")
            assert connected["call_id"] == gold

    run_in_virtual_time(scenario())


def test_a_call_relaxes_to_a_lower_skill_level_after_the_steps_timeout(tmp_path: Path) -> None:
    """Support asks for level 7 for 30 s, then level 3: bob (5) is ready from the start but
    is offered the call only once the first step is over."""
    steps = (
        "sales: {}\nsupport:\n  steps:\n    - {skills: {support: 7}, timeout: 30}\n"
        "    - {skills: {support: 3}}\n"
    )

    async def scenario() -> None:
        async with running_stack(tmp_path, queues_file=queue_file(tmp_path, steps)) as stack:
            stack.sim.add_phone("1002", answer_after=1.0, talk_for=600.0)
            async with ready_agent(stack, "bob") as bob:
                start = stack.app.clock.now()
                call = await queued(stack, STANDARD[0])
                why = stack.app.engine.explain(call)
                assert (why.state, dict(why.needed)) == ("waiting", {"support": 7})
                reserved = await bob.expect("call_state", lambda d: d["state"] == "ringing")
                assert reserved["call_id"] == call
                assert stack.app.clock.now() - start >= 30
                await bob.expect("call_state", lambda d: d["state"] == "connected")

    run_in_virtual_time(scenario())


def test_an_agent_who_misses_offers_in_a_row_is_made_not_ready(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1002", answer_after=None)  # rings, never answered
            paused = asyncio.Event()

            def auto_paused(event: AgentStateChanged) -> None:
                if event.agent_id == "bob" and "missed" in (event.reason or ""):
                    paused.set()  # the no-answer rule, not the sign-in

            stack.app.bus.subscribe(AgentStateChanged, auto_paused)
            async with ready_agent(stack, "bob") as bob:
                call = await queued(stack, STANDARD[0])
                await bob.expect("call_state", lambda d: d["state"] == "missed")
                async with asyncio.timeout(DEADLINE * 3):
                    await paused.wait()
                status = stack.app.engine.agent(AgentId("bob"))
                assert status.state is AgentState.NOT_READY
                assert status.reason == "missed 3 offers in a row"
                assert stack.app.engine.is_waiting(call)  # the caller keeps waiting

    run_in_virtual_time(scenario())


def test_an_agent_who_transfers_a_call_stays_in_the_mandatory_wrap_up(tmp_path: Path) -> None:
    """Support's wrap-up is mandatory: after alice transfers her caller to sales she is in
    wrap-up, and a caller waiting in support is not offered to her until she closes it."""
    mandatory = "sales: {}\nsupport:\n  wrap_up: {mode: mandatory}\n"

    async def scenario() -> None:
        async with running_stack(tmp_path, queues_file=queue_file(tmp_path, mandatory)) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            stack.sim.add_phone("1003", answer_after=1.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice, ready_agent(stack, "carol") as carol:
                await stack.app.desk.go_not_ready("carol", "Break")
                first = await queued(stack, STANDARD[0])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                moved = await alice.http.post("/api/agent/call/transfer", json={"queue": "sales"})
                assert moved.status_code == 200
                second = await queued(stack, STANDARD[1])
                await asyncio.sleep(120)
                alice_now = stack.app.engine.agent(AgentId("alice"))
                assert alice_now.state is AgentState.WRAP_UP
                assert stack.app.engine.is_waiting(second)
                await carol.command("ready")
                taken = await carol.expect("call_state", lambda d: d["state"] == "connected")
                assert taken["call_id"] == first  # the transferred caller, in sales
                closed = await alice.command("wrap_up", disposition="transferred", notes="")
                assert closed["agent"]["state"] in {"ready", "reserved"}
                served = await alice.expect("call_state", lambda d: d["state"] == "connected")
                assert served["call_id"] == second

    run_in_virtual_time(scenario())
