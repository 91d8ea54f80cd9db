"""Admin pages for units, successions, agencies and memberships load, filter and stay query-bounded."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congso.agencies import demo, services
from congso.agencies.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    Role,
    StaffMembership,
    UnitSuccession,
)
from congso.core.models import AuditEntry
from tests.support.html import select

pytestmark = pytest.mark.django_db

MODELS = [AdministrativeUnit, UnitSuccession, Agency, StaffMembership]


@pytest.fixture
def superuser_client(client, official):
    admin = official("quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.admin_user = admin
    return client


@pytest.fixture
def seeded(official):
    agencies = demo.seed_demo_agencies()
    services.add_membership(official("motcua"), agencies["commune"], Role.ONE_STOP_OFFICER, title="Công chức")
    return agencies


def _url(model, view, *args):
    return reverse(f"admin:agencies_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_change_and_add_pages_load(superuser_client, seeded, model):
    obj = model.objects.order_by("pk").first()
    for url in (_url(model, "changelist"), _url(model, "change", obj.pk), _url(model, "add")):
        response = superuser_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    "model, query, expected",
    [
        (AdministrativeUnit, "?q=Thủ Dầu Một", "Phường Thủ Dầu Một"),
        (AdministrativeUnit, "?level__exact=district&hieu_luc=ended", "Huyện Bàu Bàng"),
        (AdministrativeUnit, "?q=25747", "Phường Phú Cường"),
        (Agency, "?q=000.00.03.H08", "Sở Tư pháp tỉnh Bình Dương"),
        (Agency, "?hieu_luc=ended", "Sở Thông tin và Truyền thông"),
        (Agency, "?kind__exact=ubnd", "Ủy ban nhân dân phường Dĩ An"),
        (StaffMembership, "?role__exact=one_stop_officer", "Ủy ban nhân dân phường Thủ Dầu Một"),
        (UnitSuccession, "?q=74", "Thành phố Hồ Chí Minh"),
    ],
)
def test_search_and_filters(superuser_client, seeded, model, query, expected):
    response = superuser_client.get(_url(model, "changelist") + query)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_filters_exclude_what_does_not_match(superuser_client, seeded):
    page = superuser_client.get(_url(Agency, "changelist") + "?hieu_luc=current").content.decode()
    assert "Sở Tư pháp tỉnh Bình Dương" in page and "Sở Thông tin và Truyền thông" not in page


def test_agency_list_is_indented_by_the_level_in_the_code(superuser_client, seeded):
    page = superuser_client.get(_url(Agency, "changelist")).content.decode()
    assert "— — Phòng Hành chính tư pháp" in page
    # Listed right under its department, before the next department.
    assert page.index("Sở Tư pháp tỉnh Bình Dương") < page.index("— — Phòng Hành chính tư pháp")
    assert page.index("— — Phòng Hành chính tư pháp") < page.index("Sở Xây dựng tỉnh Bình Dương")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_do_not_query_per_row(superuser_client, seeded, django_user_model, model):
    # Districts only for units, so that the rows added below land on the first page too.
    query = "?level__exact=district" if model is AdministrativeUnit else ""

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = superuser_client.get(_url(model, "changelist") + query)
            assert response.status_code == 200
        return len(ctx.captured_queries), response.context["cl"].result_count

    before = count()
    communes = [
        seeded[k] for k in ("commune_phu_loi", "commune_di_an", "commune_thuan_an", "commune_dau_tieng")
    ]
    for i, agency in enumerate(communes):
        # Unusable passwords: hashing is not what this test is about.
        person = django_user_model.objects.create(username=f"them{i}", kind="official")
        StaffMembership.objects.create(user=person, agency=agency, role=Role.SPECIALIST)
        Agency.objects.create(
            code=f"000.02.{10 + i}.H08", name=f"Phòng {i}", kind=AgencyKind.DIVISION, parent=seeded["justice"]
        )
    province = AdministrativeUnit.objects.get(code="74")
    city = AdministrativeUnit.objects.get(code="79")
    for i in range(4):
        district = AdministrativeUnit.objects.create(
            code=f"99{i}", name=f"Huyện thử {i}", level="district", parent=province, valid_to="2025-06-30"
        )
        UnitSuccession.objects.create(predecessor=district, successor=city, effective_on="2025-07-01")
    after = count()
    assert after[1] == before[1] + 4  # the page shows more rows…
    assert after[0] == before[0]  # …for the same number of queries


def test_adding_a_membership_in_the_admin_is_audited(superuser_client, seeded, official):
    person = official("chuyenvien")
    response = superuser_client.post(
        _url(StaffMembership, "add"),
        {
            "user": person.pk,
            "agency": seeded["justice"].pk,
            "role": Role.SPECIALIST,
            "title": "Chuyên viên",
            "valid_from": "",
            "valid_to": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = StaffMembership.objects.get(user=person)
    entry = AuditEntry.objects.get(action="agencies.membership.add", object_id=str(membership.pk))
    assert entry.actor == superuser_client.admin_user
    assert services.has_role(person, "specialist", seeded["justice"])


def test_an_overlapping_membership_is_refused_in_the_admin(superuser_client, seeded):
    existing = StaffMembership.objects.get()
    response = superuser_client.post(
        _url(StaffMembership, "add"),
        {
            "user": existing.user_id,
            "agency": existing.agency_id,
            "role": existing.role,
            "title": "",
            "valid_from": "",
            "valid_to": "",
        },
    )
    assert response.status_code == 200
    assert "đã được phân công" in response.content.decode()
    assert StaffMembership.objects.count() == 1


def test_memberships_edited_inline_on_the_agency_page_are_audited(superuser_client, seeded, official):
    agency = seeded["justice"]
    person = official("vanthu")
    form = {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "parent": agency.parent_id,
        "administrative_unit": agency.administrative_unit_id,
        "address": "",
        "phone": "",
        "email": "",
        "valid_from": "",
        "valid_to": "",
        "successor": "",
        "is_demo": "on",
        "document_settings-TOTAL_FORMS": "0",
        "document_settings-INITIAL_FORMS": "0",
        "document_settings-MIN_NUM_FORMS": "0",
        "document_settings-MAX_NUM_FORMS": "1",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-user": person.pk,
        "memberships-0-role": Role.CLERK,
        "memberships-0-title": "Văn thư",
        "memberships-0-valid_from": "",
        "memberships-0-valid_to": "",
        "memberships-0-agency": agency.pk,
    }
    response = superuser_client.post(_url(Agency, "change", agency.pk), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = StaffMembership.objects.get(user=person)
    assert membership.agency == agency and membership.role == "clerk"
    entry = AuditEntry.objects.get(action="agencies.membership.add", object_id=str(membership.pk))
    assert entry.actor == superuser_client.admin_user and entry.changes["title"] == "Văn thư"


def test_deleting_a_membership_in_the_admin_is_audited(superuser_client, seeded):
    membership = StaffMembership.objects.get()
    response = superuser_client.post(_url(StaffMembership, "delete", membership.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not StaffMembership.objects.exists()
    entry = AuditEntry.objects.get(action="agencies.membership.delete")
    assert entry.object_id == str(membership.pk) and entry.changes["role"] == "one_stop_officer"


# --- Who administers what: the matrix (role × page × own/other agency × action) -------------------
#
# Every administrator below is staff and holds *every* model permission (the worst case: a superuser
# put agency administrators in an all-powerful group); only ``agencies.permissions`` narrows them.
# The agency administrator administers the Department of Justice, hence its division too.

ALL_PERMISSIONS_GROUP = "every model permission"


@pytest.fixture
def all_permissions(db):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name=ALL_PERMISSIONS_GROUP)
    group.permissions.set(Permission.objects.all())
    return group


@pytest.fixture
def actors(seeded, official, all_permissions):
    """Logged-in clients by role: ``agency_admin`` (justice), ``platform_admin`` (not a superuser),
    ``superuser``; and another platform administrator's membership, at the Department of Justice."""
    from django.test import Client

    def client_for(user):
        user.groups.add(all_permissions)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    agency_admin = official("quantri.stp", is_staff=True)
    services.add_membership(agency_admin, seeded["justice"], Role.AGENCY_ADMIN)
    platform_admin = official("quantri.nentang", is_staff=True)
    services.add_membership(platform_admin, seeded["science_technology"], Role.PLATFORM_ADMIN)
    superuser = official("sieuquantri", is_staff=True, is_superuser=True)
    another_platform_admin = official("quantri.khac", is_staff=True)
    services.add_membership(another_platform_admin, seeded["justice"], Role.PLATFORM_ADMIN)
    return {
        "agency_admin": client_for(agency_admin),
        "platform_admin": client_for(platform_admin),
        "superuser": client_for(superuser),
        "platform_membership": StaffMembership.objects.get(user=another_platform_admin),
    }


