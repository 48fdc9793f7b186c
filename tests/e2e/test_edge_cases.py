"""Bad and unusual input at the edges of the hotline call: unknown and withheld callers,
callers who press nothing useful, callers who hang up, sessions that end without a hangup."""

import asyncio
import sqlite3
from pathlib import Path

from acd.events import CallQueued
from crm_core.interactions import InteractionRecord
from cti.ami_client import AmiClient
from tests.e2e.harness import DEADLINE, HOTLINE, Stack, ready_agent, running_stack
from tests.e2e.test_hotline_call import interactions
from tests.virtual_time import run_in_virtual_time


def test_unknown_caller_pops_unknown_with_the_number(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", talk_for=5)
            async with ready_agent(stack, "alice") as alice:
                await stack.sim.place_call("+13055550199", HOTLINE, digits=["2"])
                pop = await alice.expect("pop")
        assert pop["ani"] == "+13055550199"
        assert pop["candidates"] == []
        assert pop["withheld"] is False

    run_in_virtual_time(scenario())


def test_withheld_caller_pops_withheld_and_is_still_served(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", talk_for=5)
            async with ready_agent(stack, "alice") as alice:
                for ani in ("anonymous", ""):
                    call = await stack.sim.place_call(ani, HOTLINE, digits=["2"])
                    pop = await alice.expect("pop")
                    assert pop["withheld"] is True and pop["candidates"] == []
                    await alice.expect("agent_state", lambda d: d["state"] == "wrap_up")
                    await alice.command("wrap_up", disposition="resolved")
                    async with asyncio.timeout(DEADLINE):
                        await call.ended.wait()
                    [row] = await interactions(stack.db_url, call.uniqueid)
                    assert row.outcome == "answered"

    run_in_virtual_time(scenario())


def test_invalid_and_missing_keys_repeat_the_menu_then_take_the_default_route(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1002", talk_for=5)
            async with ready_agent(stack, "bob") as bob:
                call = await stack.sim.place_call("+12125550111", HOTLINE, digits=["9", "", "*"])
                pop = await bob.expect("pop")
                await bob.expect("call_state", lambda d: d["state"] == "ended")
        assert pop["queue"] == "support"
        assert pop["ivr_path"] == [
            "welcome",
            "main",
            "main:9",
            "main:no-input",
            "main:*",
            "main:default",
            "support",
        ]
        assert call.agi_commands.count("GET DATA cc-main-menu 5000 1") == 3
        assert 'STREAM FILE cc-invalid "12"' in call.agi_commands
        assert 'STREAM FILE cc-no-input "12"' in call.agi_commands

    run_in_virtual_time(scenario())


def test_caller_hanging_up_in_the_menu_is_recorded_as_abandoned_in_the_ivr(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            call = await stack.sim.place_call("+12125550100", HOTLINE, digits=[], patience=3.0)
            async with asyncio.timeout(DEADLINE):
                await call.ended.wait()
            rows = await rows_when_settled(stack, call.uniqueid)
        assert [r.outcome for r in rows] == ["abandoned_ivr"]
        assert rows[0].queue is None and rows[0].agent_id is None

    run_in_virtual_time(scenario())


def test_caller_hanging_up_in_the_queue_is_abandoned_and_frees_the_reserved_agent(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            phone = stack.sim.add_phone("1001", hold_ringing=True)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
                await alice.expect("pop")
                await phone.wait_ringing()
                call.hang_up()
                await alice.expect("call_state", lambda d: d["state"] == "missed")
                back = await alice.expect("agent_state", lambda d: d["state"] == "ready")
                assert back["call"] is None
            rows = await rows_when_settled(stack, call.uniqueid)
        assert [r.outcome for r in rows] == ["abandoned_queue"]
        assert call.dial_statuses == ["CANCEL"]

    run_in_virtual_time(scenario())


def test_session_ending_without_an_ami_hangup_is_not_recorded_as_abandoned(
    tmp_path: Path,
) -> None:
    """A Redirect ends the FastAGI session with a HANGUP line while the channel lives on."""

    async def scenario() -> None:
        async with running_stack(tmp_path, queue_poll_ms=1000) as stack:
            queued = asyncio.Event()
            stack.app.bus.subscribe(CallQueued, lambda _: queued.set())
            call = await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
            ami = AmiClient("127.0.0.1", stack.sim.ami_port, "cti", "cti", on_event=lambda m: None)
            await ami.connect()
            reader = asyncio.create_task(ami.run())
            try:
                async with asyncio.timeout(DEADLINE):
                    await queued.wait()
                await ami.action(
                    "Redirect",
                    {
                        "Channel": call.channel,
                        "Context": "incoming",
                        "Exten": "9999",
                        "Priority": "1",
                    },
                )
                rows = await rows_when_settled(stack, call.uniqueid)
            finally:
                await ami.close()
                reader.cancel()
        assert [r.outcome for r in rows] == ["session_lost"]
        assert stack.app.engine.waiting() == []

    run_in_virtual_time(scenario())


async def rows_when_settled(stack: Stack, call_id: str) -> list[InteractionRecord]:
    """The call's interaction rows once every FastAGI session has finished its work."""
    async with asyncio.timeout(DEADLINE):
        await stack.app.agi.idle()
    return await interactions(stack.db_url, call_id)


def test_a_waiting_caller_hears_their_place_in_line(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            queued = asyncio.Event()
            stack.app.bus.subscribe(CallQueued, lambda _: queued.set())
            first = await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
            await stack.sim.place_call("+12125550111", HOTLINE, digits=["2"])
            async with asyncio.timeout(DEADLINE):
                await queued.wait()
            await asyncio.sleep(60)  # virtual: both wait a minute, nobody is signed in
            first.hang_up()
            await asyncio.sleep(60)
        second = stack.sim.calls[1]
        said = [c.split()[2] for c in second.agi_commands if c.startswith("SAY NUMBER")]
        # At once: 2nd in line, 2 × 180 s average handle time = 6 min (nobody signed in);
        # then, once the caller ahead gave up: 1st, 3 min. Never the same news twice.
        assert said == ["2", "6", "1", "3"]

    run_in_virtual_time(scenario())


def test_a_crm_failure_at_lookup_still_serves_the_call_as_unknown(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            # Break caller matching only: the numbers table is gone, interactions remain.
            # In a thread: the daemon may be inside a write transaction, which its loop must
            # be free to finish for this connection to get the lock.
            await asyncio.to_thread(drop_table, tmp_path / "callcenter.db", "contact_phones")
            stack.sim.add_phone("1001", talk_for=5)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
                pop = await alice.expect("pop")
                await alice.expect("agent_state", lambda d: d["state"] == "wrap_up")
                await alice.command("wrap_up", disposition="resolved")
            rows = await rows_when_settled(stack, call.uniqueid)
        assert pop["candidates"] == [] and pop["ani"] == "+12125550100"
        assert [r.outcome for r in rows] == ["answered"]

    run_in_virtual_time(scenario())


def drop_table(path: Path, table: str) -> None:
    with sqlite3.connect(path, timeout=30) as db:
        db.execute(f"DROP TABLE {table}")
