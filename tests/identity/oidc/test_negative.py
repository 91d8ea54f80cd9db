"""Negative acceptance tests of the OpenID Connect provider, over real HTTP: what an attacker or a
misconfigured client tries must fail, and never redirect a person anywhere unregistered."""

import hashlib
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from congso.identity.oidc.keys import generate_private_key_pem
from tests.support.oidc import REDIRECT, SECRET, new_verifier

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def config(oidc_base):
    return httpx.get(oidc_base + "/.well-known/openid-configuration", timeout=20).json()


@pytest.fixture
def signed_in(browser, make_user):
    make_user("neg.citizen", full_name="Phạm Văn Nam")
    assert browser.sign_in("neg.citizen").status_code == 302
    return browser


def code_for(browser, client, config, verifier, **params):
    url, _state = client.create_authorization_url(
        config["authorization_endpoint"], code_verifier=verifier, **params
    )
    response = browser.http.get(url)
    assert response.status_code == 302, response.text[:300]
    return response.headers["location"]


def query_of(location):
    return parse_qs(urlsplit(location).query)


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/callback",  # not registered
        REDIRECT + "/more",  # altered path
        REDIRECT + "?next=https://evil.example/",  # altered query
        REDIRECT.replace("https://", "http://"),  # altered scheme
        "https://rp.example.vn.evil.example/callback",  # look-alike host
    ],
)
def test_an_unregistered_or_altered_redirect_uri_is_refused_without_redirect(
    signed_in, make_client, config, redirect_uri
):
    application = make_client(first_party=True)
    response = signed_in.http.get(
        config["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": application.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "Không thể đăng nhập vào ứng dụng" in response.text


def test_an_unknown_client_is_refused_without_redirect(signed_in, config):
    response = signed_in.http.get(
        config["authorization_endpoint"],
        params={"response_type": "code", "client_id": "nobody", "redirect_uri": REDIRECT, "scope": "openid"},
    )
    assert response.status_code == 400 and "location" not in response.headers


def test_the_redirect_uri_at_the_token_endpoint_must_be_the_one_authorized(
    signed_in, make_client, rp, config
):
    application = make_client(first_party=True)
    client = rp(application, scope="openid")
    verifier = new_verifier()
    code = query_of(code_for(signed_in, client, config, verifier))["code"][0]
    response = httpx.post(
        config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT + "/other",
            "code_verifier": verifier,
        },
        auth=(application.client_id, SECRET),
        timeout=20,
    )
    assert response.status_code == 400 and "access_token" not in response.json()


def test_a_code_is_used_once(signed_in, make_client, rp, config):
    application = make_client(first_party=True)
    client = rp(application, scope="openid")
    verifier = new_verifier()
    callback = code_for(signed_in, client, config, verifier)
    client.fetch_token(config["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    again = httpx.post(
        config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": query_of(callback)["code"][0],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        auth=(application.client_id, SECRET),
        timeout=20,
    )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_wrong_pkce_verifier_is_refused(signed_in, make_client, rp, config):
    application = make_client(first_party=True)
    client = rp(application, scope="openid")
    callback = code_for(signed_in, client, config, new_verifier())
    response = httpx.post(
        config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": query_of(callback)["code"][0],
            "redirect_uri": REDIRECT,
            "code_verifier": new_verifier(),
        },
        auth=(application.client_id, SECRET),
        timeout=20,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_refused(signed_in, make_client, rp, config):
    application = make_client(first_party=True)
    client = rp(application, scope="openid")
    verifier = new_verifier()
    callback = code_for(signed_in, client, config, verifier)
    response = httpx.post(
        config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": query_of(callback)["code"][0],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        auth=(application.client_id, "not-the-secret"),
        timeout=20,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.fixture
def issued(signed_in, make_client, rp, config):
    application = make_client(first_party=True)
    client = rp(application, scope="openid profile")
    verifier = new_verifier()
    callback = code_for(signed_in, client, config, verifier)
    token = client.fetch_token(
        config["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    assert (
        httpx.get(
            config["userinfo_endpoint"], headers={"Authorization": f"Bearer {token['access_token']}"}
        ).status_code
        == 200
    )
    return token


def userinfo_status(config, bearer):
    return httpx.get(
        config["userinfo_endpoint"], headers={"Authorization": f"Bearer {bearer}"}, timeout=20
    ).status_code


def test_an_expired_access_token_is_refused_at_userinfo(issued, config):
    AccessToken.objects.filter(
        token_checksum=hashlib.sha256(issued["access_token"].encode()).hexdigest()
    ).update(expires=timezone.now() - timedelta(seconds=1))
    assert userinfo_status(config, issued["access_token"]) == 401


def test_a_tampered_access_token_is_refused_at_userinfo(issued, config):
    token = issued["access_token"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert userinfo_status(config, tampered) == 401


def test_an_id_token_or_a_foreign_jwt_is_not_an_access_token(issued, config):
    """The ID token (audience: the client, not the userinfo endpoint) and a JWT signed by another
    issuer's key are both refused as bearer tokens."""
    assert userinfo_status(config, issued["id_token"]) == 401
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    foreign = jwt.encode(
        {"alg": "RS256"},
        {"iss": config["issuer"], "aud": "someone-else", "sub": "1", "exp": 4102444800},
        RSAKey.import_key(generate_private_key_pem()),
    )
    assert userinfo_status(config, foreign) == 401


def test_a_public_client_cannot_use_client_credentials(make_client, config):
    application = make_client("Ứng dụng công khai", client_type="public", first_party=True)
    response = httpx.post(
        config["token_endpoint"],
        data={"grant_type": "client_credentials", "client_id": application.client_id, "scope": "openid"},
        timeout=20,
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_client", "unauthorized_client")
    assert "access_token" not in response.json()


def test_a_confidential_code_client_cannot_use_client_credentials_either(make_client, config):
    application = make_client(first_party=True)
    response = httpx.post(
        config["token_endpoint"],
        data={"grant_type": "client_credentials", "scope": "openid"},
        auth=(application.client_id, SECRET),
        timeout=20,
    )
    assert response.status_code in (400, 401) and "access_token" not in response.json()


def test_a_citizen_asking_for_an_officials_scope_is_refused(signed_in, make_client, rp, config):
    application = make_client(first_party=True)
    client = rp(application, scope="openid official")
    url, state = client.create_authorization_url(
        config["authorization_endpoint"], code_verifier=new_verifier()
    )
    response = signed_in.http.get(url)
    assert response.status_code == 302
    query = query_of(response.headers["location"])
    assert query["error"] == ["access_denied"] and query["state"] == [state] and "code" not in query


def test_a_client_not_entitled_to_the_national_id_cannot_ask_for_it(signed_in, make_client, rp, config):
    application = make_client(first_party=True)
    client = rp(application, scope="openid national_id")
    url, _state = client.create_authorization_url(
        config["authorization_endpoint"], code_verifier=new_verifier()
    )
    response = signed_in.http.get(url)
    assert response.status_code == 302
    assert query_of(response.headers["location"])["error"] == ["invalid_scope"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "https:/\\evil.example/"])
def test_no_open_redirect_after_signing_in(browser, make_user, target):
    make_user("redir.user")
    response = browser.sign_in("redir.user", next_url=target)
    assert response.status_code == 302
    assert "evil.example" not in response.headers["location"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_no_open_redirect_after_signing_out(signed_in, target):
    response = signed_in.sign_out(next_url=target)
    assert response.status_code == 302
    assert "evil.example" not in response.headers["location"]


@pytest.mark.parametrize(
    "params",
    [
        {"post_logout_redirect_uri": "https://evil.example/"},  # no client named
        {"post_logout_redirect_uri": "https://evil.example/", "client_id": "CLIENT"},
        {"post_logout_redirect_uri": "https://rp.example.vn/signed-out/../evil", "client_id": "CLIENT"},
        {"post_logout_redirect_uri": "https://rp.example.vn/signed-out?x=1", "client_id": "CLIENT"},
        {"post_logout_redirect_uri": "https://rp.example.vn/signed-out", "client_id": "unknown-client"},
    ],
)
def test_no_open_redirect_at_rp_initiated_logout(signed_in, make_client, config, params):
    application = make_client(first_party=True)
    params = {key: value.replace("CLIENT", application.client_id) for key, value in params.items()}
    response = signed_in.http.get(config["end_session_endpoint"], params=params)
    assert response.status_code == 400
    assert "location" not in response.headers
    # Still signed in: nothing was ended by a refused request.
    assert signed_in.http.get("/tai-khoan/dang-xuat/").status_code == 200


def test_the_consent_form_needs_its_csrf_token(signed_in, make_client, rp, config):
    application = make_client("Ứng dụng bên thứ ba")
    client = rp(application, scope="openid profile")
    url, _state = client.create_authorization_url(
        config["authorization_endpoint"], code_verifier=new_verifier()
    )
    page = signed_in.http.get(url)
    assert page.status_code == 200
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page.text))
    fields.pop("csrfmiddlewaretoken")
    fields["allow"] = "on"
    assert signed_in.http.post(url, data=fields).status_code == 403


def test_rp_initiated_logout_without_a_hint_asks_and_may_be_refused(signed_in, make_client, config):
    """Without an ID token the person is asked; "Không đăng xuất" keeps them signed in."""
    application = make_client(first_party=True)
    url = config["end_session_endpoint"] + f"?client_id={application.client_id}"
    page = signed_in.http.get(url)
    assert page.status_code == 200 and "Bạn muốn đăng xuất khỏi Cổng dịch vụ công?" in page.text
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page.text))
    refused = signed_in.http.post(url, data=fields)
    assert "Bạn vẫn đang đăng nhập" in refused.text
    assert signed_in.http.get("/tai-khoan/dang-xuat/").status_code == 200  # still signed in
    fields["allow"] = "on"
    done = signed_in.http.post(url, data=fields)
    assert done.status_code == 302, done.text[-3000:]
    assert signed_in.http.get("/tai-khoan/dang-xuat/").status_code == 302  # signed out
