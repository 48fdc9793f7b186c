"""``run_load``: scripted callers over a ramp, counted until every call has ended."""

from __future__ import annotations

import asyncio
import time

from sim import SimConfig
from sim.load import UNFINISHED, CallerScript, run_load
from tests.sim.simwire import AgiConn, AgiServer, running, virtual_time

HOTLINE = "8005551234"


async def menu_then_hang_up(conn: AgiConn) -> str:
    """A one-question IVR: the key the caller pressed, then hang up."""
    await conn.command("ANSWER")
    reply = await conn.command("WAIT FOR DIGIT 3000")
    await conn.command('STREAM FILE goodbye ""')
    await conn.command("HANGUP")
    await conn.finish()
    return chr(int(reply.removeprefix("200 result=")))


async def serve(agi: AgiServer, count: int) -> list[str]:
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(menu_then_hang_up(await agi.next_session())) for _ in range(count)]
    return [t.result() for t in tasks]


@virtual_time
async def test_every_scripted_caller_is_placed_presses_its_keys_and_is_counted() -> None:
    scripts = [CallerScript(f"+1212555{n:04d}", HOTLINE, (str(n % 10),)) for n in range(12)]
    async with running(SimConfig(prompt_seconds=2.0)) as (sim, _, agi):
        served = asyncio.get_running_loop().create_task(serve(agi, len(scripts)))
        report = await run_load(sim, scripts, ramp=3.0, deadline=60.0)
        pressed = await served
    assert sorted(pressed) == sorted(s.digits[0] for s in scripts)
    assert report.placed == report.ended == 12
    assert report.outcomes == {"hung-up-by-ivr": 12}
    assert len(set(report.uniqueids)) == 12
    assert 1 < report.peak_in_ivr <= 12  # 3 s of ramp, each call a few seconds long
    assert report.seconds >= 3.0


@virtual_time
async def test_calls_still_up_at_the_deadline_are_reported_unfinished() -> None:
    scripts = [CallerScript("+12125550100", HOTLINE), CallerScript("+12125550101", HOTLINE)]
    async with running(SimConfig()) as (sim, _, agi):
        report = await run_load(sim, scripts, ramp=1.0, deadline=30.0)
        for _ in scripts:  # nobody answered: end the sessions so the simulator can close
            await (await agi.next_session()).finish()
    assert report.placed == 2
    assert report.ended == 0
    assert report.outcomes == {UNFINISHED: 2}


async def dial_agent_then_finish(conn: AgiConn) -> None:
    """A queue that rings the agent at 1001 at once and ends when the call does."""
    await conn.command("ANSWER")
    await conn.command("EXEC Dial PJSIP/1001,20")
    await conn.finish()


@virtual_time
async def test_the_report_gives_each_agent_ring_of_a_call_with_its_real_monotonic_start() -> None:
    before = time.monotonic()
    async with running(SimConfig()) as (sim, _, agi):
        sim.add_phone("1001", answer_after=1.0, talk_for=5.0)
        task = asyncio.get_running_loop().create_task(_serve_one(agi))
        report = await run_load(sim, [CallerScript("+12125550100", HOTLINE)], ramp=0, deadline=60)
        await task
    after = time.monotonic()
    [uniqueid] = report.uniqueids
    assert report.call_outcomes == {uniqueid: "answered-by-agent"}
    [(destination, rang_at)] = report.rings[uniqueid]
    assert destination == "1001"
    assert before <= rang_at <= after


async def _serve_one(agi: AgiServer) -> None:
    await dial_agent_then_finish(await agi.next_session())


@virtual_time
async def test_a_caller_with_patience_hangs_up_unanswered_and_is_reported_abandoned() -> None:
    async with running(SimConfig()) as (sim, _, agi):
        script = CallerScript("+12125550100", HOTLINE, patience=3.0)
        task = asyncio.get_running_loop().create_task(_hold_in_queue(agi))
        report = await run_load(sim, [script], ramp=0, deadline=60)
        await task
    assert report.outcomes == {"abandoned": 1}
    assert report.rings == {}


async def _hold_in_queue(agi: AgiServer) -> None:
    conn = await agi.next_session()
    await conn.command("ANSWER")
    while not (await conn.command("WAIT FOR DIGIT 1000")).startswith("200 result=-1"):
        pass
    await conn.finish()
