"""Calls an agent starts from the tab, against the simulator: click-to-dial of a customer
(recorded as an outbound interaction in the customer's history), the do-not-call check, an
internal call to a colleague, and a transfer to a colleague, whose pop says who sent it."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crm_core.db import make_engine, make_sessionmaker
from crm_core.do_not_call import add_do_not_call
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    AgentTab,
    Stack,
    agent_tab,
    ready_agent,
    running_stack,
    until,
)
from tests.e2e.test_hotline_call import interactions
from tests.virtual_time import run_in_virtual_time

GRACE = "+12125550100"  # a seeded customer
STRANGER = "+13125550177"


async def dial(tab: AgentTab, **body: Any) -> tuple[int, dict[str, Any]]:
    response = await tab.http.post("/api/agent/call/dial", json=body)
    return response.status_code, response.json()


async def signed_in(tab: AgentTab) -> None:
    await tab.command("sign_in")


async def ended(stack: Stack, call_id: str) -> None:
    await until(lambda: stack.app.registry.get(call_id) is None, within=DEADLINE)


def test_click_to_dial_rings_the_agent_then_the_customer_and_records_an_outbound_call(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            phone = stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            # The trunk is dialled with digits only ([outbound] matches _X.).
            stack.sim.add_customer(GRACE.lstrip("+"), answer_after=2.0, talk_for=30.0)
            async with agent_tab(stack, "alice") as alice:
                await signed_in(alice)
                status, body = await dial(alice, number=GRACE)
                assert (status, body["state"]) == (200, "dialing")
                assert phone.answered == 1  # the agent's own phone rang first
                await ended(stack, body["call_id"])
            [row] = await interactions(stack.db_url, body["call_id"])
            assert (row.direction, row.outcome, row.agent_id) == ("outbound", "answered", "alice")
            assert row.dnis == GRACE and row.contact_id is not None  # in Grace's history
            assert row.talk_seconds is not None and row.talk_seconds >= 29

    run_in_virtual_time(scenario())


def test_a_busy_customer_is_recorded_as_busy(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            stack.sim.add_customer(STRANGER.lstrip("+"), busy=True)
            async with agent_tab(stack, "alice") as alice:
                await signed_in(alice)
                status, body = await dial(alice, number=STRANGER)
                assert status == 200
                await ended(stack, body["call_id"])
            [row] = await interactions(stack.db_url, body["call_id"])
            assert (row.direction, row.outcome, row.contact_id) == ("outbound", "busy", None)

    run_in_virtual_time(scenario())


def test_a_number_on_the_do_not_call_list_is_refused(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            phone = stack.sim.add_phone("1001", answer_after=1.0)
            engine = make_engine(stack.db_url)
            try:
                async with make_sessionmaker(engine).begin() as session:
                    await add_do_not_call(
                        session,
                        STRANGER,
                        reason="asked not to be called",
                        source="agent",
                        now=datetime.now(UTC),
                    )
            finally:
                await engine.dispose()
            async with agent_tab(stack, "alice") as alice:
                await signed_in(alice)
                status, body = await dial(alice, number=STRANGER)
                assert status == 409 and "do-not-call" in body["error"]
                status, body = await dial(alice, number="12; DROP")
                assert (status, body.get("field")) == (422, "number")
                status, body = await dial(alice, number=GRACE, agent_id="bob")
                assert status == 422
            assert phone.answered == 0

    run_in_virtual_time(scenario())


def test_an_internal_call_rings_the_colleagues_phone(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=60.0)
            bob_phone = stack.sim.add_phone("1002", answer_after=2.0, talk_for=10.0)
            async with agent_tab(stack, "alice") as alice:
                await signed_in(alice)
                status, body = await dial(alice, agent_id="bob")
                assert (status, body["agent_id"]) == (200, "bob")
                await until(lambda: bob_phone.answered == 1, within=DEADLINE)
                status, body = await dial(alice, agent_id="nobody")
                assert status == 409 and "no agent named" in body["error"]

    run_in_virtual_time(scenario())


def test_a_transfer_to_a_colleague_pops_their_tab_with_who_sent_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            stack.sim.add_phone("1002", answer_after=1.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice:
                call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                async with ready_agent(stack, "bob") as bob:
                    response = await alice.http.post(
                        "/api/agent/call/transfer", json={"agent_id": "bob"}
                    )
                    assert response.status_code == 200, response.text
                    pop = await bob.expect("pop")
                    assert (pop["call_id"], pop["transferred_by"]) == (call.uniqueid, "alice")
                    await bob.expect("call_state", lambda d: d["state"] == "connected")
                    call.hang_up()
                    await ended(stack, call.uniqueid)
            [row] = await interactions(stack.db_url, call.uniqueid)
            assert (row.outcome, row.agent_id) == ("answered", "bob")
            assert "transferred by alice to bob" in row.notes

    run_in_virtual_time(scenario())
