"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Without Chromium the tests are skipped with the reason shown in the summary, except in CI (CI=true),
where a missing browser is a failure: browser tests always run in CI.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CONGSO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def chromium_path() -> str | None:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture
def browser(transactional_db, live_server):
    """A Chromium for one test (it starts in well under a second).

    Playwright's sync API runs an asyncio event loop in the test's thread while the browser lives, and
    Django refuses ORM calls made under a running loop. So the browser lives only inside the test's
    database work: it starts after the database fixture and the data fixtures listed before it in the
    test's arguments (list ``browser``, ``page`` or a fixture built on them last), and stops before the
    database is emptied. The ORM calls of a test's body, made while it runs, go in
    ``with database_work():`` (tests/support/browser.py) — the only place DJANGO_ALLOW_ASYNC_UNSAFE is on.
    """
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install it (apt-get install chromium).")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
