"""Sign-in events in the audit log, with the client's address."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from congso.core.models import AuditEntry
from tests.factories.identity import PASSWORD

IP = "203.0.113.7"


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


@pytest.mark.django_db
def test_sign_in_is_recorded_with_actor_and_address(sign_in, citizen):
    sign_in("an.nguyen", PASSWORD, REMOTE_ADDR=IP, HTTP_USER_AGENT="Firefox/140")
    [entry] = _entries("identity.login")
    assert entry.actor == citizen
    assert entry.object_id == str(citizen.pk)
    assert entry.ip_address == IP
    assert entry.user_agent == "Firefox/140"
    assert entry.changes == {
        "backend": "congso.identity.backends.UsernameOrNationalIdBackend",
        "method": "password",
        "assurance_level": 1,
    }


@pytest.mark.django_db
def test_failed_sign_in_records_the_name_tried_and_never_the_password(sign_in, citizen):
    sign_in("AN.NGUYEN", "mat-khau-doan-sai", REMOTE_ADDR=IP)
    sign_in("nobody.here", "mat-khau-doan-sai", REMOTE_ADDR=IP)
    entries = _entries("identity.login.failed")
    assert [entry.changes for entry in entries] == [
        {"username": "an.nguyen", "reason": "invalid_credentials"},
        {"username": "nobody.here", "reason": "invalid_credentials"},
    ]
    assert all(entry.ip_address == IP and entry.actor is None for entry in entries)
    everything = json.dumps([entry.changes for entry in AuditEntry.objects.all()])
    assert "mat-khau-doan-sai" not in everything


@pytest.mark.django_db
def test_lockout_is_recorded_once_and_refused_attempts_are_marked(sign_in, citizen):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        sign_in("an.nguyen", "wrong", REMOTE_ADDR=IP)
    sign_in("an.nguyen", PASSWORD, REMOTE_ADDR=IP)
    sign_in("an.nguyen", PASSWORD, REMOTE_ADDR=IP)

    [lockout] = _entries("identity.lockout")
    assert lockout.changes == {"username": "an.nguyen", "failures": limit}
    assert lockout.ip_address == IP
    reasons = [entry.changes["reason"] for entry in _entries("identity.login.failed")]
    assert reasons == ["invalid_credentials"] * limit + ["locked_out", "locked_out"]
    assert not _entries("identity.login")


@pytest.mark.django_db
def test_sign_out_is_recorded(client, citizen):
    client.force_login(citizen)
    client.post(reverse("identity:logout"), REMOTE_ADDR=IP)
    [entry] = _entries("identity.logout")
    assert entry.actor == citizen
    assert entry.ip_address == IP


@pytest.mark.django_db
def test_signing_out_without_a_session_records_nothing(client):
    client.post(reverse("identity:logout"))
    assert not _entries("identity.logout")
