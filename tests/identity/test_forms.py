import pytest
from django.test import RequestFactory

from congso.identity.forms import NewPasswordForm, SignInForm
from tests.factories.identity import PASSWORD
from tests.support.html import one


def _form(data):
    request = RequestFactory().post("/tai-khoan/dang-nhap/", data)
    request.session = {}
    return SignInForm(request, data=data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["  an.nguyen ", "AN.NGUYEN", "074 090 000 123", "０７４０９００００１２３"]
)
def test_sign_in_form_normalises_what_people_type(citizen, typed):
    form = _form({"username": typed, "password": PASSWORD})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["username"] == "an.nguyen"
    assert form.get_user() == citizen


@pytest.mark.django_db
def test_password_is_not_stripped(citizen):
    form = _form({"username": "an.nguyen", "password": f" {PASSWORD} "})
    assert not form.is_valid()
    assert form.non_field_errors() == ["Tên đăng nhập hoặc mật khẩu không đúng."]


@pytest.mark.django_db
def test_missing_fields_get_vietnamese_messages():
    form = _form({"username": " ", "password": ""})
    assert form.errors == {
        "username": ["Nhập tên đăng nhập hoặc số định danh cá nhân."],
        "password": ["Nhập mật khẩu."],
    }


@pytest.mark.django_db
def test_inputs_carry_autocomplete_and_point_at_their_errors():
    form = _form({"username": "", "password": ""})
    form.is_valid()
    username = one(str(form["username"]), "input")
    password = one(str(form["password"]), "input")
    assert username["autocomplete"] == "username"
    assert username["aria-describedby"] == "id_username_helptext id_username_error"
    assert username["aria-invalid"] == "true"
    assert password["autocomplete"] == "current-password"
    assert password["aria-describedby"] == "id_password_error"


@pytest.mark.django_db
def test_a_wrong_login_marks_every_field_and_points_at_the_form_error(citizen):
    form = _form({"username": "an.nguyen", "password": "wrong"})
    assert not form.is_valid()
    assert one(str(form["username"]), "input")["aria-describedby"] == "id_username_helptext form-error"
    password = one(str(form["password"]), "input")
    assert (password["aria-describedby"], password["aria-invalid"]) == ("form-error", "true")


@pytest.mark.django_db
def test_new_password_form_applies_the_validators_from_settings(citizen):
    form = NewPasswordForm(citizen, data={"new_password1": "12345678", "new_password2": "12345678"})
    assert not form.is_valid()
    messages = form.errors["new_password2"]
    assert any("Mật khẩu quá ngắn" in message for message in messages)
    assert "Mật khẩu này hoàn toàn là số." in messages


@pytest.mark.django_db
def test_new_password_form_refuses_two_different_passwords(citizen):
    form = NewPasswordForm(
        citizen, data={"new_password1": "Mot-mat-khau-dai-1", "new_password2": "Khac-han-2"}
    )
    assert not form.is_valid()
    assert form.errors["new_password2"] == ["Hai mật khẩu bạn nhập không giống nhau. Hãy nhập lại."]
