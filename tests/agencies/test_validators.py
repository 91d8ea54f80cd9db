"""Agency electronic identifier codes (QCVN 102:2016): golden cases for the validator and the parser."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from congso.agencies.models import Agency, AgencyKind
from congso.agencies.validators import parse_agency_code, validate_agency_code

GOLDEN = json.loads((Path(__file__).parent / "agency_codes.golden.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", GOLDEN["valid"], ids=lambda c: c["code"])
def test_golden_valid_codes_pass_and_parse(case):
    validate_agency_code(case["code"])
    parsed = parse_agency_code(case["code"])
    assert parsed.depth == case["depth"]
    assert parsed.group == case["group"]


@pytest.mark.parametrize("case", GOLDEN["invalid"], ids=lambda c: c["note"])
def test_golden_invalid_codes_are_refused_with_a_vietnamese_message(case):
    with pytest.raises(ValidationError) as exc:
        validate_agency_code(case["code"])
    assert exc.value.code == "invalid_agency_code"
    assert "000.00.00.H08" in exc.value.messages[0] and "QCVN 102:2016" in exc.value.messages[0]


@pytest.mark.parametrize("value", [None, 12345])
def test_values_that_are_not_text_are_refused(value):
    with pytest.raises(ValidationError):
        validate_agency_code(value)


def test_parse_splits_levels_right_to_left():
    code = parse_agency_code("001.02.03.H08")
    assert (code.level1, code.level2, code.level3, code.level4) == ("H08", "03", "02", "001")


def test_parse_refuses_an_invalid_code():
    with pytest.raises(ValidationError):
        parse_agency_code("00.00.00.H08")


@pytest.mark.django_db
def test_agency_full_clean_uses_the_validator():
    agency = Agency(code="000.00.00.h08", name="Ủy ban nhân dân tỉnh", kind=AgencyKind.PEOPLES_COMMITTEE)
    with pytest.raises(ValidationError) as exc:
        agency.full_clean()
    assert "code" in exc.value.message_dict
