"""The /agent page in a real Chromium: login, state buttons, screen pop, wrap-up, reconnect.

Skipped when /usr/bin/chromium is missing, unless CALLCENTER_REQUIRE_BROWSER=1 makes that
a failure (``apt-get install chromium``; Playwright cannot download its own browser here).
"""

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page, expect

from tests.browser import chromium_page, require_chromium

from .conftest import USERS, LiveServer, Stack
from .fakes import sample_pop

require_chromium()


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as page:
        yield page


async def log_in(page: Page, live: LiveServer, username: str) -> None:
    await page.goto(live.base + "/")
    await expect(page).to_have_url(live.base + "/login")
    await page.fill("#username", username)
    await page.fill("#password", USERS[username][2])
    await page.click("#login-submit")
    await expect(page).to_have_url(live.base + "/agent")
    await expect(page.locator("#conn")).to_have_attribute("data-status", "online")


async def test_an_agent_works_a_call_from_login_to_wrap_up(
    page: Page, live: LiveServer, stack: Stack
) -> None:
    badge = page.locator("#state-badge")
    await log_in(page, live, "alice")
    await expect(page.locator("#who")).to_contain_text("Alice Example")
    await expect(badge).to_have_text("signed out")

    await page.click("#btn-sign-in")
    await expect(badge).to_have_text("not ready")
    await page.select_option("#reason", "Lunch")
    await page.click("#btn-not-ready")
    await expect(page.locator("#state-reason")).to_have_text("Lunch")
    await page.click("#btn-ready")
    await expect(badge).to_have_text("ready")
    await expect(page.locator("#btn-ready")).to_be_disabled()

    second = {
        "contact_id": 8,
        "display_name": "Andy Other",
        "organisation": "Other plc",
        "tier": "silver",
        "open_requests": [],
        "recent_interactions": [],
    }
    pop = sample_pop("c-42")
    pop["candidates"] = [*pop["candidates"], second]  # type: ignore[misc]
    stack.desk.offer_call("alice", pop)
    await expect(page.locator("#pop")).to_be_visible()
    await expect(page.locator("#pop-caller")).to_have_text("Ann Example")
    await expect(page.locator("#pop-tier")).to_have_text("gold")
    await expect(page.locator("#pop-org")).to_have_text("Example Ltd")
    await expect(page.locator("#pop-requests")).to_contain_text("SR-1001")
    await expect(page.locator("#pop-interactions")).to_contain_text("resolved")
    await expect(page.locator("#pop-ivr")).to_have_text("main › support")
    await expect(page.locator("#call-line")).to_contain_text("Ringing")
    await expect(page.locator("#pop-candidates li")).to_have_count(2)
    await page.click("#pop-candidates li:nth-child(2) button")
    await expect(page.locator("#pop-caller")).to_have_text("Andy Other")

    stack.desk.answer_call("alice")
    await expect(page.locator("#call-line")).to_contain_text("Connected")
    stack.desk.hang_up("alice")
    await expect(page.locator("#wrapup")).to_be_visible()
    await page.select_option("#disposition", "follow-up")
    await page.fill("#notes", "call back tomorrow")
    await page.click("#btn-wrap-up")
    await expect(badge).to_have_text("ready")
    await expect(page.locator("#pop")).to_be_hidden()
    await expect(page.locator("#wrapup")).to_be_hidden()
    assert [(w.call_id, w.disposition, w.notes) for w in stack.desk.wrap_ups] == [
        ("c-42", "follow-up", "call back tomorrow")
    ]

    stack.desk.offer_call("alice", sample_pop("c-43", withheld=True, ani="", candidates=[]))
    await expect(page.locator("#pop-caller")).to_have_text("Withheld number")


async def test_the_page_reconnects_and_catches_up_on_what_it_missed(
    page: Page, live: LiveServer, stack: Stack
) -> None:
    await log_in(page, live, "alice")
    await page.click("#btn-sign-in")
    await expect(page.locator("#state-badge")).to_have_text("not ready")

    stack.hub.close_all()  # e.g. a gateway restart: every socket is dropped
    await stack.desk.go_ready("alice")  # happens while the page is away

    await expect(page.locator("#conn")).to_have_attribute("data-status", "online")
    await expect(page.locator("#state-badge")).to_have_text("ready")


async def test_an_unknown_caller_is_shown_by_number_and_logout_returns_to_login(
    page: Page, live: LiveServer, stack: Stack
) -> None:
    await log_in(page, live, "alice")
    await page.click("#btn-sign-in")
    await page.click("#btn-ready")
    await expect(page.locator("#state-badge")).to_have_text("ready")

    stack.desk.offer_call("alice", sample_pop("c-7", ani="+15550177", candidates=[]))
    await expect(page.locator("#pop-caller")).to_have_text("Unknown caller +15550177")
    await expect(page.locator("#pop-tier")).to_be_hidden()

    await page.click("#btn-logout")
    await expect(page).to_have_url(live.base + "/login")
