"""The /ws endpoint over a real socket: token check, hello, commands, pushes, logout."""

import httpx
import pytest

from agent_ws.hub import CLOSE_UNAUTHORISED

from .conftest import LiveServer, Stack, login
from .fakes import sample_pop
from .wsclient import open_tab, ws_token


@pytest.fixture
async def alice(live: LiveServer) -> httpx.AsyncClient:
    browser = live.client()
    await login(browser, "alice")
    return browser


@pytest.mark.parametrize("token", ["", "not-a-token"])
async def test_a_bad_token_is_closed_with_4001(live: LiveServer, token: str) -> None:
    tab = await open_tab(live, token)

    assert await tab.close_code() == CLOSE_UNAUTHORISED


async def test_a_used_token_is_closed_with_4001(live: LiveServer, alice: httpx.AsyncClient) -> None:
    token = await ws_token(alice)
    first = await open_tab(live, token)
    await first.recv_type("hello")

    second = await open_tab(live, token)

    assert await second.close_code() == CLOSE_UNAUTHORISED
    await first.close()


async def test_an_expired_token_is_closed_with_4001(
    live: LiveServer, alice: httpx.AsyncClient, stack: Stack
) -> None:
    token = await ws_token(alice)
    stack.clock.advance(stack.sessions.ws_token_ttl + 1)

    tab = await open_tab(live, token)

    assert await tab.close_code() == CLOSE_UNAUTHORISED


async def test_hello_carries_the_agent_view_with_the_current_call_and_pop(
    live: LiveServer, alice: httpx.AsyncClient, stack: Stack
) -> None:
    await alice.post("/api/agent/sign-in")
    await alice.post("/api/agent/ready")
    pop = sample_pop("c-5")
    stack.desk.offer_call("alice", pop)
    stack.desk.answer_call("alice")

    tab = await open_tab(live, await ws_token(alice))
    hello = await tab.recv()

    assert hello["type"] == "hello"
    assert hello["v"] == 1
    assert hello["at"] == stack.clock.now()
    assert hello["seq"] == stack.hub.last_seq("alice")
    data = hello["data"]
    assert data["user"] == {"username": "alice", "display_name": "Alice Example", "role": "agent"}
    assert data["resume"] == "fresh"
    assert data["agent"]["state"] == "on_call"
    assert data["agent"]["call"] == {"call_id": "c-5", "state": "connected"}
    assert data["agent"]["pop"] == pop
    await tab.close()


async def test_a_command_is_acked_with_the_new_view_and_every_tab_sees_the_change(
    live: LiveServer, alice: httpx.AsyncClient
) -> None:
    one = await open_tab(live, await ws_token(alice))
    two = await open_tab(live, await ws_token(alice))
    await one.recv_type("hello")
    await two.recv_type("hello")

    await one.send({"id": "a1", "type": "sign_in"})
    pushed = await one.recv()
    ack = await one.recv()
    seen_by_other_tab = await two.recv()

    assert pushed["type"] == "agent_state"
    assert pushed["seq"] == 1
    assert ack["type"] == "ack"
    assert ack["seq"] == 1
    assert ack["data"]["id"] == "a1"
    assert ack["data"]["agent"]["state"] == "not_ready"
    assert seen_by_other_tab == pushed
    await one.close()
    await two.close()


async def test_commands_walk_the_states_with_numeric_ids(
    live: LiveServer, alice: httpx.AsyncClient, stack: Stack
) -> None:
    tab = await open_tab(live, await ws_token(alice))
    await tab.recv_type("hello")

    states = []
    for n, command in enumerate(
        [
            {"type": "sign_in"},
            {"type": "ready"},
            {"type": "not_ready", "reason": "Training"},
            {"type": "sign_out"},
        ]
    ):
        reply = await tab.ask({"id": n, **command})
        assert reply["data"]["id"] == n
        states.append((reply["data"]["agent"]["state"], reply["data"]["agent"]["reason"]))

    assert states == [
        ("not_ready", None),
        ("ready", None),
        ("not_ready", "Training"),
        ("signed_out", None),
    ]
    assert stack.desk.views["alice"].state == "signed_out"
    await tab.close()


async def test_wrap_up_over_the_socket_reaches_the_desk(
    live: LiveServer, alice: httpx.AsyncClient, stack: Stack
) -> None:
    tab = await open_tab(live, await ws_token(alice))
    await tab.recv_type("hello")
    await tab.ask({"type": "sign_in"})
    await tab.ask({"type": "ready"})
    stack.desk.offer_call("alice", sample_pop("c-8"))
    assert (await tab.recv_type("pop"))["data"]["call_id"] == "c-8"
    stack.desk.hang_up("alice")
    assert (await tab.recv_type("call_state"))["data"]["state"] == "ringing"
    assert (await tab.recv_type("call_state"))["data"]["state"] == "ended"

    reply = await tab.ask({"id": "w", "type": "wrap_up", "disposition": "escalated"})

    assert reply["type"] == "ack"
    assert reply["data"]["agent"]["state"] == "ready"
    assert [(w.call_id, w.disposition, w.notes) for w in stack.desk.wrap_ups] == [
        ("c-8", "escalated", "")
    ]
    await tab.close()


