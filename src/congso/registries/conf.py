"""Settings of the registries block, read through these functions (not at import time) so tests and
``override_settings`` take effect.

- ``CONGSO_REGISTRIES_GATEWAY_URL`` — the LGSP gateway's address as the web process reaches it; default
  ``http://127.0.0.1:`` + ``CONGSO_GATEWAY_PORT`` (8001), the gateway ``congso demo`` starts.
- ``CONGSO_REGISTRIES_CLIENT_ID`` / ``CONGSO_REGISTRIES_CLIENT_SECRET`` — the platform's consumer
  credential in the LGSP (OAuth 2.0 client credentials). The secret comes from the environment only; in
  the demo and test profiles it defaults to a published demo value, in production it has none (every
  lookup is then "unavailable", never an error page).
- ``CONGSO_REGISTRIES_NATIONAL_PREFIX`` — the member and system under which the national services are
  registered in the LGSP (``NDXP/QUOCGIA``).
- ``CONGSO_REGISTRIES_TIMEOUT_SECONDS`` — how long a lookup may take in all (connect + answer) before it
  is given up as unavailable; default 3.
- ``CONGSO_REGISTRIES_CACHE_SECONDS`` — how long an answer is reused for the same person within the
  application (the form's pages are shown several times); default 120, 0 turns it off.
"""

import os

from django.conf import settings

DEMO_CLIENT_ID = "congso-registries"
# Published on purpose: the demo's and tests' credential of the platform's consumer system.
DEMO_CLIENT_SECRET = "congso-registries-demo-secret-2026-not-for-production"  # noqa: S105


def gateway_url() -> str:
    configured = getattr(settings, "CONGSO_REGISTRIES_GATEWAY_URL", "")
    if configured:
        return configured.rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('CONGSO_GATEWAY_PORT', '8001')}"


def client_id() -> str:
    return getattr(settings, "CONGSO_REGISTRIES_CLIENT_ID", "") or DEMO_CLIENT_ID


def client_secret() -> str:
    return getattr(settings, "CONGSO_REGISTRIES_CLIENT_SECRET", "")


def national_prefix() -> str:
    return getattr(settings, "CONGSO_REGISTRIES_NATIONAL_PREFIX", "") or "NDXP/QUOCGIA"


def timeout_seconds() -> float:
    return float(getattr(settings, "CONGSO_REGISTRIES_TIMEOUT_SECONDS", 3.0))


def cache_seconds() -> int:
    return int(getattr(settings, "CONGSO_REGISTRIES_CACHE_SECONDS", 120))
