"""``lgsp.rules``: path templates and the access rule over a hand-made snapshot (what the gateway runs)."""

from datetime import UTC, datetime, timedelta

from congso.lgsp import rules

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
ENDPOINTS = [
    {"method": "GET", "path": "/citizens/{id}", "enabled": True},
    {"method": "GET", "path": "/citizens/search", "enabled": True},
    {"method": "POST", "path": "/citizens", "enabled": False},
]


def _snapshot(rights, client_status="connected"):
    return {
        "systems": {
            "GOV/A/CLIENT": {"status": client_status, "groups": ["G"]},
            "GOV/B/PROVIDER": {"status": "connected", "groups": []},
        },
        "services": {
            "B/PROVIDER/svc": {"provider": "GOV/B/PROVIDER", "endpoints": ENDPOINTS, "rights": rights}
        },
    }


def _right(system=None, group=None, method="", path="", start=NOW - timedelta(days=1), end=None):
    return {
        "system": system,
        "group": group,
        "method": method,
        "path": path,
        "valid_from": start.isoformat(),
        "valid_to": end.isoformat() if end else None,
    }


def test_templates_match_one_segment_and_literals_win():
    assert rules.match_endpoint(ENDPOINTS, "get", "/citizens/0123")["path"] == "/citizens/{id}"
    assert rules.match_endpoint(ENDPOINTS, "GET", "citizens/search")["path"] == "/citizens/search"
    assert rules.match_endpoint(ENDPOINTS, "GET", "/citizens/1/household") is None
    assert rules.match_endpoint(ENDPOINTS, "POST", "/citizens") is None  # disabled
    assert rules.match_endpoint([{"method": "GET", "path": "/a.b", "enabled": True}], "GET", "/axb") is None


def test_rule():
    allows = rules.allows
    assert not allows(_snapshot([]), "GOV/A/CLIENT", "B/PROVIDER/svc", "GET", "/citizens/1", NOW)
    assert allows(
        _snapshot([_right(system="GOV/A/CLIENT")]),
        "GOV/A/CLIENT",
        "B/PROVIDER/svc",
        "GET",
        "/citizens/1",
        NOW,
    )
    assert allows(_snapshot([_right(group="G")]), "GOV/A/CLIENT", "B/PROVIDER/svc", "GET", "/citizens/1", NOW)
    assert not allows(
        _snapshot([_right(group="H")]), "GOV/A/CLIENT", "B/PROVIDER/svc", "GET", "/citizens/1", NOW
    )
    endpoint_only = _snapshot([_right(system="GOV/A/CLIENT", method="GET", path="/citizens/search")])
    assert allows(endpoint_only, "GOV/A/CLIENT", "B/PROVIDER/svc", "GET", "/citizens/search", NOW)
    assert not allows(endpoint_only, "GOV/A/CLIENT", "B/PROVIDER/svc", "GET", "/citizens/1", NOW)
    expired = _snapshot([_right(system="GOV/A/CLIENT", end=NOW)])
    assert not allows(expired, "GOV/A/CLIENT", "B/PROVIDER/svc", "GET", "/citizens/1", NOW)
    suspended = _snapshot([_right(system="GOV/A/CLIENT")], client_status="suspended")
    assert not allows(suspended, "GOV/A/CLIENT", "B/PROVIDER/svc", "GET", "/citizens/1", NOW)
    assert not allows(_snapshot([]), "GOV/X/UNKNOWN", "B/PROVIDER/svc", "GET", "/citizens/1", NOW)
    assert not allows(_snapshot([]), "GOV/A/CLIENT", "B/PROVIDER/other", "GET", "/citizens/1", NOW)
