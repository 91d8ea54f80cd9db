"""The access rule and path matching, as pure functions over the registry snapshot.

``lgsp.services.is_allowed`` (control plane) and the gateway (data plane, on the snapshot it loaded)
both decide here, so there is one rule:

1. the client system and the provider system are neither suspended nor retired;
2. the request matches an **enabled** endpoint of the service's current published version
   (method, and path template: ``{name}`` matches one path segment);
3. a right in force at ``now`` (not revoked, ``valid_from <= now < valid_to``) names the client system,
   or a group it belongs to, for the whole service or for exactly that endpoint.

Anything else is denied.
"""

import re
from datetime import datetime
from functools import lru_cache

REFUSING_STATUSES = frozenset({"suspended", "retired"})


@lru_cache(maxsize=4096)
def _template_regex(template: str) -> re.Pattern:
    parts = re.split(r"(\{[^/{}]+\})", template)
    pattern = "".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts)
    return re.compile(f"^{pattern}/?$")


def match_endpoint(endpoints: list[dict], method: str, path: str) -> dict | None:
    """The enabled endpoint (``{"method", "path", "enabled"}``) that ``method path`` calls, or None.

    A literal template wins over one with parameters (``/citizens/search`` before ``/citizens/{id}``).
    """
    method = method.upper()
    path = "/" + path.lstrip("/")
    candidates = [
        e
        for e in endpoints
        if e["enabled"] and e["method"] == method and _template_regex(e["path"]).match(path)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda e: (e["path"].count("{"), -len(e["path"])))


def _in_force(right: dict, now: datetime) -> bool:
    if datetime.fromisoformat(right["valid_from"]) > now:
        return False
    return right["valid_to"] is None or datetime.fromisoformat(right["valid_to"]) > now


def right_covers(right: dict, client: str, client_groups: set[str], endpoint: dict) -> bool:
    """Whether ``right`` names ``client`` (directly or through a group) for ``endpoint``."""
    if right["system"] != client and right["group"] not in client_groups:
        return False
    return not right["method"] or (
        right["method"] == endpoint["method"] and right["path"] == endpoint["path"]
    )


def allows(snapshot: dict, client: str, service: str, method: str, path: str, now: datetime) -> bool:
    """Whether system ``client`` (its identifier) may call ``method path`` of ``service`` (its
    ``MEMBER/SYSTEM/SERVICE`` path identifier) at ``now`` (timezone-aware), by ``snapshot``."""
    client_entry = snapshot["systems"].get(client)
    service_entry = snapshot["services"].get(service)
    if client_entry is None or service_entry is None:
        return False
    provider = snapshot["systems"].get(service_entry["provider"])
    if (
        client_entry["status"] in REFUSING_STATUSES
        or provider is None
        or provider["status"] in REFUSING_STATUSES
    ):
        return False
    endpoint = match_endpoint(service_entry["endpoints"], method, path)
    if endpoint is None:
        return False
    groups = set(client_entry["groups"])
    return any(
        _in_force(r, now) and right_covers(r, client, groups, endpoint) for r in service_entry["rights"]
    )
