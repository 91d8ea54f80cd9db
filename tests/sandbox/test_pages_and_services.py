"""The index page (labelled in both languages, samples to try) and what the LGSP reads: the national
services with their OpenAPI documents."""

import pytest
from django.urls import reverse

from congso.sandbox import openapi
from congso.sandbox.services import national_services
from tests.sandbox.known import KNOWN_BUSINESS, KNOWN_CITIZEN, TOKEN

pytestmark = pytest.mark.django_db


def test_the_index_says_it_is_a_simulator_in_both_languages_and_lists_what_to_try(world, client):
    response = client.get(reverse("sandbox:index"))
    assert response.status_code == 200 and response["X-Congso-Sandbox"] == "simulator"
    html = response.content.decode()
    assert "ĐÂY LÀ HỆ THỐNG MÔ PHỎNG, DỮ LIỆU GIẢ." in html
    assert "THESE ARE SIMULATORS WITH FAKE DATA." in html
    for service in national_services():
        assert service.name in html and f'href="{service.base_path}/openapi.json"' in html
    assert KNOWN_CITIZEN.national_id in html and KNOWN_BUSINESS.tax_code in html
    assert KNOWN_CITIZEN.full_name not in html  # identifiers to try, not people's names
    assert TOKEN in html  # the published demo token is shown…


def test_a_configured_token_is_never_shown(world, client, settings):
    settings.CONGSO_SANDBOX_TOKEN = "a-real-secret-of-the-province"
    html = client.get(reverse("sandbox:index")).content.decode()
    assert "a-real-secret-of-the-province" not in html


def test_the_index_before_seeding_says_how_to_seed(db, client):
    html = client.get(reverse("sandbox:index")).content.decode()
    assert "congso seed-demo" in html


def test_national_services_give_code_name_base_path_and_openapi(db):
    services = national_services()
    assert [s.code for s in services] == ["csdlqg-dan-cu", "dang-ky-kinh-doanh", "dat-dai"]
    assert [s.base_path for s in services] == [
        "/sandbox/csdlqg-dan-cu",
        "/sandbox/dang-ky-kinh-doanh",
        "/sandbox/dat-dai",
    ]
    assert services[0].openapi == openapi.population_document()
    assert services[1].openapi == openapi.business_document()
    assert services[2].openapi == openapi.land_document()
    for service in services:
        assert "mô phỏng" in service.name
        assert service.openapi["servers"] == [{"url": service.base_path}]
