"""Call features in their Asterisk 22 AMI form: hold from a phone, MixMonitor, BridgeList
and BridgeInfo, BlindTransfer, Atxfer and ChanSpy."""

from __future__ import annotations

import asyncio

import pytest

from sim import Simulator
from tests.sim.simwire import AgiConn, AgiServer, AmiClient, get, keys, running, virtual_time

HOTLINE = "8005551234"
BLOCK = [
    "Channel",
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "Language",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
]
BRIDGE = [
    "BridgeUniqueid",
    "BridgeType",
    "BridgeTechnology",
    "BridgeCreator",
    "BridgeName",
    "BridgeNumChannels",
    "BridgeVideoSourceMode",
]


def block(prefix: str) -> list[str]:
    return [f"{prefix}{key}" for key in BLOCK]


def channel_event_keys(*extra: str) -> list[str]:
    return ["Event", "Privilege", *BLOCK, *extra]


async def connected(sim: Simulator, ami: AmiClient, agi: AgiServer) -> tuple[str, str, AgiConn]:
    """A hotline call whose AGI session dialled agent 1001, who answered at once."""
    sim.add_phone("1001", answer_after=0.5, talk_for=60.0)
    call = await sim.place_call("2125550111", HOTLINE, caller_name="Jane Roe")
    conn = await agi.next_session()
    assert await conn.command("ANSWER") == "200 result=0"
    conn.writer.write(b"EXEC Dial PJSIP/1001,20\n")
    enter = await ami.event("BridgeEnter", Channel=call.channel)
    agent = next(get(f, "Channel") for f in ami.events("BridgeEnter") if f is not enter)
    return call.channel, agent or "", conn


@virtual_time
async def test_hold_and_unhold_from_the_phone_play_music_to_the_caller() -> None:
    async with running() as (sim, ami, agi):
        caller, agent, _conn = await connected(sim, ami, agi)
        assert sim.phone("1001").hold()
        held = await ami.event("Hold", Channel=agent)
        assert keys(held) == channel_event_keys()  # SIP names no MusicClass
        moh = await ami.event("MusicOnHoldStart", Channel=caller)
        assert ami.index(moh) > ami.index(held)
        assert not sim.phone("1001").hold()  # already held: nothing new

        assert sim.phone("1001").unhold()
        unheld = await ami.event("Unhold", Channel=agent)
        assert keys(unheld) == channel_event_keys()
        await ami.event("MusicOnHoldStop", Channel=caller)
        assert not sim.phone("1001").unhold()


@virtual_time
async def test_mixmonitor_and_stopmixmonitor_record_the_file_on_the_channel() -> None:
    async with running() as (sim, ami, agi):
        _caller, agent, _conn = await connected(sim, ami, agi)
        reply = await ami.action("MixMonitor", ("Channel", agent), ("File", "call-42.wav"))
        assert keys(reply) == ["Response", "ActionID"]  # app_mixmonitor: no Message
        assert get(reply, "Response") == "Success"
        varset = await ami.event("VarSet", Channel=agent, Variable="MIXMONITOR_FILENAME")
        assert get(varset, "Value") == "/var/spool/asterisk/monitor/call-42.wav"
        start = await ami.event("MixMonitorStart", Channel=agent)
        assert keys(start) == channel_event_keys()
        assert get(start, "Privilege") == "call,all"
        assert ami.index(varset) < ami.index(start)

        reply = await ami.action("StopMixMonitor", ("Channel", agent))
        assert (keys(reply), get(reply, "Response")) == (["Response", "ActionID"], "Success")
        stop = await ami.event("MixMonitorStop", Channel=agent)
        assert keys(stop) == channel_event_keys()

        again = await ami.action("StopMixMonitor", ("Channel", agent))
        assert get(again, "Message") == "Could not stop monitoring channel"
        missing = await ami.action("MixMonitor", ("Channel", "PJSIP/nobody"), ("File", "x"))
        assert get(missing, "Message") == "No such channel"
        no_file = await ami.action("MixMonitor", ("Channel", agent))
        assert get(no_file, "Message") == "Could not start monitoring channel"


@virtual_time
async def test_bridge_list_and_bridge_info_describe_the_call_bridge() -> None:
    async with running() as (sim, ami, agi):
        caller, agent, _conn = await connected(sim, ami, agi)
        reply = await ami.action("BridgeList")
        assert keys(reply) == ["Response", "ActionID", "EventList", "Message"]
        action_id = get(reply, "ActionID") or ""
        item = await ami.event("BridgeListItem", ActionID=action_id)
        assert keys(item) == ["Event", "ActionID", *BRIDGE]  # as fixture b
        assert get(item, "BridgeNumChannels") == "2"
        done = await ami.event("BridgeListComplete", ActionID=action_id)
        assert keys(done) == ["Event", "ActionID", "EventList", "ListItems"]
        assert get(done, "ListItems") == "1"

        bridge_id = get(item, "BridgeUniqueid") or ""
        reply = await ami.action("BridgeInfo", ("BridgeUniqueid", bridge_id))
        assert get(reply, "Message") == "Bridge channel listing will follow"
        action_id = get(reply, "ActionID") or ""
        done = await ami.event("BridgeInfoComplete", ActionID=action_id)
        members = ami.events("BridgeInfoChannel", ActionID=action_id)
        assert [keys(f) for f in members] == [["Event", "ActionID", *BLOCK]] * 2
        assert {get(f, "Channel") for f in members} == {caller, agent}
        assert keys(done) == ["Event", "ActionID", "EventList", "ListItems", *BRIDGE]
        assert get(done, "ListItems") == "2"

        unknown = await ami.action("BridgeInfo", ("BridgeUniqueid", "nope"))
        assert get(unknown, "Message") == "Specified BridgeUniqueid not found"
        empty = await ami.action("BridgeInfo")
        assert get(empty, "Message") == "BridgeUniqueid must be provided"


