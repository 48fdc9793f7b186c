"""A queue's entry rules, configured in the queue file, over the simulator: a high expected
wait sends callers to another queue, closed hours play a message and hang up, nobody
signed in sends callers to voicemail, and a callback offer taken with 1 is recorded."""

import asyncio
from pathlib import Path

from acd.events import CallQueued
from tests.e2e.harness import (
    DEADLINE,
    HOTLINE,
    agent_tab,
    ready_agent,
    running_stack,
)
from tests.e2e.test_edge_cases import rows_when_settled
from tests.virtual_time import run_in_virtual_time

SUPPORT_RULES = """
sales: {{}}
support:
  entry_rules:
    - {rule}
"""


def queue_file(tmp_path: Path, rule: str) -> Path:
    path = tmp_path / "queues.yaml"
    path.write_text(SUPPORT_RULES.format(rule=rule), encoding="utf-8")
    return path


def test_a_high_expected_wait_sends_the_caller_to_the_overflow_queue(tmp_path: Path) -> None:
    """Bob and carol (support 5 and 2) are signed in, bob not ready: a support caller would
    wait 180 s ÷ 2 agents, above the rule's 60 s, so they join sales, where carol answers."""
    rule = "{when: expected_wait_above, seconds: 60, action: queue, queue: sales}"

    async def scenario() -> None:
        async with running_stack(tmp_path, queues_file=queue_file(tmp_path, rule)) as stack:
            stack.sim.add_phone("1003", answer_after=1.0, talk_for=5.0)
            queued: list[CallQueued] = []
            stack.app.bus.subscribe(CallQueued, queued.append)
            async with agent_tab(stack, "bob") as bob, ready_agent(stack, "carol") as carol:
                await bob.command("sign_in")
                call = await stack.sim.place_call("+13125550161", HOTLINE, digits=["2"])
                connected = await carol.expect("call_state", lambda d: d["state"] == "connected")
                assert connected["call_id"] == call.uniqueid
                async with asyncio.timeout(DEADLINE):
                    await call.ended.wait()
            [row] = await rows_when_settled(stack, call.uniqueid)
        assert [q.queue for q in queued] == ["sales"]
        assert (row.outcome, row.agent_id, row.queue) == ("answered", "carol", "sales")
        assert "entry rule of support: expected_wait_above -> queue" in (row.notes or "")

    run_in_virtual_time(scenario())


def test_outside_opening_hours_the_caller_hears_the_message_and_the_call_ends(
    tmp_path: Path,
) -> None:
    rule = (
        "{when: closed, action: message, prompt: cc-closed, "
        "hours: {timezone: UTC, week: {}}}"  # never open
    )

    async def scenario() -> None:
        async with running_stack(tmp_path, queues_file=queue_file(tmp_path, rule)) as stack:
            call = await stack.sim.place_call("+13125550162", HOTLINE, digits=["2"])
            async with asyncio.timeout(DEADLINE):
                await call.ended.wait()
            [row] = await rows_when_settled(stack, call.uniqueid)
            assert not stack.app.engine.waiting()
        assert row.outcome == "out_of_hours"
        assert any("cc-closed" in c for c in call.agi_commands)
        assert any(c.startswith("HANGUP") for c in call.agi_commands)

    run_in_virtual_time(scenario())


def test_with_nobody_signed_in_the_caller_leaves_a_voicemail(tmp_path: Path) -> None:
    rule = "{when: no_agent_signed_in, action: voicemail}"

    async def scenario() -> None:
        async with running_stack(tmp_path, queues_file=queue_file(tmp_path, rule)) as stack:
            call = await stack.sim.place_call("+13125550163", HOTLINE, digits=["2"])
            async with asyncio.timeout(DEADLINE):
                await call.ended.wait()
            [row] = await rows_when_settled(stack, call.uniqueid)
        assert row.outcome == "voicemail"
        assert any(c.startswith("EXEC Record") for c in call.agi_commands)

    run_in_virtual_time(scenario())


def test_a_caller_who_declines_the_callback_offer_joins_the_queue(tmp_path: Path) -> None:
    rule = "{when: no_agent_signed_in, action: callback}"

    async def scenario() -> None:
        async with running_stack(tmp_path, queues_file=queue_file(tmp_path, rule)) as stack:
            queued = asyncio.Event()
            stack.app.bus.subscribe(CallQueued, lambda _: queued.set())
            call = await stack.sim.place_call("+13125550164", HOTLINE, digits=["2", "9"])
            async with asyncio.timeout(DEADLINE):
                await queued.wait()
            assert any("cc-press-1-callback" in c for c in call.agi_commands)
            assert stack.app.engine.is_waiting(call.uniqueid)

    run_in_virtual_time(scenario())
