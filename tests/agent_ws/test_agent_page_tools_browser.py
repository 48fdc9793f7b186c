"""The agent page's tools in a real Chromium, over the real CRM routes and a FakeDesk:
the contacts panel (search, edit under If-Match with a clear conflict, phones, history),
keyboard shortcuts, and the wrap-up's service request and follow-up.

Skipped when /usr/bin/chromium is missing, unless CALLCENTER_REQUIRE_BROWSER=1.
"""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.agents import create_agent
from tests.browser import chromium_page, require_chromium

from .conftest import LiveServer, Stack, login
from .fakes import sample_pop
from .test_agent_page_browser import log_in

require_chromium()


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as page:
        yield page


@pytest.fixture
async def crm(live: LiveServer) -> httpx.AsyncClient:
    """Another of alice's sessions, as a colleague's browser would be."""
    client = live.client()
    await login(client, "alice")
    return client


async def new_contact(crm: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await crm.post("/api/crm/contacts", json=fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_an_agent_finds_and_edits_a_contact_and_an_edit_conflict_is_explained(
    page: Page, live: LiveServer, crm: httpx.AsyncClient
) -> None:
    ada = await new_contact(
        crm,
        first_name="Ada",
        last_name="Lovelace",
        phones=[{"kind": "work", "number": "+12125550111"}],
    )
    await log_in(page, live, "alice")

    await page.keyboard.press("/")
    await expect(page.locator("#search-q")).to_be_focused()
    await page.keyboard.type("Lovelace")
    await page.keyboard.press("Enter")
    await page.click(f'#search-results button[data-contact="{ada["contact_id"]}"]')
    await expect(page.locator("#contact-title")).to_have_text("Ada Lovelace")
    await expect(page.locator("#contact-first")).to_have_value("Ada")
    await expect(page.locator('#contact-phones button[data-dial="+12125550111"]')).to_be_visible()
    await expect(page.locator("#contact-history")).to_contain_text("No calls yet")

    # a colleague saves first
    other = await crm.patch(
        f"/api/crm/contacts/{ada['contact_id']}",
        json={"organisation": "Analytical Engines"},
        headers={"If-Match": '"1"'},
    )
    assert other.status_code == 200
    await page.fill("#contact-notes", "prefers e-mail")
    await page.click("#btn-contact-save")
    await expect(page.locator("#contact-error")).to_contain_text(
        "Someone else changed this contact"
    )
    await expect(page.locator("#contact-error")).to_contain_text("now version 2")
    await page.click("#btn-contact-reload")
    await expect(page.locator("#contact-org")).to_have_value("Analytical Engines")
    await expect(page.locator("#contact-error")).to_be_hidden()
    await page.fill("#contact-notes", "prefers e-mail")
    await page.click("#btn-contact-save")
    await expect(page.locator("#btn-contact-reload")).to_be_hidden()
    await expect(page.locator("#contact-notes")).to_have_value("prefers e-mail")

    card = (await crm.get(f"/api/crm/contacts/{ada['contact_id']}")).json()
    assert (card["notes"], card["organisation"], card["version"]) == (
        "prefers e-mail",
        "Analytical Engines",
        3,
    )


async def test_keyboard_shortcuts_change_state_but_not_while_the_agent_types(
    page: Page, live: LiveServer
) -> None:
    badge = page.locator("#state-badge")
    await log_in(page, live, "alice")
    await expect(page.locator("#shortcuts")).to_contain_text("ready")
    await page.click("#btn-sign-in")
    await expect(badge).to_have_attribute("data-state", "not_ready")

    await page.keyboard.press("r")
    await expect(badge).to_have_attribute("data-state", "ready")
    await page.keyboard.press("/")
    await page.keyboard.type("nr")  # typed into the search box, not shortcuts
    await expect(page.locator("#search-q")).to_have_value("nr")
    await expect(badge).to_have_attribute("data-state", "ready")
    await page.locator("#state-badge").click()  # focus leaves the field
    await page.keyboard.press("n")
    await expect(badge).to_have_attribute("data-state", "not_ready")


async def test_wrap_up_needs_a_disposition_shows_crm_refusals_and_opens_a_request_with_follow_up(
    page: Page,
    live: LiveServer,
    stack: Stack,
    crm: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as db:  # follow-ups are for agents of the CRM
        await create_agent(db, agent_id="alice", extension="1001", endpoint="PJSIP/1001", skills={})
    ann = await new_contact(crm, first_name="Ann", last_name="Example")
    opened = await crm.post(
        "/api/crm/requests", json={"contact_id": ann["contact_id"], "subject": "Router offline"}
    )
    number = opened.json()["number"]
    candidate = {
        "contact_id": ann["contact_id"],
        "display_name": "Ann Example",
        "organisation": None,
        "tier": "none",
        "open_requests": [{"number": number, "subject": "Router offline", "status": "new"}],
        "recent_interactions": [],
    }
    await log_in(page, live, "alice")
    await page.click("#btn-sign-in")
    await page.click("#btn-ready")
    await expect(page.locator("#state-badge")).to_have_attribute("data-state", "ready")
    stack.desk.offer_call("alice", sample_pop("c-9", candidates=[candidate]))
    stack.desk.answer_call("alice")
    stack.desk.hang_up("alice")
    await expect(page.locator("#wrapup")).to_be_visible()

    await page.click("#btn-wrap-up")
    await expect(page.locator("#wrapup-error")).to_contain_text("Choose a disposition")
    await page.select_option("#disposition", "resolved")
    await page.select_option("#request-action", f"update:{number}")
    await page.select_option("#request-status", "resolved")
    await page.click("#btn-wrap-up")  # a new request cannot jump to resolved
    await expect(page.locator("#wrapup-error")).to_contain_text(f"Request #{number}")
    assert stack.desk.wrap_ups == []

    await page.select_option("#request-action", "new")
    await page.fill("#request-subject", "Send a replacement router")
    await page.fill("#follow-up-at", "2030-01-02T10:00")
    await page.fill("#follow-up-subject", "Check the new router works")
    await page.click("#btn-wrap-up")
    await expect(page.locator("#state-badge")).to_have_attribute("data-state", "ready")
    await expect(page.locator("#message")).to_contain_text("Opened request #")
    assert [(w.call_id, w.disposition) for w in stack.desk.wrap_ups] == [("c-9", "resolved")]

    card = (await crm.get(f"/api/crm/contacts/{ann['contact_id']}")).json()
    subjects = {r["subject"] for r in card["open_requests"]}
    assert subjects == {"Router offline", "Send a replacement router"}
    due = (
        await crm.get("/api/crm/follow-ups/due", params={"until": "2031-01-01T00:00:00Z"})
    ).json()
    assert [item["task"]["subject"] for item in due["items"]] == ["Check the new router works"]
