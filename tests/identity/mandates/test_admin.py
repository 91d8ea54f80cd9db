"""The platform administrator looks up mandates and revokes one (audited); nobody below the platform
reaches these pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from congso.core.models import AuditEntry
from congso.identity.mandates.models import Business, Mandate
from tests.factories.agencies import StaffMembershipFactory


@pytest.fixture
def mandate(make_user):
    business = Business.objects.create(
        tax_code="3700123456",
        name="Công ty TNHH Bình An",
        registry_status="DANG_HOAT_DONG",
        checked_at=timezone.now(),
    )
    return Mandate.objects.create(
        business=business,
        agent=make_user("uy.quyen"),
        valid_from=timezone.localdate(),
        granted_by=make_user("dai.dien"),
    )


@pytest.mark.django_db
def test_the_platform_administrator_revokes_a_mandate(client, make_user, mandate):
    root = make_user(username="root", kind="official", is_staff=True, is_superuser=True)
    client.force_login(root)
    changelist = reverse("admin:identity_mandate_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(changelist, {"action": "revoke", "_selected_action": [mandate.pk]})
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.revoked_by == root
    assert AuditEntry.objects.filter(action="identity.mandate.revoke", actor=root).exists()


@pytest.mark.django_db
def test_an_agency_administrator_cannot_see_mandates(client, mandate):
    admin = StaffMembershipFactory(role="agency_admin", user__is_staff=True).user
    client.force_login(admin)
    assert client.get(reverse("admin:identity_mandate_changelist")).status_code == 403
    assert client.get(reverse("admin:identity_business_changelist")).status_code == 403
