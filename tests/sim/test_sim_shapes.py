"""Contract with the recordings: every event the simulator emits has the header names,
in the same order, as an event of the same name recorded from Asterisk 22."""

from __future__ import annotations

from collections import defaultdict

from tests.sim.simwire import Frame, fixture_events, get, keys, running, virtual_time

RECORDINGS = (
    "a1_inbound_ivr",
    "a2_ivr_agi_hangup",
    "b_redirect_dial_agent",
    "d1_queue_answered",
    "e1_action_basics",
)


def recorded_shapes() -> dict[str, set[tuple[str, ...]]]:
    shapes: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for name in RECORDINGS:
        for frame in fixture_events(name):
            shapes[get(frame, "Event") or ""].add(tuple(keys(frame)))
    return shapes


def recorded_privilege() -> dict[str, str]:
    return {
        get(f, "Event") or "": get(f, "Privilege") or ""
        for name in RECORDINGS
        for f in fixture_events(name)
        if get(f, "Privilege")
    }


async def busy_day() -> list[Frame]:
    """One call through IVR, music, a ringing then answering agent, and an Originate."""
    async with running() as (sim, ami, agi):
        sim.add_phone("1001", hold_ringing=True, talk_for=5.0)
        sim.add_phone("2001", answer_after=1.0, talk_for=2.0)
        call = await sim.place_call(
            "2125550100", "8005551234", caller_name="John Doe", digits=["12"]
        )
        conn = await agi.next_session()
        for command in (
            "ANSWER",
            'SET VARIABLE IVR_STAGE "menu"',
            'STREAM FILE welcome ""',
            "GET DATA menu 2000 2",
            "SET MUSIC ON default",
            "WAIT FOR DIGIT 1000",
            "SET MUSIC OFF",
        ):
            await conn.command(command)
        await ami.action("CoreShowChannels")
        await ami.action("Status", ("Channel", call.channel))
        await ami.action("Setvar", ("Variable", "GLOBAL_FLAG"), ("Value", "1"))
        conn.writer.write(b"EXEC Dial PJSIP/1001,20\n")
        await sim.phone("1001").wait_ringing()
        sim.phone("1001").release()
        assert await conn.line() == "200 result=-1"
        await conn.finish()
        await call.ended.wait()
        await ami.action(
            "Originate",
            ("Channel", "PJSIP/2001"),
            ("Application", "Wait"),
            ("Data", "5"),
            ("Async", "true"),
        )
        await ami.event("Hangup", Channel="PJSIP/2001-00000002")
        await ami.action(
            "Originate", ("Channel", "PJSIP/9999"), ("Application", "Wait"), ("Async", "true")
        )
        await ami.event("OriginateResponse", Response="Failure")
        return [f for f in ami.frames if get(f, "Event")]


@virtual_time
async def test_every_emitted_event_matches_a_recorded_shape() -> None:
    emitted = await busy_day()
    shapes, privileges = recorded_shapes(), recorded_privilege()
    names = {get(f, "Event") or "" for f in emitted}
    for must in ("Newchannel", "DialBegin", "DialEnd", "BridgeEnter", "Hangup", "DialState"):
        assert must in names
    for frame in emitted:
        name = get(frame, "Event") or ""
        assert tuple(keys(frame)) in shapes[name], f"{name}: {keys(frame)}"
        if name in privileges and get(frame, "Privilege"):
            assert get(frame, "Privilege") == privileges[name], name


@virtual_time
async def test_dial_events_keep_the_caller_block_then_the_dest_block() -> None:
    emitted = await busy_day()
    b = fixture_events("b_redirect_dial_agent")
    for name in ("DialBegin", "DialState", "DialEnd"):
        ours = next(f for f in emitted if get(f, "Event") == name and get(f, "Channel"))
        theirs = next(f for f in b if get(f, "Event") == name and get(f, "Channel"))
        assert keys(ours) == keys(theirs)
    for name in ("Newchannel", "BridgeEnter", "BridgeLeave", "Hangup"):
        ours = next(f for f in emitted if get(f, "Event") == name)
        theirs = next(f for f in b if get(f, "Event") == name)
        assert keys(ours) == keys(theirs)
