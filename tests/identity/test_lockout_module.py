import pytest
from django.test import RequestFactory

from congso.identity.lockout import lockout_username
from tests.factories.identity import CITIZEN_ID


@pytest.mark.django_db
def test_lockout_username_resolves_credentials_or_the_posted_form(citizen):
    factory = RequestFactory()
    request = factory.post("/quan-tri/login/", {"username": CITIZEN_ID})
    assert lockout_username(request, {"username": "AN.NGUYEN"}) == "an.nguyen"
    assert lockout_username(request) == "an.nguyen"
    assert lockout_username(factory.post("/quan-tri/login/", {}), None) is None


@pytest.mark.django_db
def test_lockout_username_asks_the_database_once_per_spelling_and_request(citizen, django_assert_num_queries):
    request = RequestFactory().post("/quan-tri/login/")
    with django_assert_num_queries(1):
        for _ in range(4):
            assert lockout_username(request, {"username": "An.Nguyen"}) == "an.nguyen"
