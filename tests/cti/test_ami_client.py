"""AmiClient against a fake AMI server on a real loopback socket, replaying transcripts."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from cti.ami_client import AmiClient, AmiResponse
from cti.ami_codec import AmiMessage
from cti.errors import ActionFailed, AuthenticationFailed, LinkDown, PbxTimeout
from tests.cti.fake_ami import (
    E3_KEY,
    FakeAmi,
    Handler,
    ReceivedAction,
    fixture_reply,
    silent,
    with_action_id,
)
from tests.cti.transcripts import ami_frames_by_action_id, ami_raw_event

B = "b_redirect_dial_agent"
E1 = "e1_action_basics"
D1 = "d1_queue_answered"


class Events:
    """on_event sink that tests can await."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[AmiMessage] = asyncio.Queue()

    def __call__(self, msg: AmiMessage) -> None:
        self.queue.put_nowait(msg)

    async def next_named(self, name: str) -> AmiMessage:
        async with asyncio.timeout(2):
            while True:
                msg = await self.queue.get()
                if msg.name == name:
                    return msg


def make_client(ami: FakeAmi, sink: Events, **kw: object) -> AmiClient:
    return AmiClient("127.0.0.1", ami.port, "cti", "cti", on_event=sink, **kw)  # type: ignore[arg-type]


@asynccontextmanager
async def running(client: AmiClient) -> AsyncIterator[asyncio.Task[None]]:
    """connect() + run() in a task; close() and await the task on exit."""
    await client.connect()
    task = asyncio.create_task(client.run())
    try:
        yield task
    finally:
        await client.close()
        async with asyncio.timeout(2):
            await asyncio.gather(task, return_exceptions=True)


async def test_plain_login_reads_banner_then_logs_in() -> None:
    events = Events()
    async with FakeAmi() as ami, running(make_client(ami, events)) as _:
        login = ami.actions[0]
        assert login.fields[0] == ("Action", "Login")
        assert [k for k, _ in login.fields[1:]] == ["ActionID", "Username", "Secret", "Events"]
        assert (login.get("Username"), login.get("Secret"), login.get("Events")) == (
            "cti",
            "cti",
            "on",
        )
        await events.next_named("FullyBooted")


async def test_md5_login_answers_the_challenge_with_the_e3_key() -> None:
    events = Events()
    async with FakeAmi() as ami:
        client = make_client(ami, events, auth="md5", events="off")
        async with running(client):
            challenge, login = ami.actions[:2]
            assert (challenge.name, challenge.get("AuthType")) == ("Challenge", "md5")
            assert login.get("Key") == E3_KEY
            assert login.get("Secret") == ""
            assert [k for k, _ in login.fields[2:]] == ["AuthType", "Username", "Key", "Events"]
            assert login.get("Events") == "off"


async def test_wrong_secret_raises_authentication_failed() -> None:
    async with FakeAmi() as ami:
        client = AmiClient("127.0.0.1", ami.port, "cti", "wrong-secret", on_event=Events())
        with pytest.raises(AuthenticationFailed, match="Authentication failed"):
            await client.connect()
        assert not client.connected


async def test_connect_to_a_closed_port_raises_link_down() -> None:
    async with FakeAmi() as ami:
        port = ami.port
    client = AmiClient("127.0.0.1", port, "cti", "cti", on_event=Events())
    with pytest.raises(LinkDown):
        await client.connect()


def interleaved(transcript: str, fixture_id: str) -> Handler:
    """The fixture's list answer with an unrelated event before and inside the items."""
    frames = ami_frames_by_action_id(transcript, fixture_id)
    noise = ami_raw_event(B, "Newexten")
    return lambda action: with_action_id(
        [frames[0], noise, frames[1], noise, *frames[2:]], action.action_id
    )


@pytest.mark.parametrize(
    ("action", "transcript", "fixture_id", "items", "complete"),
    [
        (
            "CoreShowChannels",
            B,
            f"{B}-coreshowchannels-7",
            ["CoreShowChannel"] * 4,
            "CoreShowChannelsComplete",
        ),
        (
            "QueueStatus",
            D1,
            f"{D1}-queuestatus-3",
            ["QueueParams", "QueueMember", "QueueMember", "QueueEntry"],
            "QueueStatusComplete",
        ),
        ("Status", B, f"{B}-status-6", ["Status"], "StatusComplete"),
    ],
)
async def test_event_list_items_are_collected_until_complete(
    action: str, transcript: str, fixture_id: str, items: list[str], complete: str
) -> None:
    events = Events()
    async with FakeAmi({action: interleaved(transcript, fixture_id)}) as ami:
        client = make_client(ami, events)
        async with running(client):
            resp = await client.action(action)
            assert isinstance(resp, AmiResponse)
            assert resp.response == "Success"
            assert [m.name for m in resp.events] == items
            assert resp.complete is not None and resp.complete.name == complete
            assert (await events.next_named("Newexten")).name == "Newexten"


async def test_empty_event_list_has_no_items() -> None:
    reply = fixture_reply(E1, f"{E1}-coreshowchannels-16")
    async with FakeAmi({"CoreShowChannels": reply}) as ami:
        client = make_client(ami, Events())
        async with running(client):
            resp = await client.action("CoreShowChannels")
            assert resp.events == []
            assert resp.complete is not None and resp.complete.get("ListItems") == "0"


