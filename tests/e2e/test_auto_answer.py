"""Auto-answer (自动应答): an agent who switched it on is connected without ring time, the
screen-pop still arrives no later than the answer, and the option survives a restart."""

import asyncio
from pathlib import Path

from sim import SimConfig, Simulator
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    Stack,
    daemon,
    http_client,
    log_in,
    ready_agent,
    seeded_db,
)
from tests.virtual_time import run_in_virtual_time

#: The phone's own answer time: what a call to it takes without auto-answer.
RING_SECONDS = 6.0


async def _ring_to_connect(stack: Stack, caller: str) -> tuple[float, list[str]]:
    """Place a support call for alice; (seconds from pop to connected, message types seen).

    Timed by the daemon's own stamps on the two messages (``at``), not by when this test got
    round to reading them: on a loaded machine both may be read in one go."""
    async with ready_agent(stack, "alice") as alice:
        await stack.sim.place_call(caller, HOTLINE, digits=["2"])
        await alice.expect("pop")
        await alice.expect("call_state", lambda d: d["state"] == "connected")
        popped = next(m["at"] for m in alice.seen if m["type"] == "pop")
        connected = next(
            m["at"]
            for m in alice.seen
            if m["type"] == "call_state" and m["data"]["state"] == "connected"
        )
        types = [m["type"] for m in alice.seen if m["type"] in ("pop", "call_state")]
        stack.sim.phone("1001").hang_up()
        await alice.expect("agent_state", lambda d: d["state"] == "wrap_up")
        await alice.command("wrap_up", disposition="resolved")
        await alice.command("sign_out")
    return connected - popped, types


def test_an_auto_answer_agent_is_connected_at_once_and_the_option_survives_a_restart(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}, prompt_seconds=1.0))
        await sim.start()
        try:
            phone = sim.add_phone("1001", answer_after=RING_SECONDS, talk_for=600.0)
            async with daemon(sim, db_url) as first:
                stack = Stack(first, sim, db_url)
                ringing, _ = await _ring_to_connect(stack, "+13125550191")
                assert ringing >= RING_SECONDS - 0.5  # off: the phone rings its own time
                async with http_client(stack) as http:
                    await log_in(http, "alice")
                    assert (await http.get("/api/agent/auto-answer")).json() == {
                        "auto_answer": False
                    }
                    switched = await http.put("/api/agent/auto-answer", json={"auto_answer": True})
                    assert switched.json() == {"auto_answer": True}, switched.text
            async with daemon(sim, db_url) as second:
                stack = Stack(second, sim, db_url)
                async with http_client(stack) as http:
                    await log_in(http, "alice")
                    stored = await http.get("/api/agent/auto-answer")
                    assert stored.json() == {"auto_answer": True}
                at_once, types = await _ring_to_connect(stack, "+13125550192")
                assert at_once < 0.5, at_once  # answered with no ring time
                assert types.index("pop") < types.index("call_state")
                assert phone.answered == 2
        finally:
            await sim.close()

    async def bounded() -> None:
        async with asyncio.timeout(DEADLINE * 4):
            await scenario()

    run_in_virtual_time(bounded())
