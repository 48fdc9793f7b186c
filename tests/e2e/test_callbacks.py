"""Callbacks over the simulator: a waiting caller presses 1 and hangs up; their callback
keeps their place in the queue, across a daemon restart too; when it reaches the head and
an agent is free, the daemon rings the agent's phone, then dials the customer; both calls
are recorded."""

import asyncio
from pathlib import Path

from acd.engine import callback_id
from cti.ids import CallId
from sim import SimConfig, Simulator
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    Stack,
    daemon,
    ready_agent,
    seeded_db,
    until,
)
from tests.e2e.test_hotline_call import interactions
from tests.virtual_time import run_in_virtual_time

FIRST, SECOND = "+13125550171", "+13125550172"
QUEUES = "sales: {}\nsupport: {offer_callback: true}\n"


def test_a_callback_keeps_its_place_across_a_restart_and_is_dialed_first(tmp_path: Path) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        queues = tmp_path / "queues.yaml"
        queues.write_text(QUEUES, encoding="utf-8")
        config = SimConfig(hotlines={HOTLINE: "inbound"}, prompt_seconds=1.0)
        config.fallback_unless_done = True
        sim = Simulator(config)
        await sim.start()
        try:
            sim.add_phone("1002", answer_after=1.0, talk_for=30.0)
            sim.add_customer(FIRST, answer_after=2.0, talk_for=10.0)
            async with daemon(sim, db_url, queues_file=queues) as first:
                engine = first.engine
                one = await sim.place_call(FIRST, HOTLINE, digits=["2"])
                await until(lambda: engine.is_waiting(one.uniqueid), within=DEADLINE)
                await asyncio.sleep(10)
                two = await sim.place_call(SECOND, HOTLINE, digits=["2"])
                await until(lambda: engine.is_waiting(two.uniqueid), within=DEADLINE)
                joined = {w.request.call_id: w.joined_at for w in engine.waiting()}
                one.press("1")
                callback = callback_id(CallId(one.uniqueid))
                await until(lambda: engine.is_waiting(callback), within=DEADLINE)
                async with asyncio.timeout(DEADLINE):
                    await one.ended.wait()
                line = [(w.request.call_id, w.joined_at) for w in engine.in_line()]
                assert line == [
                    (callback, joined[one.uniqueid]),
                    (two.uniqueid, joined[two.uniqueid]),
                ]
                assert any("cc-press-1-callback" in c for c in one.agi_commands)
            [asked] = await interactions(db_url, one.uniqueid)
            assert asked.outcome == "callback_requested"
            assert callback in (asked.notes or "")

            async with daemon(sim, db_url, queues_file=queues) as second:
                engine = second.engine
                await until(lambda: len(engine.waiting()) == 2, within=DEADLINE)
                line = [(w.request.call_id, w.joined_at) for w in engine.in_line()]
                assert line == [
                    (callback, joined[one.uniqueid]),
                    (two.uniqueid, joined[two.uniqueid]),
                ]
                async with ready_agent(Stack(second, sim, db_url), "bob") as bob:
                    dialed = await bob.expect("call_state", lambda d: d["state"] == "connected")
                    assert dialed["call_id"] == callback
                    await until(lambda: second.registry.get(callback) is None, within=DEADLINE)
                    await bob.command("wrap_up", disposition="resolved", notes="")
                    served = await bob.expect("call_state", lambda d: d["state"] == "connected")
                    assert served["call_id"] == two.uniqueid
            [done] = await interactions(db_url, callback)
            assert (done.outcome, done.agent_id, done.direction, done.ani) == (
                "answered",
                "bob",
                "outbound",
                FIRST,
            )
            assert done.queue == "support"
        finally:
            await sim.close()

    run_in_virtual_time(scenario())
