"""Support for the browser tests: ORM calls made while Playwright drives the browser."""

import asyncio
import os
from contextlib import contextmanager
from pathlib import Path

import pytest


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@contextmanager
def database_work():
    """Let this block use the ORM although Playwright's event loop is running in this thread.

    Playwright's sync API keeps an asyncio event loop running in the test's thread for as long as the
    browser lives, and Django refuses ORM calls from a thread with a running loop (they might block an
    async server). Ours are ordinary synchronous calls of the test itself — the live server answers the
    browser from its own thread — so they are safe; Django's switch for that is DJANGO_ALLOW_ASYNC_UNSAFE.
    It is on only inside this block: anything else touching the database while the browser runs still
    fails loudly.

    Under a running loop Django keeps its connections in a context variable of this thread, not in the
    thread's own storage, so a connection opened here outlives the test unnoticed, and a later
    ``asyncio.run`` in this thread inherits it — possibly long after the database cut it off (the
    worker's outage test does). The block therefore closes the connections it opened there.
    """
    from django.db import connections

    under_loop = _loop_running()

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if under_loop:
            connections.close_all()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def collect_axe_violations(page, name: str, found: list) -> None:
    """Run axe-core (from npm, package.json) on ``page`` and add its serious and critical violations to
    ``found`` as ``(name, rule, help)``; outside CI a missing axe-core skips the check quietly."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing in CI: run `npm ci` (package.json) before the tests.")
        return
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found += [
        (name, v["id"], v["help"]) for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
