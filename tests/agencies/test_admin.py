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
