"""The walking skeleton end to end: a hotline call from the simulated PBX through the IVR
and the queue to an agent's screen-pop, answered, wrapped up, recorded once."""

from pathlib import Path

from crm_core.db import make_engine, make_sessionmaker
from crm_core.interactions import InteractionRecord, list_interactions
from tests.e2e.harness import HOTLINE, ready_agent, running_stack
from tests.virtual_time import run_in_virtual_time

GRACE = "+12125550100"  # seeded: Grace Hopper, platinum, an open invoice request


def test_hotline_call_pops_before_the_phone_is_answered_and_is_recorded_once(
    tmp_path: Path,
) -> None:
    run_in_virtual_time(hotline_call(tmp_path))


async def hotline_call(tmp_path: Path) -> None:
    async with running_stack(tmp_path) as stack:
        phone = stack.sim.add_phone("1001", hold_ringing=True, talk_for=40.0)
        async with ready_agent(stack, "alice") as alice:
            call = await stack.sim.place_call(
                GRACE, HOTLINE, caller_name="Grace Hopper", digits=["2"]
            )

            pop = await alice.expect("pop")
            # Proven by order: the phone is held ringing until the pop has arrived.
            assert phone.answered == 0
            assert pop["ani"] == GRACE and pop["dnis"] == HOTLINE
            assert pop["queue"] == "support"
            assert "main:2" in pop["ivr_path"]
            [grace] = pop["candidates"]
            assert grace["display_name"] == "Grace Hopper"
            assert grace["tier"] == "platinum"
            assert [r["subject"] for r in grace["open_requests"]] == [
                "Invoice shows the wrong tax id"
            ]

            await phone.wait_ringing()
            phone.release()
            await alice.expect("call_state", lambda d: d["state"] == "connected")
            await alice.expect("call_state", lambda d: d["state"] == "ended")
            await alice.expect("agent_state", lambda d: d["state"] == "wrap_up")
            await call.ended.wait()
            wrapped = await alice.command("wrap_up", disposition="resolved", notes="fixed tax id")
            assert wrapped["agent"]["state"] == "ready"

        assert "EXEC Dial" in " ".join(call.agi_commands)
        assert call.agi_commands[-1] == 'SET VARIABLE CTI_DONE "1"'
        assert call.dial_statuses == ["ANSWER"]
        rows = await interactions(stack.db_url, call.uniqueid)
        assert len(rows) == 1
        row = rows[0]
        assert (row.ani, row.dnis, row.ivr_choice, row.queue) == (GRACE, HOTLINE, "2", "support")
        assert row.agent_id == "alice"
        assert row.outcome == "answered"
        assert row.disposition == "resolved"
        assert row.wait_seconds is not None and row.wait_seconds >= 0
        assert row.talk_seconds is not None and 39 <= row.talk_seconds <= 42


async def interactions(db_url: str, call_id: str) -> list[InteractionRecord]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = await list_interactions(session, limit=100)
            return [r for r in rows if r.call_id == call_id]
    finally:
        await engine.dispose()
