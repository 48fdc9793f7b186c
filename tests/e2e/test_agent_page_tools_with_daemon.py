"""The agent and team-lead pages' tools against the real daemon and the simulated PBX, in a
real Chromium: keys for hold and hang-up, a transfer to a colleague picked on the page
(whose pop says who sent it), click-to-dial and internal calls, the wrap-up countdown with a
service request moved and a follow-up scheduled, an unknown caller made a contact from the
pop (and a name full of markup shown as text), and the wallboard's service-level alert.

Runs in real time with short prompts; skipped without /usr/bin/chromium unless
CALLCENTER_REQUIRE_BROWSER=1.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Dialog, Page, expect

from tests.browser import chromium_page, require_chromium
from tests.e2e.harness import HOTLINE, Stack, http_client, running_stack, until
from tests.e2e.test_hotline_call import GRACE, interactions

require_chromium()

STRANGER = "+13125550177"
MARKUP = "<img src=x onerror=alert(1)>"
SLOW = 15_000  # ms: a call's way through the IVR and the ACD on a busy machine


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as page:
        yield page


@asynccontextmanager
async def second_page(page: Page) -> AsyncIterator[Page]:
    """Another person's browser: its own context, so its own login cookie."""
    browser = page.context.browser
    assert browser is not None
    context = await browser.new_context()
    try:
        yield await context.new_page()
    finally:
        await context.close()


async def log_in(page: Page, stack: Stack, username: str) -> None:
    await page.goto(stack.base_url + "/")
    await page.fill("#username", username)
    await page.fill("#password", "demo")
    await page.click("#login-submit")
    await expect(page.locator("#conn")).to_have_attribute("data-status", "online")


async def ready(page: Page, stack: Stack, username: str) -> None:
    await log_in(page, stack, username)
    await page.click("#btn-sign-in")
    await expect(page.locator("#btn-ready")).to_be_enabled()
    await page.keyboard.press("r")
    await expect(page.locator("#state-badge")).to_have_attribute("data-state", "ready")


