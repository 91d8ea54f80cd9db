"""Fixtures for the identity tests: a citizen and an official with known credentials."""

import pytest
from django.urls import reverse

from tests.factories.identity import CITIZEN_ID, PASSWORD


@pytest.fixture
def citizen(make_user):
    return make_user(
        username="an.nguyen",
        password=PASSWORD,
        national_id=CITIZEN_ID,
        full_name="Nguyễn Văn An",
        email="an.nguyen@example.vn",
    )


@pytest.fixture
def official(make_user):
    return make_user(username="canbo.mot", password=PASSWORD, kind="official", full_name="Trần Thị Bình")


@pytest.fixture
def sign_in(client):
    """POST the sign-in form through the real view (so django-axes sees the request)."""

    def post(username, password, client=client, next_url=None, **extra):
        data = {"username": username, "password": password}
        if next_url is not None:
            data["next"] = next_url
        return client.post(reverse("identity:login"), data, **extra)

    return post
