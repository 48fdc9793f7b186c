"""The hub on its own, with connections that are fakes with behaviour: per-agent streams,
several tabs, broadcast by role, bounded outboxes, resume."""

import asyncio

import orjson
import pytest

from agent_ws.hub import CLOSE_OVERFLOW, CLOSE_UNAUTHORISED, ClientGone, Hub, HubClient

from .fakes import FakeClock


class FakeConnection:
    """Records what the writer sends; ``stall()`` makes sends hang like a peer that stopped
    reading with full TCP buffers, ``resume()`` lets them through again."""

    def __init__(self) -> None:
        self.sent: list[dict[str, object]] = []
        self.closed_with: tuple[int, str] | None = None
        self.gone = False
        self._flowing = asyncio.Event()
        self._flowing.set()
        self.arrived = asyncio.Condition()

    def stall(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    async def send_text(self, data: str) -> None:
        if self.gone:
            raise ClientGone
        await self._flowing.wait()
        async with self.arrived:
            self.sent.append(orjson.loads(data))
            self.arrived.notify_all()

    async def close(self, code: int, reason: str) -> None:
        async with self.arrived:
            self.closed_with = (code, reason)
            self.arrived.notify_all()

    async def wait_for(self, count: int) -> list[dict[str, object]]:
        async with asyncio.timeout(5), self.arrived:
            await self.arrived.wait_for(lambda: len(self.sent) >= count)
        return self.sent

    async def wait_closed(self) -> tuple[int, str]:
        async with asyncio.timeout(5), self.arrived:
            await self.arrived.wait_for(lambda: self.closed_with is not None)
        assert self.closed_with is not None
        return self.closed_with

    def types(self) -> list[object]:
        return [m["type"] for m in self.sent]


class Tabs:
    """Connects fake clients and runs their writers in one TaskGroup."""

    def __init__(self, hub: Hub, group: asyncio.TaskGroup) -> None:
        self.hub, self.group = hub, group

    def open(
        self, agent_id: str, role: str = "agent", session_id: str = "s1", **resume: object
    ) -> tuple[FakeConnection, HubClient]:
        conn = FakeConnection()
        client = self.hub.connect(
            conn,
            agent_id=agent_id,
            role=role,
            session_id=session_id,
            state={"agent": {"agent_id": agent_id}},
            **resume,  # type: ignore[arg-type]
        )
        self.group.create_task(client.run())
        return conn, client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_envelope_has_version_per_agent_seq_type_data_and_clock_time(
    clock: FakeClock,
) -> None:
    hub = Hub(clock=clock)
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        alice, _ = tabs.open("alice")
        bob, _ = tabs.open("bob")
        hub.send_to_agent("alice", "agent_state", {"state": "ready"})
        clock.advance(1.5)
        hub.send_to_agent("alice", "agent_state", {"state": "not_ready"})
        hub.send_to_agent("bob", "pop", {"call_id": "c-1"})
        await alice.wait_for(3)
        await bob.wait_for(2)
        hub.close_all()

    assert alice.sent[1:] == [
        {"v": 1, "seq": 1, "type": "agent_state", "data": {"state": "ready"}, "at": clock.t - 1.5},
        {"v": 1, "seq": 2, "type": "agent_state", "data": {"state": "not_ready"}, "at": clock.t},
    ]
    assert bob.sent[1]["seq"] == 1
    assert alice.sent[0]["type"] == "hello"
    assert alice.sent[0]["seq"] == 0


async def test_every_tab_of_an_agent_gets_the_same_stream(clock: FakeClock) -> None:
    hub = Hub(clock=clock)
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        first, _ = tabs.open("alice")
        second, _ = tabs.open("alice")
        assert hub.clients_for("alice") == 2
        hub.send_to_agent("alice", "pop", {"call_id": "c-1"})
        await first.wait_for(2)
        await second.wait_for(2)
        hub.close_all()

    assert first.sent[1] == second.sent[1]


async def test_broadcast_with_a_role_reaches_only_that_role(clock: FakeClock) -> None:
    hub = Hub(clock=clock)
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        agent, _ = tabs.open("alice", role="agent")
        lead, _ = tabs.open("sue", role="supervisor")
        hub.broadcast("notice", {"text": "leads only"}, role="supervisor")
        hub.broadcast("notice", {"text": "everyone"})
        await lead.wait_for(3)
        await agent.wait_for(2)
        hub.close_all()

    assert [m["data"] for m in lead.sent[1:]] == [{"text": "leads only"}, {"text": "everyone"}]
    assert [m["data"] for m in agent.sent[1:]] == [{"text": "everyone"}]


async def test_a_stalled_client_overflows_and_is_closed_4008_while_others_keep_receiving(
    clock: FakeClock,
) -> None:
    hub = Hub(4, clock=clock)
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        slow, slow_client = tabs.open("alice")
        fast, _ = tabs.open("alice")
        await slow.wait_for(1)
        await fast.wait_for(1)
        slow.stall()
        for n in range(10):
            hub.send_to_agent("alice", "tick", {"n": n})
            await fast.wait_for(2 + n)  # the fast tab keeps up with each one
        slow.resume()
        closed = await slow.wait_closed()
        still_connected = hub.clients_for("alice")
        hub.close_all()

    assert closed == (CLOSE_OVERFLOW, "outbox overflow")
    assert hub.dropped_clients == 1
    assert slow_client.closed
    assert still_connected == 1
    assert [m["data"] for m in fast.sent[1:]] == [{"n": n} for n in range(10)]
    assert len(slow.sent) < 10
    # lost with the cut: a full outbox and the message that did not fit
    assert hub.dropped_frames == hub.max_outbox + 1


async def test_senders_never_wait_even_when_every_client_is_stalled(clock: FakeClock) -> None:
    hub = Hub(8, clock=clock)
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        conns = [tabs.open(f"agent{i}")[0] for i in range(3)]
        for conn in conns:
            await conn.wait_for(1)
            conn.stall()
        for n in range(100):  # synchronous: no await between sends
            hub.broadcast("tick", {"n": n})
        assert hub.dropped_clients == 3
        for conn in conns:
            conn.resume()
        closes = [await conn.wait_closed() for conn in conns]

    assert {code for code, _ in closes} == {CLOSE_OVERFLOW}


async def test_resume_replays_what_was_missed_with_the_original_seq(clock: FakeClock) -> None:
    hub = Hub(clock=clock)
    for n in range(5):
        hub.send_to_agent("alice", "tick", {"n": n})
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        conn, _ = tabs.open("alice", resume_from=2, epoch=hub.epoch)
        await conn.wait_for(3)
        hub.close_all()

    assert conn.sent[0]["data"]["resume"] == "replay"  # type: ignore[index]
    assert conn.sent[0]["seq"] == 5
    assert [(m["seq"], m["data"]) for m in conn.sent[1:]] == [
        (3, {"n": 2}),
        (4, {"n": 3}),
        (5, {"n": 4}),
    ]


@pytest.mark.parametrize(
    ("resume_from", "epoch", "why"),
    [
        (1, None, "the gap reaches past the history kept"),
        (9, None, "resume_from is ahead of the stream (a restarted server)"),
        (8, "other", "another server's epoch"),
    ],
)
async def test_resume_that_cannot_be_replayed_gets_a_snapshot(
    clock: FakeClock, resume_from: int, epoch: str | None, why: str
) -> None:
    hub = Hub(clock=clock, history=3)
    for n in range(8):
        hub.send_to_agent("alice", "tick", {"n": n})
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        conn, _ = tabs.open("alice", resume_from=resume_from, epoch=epoch)
        await conn.wait_for(2)
        hub.send_to_agent("alice", "tick", {"n": 8})
        await conn.wait_for(3)
        hub.close_all()

    assert conn.types() == ["hello", "snapshot", "tick"], why
    assert conn.sent[1]["data"] == {"agent": {"agent_id": "alice"}, "epoch": hub.epoch}
    assert conn.sent[1]["seq"] == 8
    assert conn.sent[2]["seq"] == 9


async def test_replies_carry_the_stream_position_and_are_not_replayed(clock: FakeClock) -> None:
    hub = Hub(clock=clock)
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        conn, client = tabs.open("alice")
        hub.send_to_agent("alice", "tick", {})
        hub.reply(client, "ack", {"id": 1})
        await conn.wait_for(3)
        hub.close_all()
    async with asyncio.TaskGroup() as group:
        again, _ = Tabs(hub, group).open("alice", resume_from=0, epoch=hub.epoch)
        await again.wait_for(2)
        hub.close_all()

    assert [(m["type"], m["seq"]) for m in conn.sent] == [("hello", 0), ("tick", 1), ("ack", 1)]
    assert again.types() == ["hello", "tick"]


async def test_close_session_closes_that_sessions_sockets_with_4001(clock: FakeClock) -> None:
    hub = Hub(clock=clock)
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        ended, _ = tabs.open("alice", session_id="s1")
        other, _ = tabs.open("alice", session_id="s2")
        hub.close_session("s1")
        closed = await ended.wait_closed()
        assert hub.clients_for("alice") == 1
        assert other.closed_with is None
        hub.close_all()

    assert closed == (CLOSE_UNAUTHORISED, "session ended")
    assert hub.dropped_clients == 0


async def test_a_writer_whose_peer_is_gone_stops_quietly(clock: FakeClock) -> None:
    hub = Hub(clock=clock)
    async with asyncio.TaskGroup() as group:
        conn, client = Tabs(hub, group).open("alice")
        await conn.wait_for(1)
        conn.gone = True
        hub.send_to_agent("alice", "tick", {})

    assert client.closed
    hub.disconnect(client)
    hub.disconnect(client)  # idempotent
    assert hub.clients_for("alice") == 0


def test_an_unserialisable_payload_raises_before_taking_a_seq(clock: FakeClock) -> None:
    hub = Hub(clock=clock)

    with pytest.raises(TypeError):
        hub.send_to_agent("alice", "tick", {"bad": object()})

    assert hub.last_seq("alice") == 0


async def test_the_hub_says_whether_a_role_is_watching_only_while_its_socket_is_connected(
    clock: FakeClock,
) -> None:
    hub = Hub(clock=clock)
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        tabs.open("alice")
        assert not hub.is_watched_by("supervisor", "admin")
        _, lead = tabs.open("lena", role="supervisor", session_id="s2")
        assert hub.is_watched_by("supervisor", "admin")
        lead.request_close(1000, "tab closed")
        hub.disconnect(lead)
        assert not hub.is_watched_by("supervisor", "admin")
        hub.close_all()


async def test_delivery_to_an_agents_tabs_is_awaited_and_bounded_for_a_stalled_tab(
    clock: FakeClock,
) -> None:
    hub = Hub(clock=clock)
    async with asyncio.TaskGroup() as group:
        tabs = Tabs(hub, group)
        conn, _ = tabs.open("alice")
        hub.send_to_agent("alice", "pop", {"call_id": "c1"})
        assert await hub.delivered("alice", within=5)
        assert conn.types() == ["hello", "pop"]
        conn.stall()
        hub.send_to_agent("alice", "pop", {"call_id": "c2"})
        assert not await hub.delivered("alice", within=0.1)
        assert await hub.delivered("nobody", within=0.1)  # no tab: nothing to wait for
        conn.resume()
        hub.close_all()
