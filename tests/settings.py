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

# What the suite sends must never reach a server that happens to run on this machine: the simulators',
# callbacks' and LGSP gateway's local addresses default to the demo's ports 8000 and 8001, and a demo
# running beside the suite received its text messages and its documents-exchange polls. A port nobody
# listens on makes such a send fail at once. Tests that talk to a simulator or a gateway start it and
# point there themselves — in settings, or for the processes they start through the same environment
# variables the demo uses, which are then kept.
_NOBODY = "http://127.0.0.1:9"
if not (os.environ.get("CONGSO_DEMO_WEB_URL") or os.environ.get("CONGSO_PORT")):
    CONGSO_LOCAL_WEB_URL = _NOBODY
if not os.environ.get("CONGSO_GATEWAY_PORT"):
    CONGSO_DOCUMENTS_GATEWAY_URL = os.environ.get("CONGSO_DOCUMENTS_GATEWAY_URL") or _NOBODY
    CONGSO_REGISTRIES_GATEWAY_URL = os.environ.get("CONGSO_REGISTRIES_GATEWAY_URL") or _NOBODY
