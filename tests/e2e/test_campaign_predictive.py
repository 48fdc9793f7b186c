"""A predictive campaign over the simulator: the daemon dials leads through the trunk into
[cti-dialer], AMD runs, the FastAGI step outbound-amd bridges a person to an agent waiting
on a nailed-up line (with a campaign pop), and a person answered while no agent is free
hears the safe-harbour message within 2 seconds and is counted abandoned."""

from pathlib import Path

from agent_ws.ws_schema import ServerEnvelope
from sim import SimConfig, Simulator
from tests.e2e.campaigns import add_contacts, progress, start_campaign
from tests.e2e.harness import DEADLINE, HOTLINE, Stack, agent_tab, daemon, seeded_db, until
from tests.e2e.test_hotline_call import interactions
from tests.virtual_time import run_in_virtual_time

FIRST, SECOND = "+12125550901", "+12125550902"


def test_answered_calls_reach_nailed_agents_and_one_without_an_agent_is_abandoned(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        first, second = await add_contacts(db_url, [FIRST, SECOND])
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        try:
            # The agents keep their nailed-up line; the customers hang up after 20 s.
            sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            sim.add_phone("1002", answer_after=1.0, talk_for=3600.0)
            sim.add_customer(FIRST.lstrip("+"), answer_after=6.0, talk_for=20.0)
            sim.add_customer(SECOND.lstrip("+"), answer_after=9.0, talk_for=20.0)
            async with daemon(sim, db_url, wrap_up_seconds=5.0) as app:
                stack = Stack(app, sim, db_url)
                async with agent_tab(stack, "alice") as alice, agent_tab(stack, "bob") as bob:
                    for tab in (alice, bob):
                        joined = await tab.http.post("/api/agent/campaign/join",
                                                     json={"campaign_id": 1})  # fmt: skip
                        assert joined.status_code == 409  # no campaign yet: refused, named
                    campaign_id, _ = await start_campaign(
                        stack, "predictive", [first, second], script="Hello, this is Acme."
                    )
                    assert campaign_id == 1
                    for tab in (alice, bob):
                        joined = await tab.http.post(
                            "/api/agent/campaign/join", json={"campaign_id": campaign_id}
                        )
                        assert joined.status_code == 200, joined.text
                        assert joined.json()["state"] == "free"
                    runtime = app.dialer
                    # One dial per free agent (a new campaign's empty ledger allows no more).
                    await until(lambda: len(runtime.dials) == 2, within=DEADLINE)
                    # Bob signs out while both numbers ring: the second answer finds nobody.
                    left = await bob.http.post("/api/agent/campaign/leave")
                    assert left.status_code == 200, left.text
                    pop = await alice.expect("campaign_pop")
                    assert pop["number"] == FIRST
                    assert pop["campaign_id"] == campaign_id
                    assert pop["script"] == "Hello, this is Acme."
                    assert pop["contact"]["contact_id"] == first
                    await until(lambda: not runtime.dials, within=DEADLINE)
                    # The pacer learned the bridged call's talk time (the customer's 20 s).
                    [talked] = runtime.runs[campaign_id].talk_seconds
                    assert 19.0 <= talked <= 20.5
                    [abandoned_call] = sim.customer_calls(SECOND.lstrip("+"))
                    [answered_at] = abandoned_call.answer_times
                    [(heard_at, prompt)] = abandoned_call.heard
                    assert prompt == "vm-goodbye"
                    assert heard_at - answered_at <= 2.0
                    [served] = sim.customer_calls(FIRST.lstrip("+"))
                    assert served.heard == []
                    for frame in [*alice.seen, *bob.seen]:
                        ServerEnvelope.model_validate(frame)
            done = await progress(db_url, campaign_id)
            assert (done.answered_live, done.abandoned, done.in_flight) == (2, 1, 0)
            [record] = await interactions(db_url, pop["call_id"])
            assert (record.direction, record.agent_id, record.contact_id) == (
                "outbound",
                "alice",
                first,
            )
        finally:
            await sim.close()

    run_in_virtual_time(scenario())
