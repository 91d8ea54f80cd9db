"""Vietnamese search: diacritics, case, typos, ranking, filters, codes, and index freshness."""

from datetime import date

import pytest

from congso.catalog import search, services
from congso.catalog.models import (
    LifeEvent,
    OnlineMode,
    Procedure,
    ProcedureVersion,
    VersionStatus,
)
from tests.factories.catalog import RequiredPaperFactory


def names(query, **filters):
    return [p.name for p in services.search(query, **filters).items]


def test_fold():
    assert search.fold("Đăng ký KHAI SINH, (mới)!") == "dang ky khai sinh moi"
    assert search.fold("đường Đồng Khởi") == "duong dong khoi"
    assert search.fold("Thủ tục 2.000815") == "thu tuc 2 000815"


@pytest.mark.parametrize(
    "query", ["Đăng ký khai sinh", "dang ky khai sinh", "DANG KY KHAI SINH", "đăng ký  KHAI sinh"]
)
def test_diacritics_and_case_do_not_matter(small_catalog, query):
    assert names(query)[0] == "Đăng ký khai sinh"


@pytest.mark.parametrize("query", ["dang ki khai sinh", "khai sin", "dang ky khia sinh", "đăng kí khai sinh"])
def test_a_typo_is_tolerated(small_catalog, query):
    assert names(query)[0] == "Đăng ký khai sinh"


def test_phrase_and_whole_name_rank_first(small_catalog):
    ordered = names("dang ky khai sinh")
    assert ordered[0] == "Đăng ký khai sinh"  # the whole name
    # a name containing the phrase ranks above a shorter name with the words apart
    assert ordered.index("Đăng ký khai sinh kết hợp nhận cha, mẹ, con") < ordered.index(
        "Đăng ký lại khai sinh"
    )


def test_name_matches_rank_above_paper_and_legal_basis_matches(small_catalog):
    ordered = names("khai sinh")
    # "giấy khai sinh" appears only in the papers of the certification and criminal-record procedures
    assert ordered[:3] == [
        "Đăng ký khai sinh",
        "Đăng ký lại khai sinh",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
    ]
    assert set(ordered[3:]) == {
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Cấp Phiếu lý lịch tư pháp",
    }


def test_legal_basis_is_searchable(small_catalog):
    assert names("luat cu tru") == ["Đăng ký thường trú"]


def test_exact_code_comes_first(small_catalog):
    assert names("1.001193") == ["Đăng ký khai sinh"]
    assert names("dp.ht.01") == ["Đăng ký lại khai sinh"]
    assert names("2.000") == ["Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực chữ ký"]


def test_filters(small_catalog, other_agency):
    assert names("", field="chung-thuc") == [
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Chứng thực chữ ký",
    ]
    assert names("chung thuc", online_mode=OnlineMode.INFORMATION) == ["Chứng thực chữ ký"]
    assert names("", level="province") == ["Cấp Phiếu lý lịch tư pháp"]
    assert names("", agency=other_agency) == ["Cấp Phiếu lý lịch tư pháp"]
    assert names("", agency=other_agency.code) == ["Cấp Phiếu lý lịch tư pháp"]
    assert names("khai sinh", online_mode=OnlineMode.PARTLY_ONLINE) == [
        "Đăng ký lại khai sinh",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    ]
    assert names("", field="khong-co") == []


def test_empty_query_lists_everything_by_name_with_paging(small_catalog):
    first = services.search("", limit=4)
    rest = services.search("", limit=20, offset=4)
    assert first.total == 9
    assert len(first.items) == 4 and len(rest.items) == 5
    all_names = [p.name for p in first.items + rest.items]
    assert all_names == sorted(all_names, key=search.fold)


def test_results_carry_the_version_in_force(small_catalog):
    item = services.search("ket hon").items[0]
    assert item.name == "Đăng ký kết hôn"
    assert item.current_version.online_mode == OnlineMode.PARTLY_ONLINE


def test_partial_match_is_flagged_approximate(small_catalog):
    result = services.search("khai sinh chu ky")
    assert result.approximate
    assert result.items[0].name == "Đăng ký khai sinh"


def test_unknown_words_find_nothing(small_catalog):
    assert services.search("xyzzy qwerty").total == 0


def test_an_unknown_word_makes_the_answer_approximate(small_catalog):
    result = services.search("khai sinh qwerty")
    assert result.approximate
    assert [p.name for p in result.items][:1] == ["Đăng ký khai sinh"]


def test_a_wordy_question_lists_near_misses_after_complete_matches(small_catalog):
    result = services.search("làm khai sinh cho con")  # "làm", "cho" are dropped; one name has "con"
    ordered = [p.name for p in result.items]
    assert not result.approximate
    assert ordered[0] == "Đăng ký khai sinh kết hợp nhận cha, mẹ, con"
    assert ordered[1:3] == ["Đăng ký khai sinh", "Đăng ký lại khai sinh"]


def test_index_follows_changes(small_catalog):
    assert services.search("nuoi con nuoi").approximate
    procedure = Procedure.objects.get(code="1.000656")
    procedure.name = "Đăng ký nuôi con nuôi"
    procedure.save()
    result = services.search("nuoi con nuoi")
    assert not result.approximate
    assert [p.name for p in result.items] == ["Đăng ký nuôi con nuôi"]
    version = procedure.versions.get()
    RequiredPaperFactory(version=version, code="di-chuc", name="Bản sao di chúc")
    assert names("di chuc") == ["Đăng ký nuôi con nuôi"]
    version.online_mode = OnlineMode.INFORMATION
    version.save()
    assert "Đăng ký nuôi con nuôi" in names("", online_mode=OnlineMode.INFORMATION)
    LifeEvent.objects.create(slug="nhan-con-nuoi", name="Nhận con nuôi").procedures.add(procedure)
    assert names("nhan con nuoi")[0] == "Đăng ký nuôi con nuôi"  # found through its life event


def test_only_active_procedures_with_a_version_in_force_are_found(small_catalog, make_procedure):
    make_procedure("1.004194", "Đăng ký tạm trú", effective_from=date(2099, 1, 1))
    make_procedure("DP.CU.01", "Gia hạn tạm trú", status=VersionStatus.DRAFT)
    assert not {"Đăng ký tạm trú", "Gia hạn tạm trú"} & set(names("tam tru"))
    Procedure.objects.filter(code="1.004222").update(is_active=False)
    search.invalidate()
    assert names("thuong tru") == []
    ProcedureVersion.objects.filter(procedure__code="1.004194").update(effective_from=date(2020, 1, 1))
    search.invalidate()
    assert names("tam tru") == ["Đăng ký tạm trú"]


def test_procedure_choices_come_from_the_index_by_code(small_catalog, agency, other_agency):
    by_search = {
        p.pk: (p.code, p.name)
        for a in (agency, other_agency)
        for p in services.search("", agency=a, limit=500).items
    }
    choices = services.procedure_choices([agency, other_agency])
    assert {pid: (code, name) for pid, code, name in choices} == by_search  # the same procedures
    assert [code for _pid, code, _name in choices] == sorted(code for code, _name in by_search.values())
    assert "DP.LLTP.01" in [code for _pid, code, _name in choices]  # as written, not folded
    assert [code for _pid, code, _name in services.procedure_choices([other_agency])] == ["DP.LLTP.01"]
