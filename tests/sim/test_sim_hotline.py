"""A hotline call through the FastAGI IVR, as the daemon's FastAGI server sees it."""

from __future__ import annotations

import asyncio

from sim import SimConfig
from tests.sim.simwire import fixture_agi, get, is_event, keys, running, virtual_time

HOTLINE = "8005551234"
ANI = "2125550100"
USAGE_HEAD = "520-Invalid command syntax.  Proper usage follows:"


def env_of(fixture: str) -> list[str]:
    return [
        r["line"].split(":")[0]
        for r in fixture_agi(fixture)
        if r["kind"] == "env" and r["line"] != "\n"
    ]


@virtual_time
async def test_hotline_call_sends_the_agi_environment_and_arguments() -> None:
    async with running() as (sim, ami, agi):
        call = await sim.place_call(ANI, HOTLINE, caller_name="John Doe")
        conn = await agi.next_session()
        env = dict(conn.env)
        assert [k for k, _ in conn.env] == env_of("a1_inbound_ivr")
        assert env["agi_network"] == "yes"
        assert env["agi_network_script"] == "inbound"
        assert env["agi_request"] == f"agi://127.0.0.1:{agi.port}/inbound"
        assert env["agi_channel"] == call.channel == "PJSIP/trunk-00000000"
        assert env["agi_type"] == "PJSIP"
        assert env["agi_uniqueid"] == call.uniqueid
        assert env["agi_version"] == "22.10.1"
        assert (env["agi_callerid"], env["agi_calleridname"]) == (ANI, "John Doe")
        assert (env["agi_dnid"], env["agi_context"], env["agi_extension"]) == (
            HOTLINE,
            "incoming",
            HOTLINE,
        )
        assert (env["agi_arg_1"], env["agi_arg_2"]) == (HOTLINE, ANI)
        whole, _, seq = call.uniqueid.partition(".")
        assert whole.isdigit() and seq.isdigit()

        # The daemon ends the session while the caller is up: the dialplan goes on to
        # Hangup() (cause 16), and the session still gets its final HANGUP line.
        assert await conn.finish() == ["HANGUP"]
        await asyncio.wait_for(call.ended.wait(), 5)
        hangup = await ami.event("Hangup", Channel=call.channel)
        assert (get(hangup, "Cause"), get(hangup, "Cause-txt")) == ("16", "Normal Clearing")
        assert ami.events("VarSet", Variable="AGISTATUS")[-1][-1] == ("Value", "SUCCESS")
        assert call.outcome == "ended-by-pbx"
        assert call.state == "ended"


@virtual_time
async def test_ivr_commands_answer_like_asterisk() -> None:
    async with running(SimConfig(prompt_seconds=1.0)) as (sim, ami, agi):
        call = await sim.place_call(ANI, HOTLINE, caller_name="John Doe", digits=["1234", "", "#"])
        conn = await agi.next_session()
        loop = asyncio.get_running_loop()
        assert await conn.command("ANSWER") == "200 result=0"
        assert await conn.command("GET VARIABLE DNIS") == f"200 result=1 ({HOTLINE})"
        assert (
            await conn.command('GET FULL VARIABLE "${CALLERID(all)}"')
            == f'200 result=1 ("John Doe" <{ANI}>)'
        )
        assert await conn.command('SET VARIABLE IVR_STAGE "welcome"') == "200 result=1"
        assert await conn.command('STREAM FILE demo-congrats ""') == "200 result=0 endpos=8000"
        assert await conn.command("GET DATA beep 3000 4") == "200 result=1234"
        started = loop.time()
        assert await conn.command("GET DATA beep 2000 4") == "200 result= (timeout)"
        assert loop.time() - started == 3.0  # the prompt, then the 2 s timeout
        assert await conn.command("WAIT FOR DIGIT 5000") == "200 result=35"
        assert await conn.command("EXEC Playback beep") == "200 result=0"
        assert await conn.command('EXEC Set "CDR(ivr)=1234"') == "200 result=0"
        assert await conn.command("CHANNEL STATUS") == "200 result=6"
        assert await conn.command("NOSUCH COMMAND") == "510 Invalid or unknown command"
        assert await conn.command("STREAM FILE") == USAGE_HEAD
        assert conn.received[-1] == "520 End of proper usage."
        assert await conn.command('VERBOSE "done" 1') == "200 result=1"
        assert await conn.command("GET VARIABLE IVR_STAGE") == "200 result=1 (welcome)"
        assert await conn.command("GET VARIABLE NOT_SET") == "200 result=0"
        assert await conn.command('SAY NUMBER 42 ""') == "200 result=0"
        assert await conn.command("SET MUSIC ON default") == "200 result=0"
        assert get(await ami.event("MusicOnHoldStart", Channel=call.channel), "Class") == "default"
        assert await conn.command("SET MUSIC OFF") == "200 result=0"
        await ami.event("MusicOnHoldStop", Channel=call.channel)
        assert await conn.command("EXEC NoSuchApp x") == "200 result=-2"
        assert await conn.command("NOOP") == "200 result=0"

        a1 = [
            r["line"].rstrip("\n") for r in fixture_agi("a1_inbound_ivr") if r["kind"] == "response"
        ]
        ours, theirs = conn.received.index(USAGE_HEAD), a1.index(USAGE_HEAD)
        assert conn.received[ours : ours + 7] == a1[theirs : theirs + 7]  # the whole 520 text

        digits = [get(f, "Digit") for f in ami.events("DTMFEnd", Channel=call.channel)]
        assert digits == ["1", "2", "3", "4", "#"]
        end = ami.events("AGIExecEnd", Command="NOSUCH COMMAND")[0]
        assert (get(end, "ResultCode"), get(end, "Result")) == ("510", "Invalid or unknown command")
        assert call.agi_commands[:2] == ["ANSWER", "GET VARIABLE DNIS"]
        await conn.finish()


