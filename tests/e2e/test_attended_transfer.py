"""Attended transfer over the simulator: the agent consults a colleague (the caller on
music on hold, the agent's phone calling the colleague's), then completes (the caller is
bridged to the colleague, whose tab pops with who transferred it, and the call's segments
credit both agents) or cancels (back to the caller); and a consultation of an outside
number. The colleague is on a call for the ACD from the consultation's answer to the
transferred call's end, then wraps up."""

import asyncio
from pathlib import Path
from typing import Any

from acd.events import CallFinished, CallQueued
from acd.states import AgentState
from crm_core.db import make_engine, make_sessionmaker
from crm_core.segments import interaction_segments
from cti.ids import AgentId, CallId
from tests.e2e.harness import DEADLINE, HOTLINE, AgentTab, Stack, ready_agent, running_stack, until
from tests.e2e.test_hotline_call import GRACE, interactions
from tests.virtual_time import run_in_virtual_time

OTHER_CALLER = "+13125550191"


async def post(tab: AgentTab, path: str, **body: Any) -> tuple[int, dict[str, Any]]:
    response = await tab.http.post(f"/api/agent/call/{path}", json=body or None)
    return response.status_code, response.json()


async def segments(db_url: str, interaction_id: int) -> list[Any]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await interaction_segments(session, interaction_id)
    finally:
        await engine.dispose()


async def ended(stack: Stack, call_id: str) -> None:
    await until(lambda: stack.app.registry.get(call_id) is None, within=DEADLINE)


