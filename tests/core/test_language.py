"""Vietnamese first: the browser's language is ignored; only the visitor's own choice switches."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_vietnamese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="vi"' in response.content.decode()


def test_the_language_switch_gives_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


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