@virtual_time
async def test_blind_transfer_sends_the_caller_on_and_hangs_up_the_agent() -> None:
    async with running() as (sim, ami, agi):
        caller, agent, conn = await connected(sim, ami, agi)
        sim.add_phone("1002", answer_after=1.0, talk_for=5.0)
        reply = await ami.action(
            "BlindTransfer", ("Channel", agent), ("Context", "from-internal"), ("Exten", "1002")
        )
        assert get(reply, "Message") == "Transfer succeeded"
        transfer = await ami.event("BlindTransfer")
        assert keys(transfer) == [
            "Event",
            "Privilege",
            "Result",
            *block("Transferer"),
            *block("Transferee"),
            *BRIDGE,
            "IsExternal",
            "Context",
            "Extension",
        ]
        assert (get(transfer, "TransfererChannel"), get(transfer, "TransfereeChannel")) == (
            agent,
            caller,
        )
        assert (get(transfer, "Result"), get(transfer, "IsExternal")) == ("Success", "Yes")
        assert (get(transfer, "Context"), get(transfer, "Extension")) == ("from-internal", "1002")
        await ami.event("Hangup", Channel=agent)
        # The caller left EXEC Dial on an async goto; it moves once the daemon lets go.
        assert await conn.line() == "200 result=0"
        assert await conn.line() == "HANGUP"
        assert await conn.command("GET VARIABLE DIALSTATUS") == "200 result=1 (ANSWER)"
        await conn.finish()
        begin = await ami.event("DialBegin", Channel=caller, DialString="1002")
        assert get(begin, "Context") == "from-internal"
        await ami.event("DialEnd", Channel=caller, DialStatus="ANSWER")


@virtual_time
async def test_blind_transfer_refuses_what_asterisk_refuses() -> None:
    async with running() as (sim, ami, agi):
        call = await sim.place_call("2125550111", HOTLINE)
        conn = await agi.next_session()
        assert await conn.command("ANSWER") == "200 result=0"
        cases = [
            ((), "No channel specified"),
            ((("Channel", call.channel),), "No extension specified"),
            ((("Channel", "PJSIP/x"), ("Exten", "1")), "Channel specified does not exist"),
            ((("Channel", call.channel), ("Exten", "1002")), "Transfer invalid"),  # not bridged
        ]
        for fields, message in cases:
            reply = await ami.action("BlindTransfer", *fields)
            assert (get(reply, "Response"), get(reply, "Message")) == ("Error", message)
        assert ami.events("BlindTransfer") == []


@pytest.mark.parametrize("options", ["q", "qw", "qB"], ids=["listen", "whisper", "barge"])
def test_originate_into_chanspy_reports_spy_start_and_stop(options: str) -> None:
    virtual_time(lambda: _spy_scenario(options))()


async def _spy_scenario(options: str) -> None:
    """Listen, whisper and barge differ in audio only: the same events for each."""
    async with running() as (sim, ami, agi):
        _caller, agent, _conn = await connected(sim, ami, agi)
        sim.add_phone("2001", answer_after=1.0, talk_for=30.0)
        reply = await ami.action(
            "Originate",
            ("Channel", "PJSIP/2001"),
            ("Application", "ChanSpy"),
            ("Data", f"{agent},{options}"),
            ("Async", "true"),
        )
        assert get(reply, "Response") == "Success"
        start = await ami.event("ChanSpyStart")
        assert keys(start) == ["Event", "Privilege", *block("Spyer"), *block("Spyee")]
        spyer = get(start, "SpyerChannel") or ""
        assert spyer.startswith("PJSIP/2001-")
        assert get(start, "SpyeeChannel") == agent
        await ami.event("OriginateResponse", Response="Success")

        await ami.action("Hangup", ("Channel", spyer))
        stop = await ami.event("ChanSpyStop")
        assert keys(stop) == ["Event", "Privilege", *block("Spyer"), *block("Spyee")]
        hangup = await ami.event("Hangup", Channel=spyer)
        assert ami.index(stop) < ami.index(hangup)


