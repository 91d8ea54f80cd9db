from unittest import mock

import pytest
from django.test import RequestFactory

from congso.identity.backends import CREDENTIALS_CHECKED_ATTR, UsernameOrNationalIdBackend
from tests.factories.identity import CITIZEN_ID, PASSWORD


@pytest.fixture
def backend():
    return UsernameOrNationalIdBackend()


@pytest.mark.django_db
def test_exact_user_name_or_national_id_authenticates(backend, citizen):
    assert backend.authenticate(None, username="an.nguyen", password=PASSWORD) == citizen
    assert backend.authenticate(None, username=CITIZEN_ID, password=PASSWORD) == citizen


@pytest.mark.django_db
def test_other_spellings_are_left_to_the_sign_in_form(backend, citizen):
    # Otherwise every letter case would be a fresh lockout counter for an attacker.
    assert backend.authenticate(None, username="AN.NGUYEN", password=PASSWORD) is None


@pytest.mark.django_db
def test_wrong_password_and_inactive_accounts_are_refused(backend, citizen):
    assert backend.authenticate(None, username="an.nguyen", password="wrong") is None
    citizen.is_active = False
    citizen.save()
    assert backend.authenticate(None, username="an.nguyen", password=PASSWORD) is None


@pytest.mark.django_db
def test_unknown_account_still_runs_the_password_hasher(backend, citizen):
    with mock.patch("congso.identity.backends.get_user_model") as get_model:
        model = get_model.return_value
        model.DoesNotExist = type("DoesNotExist", (Exception,), {})
        model.MultipleObjectsReturned = type("MultipleObjectsReturned", (Exception,), {})
        model.objects.get.side_effect = model.DoesNotExist
        assert backend.authenticate(None, username="nobody", password="secret-guess") is None
    model.return_value.set_password.assert_called_once_with("secret-guess")


@pytest.mark.django_db
def test_the_request_is_marked_when_credentials_were_checked(backend, citizen):
    request = RequestFactory().post("/tai-khoan/dang-nhap/")
    backend.authenticate(request, username="an.nguyen", password="wrong")
    assert getattr(request, CREDENTIALS_CHECKED_ATTR) is True
