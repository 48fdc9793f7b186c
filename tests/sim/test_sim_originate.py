"""AMI Originate towards agents' phones, async and sync."""

from __future__ import annotations

import asyncio

import pytest

from tests.sim.simwire import fixture_events, get, is_event, keys, running, virtual_time


def e1_originate_response() -> list[str]:
    frames = fixture_events("e1_action_basics")
    return keys(next(f for f in frames if is_event(f, "OriginateResponse")))


@virtual_time
async def test_async_originate_answers_queued_then_correlates_the_originate_response() -> None:
    async with running(agi=False) as (sim, ami, _agi):
        phone = sim.add_phone("2001", answer_after=2.0, talk_for=60.0)
        loop = asyncio.get_running_loop()
        start = loop.time()
        response = await ami.action(
            "Originate",
            ("Channel", "PJSIP/2001"),
            ("Application", "Playback"),
            ("Data", "beep"),
            ("CallerID", '"CTI Test" <5000>'),
            ("Timeout", "15000"),
            ("Async", "true"),
            ("ChannelId", "cti-call-0001"),
            ("Variable", "CTI_CALL=0001"),
        )
        assert keys(response) == ["Response", "ActionID", "Message"]
        assert get(response, "Message") == "Originate successfully queued"
        assert loop.time() == start  # queued at once, before the phone rings

        result = await ami.event("OriginateResponse", ActionID=get(response, "ActionID") or "")
        assert keys(result) == e1_originate_response()
        assert loop.time() - start == pytest.approx(2.0, abs=0.01)
        assert (get(result, "Response"), get(result, "Reason")) == ("Success", "4")
        assert get(result, "Channel") == "PJSIP/2001-00000000"
        assert get(result, "Uniqueid") == "cti-call-0001"
        assert (get(result, "CallerIDNum"), get(result, "CallerIDName")) == ("5000", "CTI Test")
        begin = ami.events("DialBegin")[0]
        assert keys(begin)[2] == "DestChannel"  # an Originate has no calling channel (e1)
        varset = ami.events("VarSet", Variable="CTI_CALL")[0]
        assert get(varset, "Uniqueid") == "cti-call-0001"

        hangup = await ami.event("Hangup", Channel="PJSIP/2001-00000000")
        assert ami.time_of(hangup) - ami.time_of(result) == pytest.approx(1.0, abs=0.01)
        assert phone.answered == 1 and not phone.in_call


@pytest.mark.parametrize(
    ("channel", "phone_kwargs", "reason"),
    [
        ("PJSIP/9999", None, "0"),
        ("PJSIP/2001", {"unreachable": True}, "1"),
        ("PJSIP/2001", {"answer_after": None}, "3"),
        ("PJSIP/2001", {"busy": True}, "5"),
    ],
    ids=["no-such-endpoint", "unreachable", "no-answer", "busy"],
)
def test_failed_async_originate_reports_asterisks_reason(
    channel: str, phone_kwargs: dict[str, object] | None, reason: str
) -> None:
    @virtual_time
    async def scenario() -> None:
        async with running(agi=False) as (sim, ami, _agi):
            if phone_kwargs is not None:
                sim.add_phone("2001", **phone_kwargs)  # type: ignore[arg-type]
            response = await ami.action(
                "Originate",
                ("Channel", channel),
                ("Context", "from-internal"),
                ("Exten", "1001"),
                ("Priority", "1"),
                ("Timeout", "3000"),
                ("Async", "yes"),
            )
            result = await ami.event("OriginateResponse", ActionID=get(response, "ActionID") or "")
            assert (get(result, "Response"), get(result, "Reason")) == ("Failure", reason)
            assert keys(result)[5:7] == ["Context", "Exten"]
            if reason == "0":
                assert (get(result, "Channel"), get(result, "Uniqueid")) == (channel, "<unknown>")
                assert ami.events("Newchannel") == []

    scenario()


