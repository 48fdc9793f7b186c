"""The team lead's side: the floor at a glance, forced states, live wallboard messages."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from acd.events import CallQueued
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    Stack,
    agent_tab,
    http_client,
    ready_agent,
    running_stack,
    until,
)
from tests.virtual_time import run_in_virtual_time


@asynccontextmanager
async def lead_client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(stack) as http:
        login = await http.post("/api/login", json={"username": "lead", "password": "demo"})
        login.raise_for_status()
        yield http


def test_a_lead_sees_the_floor_forces_a_state_and_the_wallboard_follows(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with (
            running_stack(tmp_path) as stack,
            lead_client(stack) as http,
            agent_tab(stack, "lead") as wallboard,
        ):
            if True:
                floor = (await http.get("/api/supervisor/floor")).json()
                states = {a["agent_id"]: a["state"] for a in floor["agents"]}
                assert states == {"alice": "signed_out", "bob": "signed_out", "carol": "signed_out"}
                assert {q["queue"] for q in floor["queues"]} == {"sales", "support"}

                forced = await http.post(
                    "/api/supervisor/agents/bob/state",
                    json={"state": "not_ready", "reason": "Coaching"},
                )
                assert forced.status_code == 200
                assert (forced.json()["state"], forced.json()["reason"]) == (
                    "not_ready",
                    "Coaching",
                )
                live = await wallboard.expect(
                    "floor",
                    lambda d: any(
                        a["agent_id"] == "bob" and a["state"] == "not_ready" for a in d["agents"]
                    ),
                )
                assert live["at"] > 0

                await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
                queued = await wallboard.expect(
                    "floor",
                    lambda d: any(
                        q["queue"] == "support" and q["waiting"] == 1 for q in d["queues"]
                    ),
                )
                assert queued["queues"]

    run_in_virtual_time(scenario())


def test_forcing_an_agent_on_a_call_is_refused_and_agents_cannot_supervise(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", hold_ringing=True)
            async with lead_client(stack) as http, agent_tab(stack, "alice") as alice:
                await alice.command("sign_in")
                await alice.command("ready")
                await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
                await alice.expect("pop")
                refused = await http.post(
                    "/api/supervisor/agents/alice/state", json={"state": "signed_out"}
                )
                assert refused.status_code == 409
                assert "alice" in refused.json()["error"]

                missing_reason = await http.post(
                    "/api/supervisor/agents/bob/state", json={"state": "not_ready"}
                )
                assert missing_reason.status_code == 422
                unknown = await http.post(
                    "/api/supervisor/agents/nobody/state", json={"state": "ready"}
                )
                assert unknown.status_code == 409

                as_agent = await alice.http.get("/api/supervisor/floor")
                assert as_agent.status_code == 403
            stack.sim.phone("1001").release()

    run_in_virtual_time(scenario())


def test_a_lead_listens_to_an_agents_call_from_their_own_phone(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=600.0)
            lead_phone = stack.sim.add_phone("1100", answer_after=2.0, talk_for=600.0)
            busy_phone = stack.sim.add_phone("1101", busy=True)
            async with lead_client(stack) as http, ready_agent(stack, "alice") as alice:
                not_yet = await http.post(
                    "/api/supervisor/agents/alice/supervise",
                    json={"mode": "listen", "phone": "1100"},
                )
                assert not_yet.status_code == 409  # alice is not on a call
                await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")

                listening = await http.post(
                    "/api/supervisor/agents/alice/supervise",
                    json={"mode": "listen", "phone": "1100"},
                )
                assert listening.status_code == 200, listening.text
                assert listening.json()["channel"].startswith("PJSIP/1001-")
                assert lead_phone.answered == 1 and lead_phone.in_call

                busy = await http.post(
                    "/api/supervisor/agents/alice/supervise",
                    json={"mode": "barge", "phone": "1101"},
                )
                assert busy.status_code == 409 and "busy" in busy.json()["error"]
                assert busy_phone.answered == 0
                bad = await http.post(
                    "/api/supervisor/agents/alice/supervise",
                    json={"mode": "shout", "phone": "1100"},
                )
                assert bad.status_code == 422 and bad.json()["field"] == "mode"

    run_in_virtual_time(scenario())


def test_the_acd_explains_a_waiting_call_and_a_connected_one(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1002", answer_after=1.0, talk_for=600.0)
            queued = asyncio.Event()
            stack.app.bus.subscribe(CallQueued, lambda _: queued.set())
            async with lead_client(stack) as http:
                call = await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
                async with asyncio.timeout(DEADLINE):
                    await queued.wait()
                waiting = (await http.get(f"/api/supervisor/calls/{call.uniqueid}/explain")).json()
                assert waiting["state"] == "waiting" and waiting["position"] == 1
                assert waiting["skipped"] == {"not_ready": 3}
                assert "no agent can take it" in waiting["text"]
                floor = (await http.get("/api/supervisor/floor")).json()
                assert [w["call_id"] for w in floor["waiting"]] == [call.uniqueid]

                async with ready_agent(stack, "bob") as bob:
                    await bob.expect("call_state", lambda d: d["state"] == "connected")
                    chosen = (
                        await http.get(f"/api/supervisor/calls/{call.uniqueid}/explain")
                    ).json()
                assert chosen["state"] == "connected"
                assert chosen["decision"]["chosen"] == "bob"
                missing = await http.get("/api/supervisor/calls/no-such-call/explain")
                assert missing.status_code == 404

    run_in_virtual_time(scenario())


def test_the_floor_shows_service_level_and_abandonment_and_the_wrap_up_its_end(
    tmp_path: Path,
) -> None:
    def queue(floor: dict[str, Any], name: str) -> dict[str, Any]:
        return next(q for q in floor["queues"] if q["queue"] == name)

    async def scenario() -> None:
        async with running_stack(tmp_path) as stack, agent_tab(stack, "lead") as wallboard:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=5.0)
            async with ready_agent(stack, "alice") as alice:
                await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])  # support
                wrap = await alice.expect("agent_state", lambda d: d["state"] == "wrap_up")
                assert wrap["wrap_up"] == {
                    "mode": "timed",
                    "seconds": 30.0,
                    "ends_at": wrap["since"] + 30.0,
                }
                # sales: alice is wrapping up and nobody else is in, so the caller waits
                caller = await stack.sim.place_call("+12125550101", HOTLINE, digits=["1"])
                await wallboard.expect("floor", lambda d: queue(d, "sales")["waiting"] == 1)
                caller.hang_up()
                floor = await wallboard.expect(
                    "floor", lambda d: queue(d, "sales")["today"]["offered"] == 1
                )

            support, sales = queue(floor, "support"), queue(floor, "sales")
            assert support["today"] == {
                "offered": 1,
                "answered": 1,
                "abandoned": 0,
                "service_level": 1.0,
                "abandon_rate": 0.0,
            }
            assert support["last_30_min"] == support["today"]
            assert (sales["today"]["abandoned"], sales["today"]["service_level"]) == (1, 0.0)
            assert sales["today"]["abandon_rate"] == 1.0
            assert floor["thresholds"]["service_level_target"] == 0.8
            assert support["agents_by_state"]["wrap_up"] == 1

    run_in_virtual_time(scenario())


def test_a_lead_raises_a_waiting_calls_priority_and_it_is_answered_first(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1002", answer_after=1.0, talk_for=600.0)
            engine = stack.app.engine
            first = await stack.sim.place_call("+13125550151", HOTLINE, digits=["2"])
            await until(lambda: engine.is_waiting(first.uniqueid), within=DEADLINE)
            await asyncio.sleep(5)
            second = await stack.sim.place_call("+13125550152", HOTLINE, digits=["2"])
            await until(lambda: engine.is_waiting(second.uniqueid), within=DEADLINE)
            async with lead_client(stack) as http:
                url = f"/api/supervisor/calls/{second.uniqueid}/priority"
                raised = await http.post(url, json={"priority": 30})
                assert raised.status_code == 200
                assert (raised.json()["priority"], raised.json()["position"]) == (30, 1)
                floor = (await http.get("/api/supervisor/floor")).json()
                lines = [(w["call_id"], w["priority"]) for w in floor["waiting"]]
                assert lines == [(second.uniqueid, 30), (first.uniqueid, 0)]

                for body in ({"priority": "high"}, {"priority": 101}, {}, {"priority": 5, "x": 1}):
                    refused = await http.post(url, json=body)
                    assert refused.status_code == 422
                    assert refused.json()["field"] in {"priority", "x"}
                missing = await http.post(
                    "/api/supervisor/calls/no-such-call/priority", json={"priority": 1}
                )
                assert missing.status_code == 404

                async with ready_agent(stack, "bob") as bob:
                    connected = await bob.expect("call_state", lambda d: d["state"] == "connected")
                    assert connected["call_id"] == second.uniqueid
                    answered = await http.post(url, json={"priority": 1})
                    assert answered.status_code == 404  # no longer waiting
            async with agent_tab(stack, "alice") as alice:
                forbidden = await alice.http.post(
                    f"/api/supervisor/calls/{first.uniqueid}/priority", json={"priority": 1}
                )
                assert forbidden.status_code == 403

    run_in_virtual_time(scenario())


def test_a_lead_moves_a_waiting_call_to_another_queue_where_it_is_answered(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1003", answer_after=1.0, talk_for=600.0)
            engine = stack.app.engine
            call = await stack.sim.place_call("+13125550155", HOTLINE, digits=["2"])  # support
            await until(lambda: engine.is_waiting(call.uniqueid), within=DEADLINE)
            joined = next(w.joined_at for w in engine.waiting())
            async with lead_client(stack) as http:
                url = f"/api/supervisor/calls/{call.uniqueid}/queue"
                for body in ({"queue": "Sales!"}, {}, {"queue": "sales", "x": 1}):
                    assert (await http.post(url, json=body)).status_code == 422
                unknown = await http.post(url, json={"queue": "billing"})
                assert unknown.status_code == 409 and "no queue named" in unknown.json()["error"]
                moved = await http.post(url, json={"queue": "sales"})
                assert moved.status_code == 200, moved.text
                assert (moved.json()["queue"], moved.json()["position"]) == ("sales", 1)
                [waiting] = engine.waiting()
                assert (waiting.request.queue, waiting.joined_at) == ("sales", joined)
                gone = "/api/supervisor/calls/no-such-call/queue"
                assert (await http.post(gone, json={"queue": "sales"})).status_code == 404
            async with ready_agent(stack, "carol") as carol:  # sales 7; support 2 is not asked
                connected = await carol.expect("call_state", lambda d: d["state"] == "connected")
                assert connected["call_id"] == call.uniqueid
            async with agent_tab(stack, "alice") as alice:
                forbidden = await alice.http.post(
                    f"/api/supervisor/calls/{call.uniqueid}/queue", json={"queue": "sales"}
                )
                assert forbidden.status_code == 403

    run_in_virtual_time(scenario())
