"""EXEC Dial from the FastAGI session to agents' phones."""

from __future__ import annotations

import asyncio

import pytest

from tests.sim.simwire import AgiConn, AmiClient, Frame, get, running, virtual_time

HOTLINE = "8005551234"
ANI = "2125550111"


def names(frames: list[Frame], channels: set[str]) -> list[str]:
    """Event names touching ``channels`` (as Channel, DestChannel or their device)."""
    devices = {name.rsplit("-", 1)[0] for name in channels}
    picked = []
    for f in frames:
        touched = {get(f, "Channel"), get(f, "DestChannel")} & channels
        if touched or get(f, "Device") in devices:
            picked.append(get(f, "Event") or "")
    return picked


# Every event of the agent's channel and device, from Dial to the agent's BYE.
AGENT_LEG = [
    "Newchannel",
    "VarSet",  # DIALEDPEERNUMBER
    "VarSet",  # __ANI inherited
    "VarSet",  # __DNIS inherited
    "Newexten",  # AppDial (Outgoing Line)
    "NewCallerid",
    "NewConnectedLine",
    "DialBegin",
    "Newstate",  # Ringing
    "DeviceStateChange",  # RINGING
    "DialState",
    "Newstate",  # Up
    "DeviceStateChange",  # INUSE
    "DialEnd",
    "Newexten",  # Exten cleared on answer
    "BridgeEnter",
    "VarSet",  # BRIDGEPEER
    "HangupRequest",  # the agent's BYE
    "VarSet",  # BRIDGEPEER cleared
    "BridgeLeave",
    "Hangup",
    "DeviceStateChange",  # NOT_INUSE
]


async def answered_session(ami: AmiClient, conn: AgiConn) -> int:
    assert await conn.command("ANSWER") == "200 result=0"
    return len(ami.frames)


@virtual_time
async def test_dial_to_a_phone_held_ringing_then_released_connects_talks_and_ends() -> None:
    async with running() as (sim, ami, agi):
        phone = sim.add_phone("1001", hold_ringing=True, talk_for=10.0)
        call = await sim.place_call(ANI, HOTLINE, caller_name="Jane Roe")
        conn = await agi.next_session()
        start = await answered_session(ami, conn)
        conn.writer.write(b"EXEC Dial PJSIP/1001,20\n")

        begin = await ami.event("DialBegin", start)
        agent = get(begin, "DestChannel") or ""
        assert agent == "PJSIP/1001-00000001"
        assert (get(begin, "Channel"), get(begin, "DialString")) == (call.channel, "1001")
        assert get(begin, "DestLinkedid") == call.uniqueid
        await phone.wait_ringing()
        assert (phone.ringing, phone.rings, call.state) == (True, 1, "ringing-agent")
        await ami.event("DialState", start, DialStatus="RINGING")
        await ami.event("DeviceStateChange", start, Device="PJSIP/1001", State="RINGING")

        await asyncio.sleep(5)  # let virtual time pass: held, it rings past answer_after
        assert phone.ringing and phone.answered == 0 and ami.events("DialEnd") == []
        phone.release()
        end = await ami.event("DialEnd", start)
        assert get(end, "DialStatus") == "ANSWER"
        enters = [await ami.event("BridgeEnter", start, Channel=ch) for ch in (agent, call.channel)]
        assert [get(e, "BridgeNumChannels") for e in enters] == ["1", "2"]
        assert ami.index(enters[0]) < ami.index(enters[1])  # the agent first, as in fixture b
        assert (phone.in_call, phone.answered, call.state) == (True, 1, "talking")
        assert call.outcome == "answered-by-agent"

        assert await conn.line() == "200 result=-1"  # after talk_for, the agent hangs up
        assert await conn.line() == "HANGUP"  # ...and the caller right after
        hangup = await ami.event("Hangup", start, Channel=agent)
        assert (get(hangup, "Cause"), get(hangup, "Cause-txt")) == ("16", "Normal Clearing")
        assert ami.time_of(hangup) - ami.time_of(enters[1]) == pytest.approx(10.0, abs=0.01)
        assert await conn.command("GET VARIABLE DIALSTATUS") == "200 result=1 (ANSWER)"
        assert await conn.command("GET VARIABLE DIALEDPEERNAME") == f"200 result=1 ({agent})"
        assert await conn.finish() == ["HANGUP"]
        await call.ended.wait()

        assert names(ami.frames[start:], {agent}) == AGENT_LEG
        tail = [get(f, "Event") for f in ami.frames[ami.index(hangup) :]]
        assert tail[:4] == ["Hangup", "DeviceStateChange", "BridgeLeave", "BridgeDestroy"]
        assert [get(f, "State") for f in ami.events("DeviceStateChange", Device="PJSIP/1001")] == [
            "NOT_INUSE",
            "RINGING",
            "INUSE",
            "NOT_INUSE",
        ]
        caller_hangup = await ami.event("Hangup", start, Channel=call.channel)
        assert get(caller_hangup, "Cause") == "16"
        assert (call.dial_statuses, call.outcome) == (["ANSWER"], "answered-by-agent")
        assert (phone.in_call, phone.ringing) == (False, False)


