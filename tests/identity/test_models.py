import pytest
from django.core.exceptions import ValidationError

from congso.identity.models import User, UserKind, mask_national_id


def test_citizen_without_national_id_is_refused():
    user = User(username="c", kind=UserKind.CITIZEN, national_id="")
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert error.value.message_dict == {"national_id": ["Công dân phải có số định danh cá nhân."]}


def test_empty_national_id_is_stored_as_null_so_many_accounts_may_lack_one():
    user = User(username="o", kind=UserKind.OFFICIAL, national_id="")
    user.clean()
    assert user.national_id is None


def test_business_without_tax_code_is_refused():
    user = User(username="b", kind=UserKind.BUSINESS, tax_code="")
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert error.value.message_dict == {"tax_code": ["Tài khoản doanh nghiệp phải có mã số thuế."]}


def test_business_with_tax_code_and_citizen_with_national_id_pass():
    User(username="b", kind=UserKind.BUSINESS, tax_code="3700000001-001").clean()
    User(username="c", kind=UserKind.CITIZEN, national_id="074090000123").clean()


@pytest.mark.parametrize("kind", [UserKind.OFFICIAL, UserKind.SYSTEM])
def test_officials_and_system_accounts_need_neither(kind):
    User(username="x", kind=kind).clean()


@pytest.mark.django_db
def test_full_clean_runs_the_field_validators(make_user):
    user = User(username="c2", kind=UserKind.CITIZEN, national_id="12345")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert error.value.message_dict["national_id"] == ["Số định danh cá nhân phải gồm đúng 12 chữ số."]


def test_national_id_is_masked_to_its_last_four_digits():
    assert mask_national_id("074090000123") == "********0123"
    assert mask_national_id(None) == ""
    assert User(national_id="001203004567").masked_national_id == "********4567"
