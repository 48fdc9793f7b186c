"""Screenshots of the agent page (mid-call, with the caller's pop) and of the wallboard, for
the README: ``python -m tests.e2e.screenshots [out_dir]`` (default ``docs/``). The wallboard
shows the chart and, after a "Listen" on alice, one row of the audit log.

Runs the real daemon and simulator on loopback with the seeded demo CRM, in real time, and
Debian's Chromium; writes ``agent-page.png`` and ``supervisor-page.png`` (PNG, a fixed
viewport, so each stays well under 300 KB).
"""

import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import Page, async_playwright, expect

from tests.browser import CHROMIUM
from tests.e2e.harness import HOTLINE, running_stack

GRACE = "+12125550100"
VIEWPORT = {"width": 1280, "height": 860}
SLOW = 20_000


async def log_in(page: Page, base: str, username: str) -> None:
    await page.goto(base + "/")
    await page.fill("#username", username)
    await page.fill("#password", "demo")
    await page.click("#login-submit")
    await expect(page.locator("#conn")).to_have_attribute("data-status", "online")


async def take(out_dir: Path) -> list[Path]:
    """``out_dir`` must exist."""
    with tempfile.TemporaryDirectory() as tmp:
        async with running_stack(Path(tmp), prompt_seconds=0.2) as stack, async_playwright() as p:
            stack.sim.add_phone("1001", answer_after=0.3, talk_for=600.0)
            stack.sim.add_phone("1002", answer_after=0.3, talk_for=600.0)
            stack.sim.add_phone("1100", answer_after=0.3, talk_for=600.0)  # the lead's
            browser = await p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            try:
                agent = await (await browser.new_context(viewport=VIEWPORT)).new_page()
                await log_in(agent, stack.base_url, "alice")
                await agent.click("#btn-sign-in")
                await agent.click("#btn-ready")
                await expect(agent.locator("#state-badge")).to_have_attribute("data-state", "ready")
                await stack.sim.place_call(GRACE, HOTLINE, digits=["2"])
                await expect(agent.locator("#call-line")).to_have_attribute(
                    "data-state", "connected", timeout=SLOW
                )
                await agent.fill("#search-q", "Hopper")
                await agent.press("#search-q", "Enter")
                await agent.click("#btn-open-contact")
                await expect(agent.locator("#contact")).to_be_visible()
                await agent.locator("#search-q").blur()
                await stack.sim.place_call("+12125550101", HOTLINE, digits=["1"])  # waits

                await stack.app.bus.drained()
                await stack.app.event_log.flush()  # the chart reads the event log

                lead = await (await browser.new_context(viewport=VIEWPORT)).new_page()
                await log_in(lead, stack.base_url, "lead")
                sales = lead.locator('#queues tr[data-queue="sales"] td.waiting')
                await expect(sales).to_have_text("1", timeout=SLOW)
                await expect(lead.locator("#sl-chart g.interval")).to_have_count(1, timeout=SLOW)
                await lead.fill("#my-phone", "1100")
                await lead.click('#agents tr[data-agent="alice"] button[data-supervise="listen"]')
                await expect(lead.locator('#audit tr[data-action="listen"]')).to_have_count(
                    1, timeout=SLOW
                )
                agent_png, lead_png = out_dir / "agent-page.png", out_dir / "supervisor-page.png"
                await agent.screenshot(path=str(agent_png), full_page=True)
                await lead.screenshot(path=str(lead_png), full_page=True)
            finally:
                await browser.close()
    return [agent_png, lead_png]


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(take(out_dir)):
        print(f"{path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
