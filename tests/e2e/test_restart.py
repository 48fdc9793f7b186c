"""The daemon stops while a caller waits in the queue. The dialplan keeps the caller on
hold music in [cti-fallback]; the next start finds them there, brings them back into the
queue they were in (from the ACD event log) without the IVR, and an agent answers. The
call's one interaction row, written as session_lost at the stop, is completed."""

import asyncio
from pathlib import Path

from acd.model import WaitingCall
from acd.states import AgentState
from callcenter.app import RunningApp
from cti.ids import AgentId
from sim import SimConfig, Simulator
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    Stack,
    agent_tab,
    daemon,
    ready_agent,
    seeded_db,
    until,
)
from tests.e2e.test_hotline_call import interactions
from tests.virtual_time import run_in_virtual_time

CALLER = "+13125550133"


def test_a_caller_waiting_when_the_daemon_stops_is_answered_after_the_restart(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        config = SimConfig(hotlines={HOTLINE: "inbound"}, prompt_seconds=1.0)
        config.fallback_unless_done = True  # the production dialplan (extensions.conf)
        sim = Simulator(config)
        await sim.start()
        try:
            sim.add_phone("1001", answer_after=1.0, talk_for=20.0)
            async with daemon(sim, db_url) as first:
                call = await sim.place_call(CALLER, HOTLINE, digits=["2"])
                await until(lambda: first.engine.is_waiting(call.uniqueid), within=DEADLINE)
            # The daemon is gone: the caller is held, not dropped.
            await until(lambda: call.state == "on-hold", within=DEADLINE)
            assert not call.ended.is_set()
            [provisional] = await interactions(db_url, call.uniqueid)
            assert provisional.outcome == "session_lost"
            menus_heard = sum("cc-main-menu" in c for c in call.agi_commands)
            assert menus_heard >= 1

            async with daemon(sim, db_url) as second:
                await until(lambda: second.engine.is_waiting(call.uniqueid), within=DEADLINE)
                [waiting] = second.engine.waiting()
                assert waiting.request.queue == "support"
                async with ready_agent(Stack(second, sim, db_url), "alice") as alice:
                    await alice.expect("call_state", lambda d: d["state"] == "connected")
                    async with asyncio.timeout(DEADLINE):
                        await call.ended.wait()
                    await until(lambda: second.registry.get(call.uniqueid) is None, within=10)
            # No IVR the second time: straight back into the queue.
            assert sum("cc-main-menu" in c for c in call.agi_commands) == menus_heard
            [row] = await interactions(db_url, call.uniqueid)
            assert (row.outcome, row.agent_id, row.queue) == ("answered", "alice", "support")
        finally:
            await sim.close()

    run_in_virtual_time(scenario())


SALES_CALLERS = ("+13125550141", "+13125550142", "+13125550143")


def test_a_restart_in_the_middle_of_traffic_keeps_the_order_of_the_callers_and_agents_states(
    tmp_path: Path,
) -> None:
    """Three callers wait for sales while alice (sales 3) is at lunch and bob (no sales
    skill) is ready. After the restart the callers are back in the same order with the same
    join times, alice is still not ready for lunch, bob still ready, carol still signed
    out; when alice goes ready she takes the caller who waited longest."""

    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        config = SimConfig(hotlines={HOTLINE: "inbound"}, prompt_seconds=1.0)
        config.fallback_unless_done = True
        sim = Simulator(config)
        await sim.start()
        try:
            sim.add_phone("1001", answer_after=1.0, talk_for=20.0)
            sim.add_phone("1002", answer_after=1.0, talk_for=20.0)
            async with daemon(sim, db_url) as first:
                stack = Stack(first, sim, db_url)
                async with agent_tab(stack, "alice") as alice, ready_agent(stack, "bob"):
                    await alice.command("sign_in")
                    await alice.command("not_ready", reason="Lunch")
                calls = []
                for ani in SALES_CALLERS:
                    call = await sim.place_call(ani, HOTLINE, digits=["1"])
                    await until(lambda c=call: first.engine.is_waiting(c.uniqueid), within=DEADLINE)
                    calls.append(call)
                    await asyncio.sleep(5)
                before = [(w.request.call_id, w.joined_at) for w in waiting_in_order(first)]
                assert [c for c, _ in before] == [c.uniqueid for c in calls]

            async with daemon(sim, db_url) as second:
                alice_now = second.engine.agent(AgentId("alice"))
                assert (alice_now.state, alice_now.reason) == (AgentState.NOT_READY, "Lunch")
                assert second.engine.agent(AgentId("bob")).state is AgentState.READY
                assert second.engine.agent(AgentId("carol")).state is AgentState.SIGNED_OUT
                await until(lambda: len(second.engine.waiting()) == 3, within=DEADLINE)
                after = [(w.request.call_id, w.joined_at) for w in waiting_in_order(second)]
                assert after == before
                async with agent_tab(Stack(second, sim, db_url), "alice") as alice:
                    await alice.command("ready")
                    connected = await alice.expect(
                        "call_state", lambda d: d["state"] == "connected"
                    )
                    assert connected["call_id"] == calls[0].uniqueid
        finally:
            await sim.close()

    run_in_virtual_time(scenario())


def waiting_in_order(app: RunningApp) -> list[WaitingCall]:
    return sorted(app.engine.waiting(), key=lambda w: (w.joined_at, w.request.call_id))
