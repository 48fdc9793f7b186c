"""The dialer's dialplan in the simulator, as asterisk-conf/extensions.conf has it: an
Originate to the trunk into [cti-dialer] runs AMD() and then FastAGI outbound-amd with the
real AMDSTATUS/AMDCAUSE arguments; without CTI_DONE the safe-harbour message plays and the
call hangs up; an agent's nailed-up line in [cti-nailed] is bridged with Bridge(…,F(…))
and goes back to its wait when the customer leaves."""

from __future__ import annotations

import asyncio

import pytest

from tests.sim.simwire import AmiClient, get, running, virtual_time

NUMBER = "12125550001"


async def dial(ami: AmiClient, channel: str, context: str, exten: str, call_id: str) -> str:
    """Async Originate; returns the answered channel's name."""
    response = await ami.action(
        "Originate", ("Channel", channel), ("Context", context), ("Exten", exten),
        ("Priority", "1"), ("Async", "true"), ("ChannelId", call_id),
        ("Variable", f"CTI_CALL_ID={call_id}"), ("Timeout", "30000"),
    )  # fmt: skip
    result = await ami.event("OriginateResponse", ActionID=get(response, "ActionID") or "")
    assert get(result, "Response") == "Success"
    return get(result, "Channel") or ""


@pytest.mark.parametrize(
    ("machine", "status", "cause", "detection"),
    [(False, "HUMAN", "HUMAN-800-800", 1.3), (True, "MACHINE", "LONGGREETING-1500-1500", 1.5)],
)
def test_an_answered_dial_runs_amd_then_outbound_amd_with_its_verdict(
    machine: bool, status: str, cause: str, detection: float
) -> None:
    @virtual_time
    async def scenario() -> None:
        async with running() as (sim, ami, agi):
            sim.add_customer(NUMBER, answer_after=3.0, talk_for=60.0, machine=machine)
            await dial(ami, f"PJSIP/{NUMBER}@trunk", "cti-dialer", NUMBER, "d-1")
            answered = asyncio.get_running_loop().time()
            conn = await agi.next_session()
            env = dict(conn.env)
            assert env["agi_network_script"] == "outbound-amd"
            assert (env["agi_arg_1"], env["agi_arg_2"]) == (status, cause)
            assert asyncio.get_running_loop().time() - answered == pytest.approx(detection)
            assert await conn.command("GET VARIABLE CTI_CALL_ID") == "200 result=1 (d-1)"
            await conn.finish()  # no CTI_DONE: the dialplan plays the safe-harbour message
            [call] = sim.customer_calls(NUMBER)
            await ami.event("Hangup", Uniqueid="d-1")
            [(heard_at, prompt)] = call.heard
            assert prompt == "vm-goodbye"
            assert heard_at - call.answer_times[0] == pytest.approx(detection, abs=0.05)

    scenario()


@virtual_time
async def test_done_hangs_up_without_the_message() -> None:
    async with running() as (sim, ami, agi):
        sim.add_customer(NUMBER, answer_after=1.0, talk_for=60.0)
        await dial(ami, f"PJSIP/{NUMBER}@trunk", "cti-dialer", NUMBER, "d-2")
        conn = await agi.next_session()
        assert await conn.command("SET VARIABLE CTI_DONE 1") == "200 result=1"
        await conn.finish()
        await ami.event("Hangup", Uniqueid="d-2")
        assert sim.customer_calls(NUMBER)[0].heard == []


@virtual_time
async def test_a_nailed_up_agent_is_bridged_to_the_customer_and_goes_back_to_the_wait() -> None:
    async with running() as (sim, ami, agi):
        phone = sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
        sim.add_customer(NUMBER, answer_after=2.0, talk_for=10.0)
        line = await dial(ami, "PJSIP/1001", "cti-nailed", "1001", "nailed-1")
        await ami.event("Newexten", Uniqueid="nailed-1", Application="Wait")
        await dial(ami, f"PJSIP/{NUMBER}@trunk", "cti-dialer", NUMBER, "d-3")
        conn = await agi.next_session()
        assert await conn.command("SET VARIABLE CTI_DONE 1") == "200 result=1"
        reply = await conn.command(f"EXEC Bridge {line},F(cti-nailed^1001^1)")
        assert reply == "200 result=-1"  # the customer hung up after talking 10 s
        enter = ami.events("BridgeEnter", Uniqueid="nailed-1")
        assert len(enter) == 1
        await conn.finish()
        await ami.event("Hangup", Uniqueid="d-3")
        # The agent's line is back in [cti-nailed], waiting for the next customer.
        await ami.event("Newexten", Uniqueid="nailed-1", Context="cti-nailed", Priority="1")
        assert ami.events("Hangup", Uniqueid="nailed-1") == []
        assert phone.in_call


@virtual_time
async def test_bridge_to_a_channel_that_does_not_exist_says_so() -> None:
    async with running() as (sim, ami, agi):
        sim.add_customer(NUMBER, answer_after=1.0, talk_for=60.0)
        await dial(ami, f"PJSIP/{NUMBER}@trunk", "cti-dialer", NUMBER, "d-4")
        conn = await agi.next_session()
        assert await conn.command("EXEC Bridge PJSIP/1999-00000042") == "200 result=0"
        assert await conn.command("GET VARIABLE BRIDGERESULT") == "200 result=1 (NONEXISTENT)"
        await conn.finish()