def _add_membership(client, person, agency, role):
    data = {
        "user": person.pk,
        "agency": agency.pk,
        "role": role,
        "title": "",
        "valid_from": "",
        "valid_to": "",
    }
    return client.post(_url(StaffMembership, "add"), data)


@pytest.mark.parametrize(
    "actor, agency_key, role, allowed",
    [
        ("agency_admin", "justice", Role.SPECIALIST, True),
        ("agency_admin", "justice_admin_division", Role.LEADER, True),
        ("agency_admin", "commune", Role.SPECIALIST, False),  # another agency
        ("agency_admin", "justice", Role.AGENCY_ADMIN, False),  # administrative roles come from above
        ("agency_admin", "justice", Role.PLATFORM_ADMIN, False),
        ("platform_admin", "commune", Role.AGENCY_ADMIN, True),
        ("platform_admin", "commune", Role.PLATFORM_ADMIN, False),  # superusers only
        ("superuser", "commune", Role.PLATFORM_ADMIN, True),
    ],
)
def test_who_may_grant_which_role_where(actors, seeded, official, actor, agency_key, role, allowed):
    person = official("nguoimoi")
    response = _add_membership(actors[actor], person, seeded[agency_key], role)
    granted = StaffMembership.objects.filter(user=person, agency=seeded[agency_key], role=role).exists()
    assert granted is allowed
    assert response.status_code == (302 if allowed else 200)


