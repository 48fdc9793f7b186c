"""Originate of Local channels: the fixtures' own way of simulating an inbound call."""

from __future__ import annotations

from tests.sim.simwire import (
    fixture_agi,
    fixture_events,
    get,
    is_event,
    keys,
    running,
    virtual_time,
)

# Values that legitimately differ from the a1 lab: its dialplan ran AGI at priority 8
# with CHANNEL(accountcode)=cti-lab and the script "ivr"; ids and ports change per run.
DIFFERENT = {"agi_request", "agi_uniqueid", "agi_threadid", "agi_priority", "agi_accountcode"}


@virtual_time
async def test_local_originate_into_a_hotline_runs_the_ivr_like_fixture_a1() -> None:
    async with running() as (sim, ami, agi):
        sim.config.hotlines["8005551234"] = "ivr"
        response = await ami.action(
            "Originate",
            ("Channel", "Local/8005551234@incoming"),
            ("Application", "Wait"),
            ("Data", "300"),
            ("CallerID", '"John Doe" <2125550100>'),
            ("Timeout", "30000"),
            ("Async", "true"),
        )
        conn = await agi.next_session()
        recorded = [
            tuple(r["line"].rstrip("\n").split(": ", 1))
            for r in fixture_agi("a1_inbound_ivr")
            if r["kind"] == "env" and r["line"] != "\n"
        ]
        assert [kv for kv in conn.env if kv[0] not in DIFFERENT] == [
            kv for kv in recorded if kv[0] not in DIFFERENT
        ]
        result = await ami.event("OriginateResponse", ActionID=get(response, "ActionID") or "")
        assert get(result, "Channel") == "Local/8005551234@incoming-00000000;1"
        bridge = ami.events("LocalBridge")[0]
        recorded_bridge = next(
            f for f in fixture_events("a1_inbound_ivr") if is_event(f, "LocalBridge")
        )
        assert keys(bridge) == keys(recorded_bridge)

        # "The caller hangs up": AMI Hangup of ;1, as the a1 recording did.
        start = len(ami.frames)
        conn.writer.write(b'STREAM FILE demo-congrats "#"\n')
        await ami.event("AGIExecStart", start)
        await ami.action(
            "Hangup", ("Channel", "Local/8005551234@incoming-00000000;1"), ("Cause", "16")
        )
        assert (await conn.line()).startswith("200 result=-1 endpos=")
        assert await conn.line() == "HANGUP"
        request = await ami.event(
            "HangupRequest", start, Channel="Local/8005551234@incoming-00000000;2"
        )
        assert get(request, "Cause") == "16"
        assert await conn.finish() == ["HANGUP"]
        hangup = await ami.event("Hangup", start, Channel="Local/8005551234@incoming-00000000;2")
        assert get(hangup, "Cause") == "16"


@virtual_time
async def test_local_originate_into_a_missing_extension_fails_with_reason_0() -> None:
    async with running(agi=False) as (_sim, ami, _agi):
        response = await ami.action(
            "Originate",
            ("Channel", "Local/9999@nonexistent"),
            ("Application", "Wait"),
            ("Data", "1"),
            ("Async", "true"),
        )
        result = await ami.event("OriginateResponse", ActionID=get(response, "ActionID") or "")
        assert (get(result, "Response"), get(result, "Reason"), get(result, "Uniqueid")) == (
            "Failure",
            "0",
            "<unknown>",
        )
        touched = [get(f, "Event") for f in ami.frames if "9999" in (get(f, "Channel") or "")]
        assert touched == [
            "Newchannel",
            "Newchannel",
            "Newexten",
            "Hangup",
            "Hangup",
            "OriginateResponse",
        ]


@virtual_time
async def test_local_originate_to_an_agent_answers_when_the_phone_does() -> None:
    async with running(agi=False) as (sim, ami, _agi):
        phone = sim.add_phone("1001", answer_after=2.0, talk_for=5.0)
        response = await ami.action(
            "Originate",
            ("Channel", "Local/1001@from-internal"),
            ("Application", "Wait"),
            ("Data", "60"),
            ("Async", "true"),
        )
        result = await ami.event("OriginateResponse", ActionID=get(response, "ActionID") or "")
        assert (get(result, "Response"), get(result, "Reason")) == ("Success", "4")
        await ami.event("Hangup", Channel="Local/1001@from-internal-00000000;1", within=30)
        assert phone.answered == 1
