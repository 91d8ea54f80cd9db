"""The registry services: registration, versions and endpoints, grants and the access rule, audit and
events, the snapshot, and the connected share."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from congso.core.models import AuditEntry, OutboxEvent
from congso.lgsp import services
from congso.lgsp.models import AccessRight, Endpoint, ServiceVersion, SystemStatus


def test_agency_member_uses_its_electronic_identifier(registry, agencies):
    member = registry["provider"].member
    assert (member.member_class, member.code, member.agency) == ("GOV", "000.00.02.H08", agencies["centre"])
    assert registry["provider"].identifier == "GOV/000.00.02.H08/MOTCUA"
    assert registry["service"].path_identifier == "000.00.02.H08/MOTCUA/tra-cuu-ho-so"
    assert services.member_for_agency(agencies["centre"]) == member


def test_outside_organisation_member_and_bad_codes(db):
    member = services.register_member(code="0312345678", name="Công ty Viễn thông", member_class="COM")
    assert member.identifier == "COM/0312345678"
    with pytest.raises(services.RegistryError):
        services.register_member(code="có dấu", name="Sai mã")
    with pytest.raises(services.RegistryError):
        services.register_system(member, "có dấu", "Hệ thống")


def test_duplicate_system_code_is_refused(registry):
    with pytest.raises(services.RegistryError) as refused:
        services.register_system(registry["provider"].member, "motcua", "Trùng mã")
    assert "MOTCUA".lower() in refused.value.message.lower()


def test_service_version_registers_endpoints_and_becomes_current(registry):
    service = registry["service"]
    assert service.current_version.version == "1.0"
    assert {(e.method, e.path) for e in service.current_version.endpoints.all()} == {
        ("GET", "/ho-so/{ma}"),
        ("POST", "/ho-so"),
    }


def test_new_version_keeps_closed_endpoints_closed(registry, openapi_document):
    service = registry["service"]
    closed = service.current_version.endpoints.get(method="POST")
    services.set_endpoint_enabled(closed, False)
    openapi_document["info"]["version"] = "1.1"
    version = services.register_service_version(service, openapi_document)
    service.refresh_from_db()
    assert service.current_version == version
    assert not version.endpoints.get(method="POST").enabled
    assert version.endpoints.get(method="GET").enabled


def test_same_version_twice_is_refused(registry, openapi_document):
    with pytest.raises(services.RegistryError):
        services.register_service_version(registry["service"], openapi_document)
    assert ServiceVersion.objects.count() == 1


def test_bad_openapi_changes_nothing(registry):
    before = Endpoint.objects.count()
    with pytest.raises(services.RegistryError) as refused:
        services.register_service_version(registry["service"], b'{"openapi": "2.0"}')
    assert "OpenAPI phiên bản 3" in refused.value.message
    assert Endpoint.objects.count() == before


def test_deny_by_default_then_grant_then_revoke(registry):
    consumer, service = registry["consumer"], registry["service"]
    assert not services.is_allowed(consumer, service, "GET", "/ho-so/H08-1")
    right = services.grant_access(service, system=consumer)
    assert services.is_allowed(consumer, service, "GET", "/ho-so/H08-1")
    assert services.is_allowed(consumer, service, "POST", "/ho-so")
    assert not services.is_allowed(consumer, service, "DELETE", "/ho-so/H08-1")  # no such endpoint
    assert not services.is_allowed(consumer, service, "GET", "/ho-so/H08-1/giay-to")  # no such path
    services.revoke_access(right)
    assert not services.is_allowed(consumer, service, "GET", "/ho-so/H08-1")
    assert AccessRight.objects.get().revoked_at is not None  # kept as the record


def test_endpoint_right_covers_only_that_endpoint(registry):
    consumer, service = registry["consumer"], registry["service"]
    services.grant_access(service, system=consumer, method="get", path="/ho-so/{ma}")
    assert services.is_allowed(consumer, service, "GET", "/ho-so/X")
    assert not services.is_allowed(consumer, service, "POST", "/ho-so")
    with pytest.raises(services.RegistryError):
        services.grant_access(service, system=consumer, method="PUT", path="/ho-so/{ma}")


def test_group_right_and_validity_period(registry):
    consumer, service = registry["consumer"], registry["service"]
    group = services.create_group("TU-PHAP", "Hệ thống ngành tư pháp", [consumer])
    now = timezone.now()
    services.grant_access(
        service, group=group, valid_from=now + timedelta(hours=1), valid_to=now + timedelta(days=1)
    )
    assert not services.is_allowed(consumer, service, "GET", "/ho-so/1")
    assert services.is_allowed(consumer, service, "GET", "/ho-so/1", now=now + timedelta(hours=2))
    assert not services.is_allowed(consumer, service, "GET", "/ho-so/1", now=now + timedelta(days=2))


def test_closed_endpoint_and_suspended_system_are_denied(registry):
    consumer, service = registry["consumer"], registry["service"]
    services.grant_access(service, system=consumer)
    services.set_endpoint_enabled(service.current_version.endpoints.get(method="GET"), False)
    assert not services.is_allowed(consumer, service, "GET", "/ho-so/1")
    assert services.is_allowed(consumer, service, "POST", "/ho-so")
    services.set_system_status(registry["provider"], SystemStatus.SUSPENDED)
    assert not services.is_allowed(consumer, service, "POST", "/ho-so")


def test_grant_is_audited_and_announced_in_the_same_transaction(registry, make_user):
    officer = make_user(kind="official")
    right = services.grant_access(registry["service"], system=registry["consumer"], by=officer)
    entry = AuditEntry.objects.get(action="lgsp.access.grant")
    assert entry.actor == officer and entry.object_id == str(right.pk)
    assert entry.changes["subject"] == "GOV/000.00.03.H08/HOTICH"
    event = OutboxEvent.objects.get(name=services.REGISTRY_CHANGED, payload__action="lgsp.access.grant")
    assert (event.aggregate_type, event.aggregate_id) == ("lgsp.accessright", str(right.pk))
    services.revoke_access(right, by=officer)
    assert AuditEntry.objects.filter(action="lgsp.access.revoke", actor=officer).exists()
    assert OutboxEvent.objects.filter(
        name=services.REGISTRY_CHANGED, payload__action="lgsp.access.revoke"
    ).exists()


def test_granting_the_same_right_twice_returns_it(registry):
    first = services.grant_access(registry["service"], system=registry["consumer"])
    assert services.grant_access(registry["service"], system=registry["consumer"]) == first


def test_snapshot_is_plain_json_with_routes_rights_limits_and_keys(registry):
    services.grant_access(registry["service"], system=registry["consumer"])
    issued = services.create_credential(registry["consumer"])
    snapshot = json.loads(json.dumps(services.registry_snapshot()))
    entry = snapshot["services"]["000.00.02.H08/MOTCUA/tra-cuu-ho-so"]
    assert entry["upstream_url"] == "https://motcua.example/api"
    assert entry["provider"] == "GOV/000.00.02.H08/MOTCUA"
    assert {"method": "GET", "path": "/ho-so/{ma}", "enabled": True} in entry["endpoints"]
    assert entry["rights"][0]["system"] == "GOV/000.00.03.H08/HOTICH"
    assert snapshot["systems"]["GOV/000.00.03.H08/HOTICH"]["rate_limit_per_minute"] == 600
    assert snapshot["credentials"][issued.credential.client_id]["system"] == "GOV/000.00.03.H08/HOTICH"
    assert len(snapshot["keys"]["keys"]) == 2  # active and next
    assert "private" not in json.dumps(snapshot)


def test_revoked_right_leaves_the_snapshot(registry):
    right = services.grant_access(registry["service"], system=registry["consumer"])
    services.revoke_access(right)
    assert services.registry_snapshot()["services"]["000.00.02.H08/MOTCUA/tra-cuu-ho-so"]["rights"] == []


def test_connected_share(registry, agencies):
    provider, consumer = registry["provider"], registry["consumer"]
    member = provider.member
    services.register_system(member, "NOIBO", "Quản lý nội bộ", serves_public=False)
    retired = services.register_system(member, "CU", "Hệ thống cũ", serves_public=True)
    services.set_system_status(retired, SystemStatus.RETIRED)
    services.register_system(member, "CONG", "Cổng thông tin", serves_public=True)
    day = timezone.localdate()
    start, end = day - timedelta(days=29), day
    services.record_exchanges(provider, day, 3)
    services.record_exchanges(provider, day, 2)
    services.record_exchanges(consumer, day - timedelta(days=40), 1)  # before the period
    share = services.connected_share(start, end)
    # Eligible: MOTCUA, HOTICH, CONG (NOIBO serves no one outside, CU is retired); MOTCUA exchanged.
    assert (share.connected, share.total) == (1, 3)
    assert share.share == pytest.approx(1 / 3)
    assert not share.meets_target
    assert provider.exchange_days.get(day=day).count == 5
    services.record_exchanges(consumer, day, 1)
    assert services.connected_share(start, end).meets_target  # 2/3 ≥ 60%


def test_connected_share_of_an_empty_registry(db):
    share = services.connected_share(date(2026, 1, 1), date(2026, 1, 31))
    assert (share.total, share.share, share.meets_target) == (0, None, False)


def test_search_services(registry):
    assert list(services.search_services("tra cứu")) == [registry["service"]]
    assert list(services.search_services("MOTCUA")) == [registry["service"]]
    assert list(services.search_services("không có")) == []
