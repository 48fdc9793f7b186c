"""``run_load``: scripted callers over a ramp, counted until every call has ended."""

from __future__ import annotations

import asyncio

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
