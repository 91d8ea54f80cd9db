"""Model rules: GSO codes reused over time, validity periods, membership history, the agency tree."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from congso.agencies.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    Role,
    StaffMembership,
    UnitLevel,
    UnitSuccession,
)

pytestmark = pytest.mark.django_db


def _unit(code="25747", name="Phường Phú Cường", **fields):
    fields.setdefault("level", UnitLevel.COMMUNE)
    return AdministrativeUnit(code=code, name=name, **fields)


def test_a_code_may_be_carried_by_successive_units():
    old = _unit(valid_to=date(2025, 6, 30))
    old.full_clean()
    old.save()
    new = _unit(name="Phường Thủ Dầu Một", valid_from=date(2025, 7, 1))
    new.full_clean()
    new.save()
    assert list(AdministrativeUnit.objects.filter(code="25747").valid_on(date(2025, 6, 30))) == [old]
    assert list(AdministrativeUnit.objects.filter(code="25747").valid_on(date(2025, 7, 1))) == [new]


def test_overlapping_periods_for_one_code_are_refused_with_a_vietnamese_message():
    _unit(valid_to=date(2025, 6, 30)).save()
    clash = _unit(name="Phường khác", valid_from=date(2025, 6, 1))
    with pytest.raises(ValidationError) as exc:
        clash.full_clean()
    assert "cùng thời gian hiệu lực" in exc.value.message_dict["code"][0]


def test_the_database_refuses_two_open_ended_units_with_one_code():
    _unit(valid_from=date(2025, 7, 1)).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _unit(name="Bản sao", valid_from=date(2026, 1, 1)).save()


def test_the_database_refuses_a_reversed_period():
    with pytest.raises(IntegrityError), transaction.atomic():
        _unit(valid_from=date(2025, 7, 1), valid_to=date(2025, 6, 30)).save()


def test_a_reversed_period_is_explained_by_clean():
    with pytest.raises(ValidationError) as exc:
        _unit(valid_from=date(2025, 7, 1), valid_to=date(2025, 6, 30)).full_clean()
    assert "valid_to" in exc.value.message_dict


def test_a_unit_cannot_succeed_itself():
    unit = _unit()
    unit.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitSuccession.objects.create(predecessor=unit, successor=unit, effective_on=date(2025, 7, 1))


def _agency(code, parent=None, **fields):
    agency = Agency(code=code, name=f"Cơ quan {code}", kind=AgencyKind.DEPARTMENT, parent=parent, **fields)
    agency.full_clean()
    agency.save()
    return agency


def test_an_agency_cannot_be_placed_under_its_own_descendant():
    top = _agency("000.00.00.H08")
    child = _agency("000.00.01.H08", parent=top)
    grandchild = _agency("000.01.01.H08", parent=child)
    top.parent = grandchild
    with pytest.raises(ValidationError) as exc:
        top.full_clean()
    assert "vòng lặp" in exc.value.message_dict["parent"][0]


def test_an_agency_cannot_be_its_own_successor():
    agency = _agency("000.00.01.H08")
    agency.successor = agency
    with pytest.raises(ValidationError):
        agency.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        agency.save()


def test_a_person_who_returns_gets_a_second_membership_row(official):
    person = official("canbo")
    agency = _agency("000.00.03.H08")
    StaffMembership.objects.create(
        user=person,
        agency=agency,
        role=Role.SPECIALIST,
        valid_from=date(2020, 1, 1),
        valid_to=date(2022, 12, 31),
    )
    again = StaffMembership(user=person, agency=agency, role=Role.SPECIALIST, valid_from=date(2024, 1, 1))
    again.full_clean()
    again.save()
    assert StaffMembership.objects.filter(user=person).count() == 2


def test_overlapping_memberships_in_the_same_role_are_refused(official):
    person = official("canbo")
    agency = _agency("000.00.03.H08")
    StaffMembership.objects.create(user=person, agency=agency, role=Role.LEADER, valid_from=date(2024, 1, 1))
    overlap = StaffMembership(
        user=person, agency=agency, role=Role.LEADER, valid_from=date(2023, 1, 1), valid_to=date(2024, 6, 30)
    )
    with pytest.raises(ValidationError) as exc:
        overlap.full_clean()
    assert "cùng thời gian" in exc.value.messages[0]


def test_the_database_refuses_two_open_ended_memberships_in_one_role(official):
    person = official("canbo")
    agency = _agency("000.00.03.H08")
    StaffMembership.objects.create(user=person, agency=agency, role=Role.LEADER)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMembership.objects.create(
            user=person, agency=agency, role=Role.LEADER, valid_from=date(2030, 1, 1)
        )
