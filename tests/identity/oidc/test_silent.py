"""``prompt=none`` (silent sign-in, how a relying party checks the congso session): never a page;
``login_required`` when nobody is signed in, ``consent_required`` when a third party lacks consent,
otherwise a code."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.support.oidc import Browser, new_verifier

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def config(oidc_base):
    return httpx.get(oidc_base + "/.well-known/openid-configuration", timeout=20).json()


def silent(browser, client, config, **params):
    url, state = client.create_authorization_url(
        config["authorization_endpoint"], code_verifier=new_verifier(), prompt="none", **params
    )
    response = browser.http.get(url)
    assert response.status_code == 302, response.text[:300]
    location = response.headers["location"]
    return location, parse_qs(urlsplit(location).query), state


def test_nobody_signed_in_gets_login_required(live_server, make_client, rp, config):
    application = make_client(first_party=True)
    anonymous = Browser(live_server.url)
    try:
        location, query, state = silent(anonymous, rp(application, scope="openid"), config)
    finally:
        anonymous.close()
    assert location.startswith(application.redirect_uris + "?")
    assert query["error"] == ["login_required"] and query["state"] == [state] and "code" not in query


def test_a_signed_in_person_gets_a_code_silently(browser, make_user, make_client, rp, config):
    make_user("silent.user")
    browser.sign_in("silent.user")
    _location, query, state = silent(
        browser, rp(make_client(first_party=True), scope="openid profile"), config
    )
    assert "code" in query and query["state"] == [state]


def test_a_third_party_without_consent_gets_consent_required(browser, make_user, make_client, rp, config):
    make_user("consent.silent")
    browser.sign_in("consent.silent")
    client = rp(make_client("Ứng dụng bên thứ ba"), scope="openid profile")
    _location, query, _state = silent(browser, client, config)
    assert query["error"] == ["consent_required"] and "code" not in query
    _location, query, _state = silent(
        browser, rp(make_client("Chỉ đăng nhập", redirect="https://x.example.vn/cb"), scope="openid"), config
    )
    assert "code" in query  # no personal data asked: nothing to consent to


def test_a_citizen_silently_asking_for_an_officials_scope_is_refused(
    browser, make_user, make_client, rp, config
):
    make_user("silent.citizen")
    browser.sign_in("silent.citizen")
    _location, query, _state = silent(
        browser, rp(make_client(first_party=True), scope="openid official"), config
    )
    assert query["error"] == ["access_denied"] and "code" not in query
