"""The preferred-agent window over the simulator, end to end: the caller's account manager
is busy when their customer calls; the call waits for them alone (another agent is ready)
and is theirs once they are free, or goes to the other agent when the window ends.
The last agent who served a caller with no account manager is preferred the same way."""

import asyncio
from pathlib import Path

from acd.events import CallQueued
from acd.states import AgentState
from acd.trace import SkipReason
from cti.ids import AgentId
from tests.e2e.harness import DEADLINE, HOTLINE, Stack, ready_agent, running_stack, until
from tests.virtual_time import run_in_virtual_time

LISKOV = "+16175550110"  # account manager: bob, in the seeded CRM
TURING = "+12125550111"  # no account manager
STANDARD = "+13125550191"  # not in the CRM
WINDOW = 60
QUEUES = f"sales: {{}}\nsupport:\n  preferred_window: {WINDOW}\n  wrap_up: {{mode: mandatory}}\n"


async def queued(stack: Stack, ani: str) -> str:
    arrived = asyncio.Event()
    unsubscribe = stack.app.bus.subscribe(CallQueued, lambda _: arrived.set())
    call = await stack.sim.place_call(ani, HOTLINE, digits=["2"])
    async with asyncio.timeout(DEADLINE):
        await arrived.wait()
    unsubscribe()
    return call.uniqueid


def queue_file(tmp_path: Path) -> Path:
    path = tmp_path / "queues.yaml"
    path.write_text(QUEUES, encoding="utf-8")
    return path


def test_the_account_manager_gets_their_customers_call_when_free_within_the_window(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path, queues_file=queue_file(tmp_path)) as stack:
            stack.sim.add_phone("1002", answer_after=1.0, talk_for=15.0)
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=600.0)
            async with ready_agent(stack, "bob") as bob:
                other = await queued(stack, STANDARD)
                busy = await bob.expect("call_state", lambda d: d["state"] == "connected")
                assert busy["call_id"] == other
                async with ready_agent(stack, "alice"):
                    start = stack.app.clock.now()
                    customer = await queued(stack, LISKOV)
                    why = stack.app.engine.explain(customer)
                    assert why.state == "waiting"
                    assert why.skipped.get(SkipReason.PREFERRED_WINDOW) == 1  # alice
                    await bob.expect("call_state", lambda d: d["state"] == "ended")
                    await until(lambda: not stack.app.registry.get(other), within=DEADLINE)
                    assert stack.app.engine.is_waiting(customer)
                    closed = await bob.command("wrap_up", disposition="resolved", notes="")
                    assert closed["agent"]["state"] in {"ready", "reserved"}
                    taken = await bob.expect("call_state", lambda d: d["state"] == "connected")
                    assert taken["call_id"] == customer
                    assert stack.app.clock.now() - start < WINDOW
                    alice = stack.app.engine.agent(AgentId("alice"))
                    assert alice.state is AgentState.READY  # never offered it

    run_in_virtual_time(scenario())


def test_the_call_goes_to_another_agent_when_the_window_ends(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path, queues_file=queue_file(tmp_path)) as stack:
            stack.sim.add_phone("1002", answer_after=1.0, talk_for=600.0)
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=600.0)
            async with ready_agent(stack, "bob") as bob:
                await queued(stack, STANDARD)
                await bob.expect("call_state", lambda d: d["state"] == "connected")
                async with ready_agent(stack, "alice") as alice:
                    start = stack.app.clock.now()
                    customer = await queued(stack, LISKOV)
                    await asyncio.sleep(WINDOW - 5)
                    assert stack.app.engine.offer_for(customer) is None  # held for bob
                    taken = await alice.expect("call_state", lambda d: d["state"] == "connected")
                    assert taken["call_id"] == customer
                    assert stack.app.clock.now() - start >= WINDOW

    run_in_virtual_time(scenario())


def test_a_caller_without_account_manager_prefers_the_agent_who_last_served_them(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path, queues_file=queue_file(tmp_path)) as stack:
            stack.sim.add_phone("1002", answer_after=1.0, talk_for=5.0)
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=600.0)
            async with ready_agent(stack, "bob") as bob:
                first = await queued(stack, TURING)
                served = await bob.expect("call_state", lambda d: d["state"] == "connected")
                assert served["call_id"] == first
                await bob.expect("call_state", lambda d: d["state"] == "ended")
                await until(lambda: not stack.app.registry.get(first), within=DEADLINE)
                await bob.command("wrap_up", disposition="resolved", notes="")
                other = await queued(stack, STANDARD)
                busy = await bob.expect("call_state", lambda d: d["state"] == "connected")
                assert busy["call_id"] == other
                async with ready_agent(stack, "alice"):
                    again = await queued(stack, TURING)
                    why = stack.app.engine.explain(again)
                    assert why.state == "waiting"
                    assert why.skipped.get(SkipReason.PREFERRED_WINDOW) == 1

    run_in_virtual_time(scenario())
