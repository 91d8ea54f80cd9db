"""The access rule and path matching, as pure functions over the registry snapshot.

``lgsp.services.is_allowed`` (control plane) and the gateway (data plane, on the snapshot it loaded)
both decide here, so there is one rule:

1. the client system and the provider system are neither suspended nor retired;
2. the request matches an **enabled** endpoint of the service's current published version
   (method, and path template: ``{name}`` matches one path segment);
3. a right in force at ``now`` (not revoked, ``valid_from <= now < valid_to``) names the client system,
   or a group it belongs to, for the whole service or for exactly that endpoint.

Anything else is denied. ``may_receive`` is the same rule for receiving published events.
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


# --- Publish / subscribe -------------------------------------------------------------------------


def receiving_rights(rights: list[dict], client: str, client_groups: set[str], now: datetime) -> list[dict]:
    """The rights (``{"system", "group", "all_agencies", "valid_from", "valid_to"}``) on an event type
    in force at ``now`` that name system ``client`` or one of its groups."""
    return [r for r in rights if _in_force(r, now) and (r["system"] == client or r["group"] in client_groups)]


def may_receive(
    rights: list[dict],
    client: str,
    client_groups: set[str],
    client_agency: str | None,
    event_agencies: list[str],
    now: datetime,
) -> bool:
    """Whether system ``client`` may receive an event, by the rights on its event type. Deny by
    default: a right in force names the system or one of its groups, and either covers every agency or
    the event concerns the system's owner agency (``client_agency``, its code)."""
    return any(
        r["all_agencies"] or (client_agency is not None and client_agency in event_agencies)
        for r in receiving_rights(rights, client, client_groups, now)
    )
