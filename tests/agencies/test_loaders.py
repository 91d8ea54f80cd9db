"""Loading administrative units from vietnam-provinces (2025) and Bình Dương's history (before 2025)."""

from datetime import date

import pytest

from congso.agencies import loaders
from congso.agencies.loaders import (
    LoaderError,
    load_binh_duong_history,
    load_current_divisions,
    read_binh_duong_history,
)
from congso.agencies.models import AdministrativeUnit, UnitLevel, UnitSuccession

pytestmark = pytest.mark.django_db

JULY_2025 = date(2025, 7, 1)
JUNE_2025 = date(2025, 6, 30)


def test_loading_ho_chi_minh_city_creates_the_city_and_its_168_communes():
    result = load_current_divisions(["79"])

    assert (result.created, result.updated, result.unchanged) == (169, 0, 0)
    city = AdministrativeUnit.objects.get(code="79")
    assert city.name == "Thành phố Hồ Chí Minh"
    assert city.level == UnitLevel.PROVINCE and city.division_type == "thành phố trung ương"
    assert city.parent is None and city.valid_from == JULY_2025 and city.valid_to is None
    assert city.source == "vietnam-provinces 2025.10.1"
    assert city.children.count() == 168

    ward = AdministrativeUnit.objects.get(code="25747")
    assert ward.name == "Phường Thủ Dầu Một" and ward.division_type == "phường"
    assert ward.level == UnitLevel.COMMUNE and ward.parent == city and ward.valid_from == JULY_2025
    assert AdministrativeUnit.objects.get(code="26732").division_type == "đặc khu"  # Côn Đảo


def test_doubled_spaces_in_the_dataset_are_removed():
    load_current_divisions(["79"])
    assert AdministrativeUnit.objects.get(code="26536").name == "Phường Rạch Dừa"


def test_codes_are_zero_padded_to_the_gso_widths():
    load_current_divisions([1])
    assert AdministrativeUnit.objects.get(code="01").name == "Thành phố Hà Nội"
    assert AdministrativeUnit.objects.get(code="00070").name == "Phường Hoàn Kiếm"


def test_loading_again_changes_nothing():
    load_current_divisions(["79"])
    before = list(
        AdministrativeUnit.objects.values_list("pk", "code", "name", "parent_id", "valid_from", "valid_to")
    )

    result = load_current_divisions(["79"])

    assert (result.created, result.updated, result.unchanged) == (0, 0, 169)
    after = list(
        AdministrativeUnit.objects.values_list("pk", "code", "name", "parent_id", "valid_from", "valid_to")
    )
    assert after == before


def test_a_reload_repairs_a_changed_name_but_keeps_an_end_date_set_by_an_administrator():
    load_current_divisions(["79"])
    AdministrativeUnit.objects.filter(code="25747").update(name="Tên sai", valid_to=date(2027, 12, 31))

    result = load_current_divisions(["79"])

    assert result.updated == 1
    ward = AdministrativeUnit.objects.get(code="25747")
    assert ward.name == "Phường Thủ Dầu Một" and ward.valid_to == date(2027, 12, 31)


def test_an_unknown_province_code_is_refused_and_nothing_is_loaded():
    with pytest.raises(LoaderError) as exc:
        load_current_divisions(["79", "74"])  # 74 (Bình Dương) no longer exists in the 2025 list
    assert "74" in str(exc.value)
    assert not AdministrativeUnit.objects.exists()


@pytest.mark.parametrize("code", ["abc", "123", ""])
def test_a_malformed_province_code_is_refused(code):
    with pytest.raises(LoaderError):
        load_current_divisions([code])


def test_the_shipped_extract_declares_its_origin_and_has_bình_dương_only():
    data = read_binh_duong_history()
    meta = data["_meta"]
    assert "vietnam-provinces 0.6.0" in meta["origin"]["package"]
    assert "GPL-3.0-or-later" in meta["licence"]
    province = data["province"]
    assert province["code"] == "74" and province["name"] == "Tỉnh Bình Dương"
    assert len(province["districts"]) == 9
    assert sum(len(d["communes"]) for d in province["districts"]) == 91


def test_bình_dương_history_needs_ho_chi_minh_city_first():
    with pytest.raises(LoaderError) as exc:
        load_binh_duong_history()
    assert "Thành phố Hồ Chí Minh" in str(exc.value)
    assert not AdministrativeUnit.objects.exists()


def test_bình_dương_history_is_loaded_as_ended_units_with_districts():
    load_current_divisions(["79"])
    result = load_binh_duong_history()

    assert result.created == 1 + 9 + 91
    ended = AdministrativeUnit.objects.filter(valid_to=JUNE_2025)
    assert ended.count() == 101
    province = ended.get(code="74")
    assert (
        province.name == "Tỉnh Bình Dương"
        and province.level == UnitLevel.PROVINCE
        and province.valid_from is None
    )
    district = ended.get(code="718")
    assert district.name == "Thành phố Thủ Dầu Một" and district.level == UnitLevel.DISTRICT
    assert district.division_type == "thành phố" and district.parent == province
    commune = ended.get(code="25822")
    assert commune.name == "Thị trấn Lai Uyên" and commune.division_type == "thị trấn"
    assert commune.parent.code == "719" and commune.source == loaders.BINH_DUONG_HISTORY_SOURCE


def test_bình_dương_is_succeeded_by_ho_chi_minh_city_under_resolution_202():
    load_current_divisions(["79"])
    load_binh_duong_history()

    link = UnitSuccession.objects.get(predecessor__code="74")
    assert link.successor.code == "79" and link.successor.valid_from == JULY_2025
    assert link.effective_on == JULY_2025
    assert link.legal_basis == "Nghị quyết 202/2025/QH15"


def test_former_communes_are_linked_only_to_the_new_commune_with_the_same_code():
    load_current_divisions(["79"])
    load_binh_duong_history()

    links = UnitSuccession.objects.filter(predecessor__level=UnitLevel.COMMUNE)
    assert links.count() == 36
    assert all(
        link.predecessor.code == link.successor.code
        for link in links.select_related("predecessor", "successor")
    )
    assert all(link.source == loaders.SAME_CODE_SOURCE and link.legal_basis == "" for link in links)
    phu_cuong = links.get(predecessor__code="25747")
    assert (
        phu_cuong.predecessor.name == "Phường Phú Cường" and phu_cuong.successor.name == "Phường Thủ Dầu Một"
    )
    # The former Phường Phú Lợi (25744) has no unit with its code after 2025: no link is invented.
    assert not UnitSuccession.objects.filter(predecessor__code="25744").exists()


def test_loading_bình_dương_history_again_changes_nothing():
    load_current_divisions(["79"])
    load_binh_duong_history()
    units = AdministrativeUnit.objects.count()
    links = list(UnitSuccession.objects.values_list("pk", "predecessor_id", "successor_id", "effective_on"))

    result = load_binh_duong_history()

    assert (result.created, result.updated, result.successions) == (0, 0, 0)
    assert AdministrativeUnit.objects.count() == units
    assert (
        list(UnitSuccession.objects.values_list("pk", "predecessor_id", "successor_id", "effective_on"))
        == links
    )


def test_loading_every_province_gives_34_provinces_and_3321_communes():
    load_current_divisions()
    current = AdministrativeUnit.objects.filter(valid_from=JULY_2025)
    assert current.filter(level=UnitLevel.PROVINCE).count() == 34
    assert current.filter(level=UnitLevel.COMMUNE).count() == 3321
