"""The FastAGI server's measurements: each command's timing and the most sessions at once."""

import asyncio

from cti.agi_server import AgiServer, AgiSession
from tests.cti.fake_agi import AgiPeer, env_for

OK = ["200 result=0\n"]


async def test_the_observer_is_told_each_command_with_its_think_and_round_trip_times() -> None:
    seen: list[tuple[str, float, float]] = []

    async def ivr(s: AgiSession) -> None:
        await s.answer()
        await asyncio.sleep(0.05)  # the handler thinks before its next command
        await s.set_variable("A", "1")

    server = AgiServer({"ivr": ivr}, "127.0.0.1", 0)
    server.command_observer = lambda line, think, trip: seen.append((line, think, trip))
    await server.start()
    try:
        async with asyncio.timeout(5):
            await AgiPeer(env_for("ivr"), [OK, OK]).run(server.port)
    finally:
        await server.close()
    assert [line for line, _, _ in seen] == ["ANSWER", 'SET VARIABLE A "1"']
    assert all(think >= 0 and trip >= 0 for _, think, trip in seen)
    assert seen[1][1] >= 0.05


async def test_peak_sessions_counts_the_most_sessions_open_at_once() -> None:
    release = asyncio.Event()
    started = 0

    async def ivr(s: AgiSession) -> None:
        nonlocal started
        started += 1
        if started == 3:
            release.set()
        await release.wait()
        await s.answer()

    server = AgiServer({"ivr": ivr}, "127.0.0.1", 0)
    await server.start()
    try:
        async with asyncio.timeout(5):
            await asyncio.gather(*(AgiPeer(env_for("ivr"), [OK]).run(server.port) for _ in "abc"))
            await AgiPeer(env_for("ivr"), [OK]).run(server.port)
    finally:
        await server.close()
    assert server.peak_sessions == 3
    assert server.active_sessions == 0
