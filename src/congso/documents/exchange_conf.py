"""Settings of the documents exchange beyond this installation, read through these functions (not at
import time) so tests and ``override_settings`` take effect. Each is a Django setting, else the
environment variable of the same name.

- ``CONGSO_DOCUMENTS_GATEWAY_URL`` — the LGSP gateway's address as the worker reaches it; default
  ``http://127.0.0.1:`` + ``CONGSO_GATEWAY_PORT`` (8001), the gateway ``congso demo`` starts.
- ``CONGSO_DOCUMENTS_CLIENT_ID`` / ``CONGSO_DOCUMENTS_CLIENT_SECRET`` — the document management
  system's consumer credential in the LGSP (OAuth 2.0 client credentials). Outside production they
  default to a published demo value the demo seeds; in production there is no default secret (nothing is
  sent beyond this installation until one is configured: deliveries wait and are retried).
- ``CONGSO_DOCUMENTS_PEERS`` — which agencies other congso installations (or other document systems)
  serve, and under which LGSP service: ``code=MEMBER/SYSTEM/SERVICE`` pairs separated by commas (or a
  dict). ``code`` is an agency's electronic identifier code, or the last part of one (``H22``: every
  agency of that province).
- ``CONGSO_DOCUMENTS_AXIS_SERVICE`` — the national document axis as registered in the LGSP
  (``MEMBER/SYSTEM/SERVICE``); outside production the sandbox's simulator
  ``NDXP/QUOCGIA/truc-van-ban``; empty: no axis.
- ``CONGSO_DOCUMENTS_GATEWAY_TOKEN`` — what the LGSP gateway presents (``Authorization: Bearer …``) when
  it forwards a peer's package or status message to this installation's receiving endpoint
  (``/lien-thong-van-ban/``); empty: that endpoint refuses everything.
- ``CONGSO_DOCUMENTS_TIMEOUT_SECONDS`` — one call's time limit, default 10.
"""

import os

from django.conf import settings

DEMO_CLIENT_ID = "congso-qlvb"
# Published on purpose: the demo's and tests' credential of the document management system.
DEMO_CLIENT_SECRET = "congso-qlvb-demo-secret-2026-not-for-production"  # noqa: S105
DEMO_AXIS_SERVICE = "NDXP/QUOCGIA/truc-van-ban"


def _setting(name: str, default=""):
    """The Django setting ``name`` when it exists (even empty: that switches a default off), else the
    environment variable, else ``default``."""
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def gateway_url() -> str:
    configured = _setting("CONGSO_DOCUMENTS_GATEWAY_URL")
    if configured:
        return str(configured).rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('CONGSO_GATEWAY_PORT', '8001')}"


def client_id() -> str:
    return str(_setting("CONGSO_DOCUMENTS_CLIENT_ID", DEMO_CLIENT_ID))


def client_secret() -> str:
    return str(
        _setting("CONGSO_DOCUMENTS_CLIENT_SECRET", "" if settings.IS_PRODUCTION else DEMO_CLIENT_SECRET)
    )


def peers() -> dict[str, str]:
    configured = _setting("CONGSO_DOCUMENTS_PEERS", {})
    if isinstance(configured, dict):
        return {str(k).strip(): str(v).strip().strip("/") for k, v in configured.items()}
    pairs = (item.partition("=") for item in str(configured).split(",") if "=" in item)
    return {code.strip(): service.strip().strip("/") for code, _sep, service in pairs if code.strip()}


def axis_service() -> str:
    default = "" if settings.IS_PRODUCTION else DEMO_AXIS_SERVICE
    return str(_setting("CONGSO_DOCUMENTS_AXIS_SERVICE", default)).strip().strip("/")


def gateway_token() -> str:
    return str(_setting("CONGSO_DOCUMENTS_GATEWAY_TOKEN"))


def timeout_seconds() -> float:
    return float(_setting("CONGSO_DOCUMENTS_TIMEOUT_SECONDS", 10))
