"""``lgsp.permissions`` as a matrix: who may browse the catalogue, register systems, manage a system
and its services (grant, revoke, credentials) — in the functions and through the pages."""

import pytest
from django.contrib.auth.models import AnonymousUser

from congso.lgsp import permissions, services
from congso.lgsp.models import AccessRight, System

PEOPLE = ["platform_admin", "owner_admin", "other_admin", "officer", "citizen", "anonymous"]

# person: (browse the catalogue, register systems, manage the provider's system and its service)
MATRIX = {
    "platform_admin": (True, True, True),
    "owner_admin": (True, True, True),
    "other_admin": (True, True, False),
    "officer": (True, False, False),
    "citizen": (False, False, False),
    "anonymous": (False, False, False),
}


@pytest.mark.parametrize("kind", PEOPLE)
def test_permission_functions(kind, person, registry):
    user = person(kind) or AnonymousUser()
    browse, register, manage = MATRIX[kind]
    assert permissions.can_browse_catalogue(user) is browse
    assert permissions.can_register_systems(user) is register
    assert permissions.can_manage_system(user, registry["provider"]) is manage
    assert permissions.can_manage_service(user, registry["service"]) is manage
    assert permissions.can_grant(user, registry["service"]) is manage
    assert permissions.can_manage_credentials(user, registry["provider"]) is manage
    scoped = permissions.systems_in_scope(user, System.objects.all())
    assert (registry["provider"] in scoped) is manage


def test_outside_organisations_systems_are_the_platforms(person, db):
    member = services.register_member(code="0312345678", name="Công ty", member_class="COM")
    system = services.register_system(member, "APP", "Ứng dụng")
    assert permissions.can_manage_system(person("platform_admin"), system)
    assert not permissions.can_manage_system(person("owner_admin"), system)


@pytest.mark.parametrize("kind", PEOPLE)
def test_pages_follow_the_matrix(kind, person, registry, client):
    user = person(kind)
    if user is not None:
        client.force_login(user)
    browse, register, manage = MATRIX[kind]
    catalogue = client.get("/can-bo/lgsp/")
    if kind == "anonymous":
        assert catalogue.status_code == 302 and "/tai-khoan/" in catalogue["Location"]
    else:
        assert catalogue.status_code == (200 if browse else 403)
    if not browse:
        return
    service_page = client.get(f"/can-bo/lgsp/dich-vu/{registry['service'].pk}/")
    assert service_page.status_code == 200
    assert ("Cấp quyền truy cập" in service_page.content.decode()) is manage
    assert client.get("/can-bo/lgsp/he-thong/dang-ky/").status_code == (200 if register else 403)
    grant = client.post(
        f"/can-bo/lgsp/dich-vu/{registry['service'].pk}/cap-quyen/", {"system": registry["consumer"].pk}
    )
    assert grant.status_code == (302 if manage else 403)
    assert AccessRight.objects.exists() is manage
    credential = client.post(f"/can-bo/lgsp/he-thong/{registry['provider'].pk}/thong-tin-xac-thuc/")
    assert credential.status_code == (200 if manage else 403)


# --- Publish / subscribe ---------------------------------------------------------------------------

# person: (grant congso's domain event types, grant the provider's own event type,
#          manage the provider system's subscriptions and replay its dead letters)
PUBSUB_MATRIX = {
    "platform_admin": (True, True, True),
    "owner_admin": (False, True, True),
    "other_admin": (False, False, False),
    "officer": (False, False, False),
    "citizen": (False, False, False),
    "anonymous": (False, False, False),
}


@pytest.mark.parametrize("kind", PEOPLE)
def test_pubsub_permission_functions(kind, person, registry):
    from congso.lgsp.models import Delivery, EventRight, Subscription

    user = person(kind) or AnonymousUser()
    domain, own, subscriptions = PUBSUB_MATRIX[kind]
    accepted = {t.code: t for t in services.ensure_domain_event_types()}["dossier.accepted"]
    issued = services.register_event_type(
        "motcua.queue_changed", "Hàng đợi thay đổi", {"type": "object"}, publisher=registry["provider"]
    )
    right = services.grant_events(issued, system=registry["provider"])
    subscription = services.subscribe(registry["provider"], issued, "pull").subscription
    assert permissions.can_grant_events(user, accepted) is domain
    assert permissions.can_grant_events(user, issued) is own
    assert permissions.can_manage_subscriptions(user, registry["provider"]) is subscriptions
    assert (
        subscription in permissions.subscriptions_in_scope(user, Subscription.objects.all())
    ) is subscriptions
    assert (right in permissions.event_rights_in_scope(user, EventRight.objects.all())) is own
    assert not permissions.deliveries_in_scope(user, Delivery.objects.all()).exists() or subscriptions


@pytest.mark.parametrize("kind", PEOPLE)
def test_pubsub_pages_follow_the_matrix(kind, person, pubsub, client):
    user = person(kind)
    if user is not None:
        client.force_login(user)
    browse = MATRIX[kind][0]
    domain, _own, manage = PUBSUB_MATRIX[kind]
    types_page = client.get("/can-bo/lgsp/su-kien/")
    assert types_page.status_code == (200 if browse else 302 if kind == "anonymous" else 403)
    if not browse:
        return
    accepted = pubsub["accepted"]
    detail = client.get(f"/can-bo/lgsp/su-kien/{accepted.pk}/")
    assert detail.status_code == 200 and "dossier.accepted" in detail.content.decode()
    assert ("Cấp quyền nhận sự kiện" in detail.content.decode()) is domain
    grant = client.post(f"/can-bo/lgsp/su-kien/{accepted.pk}/cap-quyen/", {"system": pubsub["provider"].pk})
    assert grant.status_code == (302 if domain else 403)
    page = client.get(f"/can-bo/lgsp/he-thong/{pubsub['provider'].pk}/dang-ky-su-kien/")
    assert page.status_code == (200 if manage else 403)
    assert client.get("/can-bo/lgsp/that-bai/").status_code == (200 if MATRIX[kind][1] else 403)


# --- Monitoring ------------------------------------------------------------------------------------

# person: (sees the monitoring page, monitors the provider's service, monitors the consumer system)
MONITORING = {
    "platform_admin": (True, True, True),
    "owner_admin": (True, True, False),
    "other_admin": (True, False, True),
    "officer": (False, False, False),
    "citizen": (False, False, False),
    "anonymous": (False, False, False),
}


@pytest.mark.parametrize("kind", PEOPLE)
def test_monitoring_follows_the_matrix(kind, person, registry, client):
    user = person(kind)
    page, service, consumer = MONITORING[kind]
    subject = user or AnonymousUser()
    assert permissions.can_see_monitoring(subject) is page
    assert permissions.can_monitor_service(subject, registry["service"]) is service
    assert permissions.can_monitor_system(subject, registry["consumer"]) is consumer
    if user is None:
        assert client.get("/can-bo/lgsp/giam-sat/").status_code == 302
        return
    client.force_login(user)
    assert client.get("/can-bo/lgsp/giam-sat/").status_code == (200 if page else 403)
    monitored = client.get(f"/can-bo/lgsp/giam-sat/dich-vu/{registry['service'].pk}/")
    assert monitored.status_code == (200 if service else 403)