def test_the_role_list_offers_only_grantable_roles(actors):
    page = actors["agency_admin"].get(_url(StaffMembership, "add")).content.decode()
    offered = {option["value"] for option in select(page, 'select[name="role"] option')}
    assert {"specialist", "clerk"} <= offered
    assert not {"agency_admin", "platform_admin"} & offered


def test_agency_admin_lists_only_memberships_of_their_agencies(actors, seeded, official):
    services.add_membership(official("chuyenvien.stp"), seeded["justice_admin_division"], Role.SPECIALIST)
    response = actors["agency_admin"].get(_url(StaffMembership, "changelist"))
    agencies = {m.agency.code for m in response.context["cl"].queryset}
    assert agencies == {seeded["justice"].code, seeded["justice_admin_division"].code}
    # The superuser sees the commune's one-stop officer too.
    everyone = actors["superuser"].get(_url(StaffMembership, "changelist")).context["cl"].queryset
    assert seeded["commune"].code in {m.agency.code for m in everyone}


def test_agency_admin_cannot_open_another_agencys_membership(actors):
    other = StaffMembership.objects.get(role=Role.ONE_STOP_OFFICER)  # at the commune
    for view in ("change", "delete"):
        response = actors["agency_admin"].get(_url(StaffMembership, view, other.pk))
        assert response.status_code in (302, 403, 404), view
        assert other.user.username not in response.content.decode()


