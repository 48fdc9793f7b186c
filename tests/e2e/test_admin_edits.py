"""The running daemon routes with an admin's edits of the agents, without a restart: a skill
given over REST brings the next support call to an agent who had only sales; a deactivated
agent is signed out and offered nothing; a new agent can take calls at once."""

from pathlib import Path

import httpx

from acd.events import CallQueued
from acd.states import AgentState
from acd.trace import SkipReason
from cti.ids import AgentId, CallId
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    Stack,
    http_client,
    log_in,
    ready_agent,
    running_stack,
    until,
)
from tests.virtual_time import run_in_virtual_time

CALLER = "+13125550191"
SUPPORT_DIGIT = "2"  # callcenter/flows/main.yaml: 1 sales, 2 support
CAROL = AgentId("carol")


async def set_skills(admin: httpx.AsyncClient, agent: str, skills: dict[str, int]) -> None:
    response = await admin.patch(f"/api/crm/agents/{agent}", json={"skills": skills})
    assert response.status_code == 200, response.text
    assert response.json()["skills"] == skills


async def support_call(stack: Stack) -> CallId:
    """A support call, once it waits in the ACD (its routing pass has run by then)."""
    queued: list[CallQueued] = []
    unsubscribe = stack.app.bus.subscribe(CallQueued, queued.append)
    try:
        await stack.sim.place_call(CALLER, HOTLINE, digits=[SUPPORT_DIGIT])
        await until(lambda: bool(queued), within=DEADLINE)
    finally:
        unsubscribe()
    assert queued[0].queue == "support"
    return queued[0].call_id


def test_a_skill_given_over_rest_brings_the_next_support_call_without_a_restart(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1003", answer_after=1.0, talk_for=600.0)
            engine = stack.app.engine
            async with http_client(stack) as admin:
                await log_in(admin, "admin", password="admin")
                await set_skills(admin, "carol", {"sales": 7})  # seeded with support 2
                async with ready_agent(stack, "carol") as carol:
                    call = await support_call(stack)
                    assert engine.is_waiting(call) and engine.offer_for(call) is None
                    assert engine.agent(CAROL).state is AgentState.READY
                    assert engine.explain(call).skipped[SkipReason.NOT_QUALIFIED] == 1

                    await set_skills(admin, "carol", {"sales": 7, "support": 4})
                    pop = await carol.expect("pop")
                    assert pop["call_id"] == call
                    await carol.expect("call_state", lambda d: d["state"] == "connected")
            assert engine.agent(CAROL).profile.skills == {"sales": 7, "support": 4}

    run_in_virtual_time(scenario())


def test_an_agent_deactivated_over_rest_is_signed_out_and_back_once_reactivated(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            engine = stack.app.engine
            async with http_client(stack) as admin:
                await log_in(admin, "admin", password="admin")
                async with ready_agent(stack, "bob"):
                    gone = await admin.delete("/api/crm/users/bob")
                    assert gone.status_code == 200, gone.text
                    assert not engine.has_agent(AgentId("bob"))
                    call = await support_call(stack)
                    assert engine.offer_for(call) is None
                back = await admin.patch("/api/crm/users/bob", json={"active": True})
                assert back.status_code == 200, back.text
            status = engine.agent(AgentId("bob"))
            assert (status.state, status.profile.skills) == (AgentState.SIGNED_OUT, {"support": 5})

    run_in_virtual_time(scenario())
