"""The agent page's campaign panel in Chromium against the real daemon and the simulator:
join a preview campaign, see the next lead, dial it, see the script and the contact while
talking, wrap up with a disposition — and the CRM has it.

Runs in real time (Chromium is another process) with short answer and talk times. Skipped
without /usr/bin/chromium unless CALLCENTER_REQUIRE_BROWSER=1 makes that a failure.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser import chromium_page, require_chromium
from tests.e2e.campaigns import add_contacts, start_campaign
from tests.e2e.harness import running_stack
from tests.e2e.test_hotline_call import interactions

require_chromium()

LEAD = "+12125550931"


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as page:
        yield page


async def test_an_agent_works_a_preview_lead_from_the_campaign_panel(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        [contact] = await add_contacts(stack.db_url, [LEAD])
        stack.sim.add_phone("1001", answer_after=0.2, talk_for=1.5)
        stack.sim.add_customer(LEAD.lstrip("+"), answer_after=0.3, talk_for=30.0)
        campaign_id, [lead] = await start_campaign(
            stack, "preview", [contact], script="Good morning, this is Acme care."
        )
        await page.goto(stack.base_url + "/")
        await page.fill("#username", "alice")
        await page.fill("#password", "demo")
        await page.click("#login-submit")
        await expect(page.locator("#conn")).to_have_attribute("data-status", "online")
        await page.fill("#campaign-id", str(campaign_id))
        await page.click("#btn-campaign-join")
        await expect(page.locator("#campaign-seat")).to_contain_text("preview")
        await page.click("#btn-campaign-next")
        await expect(page.locator("#campaign-lead")).to_contain_text(f"Lead {lead}")
        await expect(page.locator("#campaign-lead")).to_contain_text("Lead0 Campaign")
        await page.click("#btn-campaign-dial")
        await expect(page.locator("#campaign-script")).to_have_text(
            "Good morning, this is Acme care.", timeout=15_000
        )
        await expect(page.locator("#campaign-call-line")).to_contain_text(LEAD)
        await expect(page.locator("#campaign-wrapup-form")).to_be_visible(timeout=15_000)
        await page.fill("#campaign-disposition", "sale")
        await page.fill("#campaign-notes", "two seats")
        await page.click("#btn-campaign-wrapup")
        await expect(page.locator("#campaign-call")).to_be_hidden()
        await expect(page.locator("#campaign-message")).to_be_hidden()
        # The disposition was saved before the panel let the call go.
        assert [seat.state for seat in stack.app.dialer.seats.of(campaign_id)] == ["free"]
        [row] = await interactions(stack.db_url, f"preview-{campaign_id}-{lead}-1")
        assert (row.agent_id, row.disposition, row.notes) == ("alice", "sale", "two seats")
