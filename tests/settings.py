"""Settings for the test suite: the test profile plus the test-only probe plugin."""

import os

os.environ.setdefault("CONGSO_PROFILE", "test")
os.environ.setdefault("CONGSO_EXTRA_APPS", "tests.outbox_probe")

from congso.settings import *  # noqa: E402,F403

# Tests create many accounts; Argon2 (the production hasher) would spend most of the suite's time
# hashing. Tests that check the production hasher override this.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]

# Django's live server (browser tests) needs a media URL to route; nothing in congso serves it.
MEDIA_URL = "/__test_media__/"

# What the suite sends must never reach a server that happens to run on this machine: the simulators'
# and callbacks' local web address defaults to the demo's port 8000, and a demo running beside the
# suite received its text messages (and answered their delivery reports). A port nobody listens on
# makes such a send fail at once; tests that talk to a simulator start it and point there themselves.
CONGSO_LOCAL_WEB_URL = "http://127.0.0.1:9"
