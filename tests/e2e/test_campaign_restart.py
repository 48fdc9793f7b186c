"""The daemon stops while a progressive campaign's dials ring, and starts again.

Alice and bob are nailed up; two dials ring when the daemon stops. One customer answers
while no daemon runs (the dialplan's safe harbour ends that call); the other answers after
the restart. The new daemon reconciles
with the simulator's channel list: it hangs up the agents' nailed lines from before (they
join again), closes the dial whose channel is gone as ``no_answer`` ("daemon restart") so the
retry rules dial that lead again two hours later, and adopts the ringing one, which is
bridged to an agent when answered. Every decision is in the event log with its reason; no
attempt stays open, no lead stays ``dialing`` and no number is ever rung twice at once.
"""

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.acd_log import LoggedEvent, read_events
from crm_core.campaign_attempts import AttemptRecord
from crm_core.db import make_engine, make_sessionmaker
from crm_core.models import CampaignAttempt, CampaignLead
from sim import SimConfig, Simulator
from tests.e2e.campaigns import (
    _read,
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
from tests.virtual_time import run_in_virtual_time

LATE, EARLY = "+12125550931", "+12125550932"
NUMBERS = (LATE, EARLY)


def test_dials_in_flight_at_a_restart_are_adopted_or_closed_and_dialed_again(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        contacts = await add_contacts(db_url, list(NUMBERS))
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        most_at_once: Counter[str] = Counter()

        async def watch_numbers() -> None:
            while True:
                for number in NUMBERS:
                    calls = sim.customer_calls(number.lstrip("+"))
                    live = sum(1 for c in calls if c.ringing or c.in_call)
                    most_at_once[number] = max(most_at_once[number], live)
                await asyncio.sleep(0.1)

        watcher = asyncio.get_running_loop().create_task(watch_numbers())
        try:
            sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            sim.add_phone("1002", answer_after=1.0, talk_for=3600.0)
            # Late answers after the restart; early answers while no daemon runs, so the
            # dialplan's safe harbour ends it before anyone can see it.
            sim.add_customer(LATE.lstrip("+"), answer_after=25.0, talk_for=10.0)
            sim.add_customer(EARLY.lstrip("+"), answer_after=2.0, talk_for=10.0)
            async with daemon(sim, db_url, wrap_up_seconds=2.0) as first:
                stack = Stack(first, sim, db_url)
                async with agent_tab(stack, "alice") as alice, agent_tab(stack, "bob") as bob:
                    campaign_id, leads = await start_campaign(
                        stack, "progressive", contacts, actions=("schedule",)
                    )
                    for tab in (alice, bob):
                        await join(tab, campaign_id)
                    await start_now(stack, campaign_id)
                    await until(lambda: len(first.dialer.dials) == 2, within=DEADLINE)
            late_lead, early_lead = leads
            assert [(await lead_state(db_url, lead))[0] for lead in leads] == ["dialing"] * 2
            [early_call] = sim.customer_calls(EARLY.lstrip("+"))
            await until(lambda: early_call.answered == 1 and not early_call.in_call, within=30)
            assert sim.customer_calls(LATE.lstrip("+"))[0].ringing

            async with daemon(sim, db_url, wrap_up_seconds=2.0) as second:
                stack = Stack(second, sim, db_url)
                runtime = second.dialer
                await until(lambda: runtime.ready.is_set(), within=DEADLINE)
                # Early's attempt is closed and its lead waits for its retry; late is
                # adopted, still ringing.
                assert [a.outcome for a in await attempts(db_url, early_lead)] == ["no_answer"]
                assert (await lead_state(db_url, early_lead))[0] == "pending"
                [adopted] = runtime.dials.values()
                assert adopted.lead.lead_id == late_lead
                assert adopted.adopted is not None and adopted.adopted.seen == "ringing"
                async with agent_tab(stack, "alice") as alice, agent_tab(stack, "bob") as bob:
                    for tab in (alice, bob):
                        await join(tab, campaign_id)
                    # Late answers and reaches an agent, with the campaign pop.
                    pop = await first_pop(alice, bob)
                    assert (pop["lead_id"], pop["number"]) == (late_lead, LATE)
                    # Early is back in line for when the retry rule for "no_answer" says
                    # (2 hours on; the delays are dialer.retries' own tests'); the test
                    # brings that time forward rather than pace 7,200 idle seconds.
                    [closed] = await attempts(db_url, early_lead)
                    assert closed.ended_at is not None
                    due = await next_attempt_at(db_url, early_lead)
                    assert due == closed.ended_at + timedelta(hours=2)
                    await bring_forward(db_url, closed)
                    await until(
                        lambda: len(sim.customer_calls(EARLY.lstrip("+"))) == 2, within=DEADLINE
                    )
                    await until(lambda: not runtime.dials, within=DEADLINE)

            late = await attempts(db_url, late_lead)
            assert [(a.outcome, a.agent_id is not None) for a in late] == [("human", True)]
            early = await attempts(db_url, early_lead)
            assert [a.outcome for a in early] == ["no_answer", "human"]
            done = await progress(db_url, campaign_id)
            assert done.in_flight == 0
            assert done.leads_by_state["dialing"] == 0
            assert (done.answered_live, done.abandoned) == (2, 0)
            assert max(most_at_once.values()) == 1  # no number rung twice at once
            events = await _read(db_url, lambda s: read_events(s, limit=10_000))
            decisions = {(e.payload["lead_id"], e.payload["decision"], e.payload["state"])
                         for e in of_type(events, "DialReconciled")}  # fmt: skip
            assert decisions == {
                (late_lead, "adopted", "ringing"),
                (early_lead, "closed", "no_answer"),
            }
            released = of_type(events, "NailedLineReleased")
            assert {e.payload["agent_id"] for e in released} == {"alice", "bob"}
            for event in [*released, *of_type(events, "DialReconciled")]:
                assert "daemon restart" in event.payload["reason"]
        finally:
            watcher.cancel()
            await sim.close()

    run_in_virtual_time(scenario())


async def first_pop(*tabs: AgentTab) -> dict[str, Any]:
    """The first ``campaign_pop`` any of the tabs gets."""
    waits = [asyncio.ensure_future(tab.expect("campaign_pop")) for tab in tabs]
    done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return next(iter(done)).result()


async def next_attempt_at(db_url: str, lead_id: int) -> datetime | None:
    async def read(session: AsyncSession) -> datetime | None:
        lead = await session.get(CampaignLead, lead_id)
        assert lead is not None
        return lead.next_attempt_at

    return await _read(db_url, read)


async def bring_forward(db_url: str, attempt: AttemptRecord) -> None:
    """Move the attempt's end (and so the lead's next attempt) 2 hours back, as if the retry
    delay had passed: the gate reads the delay from the attempt, the draw from the lead."""
    assert attempt.ended_at is not None
    earlier = attempt.ended_at - timedelta(hours=2, minutes=1)
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            await session.execute(
                update(CampaignAttempt)
                .where(CampaignAttempt.id == attempt.attempt_id)
                .values(ended_at=earlier, started_at=earlier)
            )
            await session.execute(
                update(CampaignLead)
                .where(CampaignLead.id == attempt.lead_id)
                .values(next_attempt_at=earlier + timedelta(hours=2))
            )
    finally:
        await engine.dispose()


def of_type(events: list[LoggedEvent], type_: str) -> list[LoggedEvent]:
    return [e for e in events if e.type == type_]


TALKING = "+12125550934"


def test_a_call_bridged_to_an_agent_at_a_restart_goes_on_and_ends_with_its_agent(
    tmp_path: Path,
) -> None:
    """Alice talks to a customer when the daemon stops. The call goes on (the PBX holds the
    bridge); the new daemon adopts it as bridged to alice, records the attempt ``human``
    with alice when the customer hangs up, and then hangs up alice's line from before."""

    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        [contact] = await add_contacts(db_url, [TALKING])
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        try:
            alice_phone = sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            sim.add_customer(TALKING.lstrip("+"), answer_after=3.0, talk_for=40.0)
            async with daemon(sim, db_url) as first:
                stack = Stack(first, sim, db_url)
                async with agent_tab(stack, "alice") as alice:
                    campaign_id, [lead] = await start_campaign(
                        stack, "predictive", [contact], actions=("schedule",)
                    )
                    await join(alice, campaign_id)
                    await start_now(stack, campaign_id)
                    pop = await alice.expect("campaign_pop")
            [customer] = sim.customer_calls(TALKING.lstrip("+"))
            assert customer.in_call and alice_phone.in_call
            async with daemon(sim, db_url) as second:
                runtime = second.dialer
                await until(lambda: runtime.ready.is_set(), within=DEADLINE)
                [adopted] = runtime.dials.values()
                assert adopted.call_id == pop["call_id"]
                assert adopted.adopted is not None
                assert (adopted.adopted.seen, adopted.adopted.agent_id) == ("bridged", "alice")
                assert customer.in_call  # the restart did not cut the conversation
                await until(lambda: not runtime.dials, within=DEADLINE)
                await until(lambda: not alice_phone.in_call, within=DEADLINE)
            [attempt] = await attempts(db_url, lead)
            assert (attempt.outcome, attempt.agent_id, attempt.abandoned) == (
                "human",
                "alice",
                False,
            )
            assert customer.answered == 1 and customer.heard == []
            events = await _read(db_url, lambda s: read_events(s, limit=10_000))
            [decision] = of_type(events, "DialReconciled")
            assert (decision.payload["decision"], decision.payload["state"]) == (
                "adopted",
                "bridged",
            )
            assert of_type(events, "NailedLineReleased") == []  # the line carried the call
        finally:
            await sim.close()

    run_in_virtual_time(scenario())


OUTAGE = 8.0
ANSWERS_LATER, NEVER_ANSWERS = "+12125550935", "+12125550936"


def test_dials_ringing_through_an_ami_outage_are_followed_not_written_off(
    tmp_path: Path,
) -> None:
    """The AMI link drops while two dials ring (their OriginateResponse will go to a link
    that is gone). Neither is written off as failed, which would take the number for dead:
    the one answered after the link is back is bridged to an agent by the FastAGI step,
    the one that rings out is recorded ``no_answer`` and its lead stays in line."""

    async def scenario() -> None:
        db_url = await seeded_db(tmp_path)
        contacts = await add_contacts(db_url, [ANSWERS_LATER, NEVER_ANSWERS])
        sim = Simulator(SimConfig(hotlines={HOTLINE: "inbound"}))
        await sim.start()
        try:
            sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            sim.add_phone("1002", answer_after=1.0, talk_for=3600.0)
            sim.add_customer(ANSWERS_LATER.lstrip("+"), answer_after=15.0, talk_for=5.0)
            sim.add_customer(NEVER_ANSWERS.lstrip("+"), answers=False)
            async with daemon(sim, db_url) as app:
                stack = Stack(app, sim, db_url)
                runtime = app.dialer
                async with agent_tab(stack, "alice") as alice, agent_tab(stack, "bob") as bob:
                    campaign_id, [answers, rings_out] = await start_campaign(
                        stack, "progressive", contacts, actions=("schedule",)
                    )
                    for tab in (alice, bob):
                        await join(tab, campaign_id)
                    await start_now(stack, campaign_id)
                    await until(lambda: len(runtime.dials) == 2, within=DEADLINE)
                    sim.ami_outage(OUTAGE)
                    pop = await first_pop(alice, bob)
                    assert pop["lead_id"] == answers
                    await until(lambda: not runtime.dials, within=DEADLINE)
            [answered] = await attempts(db_url, answers)
            assert answered.outcome == "human"
            assert answered.agent_id in {"alice", "bob"}
            [rang_out] = await attempts(db_url, rings_out)
            assert rang_out.outcome == "no_answer"
            assert (await lead_state(db_url, rings_out))[0] == "pending"
            [call] = sim.customer_calls(ANSWERS_LATER.lstrip("+"))
            assert call.heard == []
        finally:
            await sim.close()

    run_in_virtual_time(scenario())