async def test_an_agent_holds_by_key_and_transfers_to_a_colleague_whose_pop_names_them(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        stack.sim.add_phone("1001", answer_after=0.5, talk_for=600.0)
        stack.sim.add_phone("1002", answer_after=0.5, talk_for=600.0)
        await ready(page, stack, "alice")
        await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
        line = page.locator("#call-line")
        await expect(line).to_have_attribute("data-state", "connected", timeout=SLOW)
        await page.keyboard.press("h")
        await expect(line).to_have_attribute("data-state", "held")
        await page.keyboard.press("h")
        await expect(line).to_have_attribute("data-state", "connected")

        async with second_page(page) as bob:
            await ready(bob, stack, "bob")
            await page.select_option("#transfer-kind", "agent")
            await expect(page.locator('#transfer-options option[value="bob"]')).to_have_count(1)
            await page.fill("#transfer-to", "Bob Baker")  # a name works as well as the id
            await page.click("#btn-transfer")
            await expect(bob.locator("#pop-transferred")).to_have_text(
                "Transferred by alice", timeout=SLOW
            )
            await expect(bob.locator("#pop-caller")).to_have_text("Grace Hopper")
            await expect(bob.locator("#call-line")).to_have_attribute(
                "data-state", "connected", timeout=SLOW
            )
            await expect(page.locator("#state-badge")).to_have_attribute("data-state", "wrap_up")


async def test_an_agent_dials_a_number_from_the_dial_box_and_calls_a_colleague(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        mine = stack.sim.add_phone("1001", answer_after=0.3, talk_for=1.0)
        bobs = stack.sim.add_phone("1002", answer_after=0.3, talk_for=1.0)
        stack.sim.add_customer(STRANGER.lstrip("+"), answer_after=0.3, talk_for=1.0)
        await log_in(page, stack, "alice")
        await page.click("#btn-sign-in")
        await expect(page.locator("#dial")).to_be_visible()

        await page.keyboard.press("d")
        await page.keyboard.type("+1 312 555 0177")
        await page.keyboard.press("Enter")
        await expect(page.locator("#message")).to_have_text(f"Calling {STRANGER}.", timeout=SLOW)
        await until(lambda: mine.answered == 1 and not mine.in_call, within=30)

        await page.select_option("#dial-colleague", "bob")
        await page.click("#btn-call-colleague")
        await expect(page.locator("#message")).to_have_text("Calling bob.", timeout=SLOW)
        await until(lambda: bobs.answered == 1, within=30)


async def test_the_wrap_up_counts_down_moves_the_callers_request_and_schedules_a_follow_up(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2, wrap_up_seconds=300.0) as stack:
        stack.sim.add_phone("1001", answer_after=0.3, talk_for=600.0)
        await ready(page, stack, "alice")
        call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
        await expect(page.locator("#call-line")).to_have_attribute(
            "data-state", "connected", timeout=SLOW
        )
        page.on("pageerror", lambda e: print("PAGEERROR", e))
        page.on("request", lambda r: print("REQ", r.method, r.url))
        page.on("response", lambda r: print("RESP", r.status, r.url))
        print("STATE", await page.evaluate("document.getElementById('state-badge').dataset.state"))
        await page.keyboard.press("h")
        await page.wait_for_timeout(2000)
        await page.keyboard.press("x")
        await expect(page.locator("#wrapup")).to_be_visible(timeout=SLOW)
        await expect(page.locator("#wrapup-countdown")).to_have_text(
            re.compile(r"Wrap-up ends in [45]:\d\d")
        )

        await page.click("#btn-wrap-up")
        await expect(page.locator("#wrapup-error")).to_contain_text("Choose a disposition")
        await page.select_option("#disposition", "resolved")
        update = page.locator('#request-action option[value^="update:"]')
        await expect(update).to_have_count(1)  # Grace's open request
        value = await update.get_attribute("value")
        assert value is not None
        await page.select_option("#request-action", value)
        await page.select_option("#request-status", "resolved")
        await page.fill("#follow-up-at", "2030-01-02T10:00")
        await page.click("#btn-wrap-up")
        await expect(page.locator("#state-badge")).to_have_attribute("data-state", "ready")

        number = value.removeprefix("update:")
        async with http_client(stack) as http:
            await http.post("/api/login", json={"username": "alice", "password": "demo"})
            request = (await http.get(f"/api/crm/requests/{number}")).json()
            due = await http.get(
                "/api/crm/follow-ups/due", params={"until": "2031-01-01T00:00:00Z"}
            )
        assert request["status"] == "resolved"
        assert [i["task"]["subject"] for i in due.json()["items"]] == ["Follow up (resolved)"]
        [row] = await interactions(stack.db_url, call.uniqueid)
        assert row.disposition == "resolved"


async def test_an_unknown_caller_becomes_a_contact_from_the_pop_and_markup_stays_text(
    page: Page, tmp_path: Path
) -> None:
    dialogs: list[str] = []

    async def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        stack.sim.add_phone("1001", answer_after=0.3, talk_for=600.0)
        await ready(page, stack, "alice")
        call = await stack.sim.place_call(STRANGER, HOTLINE, digits=["2"])
        caller = page.locator("#pop-caller")
        await expect(caller).to_have_text(f"Unknown caller {STRANGER}", timeout=SLOW)
        await page.fill("#new-contact-name", MARKUP)
        await page.click("#btn-create-contact")
        await expect(caller).to_have_text(MARKUP)
        await expect(page.locator("#pop-create")).to_be_hidden()

        call.hang_up()
        await page.select_option("#disposition", "resolved", timeout=SLOW)
        await page.click("#btn-wrap-up")
        await expect(page.locator("#state-badge")).to_have_attribute("data-state", "ready")
        await stack.sim.place_call(STRANGER, HOTLINE, digits=["2"])  # now a known caller
        await expect(caller).to_have_text(MARKUP, timeout=SLOW)
        line = page.locator("#call-line")
        await expect(line).to_have_attribute("data-state", "connected", timeout=SLOW)
        await expect(line).to_contain_text(MARKUP)

        await page.fill("#search-q", STRANGER)
        await page.press("#search-q", "Enter")
        await expect(page.locator("#search-results button")).to_have_text(MARKUP)
        assert await page.locator("img").count() == 0

        await page.locator("#search-q").blur()
        await page.keyboard.press("x")
        await expect(page.locator("#wrapup")).to_be_visible(timeout=SLOW)
        stack.sim.add_customer(STRANGER.lstrip("+"), answer_after=0.3, talk_for=1.0)
        await page.click("#btn-call-ani")  # call the customer back from the pop
        await expect(page.locator("#message")).to_have_text(f"Calling {STRANGER}.", timeout=SLOW)
    assert dialogs == []


async def test_the_wallboard_turns_red_and_alerts_when_service_level_falls_below_target(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        await log_in(page, stack, "lead")
        sales = page.locator('#queues tr[data-queue="sales"]')
        await expect(sales.locator("td.sl-today")).to_have_text("—")
        caller = await stack.sim.place_call("+12125550101", HOTLINE, digits=["1"])  # nobody in
        await expect(sales.locator("td.waiting")).to_have_text("1", timeout=SLOW)
        caller.hang_up()
        await expect(sales.locator("td.sl-today")).to_have_text("0%", timeout=SLOW)
        await expect(sales.locator("td.sl-today")).to_have_class(re.compile("level-bad"))
        await expect(sales.locator("td.abandoned")).to_have_text("1 (100%)")
        await expect(page.locator("#sl-alert")).to_contain_text("sales 0%")
        await expect(page.locator("#thresholds")).to_contain_text("target 80%")