@virtual_time
async def test_stream_file_is_interrupted_by_an_escape_digit() -> None:
    async with running(SimConfig(prompt_seconds=4.0)) as (sim, _ami, agi):
        await sim.place_call(ANI, HOTLINE, digits=["2"])
        conn = await agi.next_session()
        assert await conn.command('STREAM FILE menu "123"') == "200 result=50 endpos=2000"
        assert await conn.command("GET DATA beep 100 1") == "200 result= (timeout)"
        await conn.finish()


@virtual_time
async def test_caller_hanging_up_mid_stream_file_ends_the_command_then_the_session() -> None:
    async with running(SimConfig(prompt_seconds=30.0)) as (sim, ami, agi):
        call = await sim.place_call(ANI, HOTLINE)
        conn = await agi.next_session()
        conn.writer.write(b'STREAM FILE demo-congrats "#"\n')
        await ami.event("AGIExecStart", Command='STREAM FILE demo-congrats "#"')
        await asyncio.sleep(2.02)  # 2.02 s of a 30 s prompt played, as in a1 (endpos 16160)
        call.hang_up()
        assert await conn.line() == "200 result=-1 endpos=16160"
        assert await conn.line() == "HANGUP"
        request = await ami.event("HangupRequest", Channel=call.channel)
        assert get(request, "Cause") == "16"
        end = await ami.event("AGIExecEnd", Command='STREAM FILE demo-congrats "#"')
        assert (get(end, "ResultCode"), get(end, "Result")) == ("-1", "Failure")
        assert ami.events("VarSet", Variable="PLAYBACKSTATUS")[-1][-1] == ("Value", "FAILED")

        # Dead channel: GET VARIABLE still works, the rest is refused with 511 (a1, a2).
        assert await conn.command("GET VARIABLE DNIS") == f"200 result=1 ({HOTLINE})"
        assert await conn.command("ANSWER") == (
            "511 Command Not Permitted on a dead channel or intercept routine"
        )
        assert ami.events("Hangup", Channel=call.channel) == []  # gone only when AGI ends
        assert await conn.finish() == ["HANGUP"]
        hangup = await ami.event("Hangup", Channel=call.channel)
        assert get(hangup, "Cause") == "16"
        order = [get(f, "Event") for f in ami.frames if get(f, "Channel") == call.channel]
        assert order[-3:] == ["VarSet", "SoftHangupRequest", "Hangup"]
        assert call.outcome == "abandoned"


@virtual_time
async def test_agi_hangup_command_hangs_up_the_caller() -> None:
    async with running() as (sim, ami, agi):
        call = await sim.place_call(ANI, HOTLINE)
        conn = await agi.next_session()
        assert await conn.command('SAY DIGITS 42 ""') == "200 result=0"
        assert await conn.command("HANGUP") == "200 result=1"
        assert await conn.line() == "HANGUP"
        soft = await ami.event("SoftHangupRequest", Channel=call.channel)
        assert get(soft, "Cause") == "32"  # AST_SOFTHANGUP_EXPLICIT, as in a2
        assert await conn.command("GET VARIABLE DNIS") == f"200 result=1 ({HOTLINE})"
        assert (await conn.command('STREAM FILE beep ""')).startswith("511 ")
        assert await conn.finish() == ["HANGUP"]
        hangup = await ami.event("Hangup", Channel=call.channel)
        assert (get(hangup, "Cause"), get(hangup, "Cause-txt")) == ("0", "Unknown")
        assert call.outcome == "hung-up-by-ivr"