@pytest.mark.parametrize("actor", ["agency_admin", "platform_admin"])
def test_a_platform_admins_membership_cannot_be_taken_over(actors, actor):
    """Putting one's own account on the platform administrator's membership would make one one."""
    membership = actors["platform_membership"]
    client = actors[actor]
    data = {
        "user": client.user.pk,
        "agency": membership.agency_id,
        "role": Role.PLATFORM_ADMIN,
        "title": "",
        "valid_from": "",
        "valid_to": "",
    }
    response = client.post(_url(StaffMembership, "change", membership.pk), data)
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.user_id != client.user.pk
    # Nor can it be deleted, one by one or with the list's bulk action.
    assert client.post(_url(StaffMembership, "delete", membership.pk), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"}
    client.post(_url(StaffMembership, "changelist"), bulk)
    assert StaffMembership.objects.filter(pk=membership.pk).exists()


def test_superuser_may_change_a_platform_admins_membership(actors):
    membership = actors["platform_membership"]
    data = {"user": membership.user_id, "agency": membership.agency_id, "role": Role.PLATFORM_ADMIN}
    data.update({"title": "Giám đốc trung tâm", "valid_from": "", "valid_to": ""})
    response = actors["superuser"].post(_url(StaffMembership, "change", membership.pk), data)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.title == "Giám đốc trung tâm"


def _agency_form(agency, **memberships):
    form = {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "parent": agency.parent_id or "",
        "administrative_unit": agency.administrative_unit_id or "",
        "address": "",
        "phone": "0274 123 456",
        "email": "",
        "valid_from": "",
        "valid_to": "",
        "successor": "",
        "is_demo": "on",
        "document_settings-TOTAL_FORMS": "0",
        "document_settings-INITIAL_FORMS": "0",
        "document_settings-MIN_NUM_FORMS": "0",
        "document_settings-MAX_NUM_FORMS": "1",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, (role, person) in enumerate(memberships.items()):
        form.update(
            {
                f"memberships-{i}-user": person.pk,
                f"memberships-{i}-role": role,
                f"memberships-{i}-title": "",
                f"memberships-{i}-valid_from": "",
                f"memberships-{i}-valid_to": "",
                f"memberships-{i}-agency": agency.pk,
            }
        )
    return form


@pytest.mark.parametrize("role", [Role.PLATFORM_ADMIN, Role.AGENCY_ADMIN])
def test_the_agency_pages_inline_refuses_administrative_roles_to_an_agency_admin(
    actors, seeded, official, role
):
    person = official("nguoimoi")
    agency = seeded["justice"]
    response = actors["agency_admin"].post(
        _url(Agency, "change", agency.pk), _agency_form(agency, **{role: person})
    )
    assert response.status_code == 200
    assert not StaffMembership.objects.filter(user=person).exists()


def test_the_agency_pages_inline_lets_an_agency_admin_grant_officer_roles(actors, seeded, official):
    person = official("nguoimoi")
    agency = seeded["justice"]
    response = actors["agency_admin"].post(
        _url(Agency, "change", agency.pk), _agency_form(agency, **{Role.CLERK: person})
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert services.has_role(person, Role.CLERK, agency)
    agency.refresh_from_db()
    assert agency.phone == "0274 123 456"


def test_the_agency_pages_inline_hides_memberships_an_agency_admin_cannot_manage(actors, seeded):
    response = actors["agency_admin"].get(_url(Agency, "change", seeded["justice"].pk))
    (formset,) = [
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is StaffMembership
    ]
    assert actors["platform_membership"] not in formset.queryset


def test_agency_admin_sees_and_changes_only_their_agencies(actors, seeded):
    client = actors["agency_admin"]
    listed = {a.code for a in client.get(_url(Agency, "changelist")).context["cl"].queryset}
    assert listed == {seeded["justice"].code, seeded["justice_admin_division"].code}
    other = seeded["commune"]
    response = client.post(_url(Agency, "change", other.pk), _agency_form(other))
    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.phone != "0274 123 456"
    assert client.get(_url(Agency, "add")).status_code == 403
    assert client.post(_url(Agency, "delete", seeded["justice"].pk), {"post": "yes"}).status_code == 403


def test_agency_admin_cannot_move_their_agency_in_the_tree(actors, seeded):
    agency = seeded["justice_admin_division"]
    form = _agency_form(agency)
    form.update({"parent": seeded["province"].pk, "code": "000.99.99.H08", "valid_to": "2020-01-01"})
    response = actors["agency_admin"].post(_url(Agency, "change", agency.pk), form)
    assert response.status_code == 302
    moved = Agency.objects.get(pk=agency.pk)
    assert (moved.parent_id, moved.code, moved.valid_to) == (agency.parent_id, agency.code, agency.valid_to)
    assert moved.phone == "0274 123 456"  # the contact details did change


def test_agency_autocomplete_offers_only_administered_agencies(actors, seeded):
    response = actors["agency_admin"].get(
        reverse("admin:autocomplete"),
        {"app_label": "agencies", "model_name": "staffmembership", "field_name": "agency", "term": "Sở"},
    )
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert names == {seeded["justice"].name, seeded["justice_admin_division"].name}