@virtual_time
async def test_sync_originate_responds_after_the_answer_without_an_originate_response() -> None:
    async with running(agi=False) as (sim, ami, _agi):
        sim.add_phone("2001", answer_after=3.0, talk_for=5.0)
        loop = asyncio.get_running_loop()
        start = loop.time()
        response = await ami.action(
            "Originate", ("Channel", "PJSIP/2001"), ("Application", "Wait"), ("Data", "100")
        )
        assert get(response, "Message") == "Originate successfully queued"
        assert loop.time() - start == pytest.approx(3.0, abs=0.01)
        await ami.event("Hangup", Channel="PJSIP/2001-00000000")
        assert ami.events("OriginateResponse") == []
        failed = await ami.action("Originate", ("Channel", "PJSIP/7777"), ("Application", "Wait"))
        assert (get(failed, "Response"), get(failed, "Message")) == ("Error", "Originate failed")


@virtual_time
async def test_originate_into_the_dialplan_calls_another_agent() -> None:
    async with running(agi=False) as (sim, ami, _agi):
        sim.add_phone("1001", answer_after=1.0, talk_for=30.0)
        callee = sim.add_phone("1002", answer_after=2.0, talk_for=10.0)
        await ami.action(
            "Originate",
            ("Channel", "PJSIP/1001"),
            ("Context", "from-internal"),
            ("Exten", "1002"),
            ("Priority", "1"),
            ("Async", "true"),
        )
        await ami.event("OriginateResponse", Response="Success")
        end = await ami.event("DialEnd", DialStatus="ANSWER", Channel="PJSIP/1001-00000000")
        assert (get(end, "DestChannel") or "").startswith("PJSIP/1002-")
        await ami.event("Hangup", Channel="PJSIP/1001-00000000", within=60)
        assert callee.answered == 1


@virtual_time
async def test_originate_without_a_channel_is_an_error() -> None:
    async with running(agi=False) as (_sim, ami, _agi):
        response = await ami.action("Originate", ("Application", "Wait"))
        assert (get(response, "Response"), get(response, "Message")) == (
            "Error",
            "Channel not specified",
        )


@virtual_time
async def test_click_to_dial_rings_the_agent_then_the_customer_through_the_trunk() -> None:
    async with running(agi=False) as (sim, ami, _agi):
        sim.add_phone("1001", answer_after=1.0, talk_for=300.0)
        await ami.action(
            "Originate",
            ("Channel", "PJSIP/1001"),
            ("Context", "outbound"),
            ("Exten", "12125550100"),
            ("Priority", "1"),
            ("CallerID", '"Sales" <8005551234>'),
            ("Async", "true"),
        )
        begin = await ami.event("DialBegin", Channel="PJSIP/1001-00000000")
        customer = get(begin, "DestChannel") or ""
        assert customer == "PJSIP/trunk-00000001"
        assert get(begin, "DialString") == "12125550100@trunk"
        await ami.event("DialEnd", Channel="PJSIP/1001-00000000", DialStatus="ANSWER")
        hangup = await ami.event("Hangup", Channel=customer, within=30)  # default talk: 10 s
        assert get(hangup, "Cause") == "16"
        await ami.event("Hangup", Channel="PJSIP/1001-00000000")
        states = [get(f, "State") for f in ami.events("DeviceStateChange", Device="PJSIP/trunk")]
        assert states[-1] == "NOT_INUSE" and "INUSE" in states


@virtual_time
async def test_originate_to_a_customer_number_on_the_trunk() -> None:
    async with running(agi=False) as (_sim, ami, _agi):
        response = await ami.action(
            "Originate",
            ("Channel", "PJSIP/12125550100@trunk"),
            ("Application", "Wait"),
            ("Data", "60"),
            ("Async", "true"),
        )
        result = await ami.event("OriginateResponse", ActionID=get(response, "ActionID") or "")
        assert (get(result, "Response"), get(result, "Reason")) == ("Success", "4")
        channel = get(result, "Channel") or ""
        assert channel.startswith("PJSIP/trunk-")
        hangup = await ami.event("Hangup", Channel=channel, within=30)
        assert ami.time_of(hangup) - ami.time_of(result) == pytest.approx(10.0, abs=0.01)
        other = await ami.action(
            "Originate",
            ("Channel", "PJSIP/12125550100@elsewhere"),
            ("Application", "Wait"),
            ("Async", "1"),
        )
        failed = await ami.event("OriginateResponse", ActionID=get(other, "ActionID") or "")
        assert get(failed, "Reason") == "0"
