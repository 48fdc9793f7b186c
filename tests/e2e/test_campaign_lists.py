"""A campaign's lists over the simulator: the runtime draws its dials by list priority and
never past a list's quota (dialer.lists.allocate), whatever order the leads waited in."""

import asyncio
from pathlib import Path

from sim import SimConfig, Simulator
from tests.e2e.campaigns import ALWAYS, add_contacts, attempts
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    Stack,
    agent_tab,
    daemon,
    http_client,
    log_in,
    seeded_db,
    until,
)
from tests.virtual_time import run_in_virtual_time

LATER, FIRST, CAPPED = "+12125550951", "+12125550952", "+12125550953"


def test_dials_follow_list_priority_and_stop_at_a_lists_quota(tmp_path: Path) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        later, first, capped = await add_contacts(db_url, [LATER, FIRST, CAPPED])
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        try:
            sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            for number in (LATER, FIRST, CAPPED):
                sim.add_customer(number.lstrip("+"), answer_after=2.0, talk_for=5.0)
            async with daemon(sim, db_url, wrap_up_seconds=1.0) as app:
                stack = Stack(app, sim, db_url)
                async with http_client(stack) as http:
                    await log_in(http, "lead")
                    made = await http.post("/api/crm/campaigns", json={
                        "name": "lists", "mode": "progressive", "queue": "sales",
                        "caller_id": "18005550100", **ALWAYS})  # fmt: skip
                    cid = made.json()["campaign_id"]
                    lists = f"/api/crm/campaigns/{cid}/lists"
                    second = await http.post(lists, json={"name": "later", "priority": 2})
                    top = await http.post(lists, json={"name": "first", "priority": 1, "quota": 1})
                    # The priority-2 lead waits longest: priority still comes first.
                    leads = []
                    for contacts, listed in (([later], second), ([first, capped], top)):
                        body = {"contact_ids": contacts, "list_id": listed.json()["list_id"]}
                        added = await http.post(f"/api/crm/campaigns/{cid}/leads", json=body)
                        leads += added.json()["lead_ids"]
                    for action in ("schedule", "start"):
                        moved = await http.post(f"/api/crm/campaigns/{cid}/actions",
                                                json={"action": action})  # fmt: skip
                        assert moved.status_code == 200, moved.text
                async with agent_tab(stack, "alice") as alice:
                    joined = await alice.http.post(
                        "/api/agent/campaign/join", json={"campaign_id": cid}
                    )
                    assert joined.status_code == 200, joined.text
                    first_pop = await alice.expect("campaign_pop")
                    second_pop = await alice.expect("campaign_pop")
                    assert [first_pop["number"], second_pop["number"]] == [FIRST, LATER]
                    await until(lambda: not app.dialer.dials, within=DEADLINE)
                    await asyncio.sleep(60)  # the quota holds: the other "first" lead waits
                    assert sim.customer_calls(CAPPED.lstrip("+")) == []
            later_lead, first_lead, capped_lead = leads
            assert [a.outcome for a in await attempts(db_url, first_lead)] == ["human"]
            assert [a.outcome for a in await attempts(db_url, later_lead)] == ["human"]
            assert await attempts(db_url, capped_lead) == []
        finally:
            await sim.close()

    run_in_virtual_time(scenario())
