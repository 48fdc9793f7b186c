"""Redirect, the hold flow (Redirect with ExtraChannel, then Bridge) and AMI Hangup."""

from __future__ import annotations

import asyncio

from tests.sim.simwire import get, is_event, running, virtual_time

HOTLINE = "8005559876"
ANI = "2125550111"


@virtual_time
async def test_redirect_moves_a_channel_only_after_the_agi_socket_closes() -> None:
    async with running() as (sim, ami, agi):
        sim.config.hotlines[HOTLINE] = "ivr"
        phone = sim.add_phone("1001", answer_after=2.0, talk_for=20.0)
        call = await sim.place_call(ANI, HOTLINE, caller_name="Jane Roe")
        conn = await agi.next_session()
        assert await conn.command("ANSWER") == "200 result=0"
        assert await conn.command('SET VARIABLE CTI_STATE "waiting-for-agent"') == "200 result=1"
        conn.writer.write(b'EXEC MusicOnHold "default,60"\n')
        await ami.event("MusicOnHoldStart", Channel=call.channel)

        response = await ami.action(
            "Redirect",
            ("Channel", call.channel),
            ("Context", "from-internal"),
            ("Exten", "1001"),
            ("Priority", "1"),
        )
        assert get(response, "Message") == "Redirect successful"
        assert await conn.line() == "200 result=-1"
        assert await conn.line() == "HANGUP"
        await ami.event("MusicOnHoldStop", Channel=call.channel)
        end = await ami.event("AGIExecEnd", Command='EXEC MusicOnHold "default,60"')
        assert (get(end, "ResultCode"), get(end, "Result")) == ("200", "Unknown Result")

        # Still in the AGI session: GET VARIABLE works and the channel has not moved.
        assert await conn.command("GET VARIABLE CTI_STATE") == "200 result=1 (waiting-for-agent)"
        await asyncio.sleep(3)  # let virtual time pass: nothing moves while the socket is open
        assert ami.events("Newexten", Context="from-internal") == []
        assert ami.events("DialBegin") == []

        assert await conn.finish() == ["HANGUP"]
        agistatus = await ami.event("VarSet", Variable="AGISTATUS")
        assert get(agistatus, "Value") == "HANGUP"
        moved = await ami.event("Newexten", Context="from-internal", Channel=call.channel)
        assert ami.index(agistatus) < ami.index(moved)
        assert (get(moved, "Exten"), get(moved, "Application")) == ("1001", "Dial")
        assert get(moved, "AppData") == "PJSIP/1001,30"
        await ami.event("BridgeEnter", Channel=call.channel)
        await asyncio.wait_for(call.ended.wait(), 60)
        assert phone.answered == 1 and call.outcome == "answered-by-agent"
        assert call.dial_statuses == ["ANSWER"]


@virtual_time
async def test_redirect_of_an_unknown_channel_is_an_error() -> None:
    async with running(agi=False) as (_sim, ami, _agi):
        response = await ami.action(
            "Redirect",
            ("Channel", "PJSIP/trunk-00000042"),
            ("Context", "x"),
            ("Exten", "s"),
            ("Priority", "1"),
        )
        assert get(response, "Response") == "Error"
        assert get(response, "Message") == "Channel does not exist: PJSIP/trunk-00000042"
        response = await ami.action("Redirect", ("Channel", "PJSIP/x"))
        assert get(response, "Message") == "Context not specified"


@virtual_time
async def test_hold_redirects_both_legs_then_bridge_joins_them_again() -> None:
    async with running() as (sim, ami, agi):
        phone = sim.add_phone("1001", answer_after=1.0, talk_for=120.0)
        call = await sim.place_call(ANI, "8005551234")
        conn = await agi.next_session()
        conn.writer.write(b"EXEC Dial PJSIP/1001,20\n")
        enter = await ami.event("BridgeEnter", Channel=call.channel)
        agent = next(get(f, "Channel") for f in ami.events("BridgeEnter")) or ""
        assert agent.startswith("PJSIP/1001-")
        start = ami.index(enter)

        response = await ami.action(
            "Redirect",
            ("Channel", call.channel),
            ("Context", "cti-hold"),
            ("Exten", "s"),
            ("Priority", "1"),
            ("ExtraChannel", agent),
            ("ExtraContext", "cti-wait"),
        )
        assert get(response, "Message") == "Dual Redirect successful"
        # Dial returns 0 for an async goto; the session then gets HANGUP.
        assert await conn.line() == "200 result=0"
        assert await conn.line() == "HANGUP"
        await ami.event("Newexten", start, Channel=agent, Context="cti-wait")  # moved at once
        await ami.event("BridgeDestroy", start)
        assert ami.events("Hangup", Channel=agent) == []
        assert await conn.finish() == ["HANGUP"]
        await ami.event("MusicOnHoldStart", start, Channel=call.channel)
        assert call.state == "on-hold"

        later = len(ami.frames)
        response = await ami.action("Bridge", ("Channel1", call.channel), ("Channel2", agent))
        assert get(response, "Message") == "Channels have been bridged"
        await ami.event("MusicOnHoldStop", later, Channel=call.channel)
        enters = [await ami.event("BridgeEnter", later, Channel=ch) for ch in (call.channel, agent)]
        assert sorted(get(e, "BridgeNumChannels") or "" for e in enters) == ["1", "2"]

        phone.hang_up()
        await asyncio.wait_for(call.ended.wait(), 10)
        hangup = await ami.event("Hangup", later, Channel=call.channel)
        assert get(hangup, "Cause") == "16"
        assert any(is_event(f, "BridgeDestroy") for f in ami.frames[later:])
        assert call.outcome == "answered-by-agent"


@virtual_time
async def test_ami_hangup_of_a_caller_in_agi_ends_the_session_then_the_channel() -> None:
    async with running() as (sim, ami, agi):
        call = await sim.place_call(ANI, "8005551234")
        conn = await agi.next_session()
        conn.writer.write(b"WAIT FOR DIGIT -1\n")
        await ami.event("AGIExecStart", Command="WAIT FOR DIGIT -1")
        response = await ami.action("Hangup", ("Channel", call.channel), ("Cause", "16"))
        assert get(response, "Message") == "Channel Hungup"
        assert await conn.line() == "200 result=-1"
        assert await conn.line() == "HANGUP"
        assert ami.events("HangupRequest", Channel=call.channel) == []  # softhangup_nolock
        assert await conn.finish() == ["HANGUP"]
        hangup = await ami.event("Hangup", Channel=call.channel)
        assert get(hangup, "Cause") == "16"
        assert call.outcome == "ended-by-pbx"
        missing = await ami.action("Hangup", ("Channel", call.channel))
        assert get(missing, "Message") == "No such channel"