@pytest.mark.parametrize(
    ("phone_kwargs", "status", "cause", "cause_txt"),
    [
        ({"answer_after": None}, "NOANSWER", "19", "User alerting, no answer"),
        ({"busy": True}, "BUSY", "17", "User busy"),
        ({"unreachable": True}, "CHANUNAVAIL", "20", "Subscriber absent"),
    ],
    ids=["no-answer", "busy", "unreachable"],
)
def test_unanswered_dial_reports_status_and_cause_and_keeps_the_caller(
    phone_kwargs: dict[str, object], status: str, cause: str, cause_txt: str
) -> None:
    @virtual_time
    async def scenario() -> None:
        async with running() as (sim, ami, agi):
            sim.add_phone("1001", **phone_kwargs)  # type: ignore[arg-type]
            call = await sim.place_call(ANI, HOTLINE)
            conn = await agi.next_session()
            start = await answered_session(ami, conn)
            loop = asyncio.get_running_loop()
            before = loop.time()
            assert await conn.command("EXEC Dial PJSIP/1001,15") == "200 result=0"
            waited = loop.time() - before
            assert waited == pytest.approx(15.0 if status == "NOANSWER" else 0.0, abs=0.01)
            end = await ami.event("DialEnd", start)
            assert get(end, "DialStatus") == status
            hangup = await ami.event("Hangup", start, Channel=get(end, "DestChannel") or "")
            assert (get(hangup, "Cause"), get(hangup, "Cause-txt")) == (cause, cause_txt)
            assert await conn.command("GET VARIABLE DIALSTATUS") == f"200 result=1 ({status})"
            assert await conn.command("CHANNEL STATUS") == "200 result=6"  # the caller is still up
            assert call.dial_statuses == [status] and call.state == "ivr"
            assert "HANGUP" not in conn.received
            await conn.finish()

    scenario()


@virtual_time
async def test_dial_to_an_unknown_extension_is_chanunavail_without_a_channel() -> None:
    async with running() as (sim, ami, agi):
        call = await sim.place_call(ANI, HOTLINE)
        conn = await agi.next_session()
        start = await answered_session(ami, conn)
        # ast_request fails: no channel, no DialBegin, and Dial returns -1 while the
        # caller stays up (so -1 from EXEC Dial is not proof of a hangup).
        assert await conn.command("EXEC Dial PJSIP/4711,20") == "200 result=-1"
        assert await conn.command("GET VARIABLE DIALSTATUS") == "200 result=1 (CHANUNAVAIL)"
        assert ami.events("DialBegin") == [] and "HANGUP" not in conn.received
        assert not [f for f in ami.frames[start:] if get(f, "Event") == "Newchannel"]
        assert call.dial_statuses == ["CHANUNAVAIL"]
        await conn.finish()


@virtual_time
async def test_caller_hanging_up_while_the_agent_rings_cancels_the_dial() -> None:
    async with running() as (sim, ami, agi):
        phone = sim.add_phone("1001", hold_ringing=True)
        call = await sim.place_call(ANI, HOTLINE)
        conn = await agi.next_session()
        start = await answered_session(ami, conn)
        conn.writer.write(b"EXEC Dial PJSIP/1001,30\n")
        await phone.wait_ringing()
        call.hang_up()
        assert await conn.line() == "200 result=-1"
        assert await conn.line() == "HANGUP"
        end = await ami.event("DialEnd", start)
        assert get(end, "DialStatus") == "CANCEL"
        await ami.event("Hangup", start, Channel=get(end, "DestChannel") or "")
        assert not phone.ringing and phone.answered == 0
        assert await conn.command("GET VARIABLE DIALSTATUS") == "200 result=1 (CANCEL)"
        await conn.finish()
        await call.ended.wait()
        assert call.outcome == "abandoned"


@virtual_time
async def test_caller_hanging_up_during_the_talk_hangs_up_the_agent() -> None:
    async with running() as (sim, ami, agi):
        phone = sim.add_phone("1001", answer_after=1.0, talk_for=60.0)
        call = await sim.place_call(ANI, HOTLINE)
        conn = await agi.next_session()
        start = await answered_session(ami, conn)
        conn.writer.write(b"EXEC Dial PJSIP/1001,30\n")
        await ami.event("BridgeEnter", start, Channel=call.channel)
        call.hang_up()
        assert await conn.line() == "200 result=-1"
        assert await conn.line() == "HANGUP"
        leaves = [get(f, "Channel") for f in ami.frames[start:] if get(f, "Event") == "BridgeLeave"]
        assert leaves[0] == call.channel
        await ami.event("BridgeDestroy", start)
        assert not phone.in_call
        await conn.finish()
        await call.ended.wait()
        assert call.outcome == "answered-by-agent"


@virtual_time
async def test_agent_hanging_up_early_ends_the_call() -> None:
    async with running() as (sim, ami, agi):
        phone = sim.add_phone("1001", answer_after=1.0, talk_for=600.0)
        call = await sim.place_call(ANI, HOTLINE)
        conn = await agi.next_session()
        start = await answered_session(ami, conn)
        conn.writer.write(b"EXEC Dial PJSIP/1001,30\n")
        await ami.event("BridgeEnter", start, Channel=call.channel)
        assert phone.in_call
        phone.hang_up()
        assert await conn.line() == "200 result=-1"
        assert await conn.line() == "HANGUP"
        assert asyncio.get_running_loop().time() < 10
        await conn.finish()
        await call.ended.wait()
