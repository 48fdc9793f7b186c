"""The floor is pushed to team leads coalesced, and not built while nobody watches."""

import asyncio

from agent_ws.hub import Hub
from callcenter.floor import FLUSH_SECONDS, FloorPublisher
from tests.agent_ws.fakes import FakeClock, RecordingSocket


class CountingFloor:
    def __init__(self) -> None:
        self.built = 0

    def floor(self) -> dict[str, object]:
        self.built += 1
        return {"agents": [], "n": self.built}


async def test_no_floor_is_built_while_no_team_lead_is_connected() -> None:
    source, hub = CountingFloor(), Hub(clock=FakeClock())
    publisher = FloorPublisher(source, hub, asyncio.get_running_loop())
    publisher.changed()
    await asyncio.sleep(FLUSH_SECONDS * 1.5)
    assert (source.built, publisher.skipped) == (0, 1)


async def test_a_burst_of_changes_is_one_floor_message_to_a_connected_team_lead() -> None:
    source, hub = CountingFloor(), Hub(clock=FakeClock())
    socket = RecordingSocket()
    lead = hub.connect(
        socket, agent_id="lena", role="supervisor", session_id="s", state={"agent": None}
    )
    writer = asyncio.create_task(lead.run())
    publisher = FloorPublisher(source, hub, asyncio.get_running_loop())
    for _ in range(10):
        publisher.changed()
    await asyncio.sleep(FLUSH_SECONDS * 1.5)
    assert source.built == 1
    assert socket.types == ["hello", "floor"]
    hub.close_all()
    await asyncio.wait_for(writer, 5)
