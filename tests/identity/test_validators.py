import pytest
from django.core.exceptions import ValidationError

from congso.identity.validators import validate_national_id, validate_tax_code


@pytest.mark.parametrize("value", ["074090000123", "001203004567", "000000000000"])
def test_national_id_of_twelve_digits_is_accepted(value):
    validate_national_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "07409000012",  # 11 digits
        "0740900001234",  # 13 digits
        "07409000012a",
        "074 090 000 123",  # separators are for the sign-in form to remove, not for storage
        "０７４０９００００１２３",  # full-width digits
        " 074090000123",
        "074090000123\n",
    ],
)
def test_national_id_other_than_twelve_digits_is_refused_in_vietnamese(value):
    with pytest.raises(ValidationError) as error:
        validate_national_id(value)
    assert error.value.code == "invalid_national_id"
    assert error.value.messages == ["Số định danh cá nhân phải gồm đúng 12 chữ số."]


@pytest.mark.parametrize("value", ["3700000001", "3700000001-001", "0100109106-999"])
def test_tax_code_of_ten_digits_or_with_branch_suffix_is_accepted(value):
    validate_tax_code(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "370000000",
        "37000000011",
        "3700000001\n",
        "３７００００００01",
        "3700000001-01",
        "3700000001-0011",
        "3700000001001",
        "370000000A",
        "3700000001_001",
    ],
)
def test_other_tax_codes_are_refused_in_vietnamese(value):
    with pytest.raises(ValidationError) as error:
        validate_tax_code(value)
    assert error.value.code == "invalid_tax_code"
    assert "Mã số thuế phải gồm 10 chữ số" in error.value.messages[0]
