"""The team lead's wallboard in Chromium against the real daemon and simulator: barging
into a call from the agent grid (the simulator sees the lead's phone run ChanSpy with
``qB``, and the audit row is in the database and on the page), and the small chart of the
last hours' volume and service level drawing the intervals that had calls.

Real time, like the other browser tests; skipped without Chromium unless
CALLCENTER_REQUIRE_BROWSER=1.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from crm_core.audit import AuditFilter, audit_page
from tests.browser import chromium_page, require_chromium
from tests.e2e.harness import DEADLINE, HOTLINE, Stack, ready_agent, running_stack, until

require_chromium()

SLOW = 20_000


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as page:
        yield page


async def log_in_as_lead(page: Page, stack: Stack) -> None:
    await page.goto(stack.base_url + "/")
    await page.fill("#username", "lead")
    await page.fill("#password", "demo")
    await page.click("#login-submit")
    await expect(page).to_have_url(stack.base_url + "/supervisor")
    await expect(page.locator("#conn")).to_have_attribute("data-status", "online")


async def test_a_team_lead_barges_from_the_wallboard_and_the_audit_row_is_kept(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        stack.sim.add_phone("1001", answer_after=0.3, talk_for=600.0)
        lead_phone = stack.sim.add_phone("1100", answer_after=0.3, talk_for=600.0)
        async with ready_agent(stack, "alice") as alice:
            await stack.sim.place_call("+13125550161", HOTLINE, digits=["2"])
            connected = await alice.expect("call_state", lambda d: d["state"] == "connected")
            await log_in_as_lead(page, stack)
            await page.fill("#my-phone", "1100")
            row = page.locator('#agents tr[data-agent="alice"]')
            await row.locator('button[data-supervise="barge"]').click()
            await expect(page.locator("#message")).to_contain_text("barge on alice", timeout=SLOW)

            await until(lambda: lead_phone.running is not None, within=DEADLINE)
            app, data = lead_phone.running or ("", "")
            assert (app, data.rpartition(",")[2]) == ("ChanSpy", "qB")
            assert data.startswith("PJSIP/1001-")

            async with stack.app.sessions() as db:
                rows = (await audit_page(db, AuditFilter(action="barge"))).entries
            assert [(r.actor, r.agent_id, r.call_id) for r in rows] == [
                ("lead", "alice", connected["call_id"])
            ]
            assert rows[0].details["phone"] == "1100"
            shown = page.locator('#audit tr[data-action="barge"]')
            await expect(shown).to_have_count(1, timeout=SLOW)
            await expect(shown).to_contain_text("alice")
            stack.sim.phone("1001").hang_up()


async def test_the_chart_draws_the_intervals_that_had_calls(page: Page, tmp_path: Path) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        stack.sim.add_phone("1001", answer_after=0.3, talk_for=1.0)
        async with ready_agent(stack, "alice") as alice:
            await stack.sim.place_call("+13125550162", HOTLINE, digits=["2"])
            await alice.expect("call_state", lambda d: d["state"] == "ended")
        await stack.app.bus.drained()
        await stack.app.event_log.flush()

        await log_in_as_lead(page, stack)
        bars = page.locator("#sl-chart g.interval")
        await expect(bars).to_have_count(1, timeout=SLOW)
        assert await bars.get_attribute("data-offered") == "1"
        assert await bars.get_attribute("data-answered") == "1"
        assert await bars.get_attribute("data-abandoned") == "0"
        await expect(page.locator("#sl-chart circle.sl-point")).to_have_count(1)
        await expect(page.locator("#chart-status")).to_contain_text("Updated")
