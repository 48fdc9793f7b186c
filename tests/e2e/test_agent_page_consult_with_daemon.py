"""The attended transfer and the auto-answer option on the agent page, in Chromium against
the real daemon and simulator: the agent consults a colleague by key, completes the
transfer once they answered (the colleague's pop names who transferred it), and switches
auto-answer on so the next call connects without ringing.

Real time with short prompts; skipped without /usr/bin/chromium unless
CALLCENTER_REQUIRE_BROWSER=1.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser import chromium_page, require_chromium
from tests.e2e.harness import HOTLINE, running_stack
from tests.e2e.test_agent_page_tools_with_daemon import log_in, ready, second_page
from tests.e2e.test_hotline_call import GRACE

require_chromium()

SLOW = 15_000


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as page:
        yield page


async def test_an_agent_consults_a_colleague_by_key_and_completes_the_transfer(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        stack.sim.add_phone("1001", answer_after=0.5, talk_for=600.0)
        bob_phone = stack.sim.add_phone("1002", answer_after=1.0, talk_for=600.0)
        await ready(page, stack, "alice")
        call = await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
        line = page.locator("#call-line")
        await expect(line).to_have_attribute("data-state", "connected", timeout=SLOW)

        async with second_page(page) as bob:
            await log_in(bob, stack, "bob")
            await bob.click("#btn-sign-in")
            await expect(bob.locator("#state-badge")).to_have_attribute("data-state", "not_ready")
            await page.select_option("#transfer-kind", "agent")
            await page.fill("#transfer-to", "bob")
            await page.locator("#transfer-to").blur()
            await page.keyboard.press("c")
            await expect(line).to_have_attribute("data-state", "consulting", timeout=SLOW)
            await expect(page.locator("#btn-consult-cancel")).to_be_visible()
            await expect(page.locator("#consult-line")).to_contain_text(
                "Talking to bob", timeout=SLOW
            )
            assert bob_phone.in_call
            await expect(page.locator("#btn-consult-complete")).to_be_enabled()
            await page.keyboard.press("k")
            await expect(bob.locator("#pop-transferred")).to_have_text(
                "Transferred by alice", timeout=SLOW
            )
            await expect(bob.locator("#call-line")).to_have_attribute(
                "data-state", "connected", timeout=SLOW
            )
            await expect(page.locator("#state-badge")).to_have_attribute("data-state", "wrap_up")
            assert not call.ended.is_set()


async def test_an_agent_switches_auto_answer_on_and_the_next_call_connects_at_once(
    page: Page, tmp_path: Path
) -> None:
    async with running_stack(tmp_path, prompt_seconds=0.2) as stack:
        phone = stack.sim.add_phone("1001", answer_after=None, talk_for=600.0)
        await log_in(page, stack, "alice")
        box = page.locator("#auto-answer")
        await expect(box).not_to_be_checked()
        await box.check()
        await expect(page.locator("#auto-answer-note")).to_contain_text("without ringing")
        await page.reload()
        await expect(page.locator("#auto-answer")).to_be_checked()
        await page.click("#btn-sign-in")
        await expect(page.locator("#btn-ready")).to_be_enabled()
        await page.click("#btn-ready")
        await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
        # A phone that never answers by itself: only the auto-answer header connects it.
        await expect(page.locator("#call-line")).to_have_attribute(
            "data-state", "connected", timeout=SLOW
        )
        await expect(page.locator("#pop-caller")).to_have_text("Grace Hopper")
        assert phone.answered == 1
