"""A campaign's own retry rule over the simulator: with a busy delay of 2 minutes set over
REST, a busy lead is dialed again after those 2 minutes (well before dialer.retries' default
10), answered and bridged; with the busy rule capped at one attempt it is never dialed again."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sim import SimConfig, Simulator
from tests.e2e.campaigns import add_contacts, attempts, lead_state, start_campaign
from tests.e2e.harness import DEADLINE, HOTLINE, Stack, agent_tab, daemon, seeded_db, until
from tests.virtual_time import run_in_virtual_time

BUSY = "+12125550931"
#: The campaign's busy delay; dialer.retries' default is 600 s.
OWN_DELAY = 120.0
DEFAULT_DELAY = 600.0
#: After the first (busy) dial has ended: the running app, the simulator, the agent's tab.
Then = Callable[[Any, Simulator, Any], Awaitable[None]]


def busy_lead_run(tmp_path: Path, busy_rule: dict[str, int], then: Then) -> tuple[str, int]:
    """A progressive campaign with ``busy_rule`` and one lead whose line is busy, alice
    signed in; ``then`` runs once the first dial has ended. The database and the lead."""

    async def scenario() -> tuple[str, int]:
        db_url = await seeded_db(tmp_path)
        [contact] = await add_contacts(db_url, [BUSY])
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        try:
            sim.add_phone("1001", answer_after=1.0, talk_for=7200.0)
            sim.add_customer(BUSY.lstrip("+"), busy=True)
            async with daemon(sim, db_url, wrap_up_seconds=5.0) as app:
                stack = Stack(app, sim, db_url)
                async with agent_tab(stack, "alice") as alice:
                    campaign_id, [lead] = await start_campaign(
                        stack, "progressive", [contact], retries={"busy": busy_rule}
                    )
                    joined = await alice.http.post(
                        "/api/agent/campaign/join", json={"campaign_id": campaign_id}
                    )
                    assert joined.status_code == 200, joined.text
                    await until(lambda: len(sim.customer_calls(BUSY.lstrip("+"))) == 1,
                                within=DEADLINE)  # fmt: skip
                    await until(lambda: not app.dialer.dials, within=DEADLINE)
                    await then(app, sim, alice)
            return db_url, lead
        finally:
            await sim.close()

    return run_in_virtual_time(scenario())


def test_a_busy_lead_is_dialed_again_after_the_campaigns_own_busy_delay(tmp_path: Path) -> None:
    async def answered_on_the_retry(app: Any, sim: Simulator, alice: Any) -> None:
        sim.add_customer(BUSY.lstrip("+"), answer_after=4.0, talk_for=15.0)
        await until(lambda: len(sim.customer_calls(BUSY.lstrip("+"))) == 2,
                    within=OWN_DELAY + DEADLINE, step=5.0)  # fmt: skip
        pop = await alice.expect("campaign_pop")
        assert (pop["number"], pop["attempt"]) == (BUSY, 2)
        await until(lambda: not app.dialer.dials, within=DEADLINE)

    rule = {"delay_seconds": int(OWN_DELAY), "max_attempts": 3}
    db_url, lead = busy_lead_run(tmp_path, rule, answered_on_the_retry)

    async def check() -> None:
        first, second = await attempts(db_url, lead)
        assert (first.outcome, second.outcome) == ("busy", "human")
        assert first.ended_at is not None
        waited = (second.started_at - first.ended_at).total_seconds()
        assert OWN_DELAY <= waited < DEFAULT_DELAY

    run_in_virtual_time(check())


def test_a_busy_lead_is_not_dialed_again_when_the_campaign_caps_busy_at_one_attempt(
    tmp_path: Path,
) -> None:
    async def nothing(app: Any, sim: Simulator, alice: Any) -> None:
        return None

    db_url, lead = busy_lead_run(tmp_path, {"delay_seconds": 0, "max_attempts": 1}, nothing)

    async def check() -> None:
        [only] = await attempts(db_url, lead)
        assert only.outcome == "busy"
        state, _ = await lead_state(db_url, lead)
        assert state == "exhausted"  # no next attempt: never due again

    run_in_virtual_time(check())
