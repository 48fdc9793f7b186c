"""What SIP answers become in AMI: DialEnd's status and the Q.850 cause of the callee's
Hangup, for agents' phones (EXEC Dial) and for customers on the trunk (Originate), and
answering machines seen through AMD()."""

from __future__ import annotations

import asyncio

import pytest

from tests.sim.simwire import get, running, virtual_time

HOTLINE = "8005551234"

# flag -> DialEnd status, Q.850 cause, Cause-txt (main/channel.c causes[]).
OUTCOMES = [
    ({"answer_after": None}, "NOANSWER", "19", "User alerting, no answer"),
    ({"busy": True}, "BUSY", "17", "User busy"),
    ({"congested": True}, "CONGESTION", "34", "Circuit/channel congestion"),
    ({"unreachable": True}, "CHANUNAVAIL", "20", "Subscriber absent"),
]
IDS = ["no-answer", "busy", "congestion", "unreachable"]


@pytest.mark.parametrize(("flags", "status", "cause", "cause_txt"), OUTCOMES, ids=IDS)
def test_dial_to_an_agent_phone_reports_status_and_cause(
    flags: dict[str, object], status: str, cause: str, cause_txt: str
) -> None:
    @virtual_time
    async def scenario() -> None:
        async with running() as (sim, ami, agi):
            sim.add_phone("1001", **flags)  # type: ignore[arg-type]
            call = await sim.place_call("2125550111", HOTLINE)
            conn = await agi.next_session()
            assert await conn.command("ANSWER") == "200 result=0"
            assert await conn.command("EXEC Dial PJSIP/1001,10") == "200 result=0"
            end = await ami.event("DialEnd", Channel=call.channel)
            assert get(end, "DialStatus") == status
            hangup = await ami.event("Hangup", Channel=get(end, "DestChannel") or "")
            assert (get(hangup, "Cause"), get(hangup, "Cause-txt")) == (cause, cause_txt)
            reply = await conn.command("GET VARIABLE DIALSTATUS")
            assert reply == f"200 result=1 ({status})"

    scenario()


# flag -> DialEnd status, cause, OriginateResponse Reason (the last AST_CONTROL_* seen).
CUSTOMER_OUTCOMES = [
    ({"answers": False}, "NOANSWER", "19", "3"),
    ({"busy": True}, "BUSY", "17", "5"),
    ({"congested": True}, "CONGESTION", "34", "8"),
    ({"unreachable": True}, "CHANUNAVAIL", "20", "1"),
]


@pytest.mark.parametrize(("flags", "status", "cause", "reason"), CUSTOMER_OUTCOMES, ids=IDS)
def test_originate_to_a_customer_number_reports_status_cause_and_reason(
    flags: dict[str, bool], status: str, cause: str, reason: str
) -> None:
    @virtual_time
    async def scenario() -> None:
        async with running(agi=False) as (sim, ami, _agi):
            sim.add_customer("2125550199", **flags)
            reply = await ami.action(
                "Originate",
                ("Channel", "PJSIP/2125550199@trunk"),
                ("Context", "from-internal"),
                ("Exten", "1001"),
                ("Timeout", "5000"),
                ("Async", "true"),
            )
            result = await ami.event("OriginateResponse", ActionID=get(reply, "ActionID") or "")
            assert (get(result, "Response"), get(result, "Reason")) == ("Failure", reason)
            end = await ami.event("DialEnd")
            assert get(end, "DestChannel") == "PJSIP/trunk-00000000"
            assert get(end, "DialStatus") == status
            hangup = await ami.event("Hangup", Channel="PJSIP/trunk-00000000")
            assert get(hangup, "Cause") == cause
            # Only the trunk channel's own states; the trunk device is not marked unreachable.
            states = [get(f, "State") for f in ami.events("DeviceStateChange")]
            assert "UNAVAILABLE" not in states

    scenario()


@pytest.mark.parametrize(
    ("machine", "status", "cause", "after"),
    [(True, "MACHINE", "LONGGREETING-1500-1500", 1.5), (False, "HUMAN", "HUMAN-800-800", 1.3)],
    ids=["machine", "human"],
)
def test_amd_on_an_answered_customer_tells_machines_from_people(
    machine: bool, status: str, cause: str, after: float
) -> None:
    @virtual_time
    async def scenario() -> None:
        async with running(agi=False) as (sim, ami, _agi):
            sim.add_customer("2125550177", machine=machine, answer_after=3.0, talk_for=30.0)
            loop = asyncio.get_running_loop()
            reply = await ami.action(
                "Originate",
                ("Channel", "PJSIP/2125550177@trunk"),
                ("Application", "AMD"),
                ("Async", "true"),
            )
            result = await ami.event("OriginateResponse", ActionID=get(reply, "ActionID") or "")
            assert get(result, "Reason") == "4"
            answered_at = loop.time()
            amd = await ami.event("VarSet", Variable="AMDSTATUS")
            assert get(amd, "Value") == status
            assert ami.time_of(amd) - answered_at == pytest.approx(after, abs=0.01)
            amd_cause = await ami.event("VarSet", Variable="AMDCAUSE")
            assert get(amd_cause, "Value") == cause

    scenario()


@virtual_time
async def test_a_listed_customer_who_answers_uses_its_own_timings() -> None:
    async with running(agi=False) as (sim, ami, _agi):
        sim.add_customer("2125550155", answer_after=4.0, talk_for=2.0)
        loop = asyncio.get_running_loop()
        start = loop.time()
        reply = await ami.action(
            "Originate",
            ("Channel", "PJSIP/2125550155@trunk"),
            ("Application", "Wait"),
            ("Data", "60"),
            ("Async", "true"),
        )
        result = await ami.event("OriginateResponse", ActionID=get(reply, "ActionID") or "")
        assert get(result, "Response") == "Success"
        assert ami.time_of(result) - start == pytest.approx(4.0, abs=0.01)
        hangup = await ami.event("Hangup", Channel=get(result, "Channel") or "")
        assert ami.time_of(hangup) - ami.time_of(result) == pytest.approx(2.0, abs=0.01)
        assert get(hangup, "Cause") == "16"