async def test_a_refused_command_gets_an_error_with_the_desks_message(
    live: LiveServer, alice: httpx.AsyncClient
) -> None:
    tab = await open_tab(live, await ws_token(alice))
    await tab.recv_type("hello")

    reply = await tab.ask({"id": 7, "type": "ready"})

    assert reply["type"] == "error"
    assert reply["data"] == {
        "id": 7,
        "code": "refused",
        "error": "cannot ready while signed_out",
        "field": None,
    }
    await tab.close()


@pytest.mark.parametrize(
    ("command", "code", "field"),
    [
        ({"id": 1, "type": "not_ready", "reason": ""}, "invalid", "reason"),
        ({"id": 1, "type": "not_ready"}, "invalid", "reason"),
        (
            {"id": 1, "type": "wrap_up", "disposition": "ok", "notes": "n" * 2001},
            "invalid",
            "notes",
        ),
        ({"id": 1, "type": "ready", "extra": True}, "invalid", "extra"),
        ({"id": 1, "type": "dance"}, "unknown_type", "type"),
        ({"id": 1}, "unknown_type", "type"),
    ],
)
async def test_an_invalid_command_gets_an_error_naming_the_field(
    live: LiveServer,
    alice: httpx.AsyncClient,
    command: dict[str, object],
    code: str,
    field: str,
) -> None:
    tab = await open_tab(live, await ws_token(alice))
    await tab.recv_type("hello")

    reply = await tab.ask(command)

    assert reply["type"] == "error"
    assert (reply["data"]["id"], reply["data"]["code"], reply["data"]["field"]) == (1, code, field)
    await tab.close()


@pytest.mark.parametrize("frame", ["{not json", "[1, 2]", '"ready"', b'{"type": "ping"}'])
async def test_malformed_input_gets_an_error_and_the_socket_stays_open(
    live: LiveServer, alice: httpx.AsyncClient, frame: str | bytes
) -> None:
    tab = await open_tab(live, await ws_token(alice))
    await tab.recv_type("hello")

    await tab.send(frame)
    error = await tab.recv()
    pong = await tab.ask({"id": "p", "type": "ping"})

    assert error["type"] == "error"
    assert error["data"]["code"] == "malformed"
    assert error["data"]["id"] is None
    assert pong["type"] == "ack"
    assert pong["data"] == {"id": "p", "agent": pong["data"]["agent"]}
    assert pong["data"]["agent"]["agent_id"] == "alice"
    await tab.close()


async def test_a_pop_reaches_every_tab_of_that_agent_and_no_other_agent(
    live: LiveServer, alice: httpx.AsyncClient, stack: Stack
) -> None:
    bob = live.client()
    await login(bob, "bob")
    alice_tabs = [await open_tab(live, await ws_token(alice)) for _ in range(2)]
    bob_tab = await open_tab(live, await ws_token(bob))
    for tab in [*alice_tabs, bob_tab]:
        await tab.recv_type("hello")
    await alice.post("/api/agent/sign-in")
    await alice.post("/api/agent/ready")
    pop = sample_pop("c-2", withheld=True, ani="", candidates=[])

    stack.desk.offer_call("alice", pop)
    stack.hub.send_to_agent("bob", "marker", {})

    for tab in alice_tabs:
        assert (await tab.recv_type("pop"))["data"] == pop
    assert (await bob_tab.recv())["type"] == "marker"  # nothing came before it
    for tab in [*alice_tabs, bob_tab]:
        await tab.close()


async def test_a_supervisor_connects_but_has_no_desk_to_command(live: LiveServer) -> None:
    sue = live.client()
    await login(sue, "sue")
    tab = await open_tab(live, await ws_token(sue))

    hello = await tab.recv()
    refused = await tab.ask({"id": 1, "type": "sign_in"})
    pong = await tab.ask({"id": 2, "type": "ping"})

    assert hello["data"]["agent"] is None
    assert hello["data"]["user"]["role"] == "supervisor"
    assert refused["data"]["code"] == "forbidden"
    assert pong["type"] == "ack"
    await tab.close()


async def test_logout_closes_the_sessions_open_sockets_with_4001(
    live: LiveServer, alice: httpx.AsyncClient, stack: Stack
) -> None:
    tab = await open_tab(live, await ws_token(alice))
    await tab.recv_type("hello")

    await alice.post("/api/logout")

    assert await tab.close_code() == CLOSE_UNAUTHORISED
    assert stack.hub.clients_for("alice") == 0


async def test_a_command_after_the_session_expired_closes_the_socket_with_4001(
    live: LiveServer, alice: httpx.AsyncClient, stack: Stack
) -> None:
    tab = await open_tab(live, await ws_token(alice))
    await tab.recv_type("hello")
    stack.clock.advance(stack.sessions.session_ttl + 1)

    await tab.send({"id": 1, "type": "sign_in"})

    assert await tab.close_code() == CLOSE_UNAUTHORISED
    assert stack.desk.views["alice"].state == "signed_out"
