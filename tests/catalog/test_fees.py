"""Fee computation: fixed, per page (certification of copies), tiered; rule validation and wording."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from congso.catalog.fees import compute_fee, describe_fee, format_vnd, validate_fee_rule
from congso.catalog.models import Fee, FeeKind

CERTIFICATION = {"first_pages": 2, "first_rate": 2000, "next_rate": 1000, "max_per_copy": 200000}


def certification_fee() -> Fee:
    return Fee(name="Phí chứng thực bản sao từ bản chính", kind=FeeKind.PER_PAGE, rule=CERTIFICATION)


@pytest.mark.parametrize(
    ("pages", "copies", "expected"),
    [
        (1, 1, 2_000),  # 2,000 đ a page for the first two pages
        (2, 1, 4_000),
        (3, 1, 5_000),  # from page 3, 1,000 đ a page
        (10, 1, 12_000),
        (198, 1, 200_000),  # 4,000 + 196,000: exactly the ceiling
        (250, 1, 200_000),  # 252,000 capped at 200,000 per copy [law]
        (3, 2, 10_000),  # per copy
        (250, 3, 600_000),  # the ceiling applies to each copy
        (0, 1, 0),
    ],
)
def test_certification_of_copies(pages, copies, expected):
    assert compute_fee(certification_fee(), pages=pages, copies=copies) == expected


def test_exempt_applicant_pays_nothing():
    assert compute_fee(certification_fee(), pages=5, copies=2, exempt=True) == 0


def test_fixed_fee_per_case_and_per_copy():
    signature = Fee(name="Phí chứng thực chữ ký", kind=FeeKind.FIXED, amount=10_000)
    assert compute_fee(signature) == 10_000
    assert compute_fee(signature, copies=3) == 10_000
    extract = Fee(name="Bản sao trích lục", kind=FeeKind.FIXED, amount=8_000, rule={"per_copy": True})
    assert compute_fee(extract, copies=3) == 24_000


def test_tiered_fee_criminal_record_extract():
    fee = Fee(
        name="Phí cung cấp thông tin lý lịch tư pháp",
        kind=FeeKind.TIERED,
        rule={
            "basis": "copies",
            "base": 200_000,
            "tiers": [{"up_to": 2, "rate": 0}, {"up_to": None, "rate": 5_000}],
        },
    )
    assert compute_fee(fee, copies=1) == 200_000
    assert compute_fee(fee, copies=2) == 200_000
    assert compute_fee(fee, copies=3) == 205_000
    assert compute_fee(fee, copies=5) == 215_000


def test_tiered_by_pages_is_per_copy_and_capped():
    fee = Fee(
        name="x",
        kind=FeeKind.TIERED,
        rule={
            "basis": "pages",
            "tiers": [
                {"up_to": 10, "rate": 3_000},
                {"up_to": 20, "rate": 2_000},
                {"up_to": None, "rate": 1_000},
            ],
            "max": 45_000,
        },
    )
    assert compute_fee(fee, pages=5) == 15_000
    assert compute_fee(fee, pages=15) == 40_000
    assert compute_fee(fee, pages=30) == 45_000  # 30,000 + 20,000 + 10,000 = 60,000 → max
    assert compute_fee(fee, pages=15, copies=2) == 80_000


def test_negative_quantities_are_refused():
    with pytest.raises(ValueError):
        compute_fee(certification_fee(), pages=-1)


@pytest.mark.parametrize(
    ("kind", "rule", "fragment"),
    [
        (FeeKind.PER_PAGE, {}, "first_rate"),
        (FeeKind.PER_PAGE, {"first_rate": -5}, "first_rate"),
        (FeeKind.PER_PAGE, {"first_pages": 2, "first_rate": 2000}, "next_rate"),
        (FeeKind.TIERED, {"basis": "copies"}, "tiers"),
        (FeeKind.TIERED, {"tiers": [{"up_to": 5, "rate": 1}, {"up_to": 3, "rate": 1}]}, "tăng dần"),
        (FeeKind.TIERED, {"tiers": [{"up_to": None, "rate": 1}, {"up_to": 3, "rate": 1}]}, "bậc cuối"),
        (FeeKind.TIERED, {"basis": "days", "tiers": [{"up_to": None, "rate": 1}]}, "basis"),
        (FeeKind.FIXED, {"pages": 3}, "pages"),
    ],
)
def test_bad_rules_are_reported_in_vietnamese(kind, rule, fragment):
    with pytest.raises(ValidationError) as info:
        validate_fee_rule(kind, 0, rule)
    assert fragment in " ".join(info.value.messages)


def test_fee_clean_uses_rule_validation():
    with pytest.raises(ValidationError):
        Fee(name="x", kind=FeeKind.PER_PAGE, rule={"first_rate": "hai nghìn"}).clean()


def test_amounts_in_english_group_thousands_with_commas():
    # "16.000 VND" reads as sixteen dong to an English reader.
    with translation.override("en"):
        assert format_vnd(16000) == "16,000 VND"
        assert format_vnd(1250000) == "1,250,000 VND"
    with translation.override("vi"):
        assert format_vnd(16000) == "16.000 đồng"


def test_descriptions_are_plain_vietnamese():
    assert format_vnd(200000) == "200.000 đồng"
    assert describe_fee(certification_fee()) == (
        "2.000 đồng mỗi trang cho 2 trang đầu; từ trang thứ 3 trở đi 1.000 đồng mỗi trang; "
        "tối đa 200.000 đồng mỗi bản"
    )
    assert describe_fee(Fee(kind=FeeKind.FIXED, amount=0)) == "Không thu phí"
    assert describe_fee(Fee(kind=FeeKind.FIXED, amount=10000)) == "10.000 đồng mỗi lần thực hiện"
    tiered = Fee(
        kind=FeeKind.TIERED,
        rule={
            "basis": "copies",
            "base": 200000,
            "tiers": [{"up_to": 2, "rate": 0}, {"up_to": None, "rate": 5000}],
        },
    )
    assert describe_fee(tiered) == "200.000 đồng; từ bản thứ 3 trở đi thu thêm 5.000 đồng mỗi bản"