def test_an_agent_consults_a_colleague_and_completes_the_transfer_crediting_both(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            bob_phone = stack.sim.add_phone("1002", answer_after=2.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice, ready_agent(stack, "bob") as bob:
                await bob.command("not_ready", reason="Break")  # no queue call for bob
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")

                early = await post(alice, "consult/complete")
                assert early[0] == 409 and "no consultation" in early[1]["error"]
                status, body = await post(alice, "consult", agent_id="bob")
                assert (status, body["state"], body["colleague"]) == (200, "consulting", "bob")
                assert call.state == "on-hold" or not call.ended.is_set()
                too_soon = await post(alice, "consult/complete")
                assert too_soon[0] == 409 and "not answered" in too_soon[1]["error"]
                await alice.expect("call_state", lambda d: d.get("answered") is True)
                assert bob_phone.in_call

                status, body = await post(alice, "consult/complete")
                assert (status, body["state"]) == (200, "transferring"), body
                await alice.expect("call_state", lambda d: d["state"] == "transferred")
                pop = await bob.expect("pop")
                assert (pop["call_id"], pop["transferred_by"]) == (call.uniqueid, "alice")
                await bob.expect("call_state", lambda d: d["state"] == "connected")
                await alice.expect("agent_state", lambda d: d["state"] == "wrap_up")
                assert not call.ended.is_set()  # the caller now talks to bob
                assert stack.app.registry.get(call.uniqueid) is not None

                call.hang_up()
                await ended(stack, call.uniqueid)
                await bob.expect("call_state", lambda d: d["state"] == "ended")
            [row] = await interactions(stack.db_url, call.uniqueid)
            assert (row.outcome, row.agent_id) == ("answered", "bob")
            assert "attended transfer by alice to bob" in row.notes
            legs = await segments(stack.db_url, row.id)
            assert [(s.agent_id, s.end_reason) for s in legs] == [
                ("alice", "transferred"),
                ("bob", "completed"),
            ]

    run_in_virtual_time(scenario())


def test_a_cancelled_consultation_brings_the_agent_back_to_the_caller(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            alice_phone = stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            bob_phone = stack.sim.add_phone("1002", answer_after=2.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice, ready_agent(stack, "bob") as bob:
                await bob.command("not_ready", reason="Break")
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                assert (await post(alice, "consult", agent_id="bob"))[0] == 200
                await alice.expect("call_state", lambda d: d.get("answered") is True)

                status, body = await post(alice, "consult/cancel")
                assert (status, body["state"], body["consult_cancelled"]) == (
                    200,
                    "connected",
                    "bob",
                )
                await until(lambda: not bob_phone.in_call, within=DEADLINE)
                assert alice_phone.in_call and not call.ended.is_set()
                assert (await post(alice, "consult/cancel"))[0] == 409
                # Alice still has the call: she can hang it up as usual.
                assert (await post(alice, "hang-up"))[0] == 200
                await ended(stack, call.uniqueid)
            [row] = await interactions(stack.db_url, call.uniqueid)
            assert (row.outcome, row.agent_id) == ("answered", "alice")

    run_in_virtual_time(scenario())


def test_an_agent_consults_an_outside_number_and_hands_the_caller_over(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            # The outside party stays on the line until the caller hangs up.
            stack.sim.add_customer("+13125550177", answer_after=1.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                bad = await post(alice, "consult", number="12ab")
                assert bad[0] == 422 and bad[1]["field"] == "number"
                both = await post(alice, "consult", number="+13125550177", agent_id="bob")
                assert both[0] == 422
                status, body = await post(alice, "consult", number="+13125550177")
                assert (status, body["number"]) == (200, "+13125550177"), body
                await alice.expect("call_state", lambda d: d.get("answered") is True)
                assert (await post(alice, "consult/complete"))[0] == 200
                await alice.expect("call_state", lambda d: d["state"] == "transferred")
                await alice.expect("agent_state", lambda d: d["state"] == "wrap_up")
                await alice.command("wrap_up", disposition="resolved", notes="sent to partner")
                assert not call.ended.is_set()
                call.hang_up()
                await ended(stack, call.uniqueid)
            [row] = await interactions(stack.db_url, call.uniqueid)
            assert (row.outcome, row.agent_id) == ("answered", "alice")
            assert "attended transfer by alice to +13125550177" in row.notes
            assert "wrap-up by alice: resolved (sent to partner)" in row.notes

    run_in_virtual_time(scenario())


def test_a_caller_who_hangs_up_during_the_consultation_ends_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            stack.sim.add_phone("1002", answer_after=30.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice, ready_agent(stack, "bob") as bob:
                await bob.command("not_ready", reason="Break")
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                assert (await post(alice, "consult", agent_id="bob"))[0] == 200
                call.hang_up()  # while bob's phone still rings
                await ended(stack, call.uniqueid)
                status, body = await post(alice, "consult/cancel")
                assert status == 409 and "no consultation" in body["error"], body

    run_in_virtual_time(scenario())


def test_the_colleague_is_on_call_from_the_consults_answer_to_the_calls_end_then_wraps_up(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            engine = stack.app.engine
            finished: list[CallFinished] = []
            stack.app.bus.subscribe(CallFinished, finished.append)
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            stack.sim.add_phone("1002", answer_after=2.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice, ready_agent(stack, "bob") as bob:
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                assert engine.agent(AgentId("bob")).state is AgentState.READY
                assert (await post(alice, "consult", agent_id="bob"))[0] == 200
                await alice.expect("call_state", lambda d: d.get("answered") is True)
                on_call = await bob.expect("agent_state", lambda d: d["state"] == "on_call")
                assert on_call["reason"] == "consultation from alice"
                assert engine.agent(AgentId("bob")).call_id == call.uniqueid
                consult_answered = asyncio.get_running_loop().time()

                # bob is busy: a second support caller waits, offered to nobody.
                queued: list[CallQueued] = []
                stack.app.bus.subscribe(CallQueued, queued.append)
                second = await stack.sim.place_call(OTHER_CALLER, HOTLINE, digits=["2"])
                await until(lambda: bool(queued), within=DEADLINE)
                assert engine.offer_for(CallId(second.uniqueid)) is None

                assert (await post(alice, "consult/complete"))[0] == 200
                await alice.expect("agent_state", lambda d: d["state"] == "wrap_up")
                await alice.command("not_ready", reason="Break")
                await bob.expect("call_state", lambda d: d["state"] == "connected")
                assert engine.agent(AgentId("bob")).state is AgentState.ON_CALL

                await asyncio.sleep(60)
                call.hang_up()
                await bob.expect("agent_state", lambda d: d["state"] == "wrap_up")
                assert engine.agent(AgentId("bob")).call_id == call.uniqueid
                [bobs] = [f for f in finished if f.agent_id == "bob"]
                assert bobs.call_id == call.uniqueid
                assert bobs.talk_seconds >= asyncio.get_running_loop().time() - consult_answered - 1

                # The queue's timed wrap-up ends; bob is ready and takes the waiting call.
                pop = await bob.expect("pop")
                assert pop["call_id"] == second.uniqueid

    run_in_virtual_time(scenario())


def test_a_colleague_whose_consultation_is_cancelled_wraps_up_that_talk(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            stack.sim.add_phone("1002", answer_after=2.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice, ready_agent(stack, "bob") as bob:
                await bob.command("not_ready", reason="Break")
                await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                assert (await post(alice, "consult", agent_id="bob"))[0] == 200
                await bob.expect("agent_state", lambda d: d["state"] == "on_call")
                assert (await post(alice, "consult/cancel"))[0] == 200
                await bob.expect("agent_state", lambda d: d["state"] == "wrap_up")
            assert stack.app.engine.agent(AgentId("alice")).state is AgentState.ON_CALL

    run_in_virtual_time(scenario())
