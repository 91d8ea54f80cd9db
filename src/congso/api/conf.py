"""Settings of the open API (``CONGSO_API_*``), read through these functions.

- ``CONGSO_API_GATEWAY_TOKEN``: the credential the LGSP gateway presents when it forwards a call to this
  API (``Authorization: Bearer <value>``; the gateway reads it from its own environment variable named by
  the registered service, ``CONGSO_LGSP_UPSTREAM_TOKEN_CONGSO_API`` in the demo). Only a request bearing
  it may name its caller by ``X-Road-Client``. Empty (the default): calls through the gateway are refused.
- ``CONGSO_API_SERVICE``: the API's registration in the LGSP registry, as the gateway addresses it
  (``MEMBER/SYSTEM/SERVICE``, e.g. ``000.00.02.H08/MOTCUA/api-ho-so``). A direct call with an access
  token is allowed only as the gateway would allow a call to that service (rights, scope, suspended
  systems); empty (the default): direct token calls are refused, calls come through the gateway.
- ``CONGSO_API_IDEMPOTENCY_HOURS``: how long an ``Idempotency-Key`` is remembered (default 24).
- ``CONGSO_API_PAGE_SIZE``: dossiers per page of the list (default 50, at most 200 with ``page_size``).
"""

from django.conf import settings

API_PREFIX = "/api/v1"
ACTING_OFFICER_HEADER = "X-Congso-Acting-Officer"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def gateway_token() -> str:
    return str(getattr(settings, "CONGSO_API_GATEWAY_TOKEN", "") or "")


def service_identifier() -> str:
    return str(getattr(settings, "CONGSO_API_SERVICE", "") or "").strip().strip("/")


def idempotency_hours() -> float:
    return float(getattr(settings, "CONGSO_API_IDEMPOTENCY_HOURS", 24))


def page_size() -> int:
    return int(getattr(settings, "CONGSO_API_PAGE_SIZE", 50))
