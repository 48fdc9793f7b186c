"""Many calls at once through a tiny ACD-like FastAGI server: nothing leaks or fails."""

from __future__ import annotations

import asyncio

from sim import SimConfig
from tests.sim.simwire import AgiConn, AgiServer, running, virtual_time

CALLS = 40
PHONES = [f"10{n:02d}" for n in range(10)]


async def serve(conn: AgiConn, free: asyncio.Queue[str]) -> None:
    """Answer, play a prompt, then offer the call to free phones until one answers."""
    await conn.command("ANSWER")
    await conn.command('STREAM FILE welcome ""')
    while True:
        try:
            async with asyncio.timeout(1.0):
                ext = await free.get()
        except TimeoutError:
            if (await conn.command("WAIT FOR DIGIT 1")).endswith("-1"):
                break
            continue
        reply = await conn.command(f"EXEC Dial PJSIP/{ext},15")
        status = await conn.command("GET VARIABLE DIALSTATUS")
        free.put_nowait(ext)
        if reply.endswith("-1") or status.endswith("(ANSWER)"):
            break
    await conn.finish()


async def accept_all(agi: AgiServer, free: asyncio.Queue[str]) -> None:
    async with asyncio.TaskGroup() as tg:
        for _ in range(CALLS):
            tg.create_task(serve(await agi.next_session(), free))


@virtual_time
async def test_forty_simultaneous_calls_are_all_served_by_ten_agents() -> None:
    async with running(SimConfig(prompt_seconds=3.0)) as (sim, ami, agi):
        free: asyncio.Queue[str] = asyncio.Queue()
        for ext in PHONES:
            sim.add_phone(ext, answer_after=1.5, talk_for=20.0)
            free.put_nowait(ext)
        calls = [await sim.place_call(f"21255501{n:02d}", "8005551234") for n in range(CALLS)]
        async with asyncio.timeout(600):
            await accept_all(agi, free)
            await asyncio.gather(*(call.ended.wait() for call in calls))
        assert {call.outcome for call in calls} == {"answered-by-agent"}
        assert sum(sim.phone(ext).answered for ext in PHONES) == CALLS
        assert not any(sim.phone(ext).in_call or sim.phone(ext).ringing for ext in PHONES)
        hangups = {f[2][1] for f in ami.events("Hangup")}
        assert {call.channel for call in calls} <= hangups
        assert sim.errors == []
