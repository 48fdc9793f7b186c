"""Over a real socket: a slow reader is cut off with 4008 without holding anyone up, and a
reconnecting tab resumes from the last seq it saw (or gets a snapshot)."""

import asyncio
import os
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from agent_ws.hub import CLOSE_OVERFLOW

from .conftest import LiveServer, StackFactory, login
from .fakes import sample_pop
from .wsclient import open_tab, ws_token

StartServer = Callable[[FastAPI], Awaitable[LiveServer]]


async def test_a_slow_reader_is_closed_with_4008_while_other_tabs_keep_receiving(
    make_stack: StackFactory, live_servers: StartServer
) -> None:
    stack = make_stack(max_outbox=8)
    live = await live_servers(stack.app)
    alice = live.client()
    await login(alice, "alice")
    fast = await open_tab(live, await ws_token(alice))
    slow = await open_tab(live, await ws_token(alice), slow_reader=True)
    await fast.recv_type("hello")
    await slow.recv_type("hello")

    # Big, incompressible messages fill the slow tab's TCP window and the server's buffers,
    # so its writer blocks and its outbox fills; the fast tab reads each one as it comes.
    sent = 0
    async with asyncio.timeout(20):
        while stack.hub.dropped_clients == 0:
            stack.hub.send_to_agent("alice", "tick", {"n": sent, "pad": os.urandom(8192).hex()})
            assert (await fast.recv())["data"]["n"] == sent
            sent += 1
    stack.hub.send_to_agent("alice", "tick", {"n": sent, "pad": ""})

    assert (await fast.recv())["data"]["n"] == sent
    assert await slow.close_code() == CLOSE_OVERFLOW
    assert stack.hub.dropped_clients == 1
    assert stack.hub.clients_for("alice") == 1
    await fast.close()


async def test_a_reconnecting_tab_with_resume_from_gets_what_it_missed(
    make_stack: StackFactory, live_servers: StartServer
) -> None:
    stack = make_stack()
    live = await live_servers(stack.app)
    alice = live.client()
    await login(alice, "alice")
    tab = await open_tab(live, await ws_token(alice))
    epoch = (await tab.recv_type("hello"))["data"]["epoch"]
    await tab.ask({"type": "sign_in"})
    await tab.close()
    last_seen = stack.hub.last_seq("alice")

    await alice.post("/api/agent/ready")
    stack.desk.offer_call("alice", sample_pop("c-3"))
    again = await open_tab(live, await ws_token(alice), resume_from=last_seen, epoch=epoch)
    hello = await again.recv()
    missed = [await again.recv() for _ in range(4)]

    assert hello["data"]["resume"] == "replay"
    assert hello["data"]["agent"]["pop"]["call_id"] == "c-3"
    assert [(m["seq"], m["type"]) for m in missed] == [
        (last_seen + 1, "agent_state"),
        (last_seen + 2, "pop"),
        (last_seen + 3, "call_state"),
        (last_seen + 4, "agent_state"),
    ]
    assert missed[-1]["data"]["state"] == "on_call"
    await again.close()


async def test_a_tab_whose_gap_is_older_than_the_history_gets_a_snapshot(
    make_stack: StackFactory, live_servers: StartServer
) -> None:
    stack = make_stack(history=3)
    live = await live_servers(stack.app)
    alice = live.client()
    await login(alice, "alice")
    tab = await open_tab(live, await ws_token(alice))
    epoch = (await tab.recv_type("hello"))["data"]["epoch"]
    await tab.close()

    await alice.post("/api/agent/sign-in")
    for reason in ("Break", "Lunch", "Meeting", "Training"):
        await alice.post("/api/agent/not-ready", json={"reason": reason})
    again = await open_tab(live, await ws_token(alice), resume_from=0, epoch=epoch)
    hello = await again.recv()
    snapshot = await again.recv()
    stack.hub.send_to_agent("alice", "marker", {})
    after = await again.recv()

    assert hello["data"]["resume"] == "snapshot"
    assert snapshot["type"] == "snapshot"
    assert snapshot["seq"] == 5
    assert snapshot["data"]["agent"]["reason"] == "Training"
    assert (after["type"], after["seq"]) == ("marker", 6)
    await again.close()