@virtual_time
async def test_atxfer_consults_the_target_then_hands_the_caller_over() -> None:
    async with running() as (sim, ami, agi):
        caller, agent, conn = await connected(sim, ami, agi)
        target_phone = sim.add_phone("1002", answer_after=2.0, talk_for=5.0)
        reply = await ami.action(
            "Atxfer", ("Channel", agent), ("Exten", "1002"), ("Context", "from-internal")
        )
        assert get(reply, "Message") == "Atxfer successfully queued"
        await ami.event("BridgeLeave", Channel=agent)
        await ami.event("MusicOnHoldStart", Channel=caller)
        begin = await ami.event("DialBegin", Channel=agent)
        local = get(begin, "DestChannel") or ""
        assert local.startswith("Local/1002@from-internal-") and local.endswith(";1")
        assert get(begin, "DialString") == "1002@from-internal"
        await ami.event("DialState", Channel=agent, DialStatus="RINGING")
        await ami.event("DialEnd", Channel=agent, DialStatus="ANSWER")
        await ami.event("BridgeEnter", Channel=local)
        assert ami.events("AttendedTransfer") == []

        sim.phone("1001").hang_up()  # the agent hangs up: the transfer completes
        done = await ami.event("AttendedTransfer")
        assert keys(done) == [
            "Event",
            "Privilege",
            "Result",
            *block("OrigTransferer"),
            *[f"Orig{key}" for key in BRIDGE],
            *block("SecondTransferer"),
            *[f"Second{key}" for key in BRIDGE],
            *block("Transferee"),
            *block("TransferTarget"),
            "IsExternal",
            "DestType",
            "DestBridgeUniqueid",
        ]
        assert (get(done, "Result"), get(done, "DestType")) == ("Success", "Bridge")
        assert get(done, "OrigTransfererChannel") == agent
        assert get(done, "TransfereeChannel") == caller
        assert get(done, "TransferTargetChannel") == local
        assert get(done, "DestBridgeUniqueid") == get(done, "OrigBridgeUniqueid")
        enter = await ami.event("BridgeEnter", ami.index(done), Channel=local)
        assert get(enter, "BridgeUniqueid") == get(done, "OrigBridgeUniqueid")
        await ami.event("MusicOnHoldStop", Channel=caller)
        await ami.event("Hangup", Channel=agent)
        assert target_phone.in_call

        # The target hangs up: the Local pair goes and the caller's EXEC Dial returns.
        await ami.event("Hangup", Channel=local, within=30)
        leave = await ami.event("BridgeLeave", Channel=caller)
        assert get(leave, "BridgeUniqueid") == get(done, "OrigBridgeUniqueid")
        async with asyncio.timeout(5):
            assert await conn.line() == "200 result=-1"
        assert await conn.command("GET VARIABLE DIALSTATUS") == "200 result=1 (ANSWER)"


@virtual_time
async def test_atxfer_to_a_target_that_does_not_answer_returns_to_the_caller() -> None:
    async with running() as (sim, ami, agi):
        caller, agent, _conn = await connected(sim, ami, agi)
        sim.add_phone("1002", busy=True)
        reply = await ami.action("Atxfer", ("Channel", agent), ("Exten", "1002"))
        assert get(reply, "Message") == "Atxfer successfully queued"
        end = await ami.event("DialEnd", Channel=agent)
        assert get(end, "DialStatus") == "NOANSWER"
        back = await ami.event("BridgeEnter", ami.index(end), Channel=agent)
        assert get(back, "BridgeNumChannels") == "2"
        await ami.event("MusicOnHoldStop", Channel=caller)
        assert ami.events("AttendedTransfer") == []
        bad = await ami.action("Atxfer", ("Channel", caller), ("Exten", "1002"))
        assert get(bad, "Response") == "Error"


@virtual_time
async def test_cancel_atxfer_hangs_up_the_answered_target_and_returns_to_the_caller() -> None:
    async with running() as (sim, ami, agi):
        caller, agent, _conn = await connected(sim, ami, agi)
        target_phone = sim.add_phone("1002", answer_after=1.0, talk_for=600.0)
        await ami.action("Atxfer", ("Channel", agent), ("Exten", "1002"))
        answered = await ami.event("DialEnd", Channel=agent, DialStatus="ANSWER")
        assert target_phone.in_call

        reply = await ami.action("CancelAtxfer", ("Channel", agent))
        assert (get(reply, "Response"), get(reply, "Message")) == (
            "Success",
            "CancelAtxfer successfully queued",
        )
        back = await ami.event("BridgeEnter", ami.index(answered), Channel=agent)
        assert get(back, "BridgeNumChannels") == "2"
        await ami.event("MusicOnHoldStop", Channel=caller)
        assert not target_phone.in_call
        assert ami.events("AttendedTransfer") == []
        none = await ami.action("CancelAtxfer")
        assert (get(none, "Response"), get(none, "Message")) == ("Error", "No channel specified")
        gone = await ami.action("CancelAtxfer", ("Channel", "PJSIP/9999-00000099"))
        assert get(gone, "Message") == "Channel specified does not exist"
