"""A preview campaign over the simulator: the agent sees the next lead's record, skips one
with a reason, dials the next (their phone rings, then the customer), talks, and wraps up
with a disposition that schedules a callback for themselves: the lead comes back at that
time, to that agent only."""

from datetime import UTC, datetime
from pathlib import Path

from sim import SimConfig, Simulator
from tests.e2e.campaigns import add_contacts, attempts, lead_state, start_campaign
from tests.e2e.harness import DEADLINE, HOTLINE, Stack, agent_tab, daemon, seeded_db, until
from tests.e2e.test_hotline_call import interactions
from tests.virtual_time import run_in_virtual_time

SKIPPED, CALLED = "+12125550921", "+12125550922"
CALL_BACK_IN = 3600.0


def test_an_agent_previews_skips_dials_and_dispositions_a_callback_that_comes_back_to_them(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        skipped_contact, called_contact = await add_contacts(db_url, [SKIPPED, CALLED])
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        try:
            alice_phone = sim.add_phone("1001", answer_after=1.0, talk_for=25.0)
            sim.add_customer(CALLED.lstrip("+"), answer_after=4.0, talk_for=120.0)
            async with daemon(sim, db_url, wrap_up_seconds=5.0) as app:
                stack = Stack(app, sim, db_url)
                async with agent_tab(stack, "alice") as alice, agent_tab(stack, "bob") as bob:
                    campaign_id, (skipped_lead, called_lead) = await start_campaign(
                        stack, "preview", [skipped_contact, called_contact]
                    )
                    for tab in (alice, bob):
                        joined = await tab.http.post(
                            "/api/agent/campaign/join", json={"campaign_id": campaign_id}
                        )
                        assert joined.json()["state"] == "free", joined.text
                    assert (await alice.http.post("/api/agent/campaign/dial")).status_code == 409
                    shown = (await alice.http.post("/api/agent/campaign/next")).json()
                    assert shown["lead"]["lead_id"] == skipped_lead, shown
                    assert shown["contact"]["contact_id"] == skipped_contact
                    pushed = await alice.expect("campaign_preview")
                    assert pushed == shown
                    # Bob is not shown the lead kept for Alice.
                    assert (await bob.http.post("/api/agent/campaign/next")).json()["lead"][
                        "lead_id"
                    ] == called_lead
                    assert (await bob.http.post("/api/agent/campaign/leave")).status_code == 200
                    blank = await alice.http.post("/api/agent/campaign/skip", json={"reason": " "})
                    assert blank.status_code == 422
                    skip = await alice.http.post(
                        "/api/agent/campaign/skip", json={"reason": "moved abroad"}
                    )
                    assert skip.status_code == 200, skip.text
                    shown = (await alice.http.post("/api/agent/campaign/next")).json()
                    assert shown["lead"]["lead_id"] == called_lead
                    dialed = await alice.http.post("/api/agent/campaign/dial")
                    assert dialed.status_code == 200, dialed.text
                    call_id = dialed.json()["call_id"]
                    pop = await alice.expect("campaign_pop")
                    assert (pop["call_id"], pop["number"]) == (call_id, CALLED)
                    assert pop["contact"]["contact_id"] == called_contact
                    await alice.expect(
                        "call_state", lambda d: d["call_id"] == call_id and d["state"] == "ended"
                    )
                    assert alice_phone.answered == 1
                    back_at = app.clock.now() + CALL_BACK_IN
                    wrapped = await alice.http.post(
                        "/api/agent/campaign/disposition",
                        json={
                            "call_id": call_id,
                            "disposition": "callback-scheduled",
                            "notes": "asked to be called after lunch",
                            "callback_at": datetime.fromtimestamp(back_at, UTC).isoformat(),
                            "callback_for": "me",
                        },
                    )
                    assert wrapped.status_code == 200, wrapped.text
                    assert wrapped.json()["callback_for"] == "alice"
                    assert (await alice.http.post("/api/agent/campaign/next")).json()[
                        "lead"
                    ] is None  # not due yet
                    joined = await bob.http.post(
                        "/api/agent/campaign/join", json={"campaign_id": campaign_id}
                    )
                    assert joined.status_code == 200
                    await until(lambda: app.clock.now() >= back_at, within=CALL_BACK_IN + DEADLINE,
                                step=60.0)  # fmt: skip
                    assert (await bob.http.post("/api/agent/campaign/next")).json()["lead"] is None
                    again = (await alice.http.post("/api/agent/campaign/next")).json()["lead"]
                    assert (again["lead_id"], again["callback_for"]) == (called_lead, "alice")
            assert await lead_state(db_url, skipped_lead) == (
                "skipped",
                "skipped by alice: moved abroad",
            )
            [attempt] = await attempts(db_url, called_lead)
            assert (attempt.outcome, attempt.agent_id, attempt.number) == ("human", "alice", CALLED)
            [record] = await interactions(db_url, call_id)
            assert (record.direction, record.agent_id, record.disposition) == (
                "outbound",
                "alice",
                "callback-scheduled",
            )
            assert record.contact_id == called_contact
        finally:
            await sim.close()

    run_in_virtual_time(scenario())
