"""The audit log: who did what to which object, when, from where; append-only."""

import pytest
from django.db import transaction
from django.test import RequestFactory

from congso.core import audit
from congso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_record_takes_actor_and_address_from_the_current_request(make_user):
    officer = make_user("canbo", kind="official")
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox/140")
    request.user = officer
    with audit.bind_request(request):
        entry = audit.record("agencies.membership.add", officer, changes={"role": "leader"})

    entry.refresh_from_db()
    assert entry.actor == officer and entry.actor_label == str(officer)
    assert entry.ip_address == "10.1.2.3" and entry.user_agent == "Firefox/140"
    assert entry.object_type == "identity.user" and entry.object_id == str(officer.pk)
    assert entry.changes == {"role": "leader"} and entry.request_id
    assert list(AuditEntry.objects.for_object(officer)) == [entry]


def test_record_outside_a_request_is_attributed_to_the_system():
    entry = audit.record("core.outbox.sweep")
    assert entry.actor is None and entry.actor_label == "system" and entry.ip_address is None


def test_anonymous_request_user_is_not_an_actor():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/tai-khoan/dang-nhap/", REMOTE_ADDR="192.0.2.9")
    request.user = AnonymousUser()
    with audit.bind_request(request):
        entry = audit.record("identity.login_failed", label="unknown-user")
    assert entry.actor is None and entry.actor_label == "unknown-user" and entry.ip_address == "192.0.2.9"


def test_audit_log_is_append_only():
    entry = audit.record("core.test")
    entry.action = "core.tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="core.tampered")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "core.test"


def test_audit_entry_rolls_back_with_the_change_it_describes():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("core.half_done")
        raise RuntimeError
    assert not AuditEntry.objects.filter(action="core.half_done").exists()


def test_middleware_binds_each_request(make_user):
    user = make_user("congdan1")
    seen = {}

    from congso.core import middleware

    def view(request):
        seen["ctx"] = audit.current_context()
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
    request.user = user
    middleware.RequestContextMiddleware(view)(request)
    assert seen["ctx"].user == user and seen["ctx"].ip_address == "203.0.113.5"
    assert audit.current_context() is None  # unbound after the request


def test_admin_shows_the_audit_log_read_only(admin_client):
    audit.record("core.visible_in_admin")
    response = admin_client.get("/quan-tri/core/auditentry/")
    assert response.status_code == 200
    assert b"core.visible_in_admin" in response.content
    assert admin_client.get("/quan-tri/core/auditentry/add/").status_code == 403


def test_admin_filter_names_the_blank_object_type(admin_client):
    """An entry about no object has a blank type: its filter link was empty (no accessible name)."""
    audit.record("core.no_object")
    page = admin_client.get("/quan-tri/core/auditentry/").content.decode()
    assert '<a href="?object_type="></a>' not in page
    assert '<a href="?object_type=">(trống)</a>' in page
