"""The public API of the catalog (catalog.services)."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from congso.catalog import services
from congso.catalog.models import (
    FeeKind,
    LifeEvent,
    ProcedureVersion,
    TimeLimitUnit,
    VersionStatus,
)
from tests.factories.catalog import ProcedureVersionFactory


def test_version_in_force_follows_the_date(make_procedure):
    procedure = make_procedure(
        "2.000815",
        "Chứng thực bản sao",
        effective_from=date(2020, 1, 1),
        effective_to=date(2025, 6, 30),
        legal_basis="Cũ",
    )
    ProcedureVersionFactory(
        procedure=procedure,
        number=2,
        status=VersionStatus.PUBLISHED,
        effective_from=date(2025, 7, 1),
        legal_basis="Mới",
    )
    assert services.version_in_force("2.000815", on=date(2024, 5, 1)).legal_basis == "Cũ"
    assert services.version_in_force("2.000815", on=date(2025, 7, 1)).legal_basis == "Mới"
    assert services.version_in_force("2.000815").number == 2


def test_the_version_in_force_is_the_one_the_querysets_rule_gives(make_procedure):
    """``version_in_force`` reads by a named query; on every day around the versions' periods it gives
    the version ``ProcedureVersion.objects.in_force`` gives, with the same values, procedure and field."""
    procedure = make_procedure(
        "2.000815", "Chứng thực bản sao", effective_from=date(2020, 1, 1), effective_to=date(2025, 6, 30)
    )
    ProcedureVersionFactory(
        procedure=procedure,
        number=2,
        status=VersionStatus.PUBLISHED,
        effective_from=date(2025, 7, 1),
        effective_to=date(2025, 12, 31),
    )
    ProcedureVersionFactory(
        procedure=procedure, number=3, status=VersionStatus.DRAFT, effective_from=date(2026, 1, 1)
    )

    def values(obj):
        return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}

    for day in (
        date(2019, 12, 31),
        date(2020, 1, 1),
        date(2025, 6, 30),
        date(2025, 7, 1),
        date(2025, 12, 31),
        date(2026, 1, 1),
    ):
        expected = (
            ProcedureVersion.objects.in_force(day)
            .filter(procedure__code="2.000815")
            .order_by("-number")
            .first()
        )
        if expected is None:
            with pytest.raises(services.ProcedureNotAvailable):
                services.version_in_force("2.000815", on=day)
            continue
        found = services.version_in_force("2.000815", on=day)
        assert values(found) == values(expected), day
        assert values(found.procedure) == values(expected.procedure)
        assert found.procedure.field == expected.procedure.field
    for version in ProcedureVersion.objects.filter(procedure=procedure):
        for day in (
            date(2019, 12, 31),
            date(2020, 1, 1),
            date(2025, 6, 30),
            date(2025, 7, 1),
            date(2026, 1, 1),
        ):
            expected = ProcedureVersion.objects.in_force(day).filter(pk=version.pk).exists()
            assert services.is_in_force(version, day) is expected, (version.number, day)


def test_implementing_agencies_are_those_in_force_by_name(make_procedure):
    from congso.agencies.models import Agency, AgencyKind

    version = make_procedure("2.000815", "Chứng thực bản sao").versions.get()
    agencies = [
        Agency.objects.create(
            code="002.02.12.H08", name="Ủy ban nhân dân phường B", kind=AgencyKind.PEOPLES_COMMITTEE
        ),
        Agency.objects.create(
            code="001.02.12.H08", name="Ủy ban nhân dân phường A", kind=AgencyKind.PEOPLES_COMMITTEE
        ),
        Agency.objects.create(
            code="003.02.12.H08",
            name="Ủy ban nhân dân xã cũ",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            valid_to=date(2025, 6, 30),
        ),
        Agency.objects.create(
            code="004.02.12.H08",
            name="Ủy ban nhân dân xã mới",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            valid_from=date(2025, 7, 1),
        ),
    ]
    version.implementing_agencies.add(*agencies)
    Agency.objects.create(
        code="005.02.12.H08", name="Ủy ban nhân dân xã khác", kind=AgencyKind.PEOPLES_COMMITTEE
    )
    for day in (date(2025, 6, 30), date(2025, 7, 1)):
        expected = list(version.implementing_agencies.valid_on(day).order_by("name", "code"))
        assert services.implementing_agencies(version, day) == expected
        assert len(expected) == 3


def test_no_version_in_force_raises_with_vietnamese_message(make_procedure):
    make_procedure("2.000815", "Chứng thực bản sao", effective_from=date(2025, 7, 1))
    with pytest.raises(services.ProcedureNotAvailable) as info:
        services.version_in_force("2.000815", on=date(2025, 1, 1))
    assert str(info.value) == "Thủ tục Chứng thực bản sao không có phiên bản có hiệu lực vào ngày 01/01/2025."


def test_unknown_or_inactive_procedure(make_procedure):
    with pytest.raises(services.ProcedureNotAvailable) as info:
        services.get_procedure("9.999999")
    assert "Không tìm thấy thủ tục hành chính có mã 9.999999" in str(info.value)
    procedure = make_procedure("2.000815", "Chứng thực bản sao")
    procedure.is_active = False
    procedure.save()
    with pytest.raises(services.ProcedureNotAvailable):
        services.version_in_force("2.000815")


def test_drafts_are_never_in_force(make_procedure):
    make_procedure("2.000815", "Chứng thực bản sao", status=VersionStatus.DRAFT)
    with pytest.raises(services.ProcedureNotAvailable):
        services.version_in_force("2.000815")


def test_life_event_and_agency_listings(small_catalog, agency, other_agency):
    names = [p.name for p in services.procedures_for_life_event("co-con-nho")]
    assert names == ["Đăng ký khai sinh"]
    with pytest.raises(LifeEvent.DoesNotExist):
        services.procedures_for_life_event("khong-co")
    by_agency = [p.code for p in services.procedures_for_agency(other_agency)]
    assert by_agency == ["DP.LLTP.01"]
    mine = services.procedures_for_agency(agency)
    assert len(mine) == 7
    assert all(p.current_version.procedure_id == p.pk for p in mine)
    assert [a.code for a in services.agencies_with_procedures()] == [other_agency.code, agency.code]


def test_fees_for_describes_each_fee(make_procedure):
    procedure = make_procedure(
        "2.000815",
        "Chứng thực bản sao",
        fees=[
            {
                "name": "Phí chứng thực",
                "kind": FeeKind.PER_PAGE,
                "rule": {"first_pages": 2, "first_rate": 2000, "next_rate": 1000, "max_per_copy": 200000},
            },
            {"name": "Phí gửi qua bưu chính", "amount": 25000},
        ],
    )
    fees = services.fees_for(procedure.versions.get())
    assert [f.name for f in fees] == ["Phí chứng thực", "Phí gửi qua bưu chính"]
    assert fees[0].description.startswith("2.000 đồng mỗi trang")
    assert fees[1].description == "25.000 đồng mỗi lần thực hiện"


@pytest.mark.parametrize(
    ("value", "unit", "cutoff", "expected"),
    [
        (
            0,
            TimeLimitUnit.WORKING_DAYS,
            time(15),
            "Trong ngày làm việc nhận đủ hồ sơ hợp lệ. Hồ sơ nhận sau 15:00 "
            "được trả kết quả trong ngày làm việc tiếp theo.",
        ),
        (
            3,
            TimeLimitUnit.WORKING_DAYS,
            None,
            "3 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ (không tính thứ Bảy, "
            "Chủ nhật và ngày nghỉ lễ, Tết).",
        ),
        (
            7,
            TimeLimitUnit.WORKING_DAYS,
            time(15),
            "7 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ (không tính thứ Bảy, "
            "Chủ nhật và ngày nghỉ lễ, Tết). Hồ sơ nhận sau 15:00 được tính từ "
            "ngày làm việc tiếp theo.",
        ),
        (4, TimeLimitUnit.WORKING_HOURS, None, "4 giờ làm việc kể từ khi nhận đủ hồ sơ hợp lệ."),
    ],
)
def test_time_limit_in_words(value, unit, cutoff, expected):
    version = ProcedureVersionFactory.build(
        time_limit_value=value, time_limit_unit=unit, receipt_cutoff=cutoff
    )
    assert services.describe_time_limit(version) == expected


def test_publish_version_checks_overlap_and_changes_nothing_on_error(make_procedure):
    procedure = make_procedure("2.000815", "Chứng thực bản sao", effective_from=date(2025, 7, 1))
    draft = ProcedureVersionFactory(
        procedure=procedure,
        number=2,
        status=VersionStatus.DRAFT,
        effective_from=date(2026, 1, 1),
        legal_basis="Mới",
    )
    with pytest.raises(ValidationError) as info:
        services.publish_version(draft)
    assert "trùng với phiên bản 1" in " ".join(info.value.messages)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    first = procedure.versions.get(number=1)
    first.effective_to = date(2025, 12, 31)
    first.save()
    services.publish_version(draft)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_a_version_found_in_force_is_not_checked_again_in_the_same_request(
    make_procedure, django_assert_num_queries
):
    from congso.core import request_cache

    procedure = make_procedure("2.000815", "Chứng thực bản sao")
    with request_cache.bound():
        with django_assert_num_queries(1):  # the version, its procedure joined
            version = services.version_in_force(procedure.code)
        with django_assert_num_queries(0):
            assert services.is_in_force(version)
    with django_assert_num_queries(1):  # outside a request: read
        assert services.is_in_force(version)


def test_a_versions_papers_are_read_once_per_request_and_an_edit_is_seen_at_once(
    make_procedure, django_assert_num_queries
):
    from congso.core import request_cache

    make_procedure(
        "2.000815",
        "Chứng thực bản sao",
        papers=[
            {"code": "giay-to", "name": "Giấy tờ cần chứng thực"},
            {"code": "to-khai", "name": "Tờ khai"},
        ],
    )
    version = services.version_in_force("2.000815")
    with request_cache.bound():
        with django_assert_num_queries(1):
            assert [p.code for p in services.required_papers(version)] == ["giay-to", "to-khai"]
        with django_assert_num_queries(0):
            services.required_papers(version).clear()  # a copy: the memo is not changed by the caller
            assert len(services.required_papers(version)) == 2
        paper = services.required_papers(version)[1]
        paper.name = "Tờ khai (mẫu mới)"
        paper.save()
        assert [p.name for p in services.required_papers(version)][1] == "Tờ khai (mẫu mới)"
    with django_assert_num_queries(1):  # outside a request: read each time
        assert len(services.required_papers(version)) == 2
