"""``run_standalone``: periodic calls, random menu digits, phones created on first Dial."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from sim import SimConfig, run_standalone
from tests.sim.simwire import AgiServer, AmiClient, get, virtual_time


async def free_port() -> int:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    return port


@virtual_time
async def test_standalone_places_calls_and_creates_agent_phones_on_first_dial() -> None:
    agi = AgiServer()
    config = SimConfig(ami_port=await free_port(), agi_port=await agi.start())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    runner = loop.create_task(
        run_standalone(
            config, call_every=30.0, anis=["2125550100"], menu_digits=["1", "2"], stop=stop
        )
    )
    try:
        first = await agi.next_session()
        ami = await AmiClient.connect(config.ami_port)
        await ami.login()
        assert dict(first.env)["agi_arg_2"] == "2125550100"
        assert await first.command("GET DATA menu 3000 1") in ("200 result=1", "200 result=2")
        dialed_at = loop.time()
        assert await first.command("EXEC Dial PJSIP/1001,20") == "200 result=-1"
        assert loop.time() - dialed_at == pytest.approx(2.0 + 10.0, abs=0.01)  # defaults
        state = await ami.event("DeviceStateChange", Device="PJSIP/1001", State="NOT_INUSE")
        assert get(state, "State") == "NOT_INUSE"
        await first.finish()
        second = await agi.next_session(within=60)
        assert loop.time() >= 30.0
        await second.finish()
        stop.set()
        await asyncio.wait_for(runner, 10)
        await ami.closed.wait()
        await ami.close()
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        await agi.close()


@virtual_time
async def test_standalone_stops_when_cancelled() -> None:
    config = SimConfig(agi_port=await free_port())
    runner = asyncio.get_running_loop().create_task(
        run_standalone(config, call_every=5.0, anis=["2125550100"], menu_digits=["1"])
    )
    await asyncio.sleep(12)  # let virtual time pass: three calls, all without a daemon
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
