"""The public services of the agencies block: roles, agencies, membership changes, units over time."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from congso.agencies import services
from congso.agencies.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    Role,
    StaffMembership,
    UnitLevel,
    UnitSuccession,
)
from congso.core.models import AuditEntry, OutboxEvent, valid_on_q

pytestmark = pytest.mark.django_db


def _agency(code, name=None, parent=None, **fields):
    return Agency.objects.create(
        code=code,
        name=name or f"Cơ quan {code}",
        kind=fields.pop("kind", AgencyKind.DEPARTMENT),
        parent=parent,
        **fields,
    )


@pytest.fixture
def tree():
    province = _agency("000.00.00.H08", "Ủy ban nhân dân tỉnh", kind=AgencyKind.PEOPLES_COMMITTEE)
    justice = _agency("000.00.03.H08", "Sở Tư pháp", province)
    division = _agency("000.01.03.H08", "Phòng Hành chính tư pháp", justice)
    finance = _agency("000.00.07.H08", "Sở Tài chính", province)
    old = _agency("000.00.13.H08", "Sở Thông tin và Truyền thông", province, valid_to=date(2025, 2, 28))
    return {"province": province, "justice": justice, "division": division, "finance": finance, "old": old}


def today():
    return timezone.localdate()


# --- roles ------------------------------------------------------------------------------------


def test_roles_agencies_and_staff_status_follow_memberships(official, tree):
    person = official("chuyenvien")
    services.add_membership(person, tree["justice"], Role.SPECIALIST)
    services.add_membership(person, tree["justice"], Role.CLERK)
    services.add_membership(person, tree["finance"], Role.LEADER, title="Phó Giám đốc")

    assert services.roles_for(person) == {"specialist", "clerk", "leader"}
    assert services.roles_for(person, tree["justice"]) == {"specialist", "clerk"}
    assert services.roles_for(person, tree["province"]) == set()  # roles are not inherited
    assert list(services.agencies_for(person)) == [tree["justice"], tree["finance"]]
    assert list(services.agencies_for(person, roles=["leader"])) == [tree["finance"]]
    assert list(services.agencies_for(person, roles="clerk")) == [tree["justice"]]
    assert services.has_role(person, Role.LEADER)
    assert services.has_role(person, "leader", tree["finance"])
    assert not services.has_role(person, "leader", tree["justice"])
    assert services.is_staff_member(person)
    assert not services.is_platform_admin(person)

    memberships = services.memberships_for(person)
    assert [(m.agency.code, m.role) for m in memberships] == [
        ("000.00.03.H08", "clerk"),
        ("000.00.03.H08", "specialist"),
        ("000.00.07.H08", "leader"),
    ]


def test_memberships_for_loads_the_agency_in_the_same_query(official, tree, django_assert_num_queries):
    person = official("chuyenvien")
    services.add_membership(person, tree["justice"], Role.SPECIALIST)
    services.add_membership(person, tree["finance"], Role.SPECIALIST)
    with django_assert_num_queries(1):
        names = [m.agency.name for m in services.memberships_for(person)]
    assert names == ["Sở Tư pháp", "Sở Tài chính"]


def test_todays_memberships_are_the_rows_the_orm_reads(official, tree):
    """The named query behind ``memberships_for`` gives the ORM's rows: in force on both sides (the
    membership and its agency), the agency's administrative unit loaded, the same order and values."""
    unit = AdministrativeUnit.objects.create(code="25741", name="Phường Phú Cường", level=UnitLevel.COMMUNE)
    Agency.objects.filter(pk=tree["justice"].pk).update(administrative_unit=unit)
    person = official("chuyenvien")
    services.add_membership(person, tree["justice"], Role.SPECIALIST, title="Chuyên viên")
    services.add_membership(person, tree["finance"], Role.LEADER, valid_from=today() - timedelta(days=9))
    services.add_membership(person, tree["province"], Role.CLERK, valid_from=today() + timedelta(days=1))
    services.add_membership(
        person, tree["division"], Role.CLERK, valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31)
    )
    StaffMembership.objects.create(user=person, agency=tree["old"], role=Role.CLERK)  # its agency has ended

    expected = list(
        StaffMembership.objects.filter(valid_on_q(today()), valid_on_q(today(), "agency__"), user=person)
        .select_related("agency__administrative_unit")
        .order_by("agency__code", "role")
    )
    read = services._read_memberships(person.pk, today())
    assert [m.pk for m in read] == [m.pk for m in expected] and len(read) == 2

    def values(obj):
        return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}

    for got, want in zip(read, expected, strict=True):
        assert values(got) == values(want)
        assert values(got.agency) == values(want.agency)
        assert got.agency.administrative_unit == want.agency.administrative_unit
    assert read[0].agency.administrative_unit == unit and read[1].agency.administrative_unit is None


