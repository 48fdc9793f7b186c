"""The AMI link is cut during live calls; calls end and start while it is down. When it
comes back, the daemon's view equals the simulator's within 5 s of loop time: no ghost
calls, no agent stuck on a call that is gone."""

import asyncio
from pathlib import Path

from acd.events import CallQueued
from acd.states import AgentState
from cti.ids import AgentId
from tests.e2e.harness import DEADLINE, HOTLINE, ready_agent, running_stack, until
from tests.e2e.test_edge_cases import rows_when_settled
from tests.virtual_time import run_in_virtual_time

OUTAGE = 20.0


def test_after_a_link_loss_the_daemon_view_equals_the_simulator_view(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_stack(tmp_path) as stack:
            app, sim = stack.app, stack.sim
            queued = asyncio.Event()
            app.bus.subscribe(CallQueued, lambda _: queued.set())
            sim.add_phone("1001", answer_after=1.0, talk_for=3600.0)
            async with ready_agent(stack, "alice") as alice:
                talking = await sim.place_call("+12125550100", HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "connected")
                waiting = await sim.place_call("+12125550111", HOTLINE, digits=["2"])
                await until(lambda: app.engine.is_waiting(waiting.uniqueid), within=DEADLINE)
                connects = app.pbx.connects

                sim.ami_outage(OUTAGE)
                await asyncio.sleep(1)
                assert not app.pbx.connected.is_set()
                talking.hang_up()  # the conversation ends while the daemon cannot see
                waiting.hang_up()  # a caller gives up in the queue
                started = await sim.place_call("+13125550133", HOTLINE, digits=[])

                await until(
                    lambda: app.pbx.connects > connects and app.pbx.connected.is_set(),
                    within=OUTAGE + DEADLINE,
                )
                # Within 5 s of loop time after the link is back, as the issue asks.
                await until(
                    lambda: (
                        set(app.pbx.tracker.channels) == sim.live_uniqueids()
                        and app.engine.agent(AgentId("alice")).state is not AgentState.ON_CALL
                    ),
                    within=5.0,
                )
                assert started.uniqueid in app.pbx.tracker.channels  # adopted
                assert talking.uniqueid not in app.pbx.tracker.channels  # no ghost
                assert app.engine.waiting() == [] or all(
                    w.request.call_id == started.uniqueid for w in app.engine.waiting()
                )
                started.hang_up()

            # Calls that ended unseen are recorded for what they were, marked as learned
            # from the resync; the call seen end to end is not marked.
            [talked] = await rows_when_settled(stack, talking.uniqueid)
            [gave_up] = await rows_when_settled(stack, waiting.uniqueid)
            [seen] = await rows_when_settled(stack, started.uniqueid)
            assert (talked.outcome, talked.agent_id, talked.ended_during_link_loss) == (
                "answered",
                "alice",
                True,
            )
            assert (gave_up.outcome, gave_up.ended_during_link_loss) == ("abandoned_queue", True)
            assert seen.ended_during_link_loss is False

    run_in_virtual_time(scenario())
