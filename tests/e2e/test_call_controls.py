"""The agent's call controls from the tab, against the simulator: hold and resume (our
hold: the caller's session ends, both legs are redirected, then bridged back), blind
transfers to a queue and to an outside number, hanging up, and the refusals."""

import asyncio
from pathlib import Path
from typing import Any

from acd.states import AgentState
from crm_core.db import make_engine, make_sessionmaker
from crm_core.segments import SegmentRecord, interaction_segments
from cti.ids import AgentId, CallId
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    AgentTab,
    Stack,
    http_client,
    ready_agent,
    running_stack,
    until,
)
from tests.e2e.test_hotline_call import interactions
from tests.virtual_time import run_in_virtual_time

GRACE = "+12125550100"
OUTSIDE = "+13125550199"


async def post(tab: AgentTab, action: str, **body: Any) -> tuple[int, dict[str, Any]]:
    response = await tab.http.post(f"/api/agent/call/{action}", json=body or None)
    return response.status_code, response.json()


async def settled(stack: Stack, call_id: str) -> None:
    """The call has left the registry: its interaction row is written."""
    await until(lambda: stack.app.registry.get(call_id) is None, within=DEADLINE)


def state_of(stack: Stack, agent: str) -> AgentState:
    return stack.app.engine.agent(AgentId(agent)).state


def test_hold_then_resume_keeps_the_call_and_it_ends_when_the_caller_hangs_up(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")

                status, body = await post(alice, "hold")
                assert (status, body["state"]) == (200, "held")
                await alice.expect("call_state", lambda d: d["state"] == "held")
                await until(lambda: call.state == "on-hold", within=DEADLINE)
                assert state_of(stack, "alice") is AgentState.ON_CALL  # still hers
                assert stack.app.registry.get(CallId(call.uniqueid)) is not None

                status, body = await post(alice, "resume")
                assert (status, body["state"]) == (200, "connected")
                await until(lambda: call.state == "talking", within=DEADLINE)

                call.hang_up()
                await settled(stack, call.uniqueid)
                await until(lambda: state_of(stack, "alice") is AgentState.WRAP_UP, within=5)
            [row] = await interactions(stack.db_url, call.uniqueid)
            assert (row.outcome, row.agent_id) == ("answered", "alice")
            assert row.talk_seconds is not None and row.talk_seconds > 0
            [leg] = await segments(stack.db_url, row.id)
            assert (leg.agent_id, leg.end_reason) == ("alice", "completed")
            assert leg.hold_seconds > 0  # the time on hold is hers, apart from talk

    run_in_virtual_time(scenario())


def test_a_transfer_to_a_queue_reaches_an_agent_of_that_queue(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            stack.sim.add_phone("1003", answer_after=1.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                async with ready_agent(stack, "carol") as carol:
                    status, body = await post(alice, "transfer", queue="sales")
                    assert (status, body["state"], body["queue"]) == (200, "transferred", "sales")
                    assert state_of(stack, "alice") is AgentState.WRAP_UP
                    pop = await carol.expect("pop")
                    assert pop["call_id"] == call.uniqueid
                    await carol.expect("call_state", lambda d: d["state"] == "connected")
                    await asyncio.sleep(30)  # a 30-second conversation, in loop time
                    call.hang_up()
                    await settled(stack, call.uniqueid)
            [row] = await interactions(stack.db_url, call.uniqueid)
            assert (row.outcome, row.agent_id, row.queue) == ("answered", "carol", "sales")
            assert "transferred by alice to queue sales" in row.notes
            # Each agent is credited with their own part of the call.
            legs = await segments(stack.db_url, row.id)
            assert [(leg.agent_id, leg.end_reason) for leg in legs] == [
                ("alice", "transferred"),
                ("carol", "completed"),
            ]
            assert legs[0].talk_seconds is not None  # answered, then passed on at once
            # At least the 30-second conversation; loop time may run on a little before the end.
            assert legs[1].talk_seconds is not None and 29 <= legs[1].talk_seconds <= 60

    run_in_virtual_time(scenario())


def test_a_transfer_to_an_outside_number_dials_it_over_the_trunk(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            stack.sim.add_customer(OUTSIDE, answer_after=2.0, talk_for=30.0)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                status, body = await post(alice, "transfer", number=OUTSIDE)
                assert (status, body["state"]) == (200, "transferred")
                await settled(stack, call.uniqueid)
                assert state_of(stack, "alice") is AgentState.WRAP_UP
                await until(lambda: call.state == "ended", within=60)
            assert call.dial_statuses[-1] == "ANSWER"  # the outside party answered
            [row] = await interactions(stack.db_url, call.uniqueid)
            assert (row.outcome, row.agent_id) == ("answered", "alice")
            assert f"transferred by alice to {OUTSIDE}" in row.notes

    run_in_virtual_time(scenario())


def test_an_agent_who_hangs_up_during_hold_leaves_the_caller_queued_again(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            alice_phone = stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            stack.sim.add_phone("1002", answer_after=1.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                assert (await post(alice, "hold"))[0] == 200
                await until(lambda: call.state == "on-hold", within=DEADLINE)
                async with ready_agent(stack, "bob") as bob:
                    alice_phone.hang_up()
                    await bob.expect("call_state", lambda d: d["state"] == "connected")
                    assert state_of(stack, "alice") is AgentState.WRAP_UP
                    call.hang_up()
                    await settled(stack, call.uniqueid)
            [row] = await interactions(stack.db_url, call.uniqueid)
            assert (row.outcome, row.agent_id) == ("answered", "bob")
            assert "alice left during hold" in row.notes

    run_in_virtual_time(scenario())


def test_call_controls_without_a_call_are_refused_and_bad_bodies_name_the_field(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            async with ready_agent(stack, "alice") as alice:
                for action in ("hold", "resume", "hang-up"):
                    status, body = await post(alice, action)
                    assert status == 409 and "no connected call" in body["error"], action
                status, body = await post(alice, "transfer", queue="sales", number="123456")
                assert status == 422 and "one of a queue, an agent_id or a number" in body["error"]
                status, body = await post(alice, "transfer", number="12; DROP")
                assert (status, body.get("field")) == (422, "number")
                status, body = await post(alice, "transfer", queue="sales")
                assert status == 409  # valid body, but alice has no call
            async with http_client(stack) as http:
                assert (await http.post("/api/agent/call/hold")).status_code == 401

    run_in_virtual_time(scenario())


async def segments(db_url: str, interaction_id: int) -> list[SegmentRecord]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await interaction_segments(session, interaction_id)
    finally:
        await engine.dispose()
