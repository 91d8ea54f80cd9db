"""Credentials, the token endpoint (RFC 6749 client credentials), signing keys and the JWKS."""

import base64
import hashlib
from datetime import timedelta
from urllib.parse import urlencode

import jwt
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from congso.core.models import AuditEntry
from congso.lgsp import conf, keys, services
from congso.lgsp.models import ConsumerCredential, KeyState, SigningKey, SystemStatus

TOKEN_URL = "/lgsp/oauth/token"
JWKS_URL = "/lgsp/.well-known/jwks.json"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def credential(registry):
    services.grant_access(registry["service"], system=registry["consumer"])
    return services.create_credential(registry["consumer"])


def _basic(client_id, secret):
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _post(client, data, **headers):
    # RFC 6749 §4.4.2: the parameters come form-urlencoded (not multipart, the test client's default).
    return client.post(TOKEN_URL, urlencode(data, doseq=True), content_type=FORM, **headers)


def test_secret_is_stored_hashed_only(credential):
    row = ConsumerCredential.objects.get()
    assert credential.secret not in row.secret_hash
    assert row.secret_hash == "sha256$" + hashlib.sha256(credential.secret.encode()).hexdigest()
    assert AuditEntry.objects.filter(action="lgsp.credential.create").exists()


def test_token_with_body_credentials(client, credential, registry):
    response = _post(
        client,
        {
            "grant_type": "client_credentials",
            "client_id": credential.credential.client_id,
            "client_secret": credential.secret,
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    claims = services.verify_token(body["access_token"])
    assert claims["sub"] == "GOV/000.00.03.H08/HOTICH"
    assert claims["aud"] == "congso-lgsp-gateway" and claims["iss"] == conf.issuer()
    assert claims["exp"] - claims["iat"] == 300 and claims["jti"]
    assert claims["client_id"] == credential.credential.client_id
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "EdDSA"


def test_token_with_basic_auth_and_scope(client, credential):
    response = _post(
        client,
        {"grant_type": "client_credentials", "scope": "000.00.02.H08/MOTCUA/tra-cuu-ho-so"},
        HTTP_AUTHORIZATION=_basic(credential.credential.client_id, credential.secret),
    )
    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "000.00.02.H08/MOTCUA/tra-cuu-ho-so"
    assert (
        services.verify_token(response.json()["access_token"])["scope"]
        == "000.00.02.H08/MOTCUA/tra-cuu-ho-so"
    )


def test_scope_without_a_right_is_invalid_scope(client, credential):
    response = _post(
        client,
        {"grant_type": "client_credentials", "scope": "000.00.02.H08/MOTCUA/khac"},
        HTTP_AUTHORIZATION=_basic(credential.credential.client_id, credential.secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_bad_secret_is_invalid_client(client, credential):
    response = _post(
        client,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=_basic(credential.credential.client_id, "sai"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"] == 'Basic realm="lgsp"'
    unknown = _post(
        client, {"grant_type": "client_credentials", "client_id": "khong-co", "client_secret": "x"}
    )
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"


def test_deactivated_credential_and_suspended_system_get_no_token(client, credential, registry):
    data = {
        "grant_type": "client_credentials",
        "client_id": credential.credential.client_id,
        "client_secret": credential.secret,
    }
    services.set_system_status(registry["consumer"], SystemStatus.SUSPENDED)
    assert _post(client, data).json()["error"] == "unauthorized_client"
    services.set_system_status(registry["consumer"], SystemStatus.CONNECTED)
    services.set_credential_active(credential.credential, False)
    assert _post(client, data).status_code == 401


def test_rotated_secret_replaces_the_old_one(client, credential):
    rotated = services.rotate_credential(credential.credential)
    client_id = credential.credential.client_id
    old = _post(
        client,
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": credential.secret},
    )
    new = _post(
        client, {"grant_type": "client_credentials", "client_id": client_id, "client_secret": rotated.secret}
    )
    assert (old.status_code, new.status_code) == (401, 200)
    assert AuditEntry.objects.filter(action="lgsp.credential.rotate").exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"client_id": "a", "client_secret": "b"}, "invalid_request"),
        ({"grant_type": "password", "client_id": "a", "client_secret": "b"}, "unsupported_grant_type"),
        (
            {
                "grant_type": ["client_credentials", "client_credentials"],
                "client_id": "a",
                "client_secret": "b",
            },
            "invalid_request",
        ),
    ],
)
def test_malformed_requests(client, db, data, error):
    response = _post(client, data)
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_json_body_and_get_are_refused(client, db):
    as_json = client.post(TOKEN_URL, {"grant_type": "client_credentials"}, content_type="application/json")
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    as_get = client.get(TOKEN_URL)
    assert as_get.status_code == 405
    assert as_get["Content-Type"] == "application/problem+json"


def test_two_client_authentication_methods_are_refused(client, credential):
    response = _post(
        client,
        {"grant_type": "client_credentials", "client_secret": credential.secret},
        HTTP_AUTHORIZATION=_basic(credential.credential.client_id, credential.secret),
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


@override_settings(CONGSO_LGSP_TOKEN_RATE_LIMIT=2)
def test_token_endpoint_is_rate_limited(client, credential):
    data = {
        "grant_type": "client_credentials",
        "client_id": credential.credential.client_id,
        "client_secret": "sai",
    }
    assert [_post(client, data).status_code for _ in range(3)] == [401, 401, 429]
    assert _post(client, data)["Retry-After"] == "60"


def test_expired_token_fails(credential):
    issued = services.issue_token(
        credential.credential.client_id, credential.secret, now=timezone.now() - timedelta(seconds=301)
    )
    with pytest.raises(keys.InvalidToken, match="expired"):
        services.verify_token(issued.access_token)


def test_wrong_audience_fails(credential):
    issued = services.issue_token(credential.credential.client_id, credential.secret)
    with pytest.raises(keys.InvalidToken):
        services.verify_token(issued.access_token, audience="another-gateway")
    with override_settings(CONGSO_LGSP_AUDIENCE="another-gateway"):
        other = services.issue_token(credential.credential.client_id, credential.secret)
    with pytest.raises(keys.InvalidToken):
        services.verify_token(other.access_token)


def test_tampered_token_fails(credential):
    token = services.issue_token(credential.credential.client_id, credential.secret).access_token
    header, payload, signature = token.split(".")
    forged = jwt.utils.base64url_encode(payload.encode()[::-1]).decode()
    with pytest.raises(keys.InvalidToken):
        services.verify_token(f"{header}.{forged}.{signature}")


def test_rotated_key_still_verifies_during_the_overlap(client, credential):
    before = services.issue_token(credential.credential.client_id, credential.secret).access_token
    old_kid = jwt.get_unverified_header(before)["kid"]
    published_next = {k["kid"] for k in services.jwks()["keys"]} - {old_kid}
    new_active = services.rotate_signing_key()
    assert new_active.kid in published_next  # the next key was published before it signed
    after = services.issue_token(credential.credential.client_id, credential.secret).access_token
    assert jwt.get_unverified_header(after)["kid"] == new_active.kid
    assert services.verify_token(before)["sub"] == services.verify_token(after)["sub"]
    kids = {k["kid"] for k in client.get(JWKS_URL).json()["keys"]}
    assert old_kid in kids and new_active.kid in kids and len(kids) == 3
    # Past the overlap the retired key leaves the JWKS and its tokens no longer verify.
    SigningKey.objects.filter(kid=old_kid).update(retired_at=timezone.now() - timedelta(days=2))
    with pytest.raises(keys.InvalidToken, match="unknown key"):
        services.verify_token(before)
    assert AuditEntry.objects.filter(action="lgsp.signing_key.rotate").exists()


def test_private_keys_are_encrypted_with_the_configured_secret(credential):
    services.ensure_signing_keys()
    key = SigningKey.objects.get(state=KeyState.ACTIVE)
    assert "PRIVATE" not in key.private_key_encrypted and key.private_key_encrypted.startswith("v1.")
    keys.decrypt_private_key(key.kid, key.private_key_encrypted, conf.key_secret())
    with pytest.raises(keys.KeyDecryptionError):
        keys.decrypt_private_key(key.kid, key.private_key_encrypted, "another secret")
    with pytest.raises(keys.KeyDecryptionError):
        keys.decrypt_private_key("other-kid", key.private_key_encrypted, conf.key_secret())


def test_jwks_endpoint(client, db):
    response = client.get(JWKS_URL)
    assert response.status_code == 200
    jwk_set = response.json()
    assert {k["state"] for k in SigningKey.objects.values("state")} == {"active", "next"}
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and "d" not in k for k in jwk_set["keys"])
    assert client.post(JWKS_URL)["Content-Type"] == "application/problem+json"
    assert reverse("lgsp:jwks") == JWKS_URL


def test_unknown_lgsp_path_is_problem_json(client, db):
    response = client.get("/lgsp/khong-co")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_the_control_planes_problems_answer_in_the_callers_language(client, db):
    vietnamese = client.get("/lgsp/khong-co").json()
    assert (vietnamese["title"], vietnamese["detail"]) == (
        "Không tìm thấy",
        "Không có tài nguyên này trên LGSP.",
    )
    english = client.get("/lgsp/khong-co", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert (english.json()["title"], english.json()["detail"]) == (
        "Not found",
        "There is no such resource on the LGSP.",
    )
    assert {k: v for k, v in english.json().items() if k not in ("title", "detail")} == {
        k: v for k, v in vietnamese.items() if k not in ("title", "detail")
    }
    assert "Accept-Language" in english["Vary"]
    assert (
        client.get("/lgsp/khong-co", HTTP_ACCEPT_LANGUAGE="vi, en;q=0.8").json()["title"] == "Không tìm thấy"
    )
    # The portal's pages still speak Vietnamese whatever the browser says.
    assert '<html lang="vi"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_system_posting_to_an_lgsp_address_gets_problem_json_not_the_csrf_page(db):
    # A system has no CSRF cookie: a POST to a mistyped pull address or to the JWKS was the portal's HTML
    # "form expired" page (403), where docs/lgsp.md promises problem+json for anything under /lgsp/.
    from django.test import Client

    system = Client(enforce_csrf_checks=True)
    response = system.post("/lgsp/events/1/ack", data=b'{"up_to": 1}', content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    response = system.post(JWKS_URL)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


def test_mtls_bound_credential(client, registry):
    fingerprint = "AB:" * 31 + "CD"
    issued = services.create_credential(registry["consumer"], certificate_fingerprint=fingerprint)
    data = {
        "grant_type": "client_credentials",
        "client_id": issued.credential.client_id,
        "client_secret": issued.secret,
    }
    with override_settings(CONGSO_LGSP_CLIENT_CERT_HEADER="HTTP_X_SSL_CLIENT_SHA256"):
        assert _post(client, data).status_code == 401
        assert _post(client, data, HTTP_X_SSL_CLIENT_SHA256="00" * 32).status_code == 401
        good = _post(client, data, HTTP_X_SSL_CLIENT_SHA256=("ab" * 31) + "cd")
    assert good.status_code == 200
    claims = services.verify_token(good.json()["access_token"])
    assert claims["cnf"]["x5t#S256"] == keys.certificate_thumbprint(("ab" * 31) + "cd")
    with pytest.raises(services.RegistryError):
        services.create_credential(registry["consumer"], certificate_fingerprint="not hex")
