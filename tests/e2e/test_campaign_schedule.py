"""A scheduled campaign starts dialing by itself when its start time comes, and finishes by
itself at its end time (over the simulator, in virtual time)."""

from datetime import UTC, datetime
from pathlib import Path

from sim import SimConfig, Simulator
from tests.e2e.campaigns import add_contacts, attempts, campaign_status, start_campaign
from tests.e2e.harness import DEADLINE, HOTLINE, Stack, agent_tab, daemon, seeded_db, until
from tests.virtual_time import run_in_virtual_time

LEAD = "+12125550941"
STARTS_IN, ENDS_IN = 120.0, 600.0


def test_a_scheduled_campaign_starts_at_its_start_time_and_finishes_at_its_end(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        [contact] = await add_contacts(db_url, [LEAD])
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        try:
            sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            sim.add_customer(LEAD.lstrip("+"), answer_after=3.0, talk_for=10.0)
            async with daemon(sim, db_url) as app:
                stack = Stack(app, sim, db_url)
                starts = app.clock.now() + STARTS_IN
                ends = app.clock.now() + ENDS_IN
                campaign_id, [lead] = await start_campaign(
                    stack, "progressive", [contact], actions=("schedule",),
                    starts_at=datetime.fromtimestamp(starts, UTC).isoformat(),
                    ends_at=datetime.fromtimestamp(ends, UTC).isoformat(),
                )  # fmt: skip
                async with agent_tab(stack, "alice") as alice:
                    joined = await alice.http.post(
                        "/api/agent/campaign/join", json={"campaign_id": campaign_id}
                    )
                    assert joined.status_code == 200, joined.text
                    await until(lambda: campaign_id in app.dialer.runs,
                                within=STARTS_IN + DEADLINE, step=5.0)  # fmt: skip
                    assert app.clock.now() >= starts
                    await alice.expect("campaign_pop")
                    await until(lambda: campaign_id not in app.dialer.runs,
                                within=ENDS_IN + DEADLINE, step=5.0)  # fmt: skip
                    assert app.clock.now() >= ends
                    assert await campaign_status(db_url, campaign_id) == "finished"
            [attempt] = await attempts(db_url, lead)
            assert attempt.started_at.timestamp() >= starts
            assert attempt.outcome == "human"
        finally:
            await sim.close()

    run_in_virtual_time(scenario())
