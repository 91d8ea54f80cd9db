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
