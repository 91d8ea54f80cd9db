"""Support for the browser tests: ORM calls made while Playwright drives the browser."""

import os
from contextlib import contextmanager


@contextmanager
def database_work():
    """Let this block use the ORM although Playwright's event loop is running in this thread.

    Playwright's sync API keeps an asyncio event loop running in the test's thread for as long as the
    browser lives, and Django refuses ORM calls from a thread with a running loop (they might block an
    async server). Ours are ordinary synchronous calls of the test itself — the live server answers the
    browser from its own thread — so they are safe; Django's switch for that is DJANGO_ALLOW_ASYNC_UNSAFE.
    It is on only inside this block: anything else touching the database while the browser runs still
    fails loudly.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
