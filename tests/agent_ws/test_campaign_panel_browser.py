"""The team lead's campaign panel in a real Chromium, over the real CRM routes: a supervisor
creates a campaign, sees its pre-flight (leads the dialer will skip, by rule) and the live
monitor, and schedules, starts and pauses it.

Skipped when /usr/bin/chromium is missing, unless CALLCENTER_REQUIRE_BROWSER=1.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_ws.app import create_app
from crm_core.routing import create_queue
from tests.browser import chromium_page, require_chromium

from .conftest import USERS, LiveServer, Stack, login

require_chromium()


class QuietFloor:
    """The wallboard's floor with nobody on it; the panel under test needs nothing else."""

    def floor(self) -> dict[str, object]:
        return {"agents": [], "queues": [], "waiting": [], "at": 0.0}

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the campaign panel should not use the supervisor desk's {name}")


@pytest.fixture
async def lead_live(
    stack: Stack,
    sessionmaker: async_sessionmaker[AsyncSession],
    live_servers: Callable[[FastAPI], Awaitable[LiveServer]],
) -> LiveServer:
    """The stack's app again, with the team lead's routes the wallboard loads."""
    app = create_app(
        sessionmaker=sessionmaker,
        desk=stack.desk,
        hub=stack.hub,
        clock=stack.clock,
        sessions=stack.sessions,
        supervision=QuietFloor(),  # type: ignore[arg-type]
    )
    return await live_servers(app)


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as page:
        yield page


async def log_in_as_sue(
    page: Page, live: LiveServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """The queue "sales" exists; sue, a supervisor, is on the team lead's page."""
    async with sessionmaker.begin() as session:
        await create_queue(session, name="sales", required_skill="sales")
    await page.goto(live.base + "/login")
    await page.fill("#username", "sue")
    await page.fill("#password", USERS["sue"][2])
    await page.click("#login-submit")
    await expect(page).to_have_url(live.base + "/supervisor")


async def test_a_supervisor_creates_a_campaign_sees_its_preflight_and_starts_and_pauses_it(
    page: Page, lead_live: LiveServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    live = lead_live
    await log_in_as_sue(page, live, sessionmaker)
    await expect(page.locator("#campaign-list")).to_contain_text("No campaigns yet")

    await page.fill("#cf-name", "<b>Gold</b> renewals")
    await page.select_option("#cf-mode", "predictive")
    await page.fill("#cf-queue", "sales")
    await page.fill("#cf-caller", "+18005551234")
    await page.fill("#cf-zone", "America/New_York")
    await page.click("#btn-campaign-save")
    await expect(page.locator("#campaign-state")).to_have_text("draft")
    # CRM text is text: the markup in the name is shown, not interpreted.
    await expect(page.locator("#campaign-title")).to_have_text("<b>Gold</b> renewals")
    campaign_id = await page.locator("#campaign-list button[data-campaign]").get_attribute(
        "data-campaign"
    )

    # Leads arrive (a colleague's session): one fine, one whose number is then listed.
    client: httpx.AsyncClient = live.client()
    await login(client, "sue")
    ids = []
    for n in range(2):
        contact = await client.post(
            "/api/crm/contacts",
            json={"first_name": f"Lead{n}", "phones": [{"number": f"+1212555010{n}"}]},
        )
        ids.append(contact.json()["contact_id"])
    gold = await client.post(
        f"/api/crm/campaigns/{campaign_id}/lists", json={"name": "<i>Gold</i>", "quota": 50}
    )
    added = await client.post(
        f"/api/crm/campaigns/{campaign_id}/leads",
        json={"contact_ids": ids, "list_id": gold.json()["list_id"]},
    )
    assert added.json()["added"] == 2
    dnc = {"number": "+12125550101", "source": "customer"}
    assert (await client.post("/api/crm/do-not-call", json=dnc)).status_code == 200

    await page.click(f'#campaign-list button[data-campaign="{campaign_id}"]')
    await expect(page.locator("#campaign-preflight-total")).to_have_text(
        "2 pending leads: 1 to dial, 1 will be skipped"
    )
    await expect(
        page.locator('#campaign-preflight li[data-rule="internal do-not-call"]')
    ).to_have_text("internal do-not-call: 1")
    # name, priority, quota, dials, yield, leads due
    await expect(page.locator("#campaign-lists tbody td")).to_have_text(
        ["<i>Gold</i>", "1", "50", "0", "—", "2"]
    )
    await expect(page.locator("#mon-abandon-30")).to_have_text("0.0% (0 of 0)")
    href = await page.locator("#campaign-export").get_attribute("href")
    assert href == f"/api/crm/campaigns/{campaign_id}/export.csv"

    await page.click('#campaign-actions button[data-action="schedule"]')
    await expect(page.locator("#campaign-state")).to_have_text("scheduled")
    await page.click('#campaign-actions button[data-action="start"]')
    await expect(page.locator("#campaign-state")).to_have_text("running")
    await page.click('#campaign-actions button[data-action="pause"]')
    await expect(page.locator("#campaign-state")).to_have_text("paused")
    await expect(page.locator('#campaign-actions button[data-action="resume"]')).to_be_visible()
    await expect(page.locator("#campaign-list")).to_contain_text("paused")

    stored = (await client.get(f"/api/crm/campaigns/{campaign_id}")).json()
    assert (stored["status"], stored["mode"], stored["queue"]) == ("paused", "predictive", "sales")


async def test_a_supervisor_sets_retry_rules_and_suppression_periods_in_the_form(
    page: Page, lead_live: LiveServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    live = lead_live
    await log_in_as_sue(page, live, sessionmaker)

    await page.fill("#cf-name", "Renewals")
    await page.fill("#cf-queue", "sales")
    await page.fill("#cf-caller", "+18005551234")
    await page.fill("#cf-zone", "America/New_York")
    await page.fill("#cf-retry-busy-delay", "2.5")  # minutes
    await page.fill("#cf-retry-machine-max", "1")
    await page.fill("#cf-purchased-days", "60")
    await page.click("#btn-campaign-save")
    await expect(page.locator("#campaign-state")).to_have_text("draft")
    campaign_id = await page.locator("#campaign-list button[data-campaign]").get_attribute(
        "data-campaign"
    )
    # A draft edited: the no-answer delay changes, the rest stays.
    await page.fill("#cf-retry-no_answer-delay", "45")
    await page.click("#btn-campaign-save")
    await expect(page.locator("#campaign-message")).to_have_text("Campaign saved.")

    client: httpx.AsyncClient = live.client()
    await login(client, "sue")
    stored = (await client.get(f"/api/crm/campaigns/{campaign_id}")).json()
    assert stored["retries"] == {
        "busy": {"delay_seconds": 150, "max_attempts": 3},
        "no_answer": {"delay_seconds": 2700, "max_attempts": 3},
        "machine": {"delay_seconds": 14400, "max_attempts": 1},
        "failed": {"delay_seconds": 60, "max_attempts": 2},
    }
    assert (stored["contacted_within_days"], stored["purchased_within_days"]) == (7, 60)

    # Opened again, the form shows what is stored.
    await page.click("#btn-campaign-new")
    await expect(page.locator("#cf-retry-busy-delay")).to_have_value("10")
    await page.click(f'#campaign-list button[data-campaign="{campaign_id}"]')
    await expect(page.locator("#cf-retry-busy-delay")).to_have_value("2.5")
    await expect(page.locator("#cf-purchased-days")).to_have_value("60")
