"""Model validation: procedure codes, version periods, the online form schema, the unverified list."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from congso.catalog.models import OnlineMode, Procedure, ProcedureVersion, VersionStatus
from tests.factories.catalog import FieldFactory, ProcedureVersionFactory


@pytest.fixture
def field(db):
    return FieldFactory(code="chung-thuc", name="Chứng thực")


def procedure(field, code, national_code, name="Chứng thực bản sao"):
    return Procedure(code=code, national_code=national_code, name=name, field=field, level="commune")


@pytest.mark.parametrize(
    ("code", "national"),
    [
        ("2.000815", "2.000815"),
        ("2.000815.000.00.00.H55", "2.000815"),  # local variant: national code + agency code
        ("DP.HT.01", ""),  # provisional local code while the national code is not confirmed
    ],
)
def test_valid_codes(field, code, national):
    procedure(field, code, national).full_clean()


@pytest.mark.parametrize(
    ("code", "national", "message"),
    [
        ("2.815", "2.815", "N.NNNNNN"),
        ("2.000815", "2000815", "N.NNNNNN"),
        ("2.000815.H55", "2.000815", "mã định danh cơ quan"),
        ("2.000816.000.00.00.H55", "2.000815", "2.000815"),
        ("1.001193", "", "mã tạm"),
        ("HT-01", "", "DP.HT.01"),
    ],
)
def test_invalid_codes_are_refused_with_vietnamese_message(field, code, national, message):
    with pytest.raises(ValidationError) as info:
        procedure(field, code, national).full_clean()
    assert message in " ".join(info.value.messages)


def test_search_text_is_folded_on_save(field):
    p = procedure(field, "2.000815", "2.000815", "Chứng thực bản sao ĐIỆN TỬ")
    p.save()
    assert p.search_text == "chung thuc ban sao dien tu 2 000815 2 000815"


def version(p, number, start, end=None, status=VersionStatus.PUBLISHED, **kw):
    """An unsaved version of ``p`` (the tests save or validate it)."""
    return ProcedureVersionFactory.build(
        procedure=p,
        number=number,
        status=status,
        effective_from=start,
        effective_to=end,
        legal_basis="Nghị định số 23/2015/NĐ-CP",
        **kw,
    )


@pytest.fixture
def saved(field):
    p = procedure(field, "2.000815", "2.000815")
    p.save()
    return p


def test_published_versions_must_not_overlap(saved):
    version(saved, 1, date(2020, 1, 1), date(2025, 6, 30)).save()
    version(saved, 2, date(2025, 7, 1)).full_clean()  # adjacent: fine
    with pytest.raises(ValidationError) as info:
        version(saved, 2, date(2025, 6, 30)).full_clean()
    assert "trùng với phiên bản 1" in " ".join(info.value.messages)


def test_open_ended_version_overlaps_everything_after_it(saved):
    version(saved, 1, date(2020, 1, 1)).save()
    with pytest.raises(ValidationError):
        version(saved, 2, date(2030, 1, 1), date(2030, 12, 31)).full_clean()


def test_drafts_may_overlap(saved):
    version(saved, 1, date(2020, 1, 1)).save()
    version(saved, 2, date(2021, 1, 1), status=VersionStatus.DRAFT).full_clean()


def test_end_before_start_is_refused(saved):
    with pytest.raises(ValidationError) as info:
        version(saved, 1, date(2025, 7, 1), date(2025, 6, 1)).full_clean()
    assert "effective_to" in info.value.message_dict


def test_form_schema_is_checked_against_the_meta_schema(saved):
    good = {"type": "object", "properties": {"ho_ten": {"type": "string"}}, "required": ["ho_ten"]}
    version(saved, 1, date(2025, 7, 1), form_schema=good).full_clean()
    bad = {"type": "object", "properties": {"ho_ten": {"type": "chuoi"}}}
    with pytest.raises(ValidationError) as info:
        version(saved, 1, date(2025, 7, 1), form_schema=bad).full_clean()
    assert "JSON Schema" in " ".join(info.value.messages)


def test_form_schema_is_checked_on_save_too(saved):
    v = version(saved, 1, date(2025, 7, 1), form_schema={"required": "ho_ten"})
    with pytest.raises(ValidationError):
        v.save()
    assert not ProcedureVersion.objects.exists()


def test_a_misspelt_ui_hint_key_is_refused_on_save_and_in_the_admin(saved):
    schema = {"type": "object", "properties": {"ho_ten": {"type": "string"}}}
    v = version(saved, 1, date(2025, 7, 1), form_schema=schema, form_ui={"feilds": {}})
    with pytest.raises(ValidationError) as info:
        v.full_clean()
    assert "“feilds” không được hỗ trợ (có phải là “fields”?)" in " ".join(info.value.messages)
    with pytest.raises(ValidationError):
        v.save()
    assert not ProcedureVersion.objects.exists()


def test_a_form_the_engine_cannot_build_is_refused_in_the_admin(saved):
    schema = {"type": "object", "properties": {"ho_ten": {"type": "string"}}}
    ui = {"fields": {"ho_ten": {"readonly": True}}}
    with pytest.raises(ValidationError) as info:
        version(saved, 1, date(2025, 7, 1), form_schema=schema, form_ui=ui).full_clean()
    assert "phải có nguồn điền sẵn" in " ".join(info.value.message_dict["form_ui"])


def test_unverified_accepts_only_known_keys(saved):
    version(saved, 1, date(2025, 7, 1), unverified=["time_limit", "fee"]).full_clean()
    with pytest.raises(ValidationError) as info:
        version(saved, 1, date(2025, 7, 1), unverified=["thoi_han"]).full_clean()
    assert "thoi_han" in " ".join(info.value.messages)


def test_in_force_picks_by_date(saved):
    version(saved, 1, date(2020, 1, 1), date(2025, 6, 30)).save()
    version(saved, 2, date(2025, 7, 1)).save()
    assert list(ProcedureVersion.objects.in_force(date(2024, 1, 1)).values_list("number", flat=True)) == [1]
    assert list(ProcedureVersion.objects.in_force(date(2025, 7, 1)).values_list("number", flat=True)) == [2]
    assert not ProcedureVersion.objects.in_force(date(2019, 12, 31)).exists()


def test_online_mode_shows_both_vocabularies():
    assert OnlineMode.current_term(OnlineMode.FULLY_ONLINE) == "Toàn trình"
    assert OnlineMode.former_level(OnlineMode.FULLY_ONLINE) == "mức độ 4"
    assert OnlineMode.former_level(OnlineMode.PARTLY_ONLINE) == "mức độ 3"
    # One name everywhere (the choice's label), the old level only where it is asked for, once.
    assert str(OnlineMode.FULLY_ONLINE.label) == "Toàn trình"
    assert (
        str(OnlineMode.PARTLY_ONLINE.label) == OnlineMode.current_term(OnlineMode.PARTLY_ONLINE) == "Một phần"
    )
    assert OnlineMode.with_former_level(OnlineMode.FULLY_ONLINE) == "Toàn trình (trước đây gọi là mức độ 4)"


@pytest.mark.parametrize(
    ("mode", "offered"),
    [(OnlineMode.INFORMATION, False), (OnlineMode.PARTLY_ONLINE, True), (OnlineMode.FULLY_ONLINE, True)],
)
def test_offered_online_is_one_rule(mode, offered):
    assert OnlineMode.accepts_online_applications(mode) is offered
    assert ProcedureVersionFactory.build(online_mode=mode).is_offered_online is offered
