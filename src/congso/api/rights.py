"""The LGSP's view of a direct call (one that does not come through the gateway): the same checks the
gateway makes, on the same compiled registry (``lgsp.services.registry_snapshot``) and with the same rule
(``lgsp.rules.allows``), so calling the API directly grants nothing the gateway would refuse.

The snapshot is kept in this process and reloaded when ``lgsp.services.registry_stamp()`` moves (every
registry change — a revoked right, a suspended system, a deactivated credential — moves it; the stamp is
read at most once per gateway poll interval, ``CONGSO_LGSP_GATEWAY_RELOAD_SECONDS``) or after a minute
(keys leaving the JWKS), as the gateway does.
"""

import threading
import time

from django.utils import timezone

from congso.lgsp import conf as lgsp_conf
from congso.lgsp import keys, rules
from congso.lgsp import services as lgsp

MAX_AGE_SECONDS = 60.0

_lock = threading.Lock()
_cached: dict = {"stamp": None, "loaded": 0.0, "checked": 0.0, "snapshot": None}


def snapshot() -> dict:
    """The registry snapshot; the stamp is read at most once per ``CONGSO_LGSP_GATEWAY_RELOAD_SECONDS``
    (1 s), the gateway's own poll interval, so a change takes effect here as fast as at the gateway."""
    now = time.monotonic()
    with _lock:
        if _cached["snapshot"] is not None and now - _cached["checked"] < lgsp_conf.gateway_reload_seconds():
            return _cached["snapshot"]
    stamp = lgsp.registry_stamp()
    with _lock:
        _cached["checked"] = now
        fresh = time.monotonic() - _cached["loaded"] < MAX_AGE_SECONDS
        if _cached["snapshot"] is not None and _cached["stamp"] == stamp and fresh:
            return _cached["snapshot"]
    loaded = lgsp.registry_snapshot()
    with _lock:
        _cached.update(stamp=stamp, loaded=time.monotonic(), snapshot=loaded)
    return loaded


def verify(token: str, compiled: dict) -> dict:
    """The token's claims (``keys.InvalidToken`` otherwise): signature by a key of the JWKS, issuer,
    audience, expiry — and its credential still active (deactivated → invalid at once)."""
    claims = keys.verify_token(
        token, compiled["keys"], audience=compiled["audience"], issuer=compiled["issuer"]
    )
    credential = compiled["credentials"].get(claims.get("client_id", ""))
    if credential is None or credential["system"] != claims.get("sub"):
        raise keys.InvalidToken("credential not active")
    return claims


def allows(compiled: dict, claims: dict, service: str, method: str, path: str) -> bool:
    """Whether the token's system may call ``method path`` of the API's registered ``service`` now: the
    token's scope (when it has one) names the service, and ``rules.allows`` says yes."""
    scope = str(claims.get("scope") or "").split()
    if scope and service not in scope:
        return False
    return rules.allows(compiled, claims.get("sub", ""), service, method, path, timezone.now())
