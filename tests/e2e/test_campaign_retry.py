"""Retries over the simulator: a busy lead comes back after its retry delay and is then
answered and bridged; an answering machine is detected and left the campaign's message,
and its attempt says so."""

from pathlib import Path

from sim import SimConfig, Simulator
from tests.e2e.campaigns import add_contacts, attempts, start_campaign
from tests.e2e.harness import DEADLINE, HOTLINE, Stack, agent_tab, daemon, seeded_db, until
from tests.virtual_time import run_in_virtual_time

BUSY, MACHINE = "+12125550911", "+12125550912"
#: dialer.retries' default delay after a busy line.
BUSY_DELAY = 600.0


def test_a_busy_lead_is_dialed_again_after_its_delay_and_a_machine_is_left_the_message(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        busy_contact, machine_contact = await add_contacts(db_url, [BUSY, MACHINE])
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        try:
            sim.add_phone("1001", answer_after=1.0, talk_for=7200.0)
            sim.add_customer(BUSY.lstrip("+"), busy=True)
            sim.add_customer(MACHINE.lstrip("+"), machine=True, answer_after=3.0, talk_for=30.0)
            async with daemon(sim, db_url, wrap_up_seconds=5.0) as app:
                stack = Stack(app, sim, db_url)
                async with agent_tab(stack, "alice") as alice:
                    campaign_id, (busy_lead, machine_lead) = await start_campaign(
                        stack,
                        "progressive",
                        [busy_contact, machine_contact],
                        machine_message="cc-campaign-machine",
                    )
                    joined = await alice.http.post(
                        "/api/agent/campaign/join", json={"campaign_id": campaign_id}
                    )
                    assert joined.status_code == 200, joined.text
                    await until(lambda: len(sim.customer_calls(MACHINE.lstrip("+"))) == 1,
                                within=DEADLINE)  # fmt: skip
                    await until(lambda: not app.dialer.dials, within=DEADLINE)
                    # The line is free now: the retry must still wait for its delay.
                    sim.add_customer(BUSY.lstrip("+"), answer_after=4.0, talk_for=15.0)
                    await until(lambda: len(sim.customer_calls(BUSY.lstrip("+"))) == 2,
                                within=BUSY_DELAY + DEADLINE, step=5.0)  # fmt: skip
                    pop = await alice.expect("campaign_pop")
                    assert (pop["number"], pop["attempt"]) == (BUSY, 2)
                    await until(lambda: not app.dialer.dials, within=DEADLINE)
            first, second = await attempts(db_url, busy_lead)
            assert (first.outcome, first.cause) == ("busy", None)
            assert first.ended_at is not None
            assert (second.started_at - first.ended_at).total_seconds() >= BUSY_DELAY
            assert (second.outcome, second.agent_id, second.abandoned) == ("human", "alice", False)
            [machine] = await attempts(db_url, machine_lead)
            assert (machine.outcome, machine.amd_result) == ("machine", "machine")
            [machine_call] = sim.customer_calls(MACHINE.lstrip("+"))  # retried hours later
            assert [prompt for _, prompt in machine_call.heard] == ["cc-campaign-machine"]
        finally:
            await sim.close()

    run_in_virtual_time(scenario())
