"""Vietnamese first: the browser's language is ignored; only the visitor's own choice switches."""

import pytest

from tests.support.html import one

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_vietnamese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert one(response, "html")["lang"] == "vi"


def test_the_language_switch_gives_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert one(client.get("/"), "html")["lang"] == "en"
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert one(client.get("/", HTTP_ACCEPT_LANGUAGE="en"), "html")["lang"] == "vi"


def test_csrf_failure_page_is_vietnamese_and_in_the_portal_layout(make_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/tai-khoan/dang-nhap/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Biểu mẫu chưa được gửi" in response.content.decode()


def test_the_site_name_follows_the_language(client, settings):
    assert settings.CONGSO_SITE_NAME in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert settings.CONGSO_SITE_NAME_EN in client.get("/").content.decode()


def test_the_sign_in_page_names_the_site_in_english_too(client, settings):
    """The sign-in page (Django's auth view) showed the Vietnamese name in its header and title in English."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert settings.CONGSO_SITE_NAME_EN in page
    assert settings.CONGSO_SITE_NAME not in page
