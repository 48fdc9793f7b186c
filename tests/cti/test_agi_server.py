"""AgiServer and AgiSession over real loopback sockets, replaying recorded sessions."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from cti.agi_server import AgiServer, AgiSession
from cti.errors import AgiCommandError, ChannelGone, PbxTimeout
from tests.cti.fake_agi import AgiPeer, env_for
from tests.cti.transcripts import read_bytes

Handler = Callable[[AgiSession], Awaitable[None]]


@asynccontextmanager
async def serving(routes: dict[str, Handler], **kw: Any) -> AsyncIterator[AgiServer]:
    server = AgiServer(routes, "127.0.0.1", 0, **kw)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


async def idle(server: AgiServer) -> None:
    async with asyncio.timeout(2):
        await server.idle()
    assert server.active_sessions == 0


async def play(peer: AgiPeer, server: AgiServer) -> None:
    async with asyncio.timeout(5):
        await peer.run(server.port)
    await idle(server)


async def test_a1_ivr_session_sends_the_recorded_bytes_and_reads_every_reply() -> None:
    got: list[object] = []

    async def ivr(s: AgiSession) -> None:
        got.extend([s.script, s.args, s.channel, s.uniqueid, s.caller_id, s.caller_name])
        await s.answer()
        got.append(await s.get_variable("DNIS"))
        got.append(await s.get_full_variable("${CALLERID(all)}"))
        await s.set_variable("IVR_STAGE", "welcome")
        got.append(await s.stream_file("demo-congrats"))
        got.append(await s.get_data("beep", 3000, 4))
        await s.set_variable("IVR_RESULT", "1234")
        got.append(await s.get_data("beep", 2000, 4))
        got.append(await s.wait_for_digit(5000))
        got.append(await s.exec("Playback", "beep"))
        got.append(await s.exec("Set", "CDR(ivr)=1234"))
        got.append(await s.channel_status())
        for bad in ("NOSUCH COMMAND", "STREAM FILE"):
            with pytest.raises(AgiCommandError) as err:
                await s.command(bad)
            got.append(err.value.code)
        await s.verbose("IVR finished, waiting for caller to hang up", 1)
        with pytest.raises(ChannelGone):  # 200 result=-1 endpos=16160: the caller hung up
            await s.stream_file("demo-congrats", "#")
        got.append(s.hangup_received)  # the HANGUP line is not read yet
        got.append(await s.get_variable("IVR_RESULT"))  # still answers after HANGUP
        got.append(s.hangup_received)
        with pytest.raises(ChannelGone):  # 511
            await s.answer()
        got.append("done")

    peer = AgiPeer.from_transcript("a1_inbound_ivr")
    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert bytes(peer.sent_by_server) == read_bytes("a1_inbound_ivr", "agi.tx.txt")
    assert peer.server_closed
    assert got == [
        "ivr", ("8005551234", "2125550100"), "Local/8005551234@incoming-00000000;2",
        "1795664215.1", "2125550100", "John Doe",
        "8005551234", '"John Doe" <2125550100>', None, "1234", "", "#", 0, 0, 6, 510, 520,
        False, "1234", True, "done",
    ]  # fmt: skip


async def test_a2_agi_hangup_then_dead_channel_commands() -> None:
    got: list[object] = []

    async def ivr(s: AgiSession) -> None:
        await s.answer()
        got.append(await s.say_digits("42"))
        await s.hangup()
        got.append(await s.get_variable("DNIS"))
        got.append(s.hangup_received)
        with pytest.raises(ChannelGone):
            await s.stream_file("beep")
        got.append("done")

    peer = AgiPeer.from_transcript("a2_ivr_agi_hangup")
    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert bytes(peer.sent_by_server) == read_bytes("a2_ivr_agi_hangup", "agi.tx.txt")
    assert got == [None, "8005551235", True, "done"]


async def test_b_exec_after_redirect_returns_minus_one_without_raising() -> None:
    got: list[object] = []

    async def ivr(s: AgiSession) -> None:
        await s.answer()
        await s.set_variable("CTI_STATE", "waiting-for-agent")
        got.append(await s.exec("MusicOnHold", "default,60"))
        got.append(await s.get_variable("CTI_STATE"))
        got.append(s.hangup_received)  # only a hint: the channel was redirected, not hung up

    peer = AgiPeer.from_transcript("b_redirect_dial_agent")
    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert bytes(peer.sent_by_server) == read_bytes("b_redirect_dial_agent", "agi.tx.txt")
    assert got == [-1, "waiting-for-agent", True]


async def test_d1_handler_return_closes_the_socket_so_dialplan_continues() -> None:
    async def ivr(s: AgiSession) -> None:
        await s.answer()
        await s.set_variable("IVR_QUEUE", "support")

    peer = AgiPeer.from_transcript("d1_queue_answered")
    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert bytes(peer.sent_by_server) == read_bytes("d1_queue_answered", "agi.tx.txt")
    assert peer.server_closed


async def test_ending_a_session_closes_the_socket_before_the_handler_returns() -> None:
    seen_by_peer: list[bool] = []
    peer = AgiPeer(env_for("ivr"), [["200 result=0\n"]])

    async def ivr(s: AgiSession) -> None:
        await s.answer()
        s.end("finished early")
        async with asyncio.timeout(2):
            # Asterisk sees the close while we still run (AgiPeer offers a flag, no event).
            while not peer.server_closed:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        seen_by_peer.append(peer.server_closed)
        with pytest.raises(ChannelGone, match="ended by us: finished early"):
            await s.answer()

    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert seen_by_peer == [True]


async def test_hangup_line_before_a_reply_does_not_shift_replies() -> None:
    got: list[object] = []

    async def ivr(s: AgiSession) -> None:
        got.append(await s.get_variable("A"))
        got.append(s.hangup_received)
        got.append(await s.get_variable("B"))

    replies = [["HANGUP\n", "200 result=1 (first)\n"], ["200 result=1 (second)\n", "HANGUP\n"]]
    peer = AgiPeer(env_for("ivr"), replies)
    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert got == ["first", True, "second"]


async def test_peer_disconnect_mid_command_raises_channel_gone_and_ends_cleanly() -> None:
    outcome: list[str] = []

    async def ivr(s: AgiSession) -> None:
        try:
            await s.stream_file("demo-congrats")
        except ChannelGone:
            outcome.append("gone")
            with pytest.raises(ChannelGone):  # the session stays unusable
                await s.answer()
            raise

    peer = AgiPeer(env_for("ivr"), [["200 result=0\n"]], drop_after=1)
    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert outcome == ["gone"]


async def test_unknown_script_is_refused_naming_the_peer(caplog: pytest.LogCaptureFixture) -> None:
    peer = AgiPeer(env_for("nosuch"), [])
    with caplog.at_level(logging.WARNING, logger="cti"):
        async with serving({"ivr": lambda s: asyncio.sleep(0)}) as server:
            await play(peer, server)
            assert server.refused == 1
    assert peer.server_closed and peer.sent_by_server == b""
    assert "refused FastAGI session from 127.0.0.1:" in caplog.text
    assert "'nosuch'" in caplog.text


async def test_silent_peer_is_dropped_after_env_timeout(caplog: pytest.LogCaptureFixture) -> None:
    async with serving({"ivr": lambda s: asyncio.sleep(0)}, env_timeout=0.1) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"agi_network: yes\n")  # then nothing: slowloris
        async with asyncio.timeout(2):
            assert await reader.read() == b""
        writer.close()
        await writer.wait_closed()
        await idle(server)
    assert "no complete environment" in caplog.text


async def test_command_timeout_raises_and_closes_the_session() -> None:
    outcome: list[str] = []

    async def ivr(s: AgiSession) -> None:
        with pytest.raises(PbxTimeout):
            await s.wait_for_digit(1000)  # the peer never answers
        with pytest.raises(ChannelGone):  # a late reply would be out of step: no reuse
            await s.answer()
        outcome.append("ok")

    async with serving({"ivr": ivr}, command_timeout=0.1) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write("".join(env_for("ivr")).encode())
        async with asyncio.timeout(2):
            assert await reader.readline() == b"WAIT FOR DIGIT 1000\n"
            assert await reader.read() == b""
        writer.close()
        await writer.wait_closed()
        await idle(server)
    assert outcome == ["ok"]


async def test_close_cancels_running_sessions() -> None:
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def ivr(s: AgiSession) -> None:
        started.set()
        try:
            await s.wait_for_digit(1000)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    server = AgiServer({"ivr": ivr}, "127.0.0.1", 0)
    await server.start()
    serve = asyncio.create_task(server.serve_forever())
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write("".join(env_for("ivr")).encode())
    async with asyncio.timeout(2):
        await started.wait()
        await server.close()
        await serve
        assert await reader.read() == b"WAIT FOR DIGIT 1000\n"
    writer.close()
    await writer.wait_closed()
    assert cancelled == [True]
    assert server.active_sessions == 0


async def test_handler_crash_is_logged_and_the_socket_closed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def ivr(s: AgiSession) -> None:
        raise RuntimeError("bug in handler")

    peer = AgiPeer(env_for("ivr"), [])
    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert peer.server_closed
    assert "bug in handler" in caplog.text


async def test_arguments_with_newlines_are_refused_before_sending() -> None:
    outcome: list[str] = []

    async def ivr(s: AgiSession) -> None:
        with pytest.raises(ValueError):
            await s.set_variable("X", "a\nHANGUP")
        outcome.append("refused")

    peer = AgiPeer(env_for("ivr"), [])
    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert outcome == ["refused"]
    assert peer.sent_by_server == b""


async def test_music_and_say_number_commands_are_spelled_like_asterisk_wants() -> None:
    got: list[object] = []

    async def ivr(s: AgiSession) -> None:
        await s.set_music(True)
        got.append(await s.say_number(42))
        got.append(await s.say_number(7, "#"))
        await s.set_music(False, "ignored")

    replies = [["200 result=0\n"], ["200 result=0\n"], ["200 result=35\n"], ["200 result=0\n"]]
    peer = AgiPeer(env_for("ivr"), replies)
    async with serving({"ivr": ivr}) as server:
        await play(peer, server)
    assert peer.commands == [
        "SET MUSIC on default",
        'SAY NUMBER 42 ""',
        'SAY NUMBER 7 "#"',
        "SET MUSIC off",
    ]
    assert got == [None, "#"]


async def test_oversized_environment_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    async with serving({"ivr": lambda s: asyncio.sleep(0)}, max_line=1024) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"".join(f"agi_arg_{n}: {'x' * 100}\n".encode() for n in range(1, 30)))
        async with asyncio.timeout(2):
            assert await reader.read() == b""
        writer.close()
        await writer.wait_closed()
        await idle(server)
    assert "while reading its environment" in caplog.text


async def test_peer_leaving_before_its_environment_is_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="cti"):
        async with serving({"ivr": lambda s: asyncio.sleep(0)}) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"agi_network: yes\n")
            writer.write_eof()
            async with asyncio.timeout(2):
                assert await reader.read() == b""  # the server closed its side
            writer.close()
            await writer.wait_closed()
            await idle(server)
    assert "left before sending its environment" in caplog.text