def test_an_ended_membership_no_longer_counts(official, tree):
    person = official("motcua")
    membership = services.add_membership(
        person, tree["justice"], Role.ONE_STOP_OFFICER, valid_from=date(2024, 1, 1)
    )
    assert services.is_staff_member(person)

    services.end_membership(membership)

    membership.refresh_from_db()
    assert membership.valid_to == today() - timedelta(days=1)
    assert not services.is_staff_member(person)
    assert services.roles_for(person) == set()
    assert not services.agencies_for(person).exists()
    assert services.memberships_for(person) == []
    # …but it still counted on the days it was in force.
    assert [m.role for m in services.memberships_for(person, on=today() - timedelta(days=1))] == [
        "one_stop_officer"
    ]


def test_a_membership_not_yet_started_does_not_count(official, tree):
    person = official("canbo")
    services.add_membership(person, tree["justice"], Role.SPECIALIST, valid_from=today() + timedelta(days=3))
    assert not services.is_staff_member(person)
    assert services.memberships_for(person, on=today() + timedelta(days=3))


def test_a_membership_in_an_ended_agency_does_not_count(official, tree):
    person = official("canbo")
    StaffMembership.objects.create(user=person, agency=tree["old"], role=Role.SPECIALIST)
    assert not services.is_staff_member(person)
    assert services.memberships_for(person, on=date(2025, 1, 15))[0].agency == tree["old"]


def test_anonymous_and_inactive_users_hold_nothing(official, tree):
    person = official("nghiviec")
    services.add_membership(person, tree["justice"], Role.LEADER)
    person.is_active = False
    person.save()
    for user in (AnonymousUser(), None, person):
        assert services.roles_for(user) == set()
        assert not services.is_staff_member(user)
        assert not services.is_platform_admin(user)
        assert services.memberships_for(user) == []
        assert not services.agencies_for(user).exists()


def test_platform_admin_is_a_superuser_or_holds_the_role(official, tree):
    superuser = official("sieu", is_superuser=True, is_staff=True)
    assert services.is_platform_admin(superuser)
    assert not services.is_staff_member(superuser)  # no membership, no officer workspace

    admin = official("quantri")
    services.add_membership(admin, tree["province"], Role.PLATFORM_ADMIN)
    assert services.is_platform_admin(admin)


def test_an_unknown_role_fails_loudly(official, tree):
    person = official("canbo")
    with pytest.raises(ValueError, match="lanh_dao"):
        services.has_role(person, "lanh_dao")
    with pytest.raises(ValueError):
        services.agencies_for(person, roles=["leader", "boss"])


# --- membership changes -----------------------------------------------------------------------


def test_add_membership_records_an_audit_entry_and_an_event(official, tree):
    admin = official("quantri")
    person = official("canbo")

    membership = services.add_membership(person, tree["justice"], Role.LEADER, title="Giám đốc", by=admin)

    entry = AuditEntry.objects.get(action="agencies.membership.add")
    assert entry.actor == admin and entry.object_id == str(membership.pk)
    assert entry.changes["agency"] == "000.00.03.H08" and entry.changes["role"] == "leader"
    assert entry.changes["title"] == "Giám đốc" and entry.changes["valid_from"] == today().isoformat()
    event = OutboxEvent.objects.get(name="agencies.membership.added")
    assert event.aggregate_id == str(membership.pk) and event.payload["user"] == person.pk


def test_a_duplicate_membership_is_refused_and_nothing_is_recorded(official, tree):
    person = official("canbo")
    services.add_membership(person, tree["justice"], Role.LEADER)
    with pytest.raises(ValidationError) as exc:
        services.add_membership(person, tree["justice"], Role.LEADER)
    assert "đã được phân công" in exc.value.messages[0]
    assert StaffMembership.objects.count() == 1
    assert AuditEntry.objects.filter(action="agencies.membership.add").count() == 1


def test_a_membership_in_an_ended_agency_is_refused(official, tree):
    with pytest.raises(ValidationError) as exc:
        services.add_membership(official("canbo"), tree["old"], Role.SPECIALIST)
    assert "không còn hiệu lực" in exc.value.messages[0]
    assert not StaffMembership.objects.exists() and not AuditEntry.objects.exists()


