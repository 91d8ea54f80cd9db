"""The demo organisation of Bình Dương and the demo units."""

import time
from datetime import date

import pytest
from django.test import override_settings

from congso.agencies import demo, services
from congso.agencies.models import AdministrativeUnit, Agency, AgencyKind, UnitSuccession

pytestmark = pytest.mark.django_db

# The keys congso/demo.py relies on to give each demo account its agency.
KEYS_USED_BY_PROJECT_DEMO = {"commune", "service_centre", "justice", "province_office", "science_technology"}


def _snapshot():
    return (
        list(Agency.objects.order_by("pk").values_list()),
        list(AdministrativeUnit.objects.order_by("pk").values_list()),
        list(UnitSuccession.objects.order_by("pk").values_list()),
    )


def test_seeding_twice_changes_nothing():
    first = demo.seed_demo_agencies()
    before = _snapshot()

    second = demo.seed_demo_agencies()

    assert _snapshot() == before
    assert {k: a.pk for k, a in first.items()} == {k: a.pk for k, a in second.items()}
    assert Agency.objects.count() == len(first) == 20


def test_seed_demo_units_twice_changes_nothing_and_is_quick():
    started = time.monotonic()
    demo.seed_demo_units()
    elapsed = time.monotonic() - started
    before = _snapshot()
    result = demo.seed_demo_units()
    assert (result.created, result.updated, result.successions) == (0, 0, 0)
    assert _snapshot() == before
    # Not a timing assertion (bench/ measures speed); printed with -s for the report.
    print(f"seed_demo_units: {elapsed:.3f} s")


def test_the_province_and_its_departments():
    agencies = demo.seed_demo_agencies()
    assert KEYS_USED_BY_PROJECT_DEMO <= set(agencies)

    province = agencies["province"]
    assert province.code == "000.00.00.H08" and province.name == "Ủy ban nhân dân tỉnh Bình Dương"
    assert province.kind == AgencyKind.PEOPLES_COMMITTEE
    assert province.administrative_unit.code == "74" and province.administrative_unit.valid_to == date(
        2025, 6, 30
    )
    assert agencies["justice"].parent == province and agencies["justice"].name == "Sở Tư pháp tỉnh Bình Dương"
    assert agencies["service_centre"].kind == AgencyKind.SERVICE_CENTRE
    assert agencies["police"].parent is None and agencies["police"].kind == AgencyKind.POLICE
    assert all(agency.is_demo for agency in agencies.values())
    assert all(a.code.endswith(".H08") for a in agencies.values())
    assert services.agency_descendants(agencies["justice"]) == [agencies["justice_admin_division"]]


def test_the_2025_department_mergers_are_history():
    agencies = demo.seed_demo_agencies()
    merged = agencies["agriculture_environment"]
    assert merged.name == "Sở Nông nghiệp và Môi trường tỉnh Bình Dương" and merged.valid_from == date(
        2025, 3, 1
    )
    assert {a.name for a in merged.predecessors.all()} == {
        "Sở Tài nguyên và Môi trường tỉnh Bình Dương",
        "Sở Nông nghiệp và Phát triển nông thôn tỉnh Bình Dương",
    }
    assert agencies["former_information"].successor == agencies["science_technology"]
    in_force = set(Agency.objects.valid_on(date(2026, 1, 1)))
    assert agencies["former_information"] not in in_force and agencies["science_technology"] in in_force


def test_commune_committees_are_those_of_real_wards_formed_from_bình_dương():
    agencies = demo.seed_demo_agencies()
    expected = {
        "commune": ("Ủy ban nhân dân phường Thủ Dầu Một", "25747", "Phường Phú Cường"),
        "commune_phu_loi": ("Ủy ban nhân dân phường Phú Lợi", "25750", "Phường Phú Hòa"),
        "commune_di_an": ("Ủy ban nhân dân phường Dĩ An", "25942", "Phường Dĩ An"),
        "commune_thuan_an": ("Ủy ban nhân dân phường Thuận An", "25978", "Phường Hưng Định"),
        "commune_dau_tieng": ("Ủy ban nhân dân xã Dầu Tiếng", "25777", "Thị trấn Dầu Tiếng"),
    }
    for key, (name, unit_code, former) in expected.items():
        agency = agencies[key]
        assert agency.name == name and agency.kind == AgencyKind.PEOPLES_COMMITTEE
        unit = agency.administrative_unit
        assert unit.code == unit_code and unit.parent.code == "79" and unit.valid_from == date(2025, 7, 1)
        assert unit.predecessions.get().predecessor.name == former


@override_settings(CONGSO_PROVINCE_AGENCY_GROUP="H99")
def test_the_province_group_code_is_configuration():
    agencies = demo.seed_demo_agencies()
    assert agencies["province"].code == "000.00.00.H99"
    assert agencies["commune"].code == "000.00.51.H99"


def test_demo_accounts_can_be_given_their_roles(official):
    agencies = demo.seed_demo_agencies()
    officer = official("motcua")
    services.ensure_membership(officer, agencies["commune"], "one_stop_officer")
    services.ensure_membership(officer, agencies["commune"], "one_stop_officer")
    assert services.is_staff_member(officer)
    assert list(services.agencies_for(officer, roles=["one_stop_officer"])) == [agencies["commune"]]
