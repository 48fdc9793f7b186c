"""Three agents on a progressive campaign over the simulator, end to end.

Alice, bob and carol sign in to a progressive campaign of six leads (nailed-up lines). The
runtime places one dial per free agent and never more dials waiting for an answer than free
agents; the three first answers reach three different agents, each with the campaign pop;
every answered call is bridged (nobody is abandoned), each agent records a disposition, and
every lead ends ``done`` with an attempt answered by the agent whose tab got its pop.
"""

import asyncio
from pathlib import Path
from typing import Any

from callcenter.campaign_runtime import CampaignRuntime
from sim import SimConfig, Simulator
from tests.e2e.campaigns import (
    add_contacts,
    attempts,
    join,
    lead_state,
    progress,
    start_campaign,
    start_now,
)
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    AgentTab,
    Stack,
    agent_tab,
    daemon,
    seeded_db,
    until,
)
from tests.e2e.test_hotline_call import interactions
from tests.virtual_time import run_in_virtual_time

NUMBERS = [f"+1212555095{i}" for i in range(6)]
AGENTS = (("alice", "1001"), ("bob", "1002"), ("carol", "1003"))


def test_three_agents_on_a_progressive_campaign_get_one_dial_each_and_no_abandons(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        contacts = await add_contacts(db_url, NUMBERS)
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        try:
            for _, extension in AGENTS:
                sim.add_phone(extension, answer_after=1.0, talk_for=3600.0)
            for i, number in enumerate(NUMBERS):
                sim.add_customer(number.lstrip("+"), answer_after=4.0 + i % 3, talk_for=8.0)
            async with daemon(sim, db_url, wrap_up_seconds=30.0) as app:
                stack = Stack(app, sim, db_url)
                runtime = app.dialer
                async with (
                    agent_tab(stack, "alice") as alice,
                    agent_tab(stack, "bob") as bob,
                    agent_tab(stack, "carol") as carol,
                ):
                    tabs = {"alice": alice, "bob": bob, "carol": carol}
                    campaign_id, leads = await start_campaign(
                        stack, "progressive", contacts, actions=("schedule",)
                    )
                    for tab in tabs.values():
                        await join(tab, campaign_id)
                    most_waiting = 0
                    over: list[tuple[int, int]] = []

                    async def watch() -> None:
                        nonlocal most_waiting
                        while True:
                            waiting, free = waiting_and_free(runtime, campaign_id)
                            most_waiting = max(most_waiting, waiting)
                            if waiting > free:
                                over.append((waiting, free))
                            await asyncio.sleep(0.05)

                    watcher = asyncio.get_running_loop().create_task(watch())
                    try:
                        await start_now(stack, campaign_id)
                        # Three answers: three agents, one pop each, wrapped up at once.
                        first = await asyncio.gather(
                            *(wrap_up_next(name, tab) for name, tab in tabs.items())
                        )
                        # Three more: whoever is free again takes the next.
                        second = await asyncio.gather(
                            *(wrap_up_next(name, tab) for name, tab in tabs.items())
                        )
                        await until(lambda: not runtime.dials, within=DEADLINE)
                    finally:
                        watcher.cancel()
                    assert most_waiting == 3  # one dial per free agent, at the start
                    assert over == []  # never more dials waiting than free agents
            popped = {pop["lead_id"]: name for name, pop in [*first, *second]}
            assert sorted(popped) == sorted(leads)
            assert len({pop["call_id"] for _, pop in [*first, *second]}) == 6
            for lead_id in leads:
                assert (await lead_state(db_url, lead_id))[0] == "done"
                [attempt] = await attempts(db_url, lead_id)
                assert (attempt.outcome, attempt.agent_id) == ("human", popped[lead_id])
            for name, pop in [*first, *second]:
                [record] = await interactions(db_url, pop["call_id"])
                assert (record.agent_id, record.disposition) == (name, "resolved")
            done = await progress(db_url, campaign_id)
            assert (done.answered_live, done.abandoned, done.in_flight) == (6, 0, 0)
        finally:
            await sim.close()

    run_in_virtual_time(scenario())


def waiting_and_free(runtime: CampaignRuntime, campaign_id: int) -> tuple[int, int]:
    """Dials of the campaign not yet answered by an agent, and its free agents, now."""
    waiting = sum(
        1
        for d in runtime.dials.values()
        if d.run.campaign.campaign_id == campaign_id and not (d.claimed or d.ended)
    )
    return waiting, len(runtime.seats.free(campaign_id, runtime.clock.now()))


async def wrap_up_next(name: str, tab: AgentTab) -> tuple[str, dict[str, Any]]:
    """The agent's next campaign call: its pop, its end, and a disposition right away."""
    pop = await tab.expect("campaign_pop")
    call_id = pop["call_id"]
    await tab.expect("call_state", lambda d: d["call_id"] == call_id and d["state"] == "ended")
    wrapped = await tab.http.post(
        "/api/agent/campaign/disposition",
        json={"call_id": call_id, "disposition": "resolved", "notes": f"{name} spoke to them"},
    )
    assert wrapped.status_code == 200, wrapped.text
    return name, pop