def test_a_reversed_period_is_refused(official, tree):
    with pytest.raises(ValidationError):
        services.add_membership(
            official("canbo"),
            tree["justice"],
            Role.SPECIALIST,
            valid_from=date(2026, 1, 1),
            valid_to=date(2025, 1, 1),
        )
    assert not StaffMembership.objects.exists()


def test_ensure_membership_is_idempotent_and_updates_the_title(official, tree):
    person = official("canbo")
    first = services.ensure_membership(person, tree["justice"], Role.LEADER, title="Phó Giám đốc")
    second = services.ensure_membership(person, tree["justice"], Role.LEADER, title="Phó Giám đốc")
    assert first.pk == second.pk and StaffMembership.objects.count() == 1
    assert AuditEntry.objects.count() == 1

    third = services.ensure_membership(person, tree["justice"], Role.LEADER, title="Giám đốc")
    assert third.pk == first.pk and StaffMembership.objects.get().title == "Giám đốc"
    change = AuditEntry.objects.get(action="agencies.membership.change")
    assert change.changes == {"title": ["Phó Giám đốc", "Giám đốc"]}


def test_end_membership_records_an_audit_entry_and_refuses_to_end_twice(official, tree):
    person = official("canbo")
    membership = services.add_membership(person, tree["justice"], Role.CLERK, valid_from=date(2024, 1, 1))
    services.end_membership(membership, on=date(2026, 1, 1))

    entry = AuditEntry.objects.get(action="agencies.membership.end")
    assert entry.changes["valid_to"] == "2025-12-31" and entry.changes["previous_valid_to"] is None
    assert OutboxEvent.objects.filter(name="agencies.membership.ended").count() == 1
    with pytest.raises(ValidationError) as exc:
        services.end_membership(membership, on=date(2026, 6, 1))
    assert "đã kết thúc" in exc.value.messages[0]


def test_ending_a_membership_that_has_not_started_withdraws_it(official, tree):
    person = official("canbo")
    membership = services.add_membership(person, tree["justice"], Role.CLERK)  # starts today
    pk = membership.pk

    assert services.end_membership(membership) is None

    assert not StaffMembership.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="agencies.membership.end")
    assert (
        entry.object_id == str(pk) and entry.changes["withdrawn"] is True and entry.changes["role"] == "clerk"
    )


# --- agencies ---------------------------------------------------------------------------------


def test_get_agency_by_code(tree):
    assert services.get_agency_by_code("000.00.03.H08") == tree["justice"]
    assert services.get_agency_by_code("  000.00.03.H08 ") == tree["justice"]
    with pytest.raises(
        Agency.DoesNotExist, match="Không tìm thấy cơ quan có mã định danh điện tử 000.00.99.H08"
    ):
        services.get_agency_by_code("000.00.99.H08")
    with pytest.raises(Agency.DoesNotExist, match="không đúng dạng"):
        services.get_agency_by_code("000.00.03.h08")


