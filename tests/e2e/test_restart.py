"""The daemon stops while a caller waits in the queue. The dialplan keeps the caller on
hold music in [cti-fallback]; the next start finds them there, brings them back into the
queue they were in (from the ACD event log) without the IVR, and an agent answers. The
call's one interaction row, written as session_lost at the stop, is completed."""

import asyncio
from pathlib import Path

from sim import SimConfig, Simulator
from tests.e2e.harness import DEADLINE, HOTLINE, Stack, daemon, ready_agent, seeded_db, until
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
