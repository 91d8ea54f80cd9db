"""Who may use the link's pages and actions (nationalportal/permissions.py), as a matrix: every kind of
person × every page and action, with the answer expected."""

import pytest
from django.urls import reverse

from congso.agencies.models import Role
from congso.dossiers.models import Status
from congso.nationalportal import permissions
from congso.nationalportal.models import IncomingDossier, IncomingStatus, SyncState, SyncStatus
from tests.factories.agencies import StaffMembershipFactory

PEOPLE = ["superuser", "platform_admin", "admin_a", "admin_c", "one_stop", "citizen", "anonymous"]


@pytest.fixture
def people(make_user, officer, actors, agency_a, agency_c, citizen):
    superuser = make_user("root", kind="official", is_superuser=True, is_staff=True)
    platform = officer(Role.PLATFORM_ADMIN, agency_a, "platform")
    admin_a = officer(Role.AGENCY_ADMIN, agency_a, "admin_a")
    admin_c = officer(Role.AGENCY_ADMIN, agency_c, "admin_c")
    return {
        "superuser": superuser,
        "platform_admin": platform,
        "admin_a": admin_a,
        "admin_c": admin_c,
        "one_stop": actors.one_stop,
        "citizen": citizen,
        "anonymous": None,
    }


@pytest.fixture
def failing(drive):
    dossier = drive(Status.ACCEPTED)  # received by agency A
    return SyncState.objects.create(
        dossier=dossier, status=SyncStatus.FAILING, attempts=2, last_error="HTTP 503"
    )


EXPECTED = {
    # page or action: the people allowed
    "overview": {"superuser", "platform_admin", "admin_a", "admin_c"},
    "catalogue": {"superuser", "platform_admin"},
    "retry": {"superuser", "platform_admin", "admin_a"},
    "retry_incoming": {"superuser", "platform_admin"},
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("what", sorted(EXPECTED))
def test_matrix(client, settings, people, failing, who, what):
    settings.CONGSO_NATIONALPORTAL_LINK = ""  # the actions reach no portal: only the decision counts
    user = people[who]
    if user is not None:
        client.force_login(user)
    incoming = IncomingDossier.objects.create(national_code="G9", status=IncomingStatus.FAILED, error="x")
    if what == "overview":
        response = client.get(reverse("nationalportal:overview"))
    elif what == "catalogue":
        response = client.get(reverse("nationalportal:catalogue"))
    elif what == "retry":
        response = client.post(reverse("nationalportal:retry", args=[failing.pk]))
    else:
        response = client.post(reverse("nationalportal:retry_incoming", args=[incoming.pk]))
    allowed = who in EXPECTED[what]
    if allowed:
        assert response.status_code in (200, 302) and "/tai-khoan/" not in response.get("Location", "")
    elif who == "anonymous":
        assert response.status_code == 302 and "/tai-khoan/" in response["Location"]
    else:
        assert response.status_code == 403


def test_an_agency_administrator_sees_only_their_agencies_failures(client, people, failing):
    client.force_login(people["admin_a"])
    assert failing.dossier.code in client.get(reverse("nationalportal:overview")).content.decode()
    client.force_login(people["admin_c"])
    assert failing.dossier.code not in client.get(reverse("nationalportal:overview")).content.decode()


def test_the_navigation_entry_follows_the_rule(people):
    assert [permissions.can_operate(people[w]) for w in ("platform_admin", "one_stop", "citizen")] == [
        True,
        False,
        False,
    ]


def test_the_dossier_panel_offers_the_retry_only_to_who_may(client, settings, people, failing):
    settings.CONGSO_NATIONALPORTAL_LINK = "dvcqg"
    page = reverse("dossiers:detail", args=[failing.dossier.code])
    client.force_login(people["one_stop"])
    html = client.get(page).content.decode()
    assert "Đồng bộ với Cổng Dịch vụ công quốc gia" in html and "HTTP 503" in html
    assert reverse("nationalportal:retry", args=[failing.pk]) not in html
    client.force_login(people["admin_a"])
    StaffMembershipFactory(
        user=people["admin_a"], agency=failing.dossier.receiving_agency, role="one_stop_officer"
    )
    html = client.get(page).content.decode()
    assert reverse("nationalportal:retry", args=[failing.pk]) in html


def test_the_dossier_panel_is_laid_out_like_the_rest_of_the_page(client, settings, people, failing):
    """Its facts are a styled summary list (label beside value), not a bare, indented <dl>."""
    from tests.support.html import select

    settings.CONGSO_NATIONALPORTAL_LINK = "dvcqg"
    client.force_login(people["one_stop"])
    html = client.get(reverse("dossiers:detail", args=[failing.dossier.code])).content.decode()
    [panel_list] = select(html, "section[aria-labelledby=dvcqg-sync-title] dl")
    assert "summary-list" in panel_list.classes