@virtual_time
async def test_caller_hanging_up_while_idle_in_agi_gets_a_hangup_line() -> None:
    async with running() as (sim, _ami, agi):
        call = await sim.place_call(ANI, HOTLINE, patience=7.0)
        conn = await agi.next_session()
        assert await conn.line() == "HANGUP"
        assert asyncio.get_running_loop().time() >= 7.0
        assert await conn.finish() == ["HANGUP"]
        await call.ended.wait()
        assert call.outcome == "abandoned"


@virtual_time
async def test_a_dnis_that_is_not_a_hotline_is_rejected() -> None:
    async with running() as (sim, ami, agi):
        call = await sim.place_call(ANI, "8009999999")
        hangup = await ami.event("Hangup", Channel=call.channel)
        assert (get(hangup, "Cause"), get(hangup, "Cause-txt")) == (
            "1",
            "Unallocated (unassigned) number",
        )
        assert call.outcome == "rejected"
        assert agi.sessions.empty()


@virtual_time
async def test_unreachable_agi_server_keeps_the_caller_on_hold_until_patience_runs_out() -> None:
    config = SimConfig(agi_port=await free_port())
    async with running(config, agi=False) as (sim, ami, _agi):
        call = await sim.place_call(ANI, HOTLINE, patience=45.0)
        moh = await ami.event("MusicOnHoldStart", Channel=call.channel)
        assert get(moh, "Class") == "default"
        assert ami.events("VarSet", Variable="AGISTATUS")[-1][-1] == ("Value", "FAILURE")
        assert (call.outcome, call.state) == ("no-agi", "on-hold")
        await asyncio.wait_for(call.ended.wait(), 60)
        assert asyncio.get_running_loop().time() >= 45.0
        names = [get(f, "Event") for f in ami.frames if get(f, "Channel") == call.channel]
        assert names[-4:] == ["HangupRequest", "MusicOnHoldStop", "SoftHangupRequest", "Hangup"]
        assert call.outcome == "no-agi"


@virtual_time
async def test_core_show_channels_lists_a_live_call() -> None:
    async with running() as (sim, ami, agi):
        call = await sim.place_call(ANI, HOTLINE, caller_name="John Doe")
        conn = await agi.next_session()
        await ami.action("CoreShowChannels")
        item = await ami.event("CoreShowChannel")
        b = [f for f in fixture_frames("b_redirect_dial_agent") if is_event(f, "CoreShowChannel")]
        assert keys(item) == keys(b[0])
        assert get(item, "Channel") == call.channel
        assert (get(item, "Application"), get(item, "ApplicationData")) == (
            "AGI",
            f"agi://127.0.0.1:{agi.port}/inbound,{HOTLINE},{ANI}",
        )
        assert get(item, "Duration") == "00:00:00"
        done = await ami.event("CoreShowChannelsComplete")
        assert get(done, "ListItems") == "1"
        status = await ami.action("Status", ("Channel", call.channel))
        assert get(status, "Message") == "Channel status will follow"
        item = await ami.event("Status", Channel=call.channel)
        expected = next(f for f in fixture_frames("b_redirect_dial_agent") if is_event(f, "Status"))
        assert keys(item) == keys(expected)
        await conn.finish()


async def free_port() -> int:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    return port


def fixture_frames(name: str) -> list[list[tuple[str, str]]]:
    from tests.sim.simwire import fixture_events

    return fixture_events(name)


@virtual_time
async def test_withheld_callers_reach_the_agi_as_unknown_or_anonymous() -> None:
    async with running() as (sim, ami, agi):
        for ani, callerid, arg in (("", "unknown", ""), ("anonymous", "anonymous", "anonymous")):
            call = await sim.place_call(ani, HOTLINE)
            conn = await agi.next_session()
            env = dict(conn.env)
            assert (env["agi_callerid"], env["agi_calleridname"], env["agi_arg_2"]) == (
                callerid,
                "unknown",
                arg,
            )
            new = await ami.event("Newchannel", Channel=call.channel)
            assert get(new, "CallerIDNum") == (ani or "<unknown>")
            assert await conn.command("GET VARIABLE ANI") == f"200 result=1 ({ani})"
            await conn.finish()
            await call.ended.wait()
