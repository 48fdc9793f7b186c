"""A real headless Chromium for the page tests (Debian's ``chromium``; Playwright cannot
download its own browser here).

``require_chromium()`` skips a test module when the browser is missing, unless
``CALLCENTER_REQUIRE_BROWSER=1`` (set by CI) makes that a failure. ``chromium_page()``
yields a fresh page and fails the test if the page raised a script error.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CALLCENTER_REQUIRE_BROWSER") == "1":
        raise RuntimeError("CALLCENTER_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
    pytest.skip("no /usr/bin/chromium", allow_module_level=True)


@asynccontextmanager
async def chromium_page() -> AsyncIterator[Page]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            timeout=60_000,  # a first start on a fresh machine builds its caches
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = await (await browser.new_context()).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            yield page
            assert errors == [], errors
        finally:
            await browser.close()
