"""Acceptance: an independent OpenID Connect client library (Authlib, over real HTTP against Django's
live server) completes the authorization code flow with PKCE, validates the ID token with the published
JWKS, reads userinfo, refreshes, and logs out; congso's own sign-out ends first-party tokens."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from congso.identity.oidc.models import RelyingPartySession
from tests.support.oidc import POST_LOGOUT, new_verifier

pytestmark = pytest.mark.django_db(transaction=True)


def discover(oidc_base):
    return httpx.get(oidc_base + "/.well-known/openid-configuration", timeout=20).json()


def authorize(browser, rp_client, config, verifier, nonce="n-0S6_WzA2Mj"):
    url, state = rp_client.create_authorization_url(
        config["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    response = browser.http.get(url)
    return response, state


def validate_id_token(id_token, config, client_id, nonce=None):
    jwks = httpx.get(config["jwks_uri"], timeout=20).json()
    token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])
    options = {
        "iss": {"essential": True, "value": config["issuer"]},
        "aud": {"essential": True, "value": client_id},
    }
    if nonce is not None:
        options["nonce"] = {"essential": True, "value": nonce}
    jwt.JWTClaimsRegistry(**options).validate(token.claims)
    return token.claims


def test_discovery_advertises_the_provider(oidc_base, live_server):
    config = discover(oidc_base)
    assert config["issuer"] == live_server.url + "/oidc"
    assert config["authorization_endpoint"] == live_server.url + "/oidc/authorize/"
    assert config["end_session_endpoint"] == live_server.url + "/oidc/logout/"
    assert config["code_challenge_methods_supported"] == ["S256"]
    # Only what a client is actually served (hybrid and implicit types are refused: unauthorized_client).
    assert config["response_types_supported"] == ["code"]
    assert config["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert config["backchannel_logout_supported"] is True
    assert {"openid", "profile", "national_id", "official", "business"} <= set(config["scopes_supported"])
    assert {"acr", "name", "birthdate", "national_id", "agencies", "tax_code"} <= set(
        config["claims_supported"]
    )
    keys = httpx.get(config["jwks_uri"], timeout=20).json()["keys"]
    assert keys and all(key["kty"] == "RSA" and "d" not in key for key in keys)


def test_code_flow_id_token_userinfo_refresh_and_logout(browser, make_client, rp, oidc_base, make_user):
    person = make_user("thu.le", full_name="Lê Thị Thu", date_of_birth=date(1990, 5, 17))
    application = make_client("Cổng thông tin điện tử tỉnh", first_party=True)
    client = rp(application, scope="openid profile")
    config = discover(oidc_base)
    assert browser.sign_in("thu.le").status_code == 302

    verifier = new_verifier()
    response, state = authorize(browser, client, config, verifier)
    assert response.status_code == 302  # a first-party client: no consent page
    callback = response.headers["location"]
    assert callback.startswith(application.redirect_uris + "?")
    assert parse_qs(urlsplit(callback).query)["state"] == [state]

    token = client.fetch_token(
        config["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    claims = validate_id_token(token["id_token"], config, application.client_id, nonce="n-0S6_WzA2Mj")
    assert claims["sub"] == str(person.pk)
    assert claims["acr"] == "1"
    assert claims["name"] == "Lê Thị Thu"
    assert claims["sid"] == str(RelyingPartySession.objects.get(user=person).sid)
    assert "national_id" not in claims

    userinfo = client.get(config["userinfo_endpoint"]).json()
    assert userinfo["sub"] == str(person.pk)
    assert userinfo["birthdate"] == "1990-05-17"

    refreshed = client.refresh_token(config["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    assert client.get(config["userinfo_endpoint"]).status_code == 200
    # The refresh token is rotated: the old one no longer works.
    reused = httpx.post(
        config["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(application.client_id, "s3cret-of-the-relying-party-0123456789"),
        timeout=20,
    )
    assert reused.status_code == 400

    logout = browser.http.get(
        config["end_session_endpoint"],
        params={
            "id_token_hint": refreshed.get("id_token", token["id_token"]),
            "post_logout_redirect_uri": POST_LOGOUT,
            "state": "bye",
        },
    )
    assert logout.status_code == 302
    assert logout.headers["location"] == POST_LOGOUT + "?state=bye"
    # Signed out of congso, and the tokens are gone.
    assert browser.http.get("/tai-khoan/dang-xuat/").status_code == 302
    assert client.get(config["userinfo_endpoint"]).status_code == 401
    assert RelyingPartySession.objects.get(user=person).ended_at is not None


def test_a_public_client_uses_pkce_without_secret(browser, make_client, rp, oidc_base, make_user):
    make_user("pub.user")
    application = make_client("Ứng dụng di động", client_type="public", first_party=True)
    client = rp(application, scope="openid")
    config = discover(oidc_base)
    browser.sign_in("pub.user")
    verifier = new_verifier()
    url, _state = client.create_authorization_url(
        config["authorization_endpoint"], code_verifier=verifier, ui_locales="vi en"
    )
    response = browser.http.get(url)
    assert response.status_code == 302
    token = client.fetch_token(
        config["token_endpoint"], authorization_response=response.headers["location"], code_verifier=verifier
    )
    assert validate_id_token(token["id_token"], config, application.client_id)["acr"] == "1"


def test_a_public_client_must_send_pkce(browser, make_client, oidc_base, make_user):
    make_user("nopkce.user")
    application = make_client("Ứng dụng không PKCE", client_type="public", first_party=True)
    config = discover(oidc_base)
    browser.sign_in("nopkce.user")
    response = browser.http.get(
        config["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": application.client_id,
            "redirect_uri": application.redirect_uris,
            "scope": "openid",
            "state": "xyz",
        },
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["invalid_request"] and "code" not in query


def test_the_level_of_assurance_comes_from_the_session(
    browser, make_client, rp, oidc_base, make_user, settings
):
    """The national e-ID sign-in method records level 2 in the session under ``congso_loa``."""
    from importlib import import_module

    from django.conf import settings as django_settings

    make_user("loa.two")
    application = make_client("Hệ thống cần mức 2", first_party=True)
    client = rp(application, scope="openid")
    config = discover(oidc_base)
    browser.sign_in("loa.two")
    store = import_module(django_settings.SESSION_ENGINE).SessionStore(
        session_key=browser.http.cookies[django_settings.SESSION_COOKIE_NAME]
    )
    store["congso_loa"] = 2
    store.save()
    verifier = new_verifier()
    response, _state = authorize(browser, client, config, verifier)
    token = client.fetch_token(
        config["token_endpoint"], authorization_response=response.headers["location"], code_verifier=verifier
    )
    assert validate_id_token(token["id_token"], config, application.client_id)["acr"] == "2"
