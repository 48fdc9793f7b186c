"""A person's view of the walking skeleton: the real agent page in Chromium, the real daemon,
the simulated PBX. Log in, sign in, go ready, see the caller's record pop while the phone
rings, work the call, wrap up — and the CRM has the disposition.

Runs in real time (Chromium is another process, so the loop's clock cannot be virtual) with
short simulated prompts and talk times. Skipped without /usr/bin/chromium unless
CALLCENTER_REQUIRE_BROWSER=1 makes that a failure.
"""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser import chromium_page, require_chromium
from tests.e2e.harness import HOTLINE, running_stack
from tests.e2e.test_hotline_call import GRACE, interactions

require_chromium()


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as page:
        yield page


async def test_agent_sees_the_callers_record_while_the_phone_rings_and_wraps_up(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        phone = stack.sim.add_phone("1001", hold_ringing=True, talk_for=1.0)
        await page.goto(stack.base_url + "/")
        await page.fill("#username", "alice")
        await page.fill("#password", "demo")
        await page.click("#login-submit")
        await expect(page.locator("#conn")).to_have_attribute("data-status", "online")
        await page.click("#btn-sign-in")
        await expect(page.locator("#state-badge")).to_have_attribute("data-state", "not_ready")
        await page.click("#btn-ready")
        await expect(page.locator("#state-badge")).to_have_attribute("data-state", "ready")

        call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
        await expect(page.locator("#pop-caller")).to_have_text("Grace Hopper", timeout=15_000)
        await expect(page.locator("#pop-tier")).to_contain_text("Platinum", ignore_case=True)
        await expect(page.locator("#pop-requests")).to_contain_text("wrong tax id")
        await expect(page.locator("#pop-ivr")).to_contain_text("main:2")
        assert phone.answered == 0  # the record is on screen before anyone picked up

        await phone.wait_ringing()
        phone.release()
        await expect(page.locator("#state-badge")).to_have_attribute(
            "data-state", "wrap_up", timeout=15_000
        )
        # The codes come from the CRM: one the seed added, not in the page's HTML, is offered.
        await expect(page.locator('#disposition option[value="information-given"]')).to_have_count(
            1
        )
        await page.select_option("#disposition", "resolved")
        await page.fill("#notes", "corrected the tax id")
        await page.click("#btn-wrap-up")
        await expect(page.locator("#state-badge")).to_have_attribute("data-state", "ready")

        [row] = await interactions(stack.db_url, call.uniqueid)
        assert row.agent_id == "alice" and row.outcome == "answered"
        assert row.disposition and row.notes == "corrected the tax id"


async def test_team_lead_lands_on_the_wallboard_and_forces_an_agent_ready(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        await page.goto(stack.base_url + "/")
        await page.fill("#username", "lead")
        await page.fill("#password", "demo")
        await page.click("#login-submit")
        await expect(page).to_have_url(stack.base_url + "/supervisor")
        bob = page.locator('#agents tr[data-agent="bob"]')
        await expect(bob.locator("[data-state]")).to_have_attribute("data-state", "signed_out")
        await bob.locator('button[data-force="ready"]').click()
        await expect(bob.locator("[data-state]")).to_have_attribute("data-state", "ready")

        await stack.sim.place_call("+12125550100", HOTLINE, digits=["1"])  # sales: nobody ready
        sales = page.locator('#queues tr[data-queue="sales"] td.waiting')
        await expect(sales).to_have_text("1", timeout=15_000)


async def test_agent_holds_resumes_and_hangs_up_from_the_page(page: Page, tmp_path: Path) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        stack.sim.add_phone("1001", answer_after=0.5, talk_for=600.0)
        await page.goto(stack.base_url + "/")
        await page.fill("#username", "alice")
        await page.fill("#password", "demo")
        await page.click("#login-submit")
        await expect(page.locator("#conn")).to_have_attribute("data-status", "online")
        await page.click("#btn-sign-in")
        await page.click("#btn-ready")
        await expect(page.locator("#state-badge")).to_have_attribute("data-state", "ready")

        call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
        line = page.locator("#call-line")
        await expect(line).to_have_attribute("data-state", "connected", timeout=15_000)
        await expect(page.locator("#btn-resume")).to_be_hidden()
        await page.click("#btn-hold")
        await expect(line).to_have_attribute("data-state", "held")
        await expect(line).to_contain_text("On hold")
        await page.click("#btn-resume")
        await expect(line).to_have_attribute("data-state", "connected")
        await expect(page.locator("#btn-hold")).to_be_visible()
        await page.click("#btn-hang-up")
        await expect(page.locator("#state-badge")).to_have_attribute(
            "data-state", "wrap_up", timeout=15_000
        )
        async with asyncio.timeout(15):
            await call.ended.wait()  # the caller's line was hung up, not just the page


async def test_a_transfer_without_a_target_is_explained_on_the_page(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        stack.sim.add_phone("1001", answer_after=0.5, talk_for=600.0)
        await page.goto(stack.base_url + "/")
        await page.fill("#username", "alice")
        await page.fill("#password", "demo")
        await page.click("#login-submit")
        await expect(page.locator("#conn")).to_have_attribute("data-status", "online")
        await page.click("#btn-sign-in")
        await page.click("#btn-ready")
        await expect(page.locator("#state-badge")).to_have_attribute("data-state", "ready")
        await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
        await expect(page.locator("#call-line")).to_have_attribute(
            "data-state", "connected", timeout=15_000
        )
        await page.click("#btn-transfer")
        await expect(page.locator("#message")).to_contain_text("or type a number to transfer to")
        await page.fill("#transfer-to", "nosuchqueue")
        await page.click("#btn-transfer")
        await expect(page.locator("#message")).to_contain_text("no queue named")


async def test_the_api_reference_page_lists_the_operations_without_logging_in(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        await page.goto(stack.base_url + "/docs")
        operations = page.locator("#operations")
        await expect(operations).to_contain_text("/api/agent/call/hold")
        await expect(operations).to_contain_text("/api/crm/contacts")
        await expect(page.locator("#docs-error")).to_be_hidden()


async def test_a_team_lead_moves_a_waiting_call_and_raises_its_priority_from_the_wallboard(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        await page.goto(stack.base_url + "/")
        await page.fill("#username", "lead")
        await page.fill("#password", "demo")
        await page.click("#login-submit")
        await expect(page).to_have_url(stack.base_url + "/supervisor")
        call = await stack.sim.place_call("+13125550156", HOTLINE, digits=["2"])  # support
        row = page.locator(f'#waiting tr[data-call="{call.uniqueid}"]')
        await expect(row).to_contain_text("support", timeout=15_000)
        await row.locator('button[data-action="priority"]').click()
        await expect(row.locator("td.priority")).to_have_text("10")
        await row.locator('select[data-action="move"]').select_option("sales")
        await expect(row).to_contain_text("sales")
        [waiting] = stack.app.engine.waiting()
        assert (waiting.request.queue, waiting.request.priority) == ("sales", 10)