def test_agency_descendants_walks_the_tree_breadth_first(tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        found = services.agency_descendants(tree["province"])
    assert found == [tree["justice"], tree["finance"], tree["old"], tree["division"]]
    assert services.agency_descendants(tree["justice"]) == [tree["division"]]
    assert services.agency_descendants(tree["division"]) == []
    assert tree["old"] not in services.agency_descendants(tree["province"], on=today())


# --- administrative units over time -----------------------------------------------------------


def test_bình_dương_is_ho_chi_minh_city_from_july_2025(demo_units):
    assert services.current_unit("74", on=date(2026, 1, 1)).code == "79"
    assert services.current_unit("74", on=date(2026, 1, 1)).name == "Thành phố Hồ Chí Minh"
    assert services.current_unit("74", on=date(2025, 7, 1)).code == "79"
    assert services.current_unit("74", on=date(2024, 1, 1)).name == "Tỉnh Bình Dương"
    assert services.current_unit("74", on=date(2025, 6, 30)).name == "Tỉnh Bình Dương"
    assert services.current_unit("79").valid_from == date(2025, 7, 1)


def test_a_reused_code_means_different_units_on_different_days(demo_units):
    assert services.get_unit("25747", on=date(2025, 6, 30)).name == "Phường Phú Cường"
    assert services.get_unit("25747", on=date(2025, 7, 1)).name == "Phường Thủ Dầu Một"
    with pytest.raises(AdministrativeUnit.DoesNotExist, match="718"):
        services.get_unit("718", on=date(2026, 1, 1))


def test_a_former_commune_without_recorded_successor_is_not_guessed(demo_units):
    with pytest.raises(AdministrativeUnit.DoesNotExist, match="không có đơn vị kế thừa"):
        services.current_unit("25744", on=date(2026, 1, 1))  # the former Phường Phú Lợi
    assert services.successor_units("25744", on=date(2026, 1, 1)) == []


def test_an_unknown_code_is_explained(demo_units):
    with pytest.raises(AdministrativeUnit.DoesNotExist, match="99999"):
        services.current_unit("99999")
    with pytest.raises(AdministrativeUnit.DoesNotExist):
        services.current_unit("79", on=date(2020, 1, 1))  # the city of 2025 did not exist yet


def test_successions_are_followed_through_several_steps_and_splits(db):
    def unit(code, name, **period):
        return AdministrativeUnit.objects.create(code=code, name=name, level=UnitLevel.COMMUNE, **period)

    a = unit("90001", "Xã A", valid_to=date(2019, 12, 31))
    b = unit("90002", "Xã B", valid_from=date(2020, 1, 1), valid_to=date(2025, 6, 30))
    c = unit("90003", "Phường C", valid_from=date(2025, 7, 1))
    d = unit("90004", "Phường D", valid_from=date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=a, successor=b, effective_on=date(2020, 1, 1))
    UnitSuccession.objects.create(predecessor=b, successor=c, effective_on=date(2025, 7, 1))

    assert services.current_unit("90001", on=date(2021, 1, 1)) == b
    assert services.current_unit("90001", on=date(2026, 1, 1)) == c

    UnitSuccession.objects.create(predecessor=b, successor=d, effective_on=date(2025, 7, 1))
    assert services.successor_units("90001", on=date(2026, 1, 1)) == [c, d]
    with pytest.raises(
        AdministrativeUnit.MultipleObjectsReturned, match="Phường C \\(90003\\), Phường D \\(90004\\)"
    ):
        services.current_unit("90001", on=date(2026, 1, 1))


# --- The agency tree as a list to choose from, and a unit's staff ------------------------------------


def test_agency_tree_lists_units_in_force_depth_first_by_name(tree):
    listed = [(agency.name, depth) for agency, depth in services.agency_tree()]
    assert listed == [
        ("Ủy ban nhân dân tỉnh", 0),
        ("Sở Tài chính", 1),
        ("Sở Tư pháp", 1),
        ("Phòng Hành chính tư pháp", 2),
    ]  # the ended department is not offered
    # A unit whose parent has ended is still listed, as a root.
    Agency.objects.filter(pk=tree["justice"].pk).update(valid_to=date(2025, 2, 28))
    assert ("Phòng Hành chính tư pháp", 0) in [(a.name, d) for a, d in services.agency_tree()]


def test_staff_of_a_unit_in_some_roles_today(official, tree):
    specialist = official("chuyenvien", full_name="Võ Thị Giang")
    leader = official("lanhdao", full_name="Bùi Thanh Hà")
    clerk = official("vanthu")
    gone = official("nghihuu")
    services.add_membership(specialist, tree["justice"], Role.SPECIALIST)
    services.add_membership(leader, tree["justice"], Role.LEADER)
    services.add_membership(clerk, tree["justice"], Role.CLERK)
    services.add_membership(gone, tree["justice"], Role.SPECIALIST)
    StaffMembership.objects.filter(user=gone).update(valid_from=None, valid_to=today() - timedelta(days=1))
    assert services.staff_of(tree["justice"], ["specialist", "leader"]) == [leader, specialist]
    assert services.staff_of(tree["division"], ["specialist", "leader"]) == []  # not inherited
    with pytest.raises(ValueError):
        services.staff_of(tree["justice"], ["chief"])


def test_staff_of_lists_a_person_with_two_roles_once_and_leaves_out_inactive_accounts(official, tree):
    both = official("haivaitro", full_name="Lê Văn Khánh")
    inactive = official("khoa", full_name="An Thị Khóa")
    services.add_membership(both, tree["justice"], Role.SPECIALIST)
    services.add_membership(both, tree["justice"], Role.LEADER)
    services.add_membership(inactive, tree["justice"], Role.LEADER)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert services.staff_of(tree["justice"], ["specialist", "leader"]) == [both]


def test_agency_reads_for_other_blocks(tree, db):
    assert services.get_agency(tree["justice"].pk) == tree["justice"]
    assert services.get_agency(10**9) is None
    found = services.agencies_by_code(["000.00.03.H08", "000.00.13.H08", "999.99.99.H08"])
    assert found == {"000.00.03.H08": tree["justice"], "000.00.13.H08": tree["old"]}
    by_name = services.agencies_by_name([tree["finance"].pk, tree["justice"].pk, tree["province"].pk])
    assert list(by_name) == [tree["finance"], tree["justice"], tree["province"]]  # "Sở Tài" < "Sở Tư" < "Ủy"
    assert list(services.agencies_by_name([])) == []


def test_agency_of_kind_in_unit_is_the_first_in_force_by_code(tree, db):
    unit = AdministrativeUnit.objects.create(code="25747", name="Phường Thủ Dầu Một", level=UnitLevel.COMMUNE)
    ended = _agency("000.20.01.H08", "UBND cũ", kind=AgencyKind.PEOPLES_COMMITTEE, administrative_unit=unit)
    ended.valid_to = today() - timedelta(days=1)
    ended.save()
    current = _agency(
        "000.20.02.H08", "UBND phường", kind=AgencyKind.PEOPLES_COMMITTEE, administrative_unit=unit
    )
    _agency("000.20.03.H08", "UBND phường (2)", kind=AgencyKind.PEOPLES_COMMITTEE, administrative_unit=unit)
    assert services.agency_of_kind_in_unit(AgencyKind.PEOPLES_COMMITTEE, unit) == current
    assert services.agency_of_kind_in_unit(AgencyKind.PEOPLES_COMMITTEE, unit, on=ended.valid_to) == ended
    assert services.agency_of_kind_in_unit(AgencyKind.POLICE, unit) is None


# --- memberships read once per request ---------------------------------------------------------


def test_memberships_are_read_once_per_request_and_changes_seen_at_once(
    official, tree, django_assert_num_queries
):
    from congso.core import request_cache

    person = official("motcua")
    services.add_membership(person, tree["justice"], Role.ONE_STOP_OFFICER)
    with request_cache.bound():
        with django_assert_num_queries(1):  # the gate, the permission checks and the page: one read
            assert services.is_staff_member(person)
            assert services.roles_for(person) == {"one_stop_officer"}
            assert services.has_role(person, Role.ONE_STOP_OFFICER, tree["justice"])
            assert not services.is_platform_admin(person)
            assert [m.agency for m in services.memberships_for(person)] == [tree["justice"]]
        # A change made during the request (through the services or the ORM) is seen at once.
        services.add_membership(person, tree["finance"], Role.LEADER)
        assert services.has_role(person, Role.LEADER, tree["finance"])
        StaffMembership.objects.filter(user=person, role=Role.LEADER).delete()
        assert not services.has_role(person, Role.LEADER)
        tree["justice"].valid_to = today() - timedelta(days=1)
        tree["justice"].save()
        assert not services.is_staff_member(person)


def test_communes_of_agencies_walks_up_to_the_commune_and_leaves_provincial_agencies_out():
    province = AdministrativeUnit.objects.create(code="74", name="Tỉnh", level=UnitLevel.PROVINCE)
    ward = AdministrativeUnit.objects.create(
        code="25747", name="Phường Thủ Dầu Một", level=UnitLevel.COMMUNE, parent=province
    )
    committee = Agency.objects.create(
        code="000.10.31.H08", name="UBND phường", kind=AgencyKind.PEOPLES_COMMITTEE, administrative_unit=ward
    )
    division = Agency.objects.create(
        code="000.11.31.H08", name="Bộ phận một cửa phường", kind=AgencyKind.DIVISION, parent=committee
    )
    department = Agency.objects.create(
        code="000.00.03.H08", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, administrative_unit=province
    )
    orphan = Agency.objects.create(
        code="000.12.31.H08", name="Đơn vị chưa gắn địa bàn", kind=AgencyKind.OTHER
    )
    found = services.communes_of([committee.pk, division.pk, department.pk, orphan.pk])
    assert found == {committee.pk: ward, division.pk: ward}


@pytest.mark.parametrize(
    ("stored", "language", "shown"),
    [
        ("Chuyên viên", "en", "Specialist"),
        ("specialist", "en", "Specialist"),
        ("Specialist", "vi", "Chuyên viên"),
        ("Cán bộ một cửa", "vi", "Cán bộ một cửa"),
        ("Phòng Hộ tịch", "en", "Phòng Hộ tịch"),
        ("", "en", ""),
    ],
)
def test_a_stored_role_name_reads_in_the_active_language_and_other_text_is_kept(stored, language, shown):
    with translation.override(language):
        assert services.role_label_of(stored) == shown
