"""The officers' workspace home and the access rule in congso.workspace.permissions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from congso.agencies.models import Role
from congso.workspace import permissions
from congso.workspace.views import ROLE_DESCRIPTIONS
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.support.html import has_link, one, select

HOME = "/can-bo/"


@pytest.fixture
def agency(db):
    return AgencyFactory(code="000.00.12.H08", name="Sở Tư pháp", kind="department")


@pytest.fixture
def officer(make_user, agency):
    user = make_user("canbo", kind="official", full_name="Trần Thị Bình")
    StaffMembershipFactory(user=user, agency=agency, role="specialist", title="Chuyên viên chính")
    return user


def test_workspace_home_url():
    assert reverse("workspace:home") == HOME


# --- Access matrix ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('identity:login')}?next={HOME}"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["citizen", "business"])
def test_citizens_and_businesses_are_refused_in_vietnamese(client, make_user, kind):
    client.force_login(make_user("nguoidung", kind=kind))
    response = client.get(HOME)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền xem trang này" in html
    assert "Không gian làm việc chỉ dành cho cán bộ, công chức." in html
    assert one(html, "html")["lang"] == "vi"


@pytest.mark.django_db
def test_official_without_membership_is_refused(client, make_user):
    client.force_login(make_user("canbo", kind="official"))
    response = client.get(HOME)
    assert response.status_code == 403
    assert "chưa được phân công vào cơ quan nào" in response.content.decode()


@pytest.mark.django_db
def test_official_whose_membership_ended_is_refused(client, make_user, agency):
    user = make_user("canbo_cu", kind="official")
    StaffMembershipFactory(
        user=user, agency=agency, role="clerk", valid_to=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(user)
    assert client.get(HOME).status_code == 403


@pytest.mark.django_db
def test_citizen_with_a_membership_is_still_refused(client, make_user, agency):
    """Only official accounts work in the workspace, whatever the membership table says."""
    user = make_user("congdan")
    StaffMembershipFactory(user=user, agency=agency, role="specialist")
    client.force_login(user)
    assert client.get(HOME).status_code == 403


@pytest.mark.django_db
def test_official_with_membership_sees_agency_and_role(client, officer):
    client.force_login(officer)
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        one(html, "title").text == "Trang làm việc – Không gian làm việc – Cổng dịch vụ công tỉnh Bình Dương"
    )
    assert one(html, "h1").text == "Xin chào, Trần Thị Bình"
    assert "Sở Tư pháp" in html
    assert "000.00.12.H08" in html
    assert "Chuyên viên" in html
    assert "Chuyên viên chính" in html
    assert str(ROLE_DESCRIPTIONS["specialist"]) in html
    # The header of every workspace page names the agency and role.
    assert "Sở Tư pháp — Chuyên viên" in html


@pytest.mark.django_db
def test_superuser_enters_without_membership(client, make_user):
    client.force_login(make_user("root", kind="official", is_staff=True, is_superuser=True))
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "chưa được phân công vào cơ quan nào" in html
    assert has_link(html, reverse("admin:index"))


@pytest.mark.django_db
def test_workspace_pages_are_not_cached(client, officer, make_user):
    client.force_login(officer)
    assert "no-store" in client.get(HOME)["Cache-Control"]
    client.force_login(make_user("congdan"))
    assert "no-store" in client.get(HOME)["Cache-Control"]


# --- Home page content ------------------------------------------------------------------------


@pytest.mark.django_db
def test_renders_in_english_after_switching_language(client, officer):
    client.force_login(officer)
    assert one(client.get(HOME), "html")["lang"] == "vi"
    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    response = client.get(HOME)
    assert response.status_code == 200
    assert one(response, "html")["lang"] == "en"


@pytest.mark.django_db
def test_several_roles_in_several_agencies_are_grouped(client, officer, agency):
    other = AgencyFactory(code="000.00.25.H08", name="UBND phường Phú Lợi", kind="ubnd")
    StaffMembershipFactory(user=officer, agency=agency, role="leader")
    StaffMembershipFactory(user=officer, agency=other, role="one_stop_officer")
    client.force_login(officer)
    html = client.get(HOME).content.decode()
    assert len(select(html, "section.card.card--plain")) == 2
    assert "Sở Tư pháp — Lãnh đạo, Chuyên viên" in html
    assert "UBND phường Phú Lợi — Cán bộ một cửa" in html


@pytest.mark.django_db
def test_admin_link_only_for_administrators_with_admin_access(client, officer, agency, make_user):
    client.force_login(officer)
    assert not has_link(client.get(HOME), reverse("admin:index"))

    admin = make_user("quantri_coquan", kind="official", is_staff=True)
    StaffMembershipFactory(user=admin, agency=agency, role="agency_admin")
    client.force_login(admin)
    assert has_link(client.get(HOME), reverse("admin:index"))

    # The role without Django's is_staff flag would only meet the admin's refusal: no link then.
    no_flag = make_user("quantri_khong_co_co", kind="official")
    StaffMembershipFactory(user=no_flag, agency=agency, role="platform_admin")
    client.force_login(no_flag)
    assert not has_link(client.get(HOME), reverse("admin:index"))


def test_every_role_has_a_description():
    assert set(ROLE_DESCRIPTIONS) == set(Role.values)


# --- The rule itself ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_can_enter_workspace(make_user, officer, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_enter_workspace(officer)
    assert not permissions.can_enter_workspace(AnonymousUser())
    assert not permissions.can_enter_workspace(make_user("congdan"))
    assert not permissions.can_enter_workspace(make_user("canbo_moi", kind="official"))
    assert permissions.can_enter_workspace(make_user("root", is_superuser=True))
    officer.is_active = False
    assert not permissions.can_enter_workspace(officer)


@pytest.mark.django_db
def test_refusal_reasons(make_user):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.refusal_reason(AnonymousUser()) == permissions.NOT_SIGNED_IN
    assert permissions.refusal_reason(make_user("congdan")) == permissions.NOT_AN_OFFICIAL
    assert permissions.refusal_reason(make_user("dn", kind="business")) == permissions.NOT_AN_OFFICIAL
    assert permissions.refusal_reason(make_user("canbo", kind="official")) == permissions.NO_MEMBERSHIP


@pytest.mark.django_db
def test_mixin_guards_class_based_views(rf, officer, make_user):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.views import View

    class Inbox(permissions.WorkspaceRequiredMixin, View):
        def get(self, request):
            return HttpResponse(", ".join(a.agency.name for a in request.officer.agencies))

    def call(user):
        request = rf.get("/can-bo/hop-thu/")
        request.user = user
        request.session = {}
        return Inbox.as_view()(request)

    assert call(AnonymousUser())["Location"] == f"{reverse('identity:login')}?next=/can-bo/hop-thu/"
    assert call(make_user("congdan")).status_code == 403
    response = call(officer)
    assert response.status_code == 200
    assert response.content.decode() == "Sở Tư pháp"
