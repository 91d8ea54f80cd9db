"""Settings for the test suite: the test profile plus the test-only probe plugin."""

import os

os.environ.setdefault("CONGSO_PROFILE", "test")
os.environ.setdefault("CONGSO_EXTRA_APPS", "tests.outbox_probe")

from congso.settings import *  # noqa: E402,F403
