"""The dossier admin is read-only and lists only what the signed-in person may see."""

import pytest
from django.urls import reverse

from tests.factories.agencies import StaffMembershipFactory
from tests.support.html import select

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(make_user):
    return make_user("quantri", kind="official", is_staff=True, is_superuser=True)


def test_superuser_without_an_officer_role_sees_no_dossier(client, admin_user, submit):
    dossier = submit()
    client.force_login(admin_user)
    response = client.get(reverse("admin:dossiers_dossier_changelist"))
    assert response.status_code == 200
    assert dossier.code not in response.content.decode()
    assert client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).status_code == 302


def test_officer_role_shows_own_agency_dossiers_read_only(
    client, admin_user, submit, agency_a, agency_c, citizen
):
    mine = submit()
    theirs = submit(receiving_agency=agency_c)
    StaffMembershipFactory(user=admin_user, agency=agency_a, role="one_stop_officer")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:dossiers_dossier_changelist")).content.decode()
    assert mine.code in listing and theirs.code not in listing
    found = client.get(reverse("admin:dossiers_dossier_changelist"), {"q": mine.applicant_national_id})
    assert mine.code in found.content.decode()
    page = client.get(reverse("admin:dossiers_dossier_change", args=[mine.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "submit_online" in content  # the status history inline
    assert mine.papers.get().sha256 in content  # the papers' metadata inline
    assert select(content, '[name="_save"]') == []  # nothing can be saved
    assert client.post(reverse("admin:dossiers_dossier_change", args=[mine.pk]), {}).status_code == 403
