"""The platform administrator registers clients in the admin (with congso's profile inline); a new
client is announced to the LGSP; nobody below the platform reaches the page."""

import pytest
from django.urls import reverse
from oauth2_provider.models import Application

from congso.core.models import AuditEntry, OutboxEvent
from tests.factories.agencies import StaffMembershipFactory

ADD = "admin:oauth2_provider_application_add"


def form(agency, **overrides):
    data = {
        "name": "Hệ thống quản lý văn bản",
        "client_id": "qlvb-tinh",
        "initial-client_id": "qlvb-tinh",
        "client_secret": "a-long-secret-for-the-document-system-0123",
        "initial-client_secret": "",
        "hash_client_secret": "on",
        "client_type": "confidential",
        "authorization_grant_type": "authorization-code",
        "redirect_uris": "https://qlvb.example.gov.vn/oidc/callback",
        "post_logout_redirect_uris": "https://qlvb.example.gov.vn/",
        "algorithm": "RS256",
        "allowed_origins": "",
        "user": "",
        "congso_profile-TOTAL_FORMS": "1",
        "congso_profile-INITIAL_FORMS": "0",
        "congso_profile-MIN_NUM_FORMS": "1",
        "congso_profile-MAX_NUM_FORMS": "1",
        "congso_profile-0-owner_agency": str(agency.pk),
        "congso_profile-0-system_code": "qlvb",
        "congso_profile-0-backchannel_logout_uri": "https://qlvb.example.gov.vn/oidc/backchannel",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_platform_administrator_registers_a_client(client, make_user, agency):
    root = make_user(username="root", kind="official", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post(reverse(ADD), form(agency))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(client_id="qlvb-tinh")
    assert application.congso_profile.owner_agency == agency
    assert application.congso_profile.backchannel_logout_uri.endswith("/backchannel")
    event = OutboxEvent.objects.get(name="identity.oidc_client_registered")
    assert event.payload == {"application_id": application.pk}
    assert AuditEntry.objects.filter(action="identity.oidc.client.register", actor=root).exists()


@pytest.mark.django_db
def test_a_client_needs_an_owner_agency(client, make_user, agency):
    client.force_login(make_user(username="root", kind="official", is_staff=True, is_superuser=True))
    response = client.post(reverse(ADD), form(agency, **{"congso_profile-0-owner_agency": ""}))
    assert response.status_code == 200
    assert not Application.objects.exists() and not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_an_agency_administrator_cannot_reach_the_clients(client, agency):
    admin = StaffMembershipFactory(agency=agency, role="agency_admin", user__is_staff=True).user
    client.force_login(admin)
    assert client.get(reverse(ADD)).status_code == 403
    assert client.get(reverse("admin:oauth2_provider_application_changelist")).status_code == 403
