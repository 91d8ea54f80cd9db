"""The simulated VNeID provider's own rules (token endpoint, userinfo, redirect URIs), through Django's
test client; the whole flow over real HTTP is in tests/identity/test_vneid.py."""

import base64
import hashlib
from datetime import date, timedelta

import pytest
from django.utils import timezone

from congso.sandbox import vneid
from congso.sandbox.models import Citizen, Household, VneidGrant

VERIFIER = "v" * 50
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
REDIRECT = "http://testserver/tai-khoan/vneid/ve/"


@pytest.fixture
def provider(db, settings):
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_SANDBOX_VNEID_CLIENT_ID = "rp"
    settings.CONGSO_SANDBOX_VNEID_CLIENT_SECRET = "rp-secret"
    settings.CONGSO_SANDBOX_VNEID_REDIRECT_URIS = []
    household = Household.objects.create(
        code="1", province_code="79", province_name="P", ward_code="25747", ward_name="W", street_address="S"
    )
    Citizen.objects.create(
        national_id="074090001234",
        full_name="Nguyễn Văn An",
        date_of_birth=date(1990, 5, 12),
        sex="1",
        hometown="Bình Dương",
        household=household,
        relation_to_head="Chủ hộ",
        is_generated=False,
    )


def authorize_params(**overrides):
    params = {
        "response_type": "code",
        "client_id": "rp",
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "s1",
        "nonce": "n1",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def get_code(client, **overrides):
    data = authorize_params(**overrides) | {"national_id": "074090001234", "password": vneid.DEMO_PASSWORD}
    response = client.post("/sandbox/vneid/auth", data)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].startswith(REDIRECT + "?")
    return response["Location"].split("code=")[1].split("&")[0]


def exchange(client, code, verifier=VERIFIER, redirect_uri=REDIRECT, secret="rp-secret"):  # noqa: S107
    return client.post(
        "/sandbox/vneid/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": "rp",
            "client_secret": secret,
        },
    )


def test_a_code_works_once_and_its_reuse_revokes_the_token(client, provider):
    code = get_code(client)
    first = exchange(client, code)
    assert first.status_code == 200 and first["Cache-Control"].startswith("no-store")
    token = first.json()["access_token"]
    info = client.get("/sandbox/vneid/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (info["SoDinhDanh"], info["NgayThangNamSinh"], info["loginIdp"], info["IAL"]) == (
        "074090001234",
        "19900512",
        "BCA",
        2,
    )
    again = exchange(client, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert client.get("/sandbox/vneid/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@pytest.mark.parametrize(
    ("change", "error", "status"),
    [
        ({"verifier": "w" * 50}, "invalid_grant", 400),
        ({"redirect_uri": "http://testserver/other/"}, "invalid_grant", 400),
        ({"secret": "wrong"}, "invalid_client", 401),
    ],
)
def test_token_requests_that_do_not_match_are_refused(client, provider, change, error, status):
    response = exchange(client, get_code(client), **change)
    assert response.status_code == status and response.json()["error"] == error


def test_an_expired_code_is_refused(client, provider):
    code = get_code(client)
    VneidGrant.objects.update(code_expires_at=timezone.now() - timedelta(seconds=1))
    assert exchange(client, code).json()["error"] == "invalid_grant"


def test_an_expired_access_token_opens_nothing(client, provider):
    token = exchange(client, get_code(client)).json()["access_token"]
    VneidGrant.objects.update(access_expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/sandbox/vneid/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_unknown_client_or_foreign_redirect_is_shown_never_redirected(client, provider):
    foreign = client.get("/sandbox/vneid/auth", authorize_params(redirect_uri="https://evil.example/cb"))
    assert foreign.status_code == 400 and "redirect_uri" in foreign.content.decode()
    unknown = client.get("/sandbox/vneid/auth", authorize_params(client_id="someone"))
    assert unknown.status_code == 400 and "client_id" in unknown.content.decode()


def test_the_configured_redirect_list_is_matched_exactly(client, provider, settings):
    settings.CONGSO_SANDBOX_VNEID_REDIRECT_URIS = ["https://portal.example/tai-khoan/vneid/ve/"]
    assert client.get("/sandbox/vneid/auth", authorize_params()).status_code == 400
    ok = authorize_params(redirect_uri="https://portal.example/tai-khoan/vneid/ve/")
    assert client.get("/sandbox/vneid/auth", ok).status_code == 200


def test_pkce_is_required(client, provider):
    response = client.get("/sandbox/vneid/auth", authorize_params(code_challenge=None))
    assert response.status_code == 302 and "error=invalid_request" in response["Location"]
    assert "state=s1" in response["Location"]


def test_cancel_goes_back_with_access_denied(client, provider):
    response = client.post("/sandbox/vneid/auth", authorize_params() | {"cancel": "1"})
    assert "error=access_denied" in response["Location"] and VneidGrant.objects.count() == 0


def test_everything_is_labelled_and_gone_when_the_sandbox_is_off(client, provider, settings):
    response = client.get("/sandbox/vneid/.well-known/openid-configuration")
    assert response["X-Congso-Sandbox"] == "simulator" and response.json()["simulator"] is True
    settings.CONGSO_SANDBOX_ENABLED = False
    for path in (
        "/sandbox/vneid/.well-known/openid-configuration",
        "/sandbox/vneid/jwks",
        "/sandbox/vneid/auth",
    ):
        assert client.get(path).status_code == 404


def test_a_non_ascii_password_is_a_wrong_password_not_a_server_error(client, provider):
    data = authorize_params() | {"national_id": "074090001234", "password": "mật khẩu"}
    response = client.post("/sandbox/vneid/auth", data)
    assert response.status_code == 400
    assert "Số định danh hoặc mật khẩu không đúng." in response.content.decode()


def test_the_sign_in_page_speaks_the_sites_language_and_says_it_is_a_simulator(client, provider):
    vietnamese = client.get("/sandbox/vneid/auth", authorize_params()).content.decode()
    assert "Định danh điện tử VNeID (mô phỏng)" in vietnamese
    assert "ĐÂY LÀ HỆ THỐNG MÔ PHỎNG, TÀI KHOẢN GIẢ." in vietnamese
    assert "Sign in" not in vietnamese and "SIMULATOR" not in vietnamese

    client.cookies["congso_language"] = "en"
    page = client.get("/sandbox/vneid/auth", authorize_params()).content.decode()
    assert "National e-ID VNeID (simulated)" in page and "THIS IS A SIMULATOR WITH FAKE ACCOUNTS." in page
    assert "Simulated accounts to try" in page and "The password of every simulated account:" in page
    for vietnamese_text in ("mô phỏng", "Mật khẩu", "Số định danh", "Hủy"):
        assert vietnamese_text not in page
    wrong = client.post(
        "/sandbox/vneid/auth", authorize_params() | {"national_id": "074090001234", "password": "x"}
    )
    assert "Wrong national ID or password." in wrong.content.decode()
    assert "không đúng" not in wrong.content.decode()
    unknown = client.get("/sandbox/vneid/auth", authorize_params(client_id="other")).content.decode()
    assert "Unknown application (client_id)." in unknown and "SIMULATED VNeID." in unknown
    signed_out = client.get("/sandbox/vneid/logout").content.decode()
    assert "You are signed out of VNeID" in signed_out and "SIMULATED VNeID." in signed_out