@pytest.mark.parametrize(
    ("action", "fixture_id", "message"),
    [
        ("FooBar", f"{E1}-foobar-3", "Invalid/unknown command: FooBar."),
        ("Command", f"{E1}-command-8", "Command output follows"),
        ("Originate", f"{E1}-originate-4", "Channel not specified"),
    ],
)
async def test_error_response_raises_action_failed(
    action: str, fixture_id: str, message: str
) -> None:
    async with FakeAmi({action: fixture_reply(E1, fixture_id)}) as ami:
        client = make_client(ami, Events())
        async with running(client):
            with pytest.raises(ActionFailed) as err:
                await client.action(action)
            assert err.value.action == action
            assert err.value.message.startswith(message)
            assert (await client.action("Ping")).headers.get("Ping") == "Pong"


async def test_command_output_lines_come_back_in_the_response() -> None:
    async with FakeAmi({"Command": fixture_reply(E1, f"{E1}-command-5")}) as ami:
        client = make_client(ami, Events())
        async with running(client):
            resp = await client.action("Command", {"Command": "core show version"})
            assert resp.headers.get_all("Output")[0].startswith("Asterisk 22.10.1")


async def test_unanswered_action_times_out_and_link_stays_up() -> None:
    async with FakeAmi({"Status": silent}) as ami:
        client = make_client(ami, Events())
        async with running(client) as run_task:
            with pytest.raises(PbxTimeout):
                await client.action("Status", timeout=0.1)
            assert (await client.action("Ping")).response == "Success"
            assert not run_task.done()


async def test_concurrent_actions_are_matched_by_action_id() -> None:
    release = asyncio.Event()
    held: list[ReceivedAction] = []

    def hold(action: ReceivedAction) -> bytes:
        held.append(action)
        release.set()
        return b""

    async with FakeAmi({"Getvar": hold}) as ami:
        client = make_client(ami, Events())
        async with running(client):
            slow = asyncio.create_task(client.action("Getvar", {"Variable": "X"}))
            async with asyncio.timeout(2):
                await release.wait()
            assert (await client.action("Ping")).headers.get("Ping") == "Pong"
            late = ami_frames_by_action_id(B, f"{B}-getvar-4")
            await ami.push(with_action_id(late, held[0].action_id))
            async with asyncio.timeout(2):
                resp = await slow
            assert resp.headers.get("Value") == "2125550111"


async def test_async_originate_response_event_reaches_the_consumer() -> None:
    frames = ami_frames_by_action_id(E1, f"{E1}-originate-18")
    async with FakeAmi() as ami:
        ami.handlers["Originate"] = lambda a: with_action_id(frames, a.action_id)
        events = Events()
        client = make_client(ami, events)
        async with running(client):
            resp = await client.action("Originate", {"Channel": "Local/2001@supervisors"})
            assert resp.message == "Originate successfully queued"
            origin = await events.next_named("OriginateResponse")
            assert origin.get("Uniqueid") == "cti-call-0001"


async def test_garbage_frame_is_logged_with_peer_and_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = Events()
    async with FakeAmi() as ami:
        client = make_client(ami, events)
        async with running(client) as run_task:
            with caplog.at_level(logging.WARNING, logger="cti"):
                await ami.push(
                    b"NoSuchFrame\r\nJunk: 1\r\n\r\n" + b"X: " + b"y" * 9000 + b"\r\n\r\n"
                )
                await ami.push(ami_raw_event(B, "Hangup"))
                await events.next_named("Hangup")
            assert client.garbage_frames == 2
            assert f"127.0.0.1:{ami.port}" in caplog.text
            assert (await client.action("Ping")).response == "Success"
            assert not run_task.done()


async def test_consumer_that_raises_does_not_kill_the_reader(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen = Events()

    def consumer(msg: AmiMessage) -> None:
        seen(msg)
        if msg.name == "Newchannel":
            raise RuntimeError("consumer bug")

    async with FakeAmi() as ami:
        client = AmiClient("127.0.0.1", ami.port, "cti", "cti", on_event=consumer)
        async with running(client) as run_task:
            await ami.push(ami_raw_event(B, "Newchannel") + ami_raw_event(B, "Hangup"))
            await seen.next_named("Hangup")
            assert "consumer failed" in caplog.text
            assert not run_task.done()


async def test_unanswered_keepalive_ping_marks_the_link_dead() -> None:
    async with FakeAmi({"Ping": silent}) as ami:
        # The timeout also bounds the login: long enough for a loaded machine's scheduler.
        client = make_client(ami, Events(), ping_interval=0.05, action_timeout=1.0)
        await client.connect()
        with pytest.raises(LinkDown, match="keepalive"):
            async with asyncio.timeout(10):
                await client.run()
        assert not client.connected
        assert any(a.name == "Ping" for a in ami.actions)


async def test_keepalive_pings_while_the_link_is_healthy() -> None:
    async with FakeAmi() as ami:
        client = make_client(ami, Events(), ping_interval=0.02, action_timeout=1.0)
        async with running(client) as run_task:
            async with asyncio.timeout(2):
                while sum(a.name == "Ping" for a in ami.actions) < 3:
                    await ami.received.get()
            assert not run_task.done()


async def test_connection_drop_fails_waiting_actions_with_link_down() -> None:
    async with FakeAmi({"Redirect": lambda action: None}) as ami:
        client = make_client(ami, Events())
        await client.connect()
        run_task = asyncio.create_task(client.run())
        with pytest.raises(LinkDown):
            await client.action("Redirect", {"Channel": "x"})
        with pytest.raises(LinkDown):
            async with asyncio.timeout(2):
                await run_task
        with pytest.raises(LinkDown):
            await client.action("Ping")


async def test_close_sends_logoff_and_run_returns() -> None:
    async with FakeAmi() as ami:
        client = make_client(ami, Events())
        await client.connect()
        run_task = asyncio.create_task(client.run())
        await client.close()
        async with asyncio.timeout(2):
            await run_task  # returns normally: no LinkDown after close()
            while ami.actions[-1].name != "Logoff":
                await ami.received.get()
