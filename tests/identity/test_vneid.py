"""Signing in with the national e-ID (VNeID): congso as a relying party of the sandbox's simulated
provider, over real HTTP (Django's live server serves both sides), and the checks that refuse a forged,
replayed or misdirected answer."""

import re
import threading
import time
from datetime import date
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection

from congso.core.models import AuditEntry
from congso.identity import vneid
from congso.identity.assurance import SESSION_KEY
from congso.sandbox import vneid as provider
from congso.sandbox.models import Citizen, Household, VneidGrant, VneidSigningKey

LEVEL2_ID = "074090001234"  # the demo account congdan's number: a demo person, level 2
LEVEL1_ID = "074195000001"  # a generated person: level 1


@pytest.fixture
def population(transactional_db):
    household = Household.objects.create(
        code="257479001234",
        province_code="79",
        province_name="Thành phố Hồ Chí Minh",
        ward_code="25747",
        ward_name="Phường Thủ Dầu Một",
        street_address="Số 12 đường Yersin",
    )
    common = {"household": household, "sex": "1", "hometown": "Bình Dương"}
    Citizen.objects.create(
        national_id=LEVEL2_ID,
        full_name="Nguyễn Văn An",
        date_of_birth=date(1990, 5, 12),
        relation_to_head="Chủ hộ",
        is_generated=False,
        **common,
    )
    Citizen.objects.create(
        national_id=LEVEL1_ID,
        full_name="Lê Thị Hạnh",
        date_of_birth=date(1995, 1, 1),
        relation_to_head="Con",
        is_generated=True,
        **common,
    )


@pytest.fixture
def federation(population, live_server, settings):
    """congso (relying party) and the simulated VNeID (provider) on the same live server."""
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_VNEID_ISSUER = f"{live_server.url}/sandbox/vneid"
    settings.CONGSO_VNEID_CLIENT_ID = settings.CONGSO_SANDBOX_VNEID_CLIENT_ID = "congso-test"
    settings.CONGSO_VNEID_CLIENT_SECRET = settings.CONGSO_SANDBOX_VNEID_CLIENT_SECRET = "test-secret"
    settings.CONGSO_SANDBOX_VNEID_REDIRECT_URIS = []
    cache.clear()
    yield live_server.url
    cache.clear()


@pytest.fixture
def browser(federation):
    with httpx.Client(base_url=federation, follow_redirects=False, timeout=20) as client:
        yield client


def _hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def leave_for_provider(browser, next_url="/"):
    """Start the sign-in at congso; return the provider's page (its URL is the authorization request)."""
    start = browser.get("/tai-khoan/dang-nhap/vneid/", params={"next": next_url})
    assert start.status_code == 302
    location = start.headers["location"]
    assert location.startswith(str(browser.base_url.join("/sandbox/vneid/auth?")))
    page = browser.get(location)
    assert page.status_code == 200 and page.headers["X-Congso-Sandbox"] == "simulator"
    return location, page


def sign_in_at_provider(browser, page, national_id=LEVEL2_ID, password=provider.DEMO_PASSWORD):
    """Fill in the provider's page; return its answer (a redirect back to congso when accepted)."""
    fields = _hidden_fields(page.text)
    fields["csrfmiddlewaretoken"] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    fields.update({"national_id": national_id, "password": password})
    return browser.post(
        "/sandbox/vneid/auth",
        data=fields,
        headers={"Referer": str(page.url), "Origin": str(browser.base_url).rstrip("/")},
    )


def session_of(browser) -> SessionStore:
    return SessionStore(session_key=browser.cookies.get(settings.SESSION_COOKIE_NAME))


def test_discovery_and_keys_are_published(browser):
    metadata = browser.get("/sandbox/vneid/.well-known/openid-configuration").json()
    assert metadata["issuer"] == f"{browser.base_url}".rstrip("/") + "/sandbox/vneid"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert set(metadata["acr_values_supported"]) == {"LoA1", "LoA2"}
    assert {"SoDinhDanh", "HoVaTen", "NgayThangNamSinh"} <= set(metadata["claims_supported"])
    keys = browser.get("/sandbox/vneid/jwks").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and "d" not in keys[0]


def test_sign_in_page_offers_vneid(client, federation):
    response = client.get("/tai-khoan/dang-nhap/")
    assert "Đăng nhập bằng VNeID" in response.content.decode()


def test_first_sign_in_creates_an_account_keyed_on_the_national_id(browser):
    _location, page = leave_for_provider(browser, next_url="/thu-tuc/")
    back = sign_in_at_provider(browser, page)
    assert back.status_code == 302 and "/tai-khoan/vneid/ve/?" in back.headers["location"]
    landed = browser.get(back.headers["location"])
    assert landed.status_code == 302 and landed.headers["location"] == "/thu-tuc/"
    user = get_user_model().objects.get(national_id=LEVEL2_ID)
    assert (user.full_name, user.date_of_birth, user.assurance_level) == (
        "Nguyễn Văn An",
        date(1990, 5, 12),
        2,
    )
    assert not user.has_usable_password()
    session = session_of(browser)
    assert session["_auth_user_id"] == str(user.pk) and session[SESSION_KEY] == 2
    assert AuditEntry.objects.filter(action="identity.vneid.account_created").count() == 1
    assert AuditEntry.objects.filter(action="identity.login", object_id=str(user.pk)).exists()
    # The code was used once; a second exchange is refused.
    assert VneidGrant.objects.get().code_used_at is not None


def test_existing_verified_account_is_linked_not_duplicated(browser, make_user):
    local = make_user(username="congdan", national_id=LEVEL2_ID, assurance_level=1)
    _location, page = leave_for_provider(browser)
    browser.get(sign_in_at_provider(browser, page).headers["location"])
    assert list(get_user_model().objects.filter(national_id=LEVEL2_ID)) == [local]
    assert session_of(browser)["_auth_user_id"] == str(local.pk)
    local.refresh_from_db()
    assert local.assurance_level == 2  # raised to what the e-ID proved


def test_an_unverified_local_claim_on_the_number_is_not_handed_over(browser, make_user):
    make_user(username="someone", national_id=LEVEL2_ID, assurance_level=0)
    _location, page = leave_for_provider(browser)
    answer = browser.get(sign_in_at_provider(browser, page).headers["location"])
    assert answer.status_code == 400 and "chưa được xác thực" in answer.text
    assert "_auth_user_id" not in session_of(browser)


def test_level_1_account_is_refused_when_level_2_is_asked(browser):
    start = browser.get("/tai-khoan/dang-nhap/vneid/", params={"muc": "2"})
    assert "acr_values=LoA2" in start.headers["location"]
    page = browser.get(start.headers["location"])
    refused = sign_in_at_provider(browser, page, national_id=LEVEL1_ID)
    assert refused.status_code == 403 and "mức 1" in refused.text
    accepted = sign_in_at_provider(browser, page, national_id=LEVEL2_ID)
    assert accepted.status_code == 302


def test_level_1_sign_in_gives_level_1(browser):
    _location, page = leave_for_provider(browser)
    browser.get(sign_in_at_provider(browser, page, national_id=LEVEL1_ID).headers["location"])
    assert session_of(browser)[SESSION_KEY] == 1


def test_wrong_password_at_the_provider(browser):
    _location, page = leave_for_provider(browser)
    answer = sign_in_at_provider(browser, page, password="wrong")
    assert answer.status_code == 400 and VneidGrant.objects.count() == 0


def test_state_mismatch_is_refused(browser):
    _location, page = leave_for_provider(browser)
    back = sign_in_at_provider(browser, page).headers["location"]
    forged = re.sub(r"state=[^&]+", "state=forged-state", back)
    answer = browser.get(forged)
    assert answer.status_code == 400
    assert "_auth_user_id" not in session_of(browser)
    assert not get_user_model().objects.filter(national_id=LEVEL2_ID).exists()
    assert AuditEntry.objects.filter(
        action="identity.login.failed", changes__reason="state_mismatch"
    ).exists()
    # The genuine answer still works once: the forged one did not use up the real state.
    assert browser.get(back).status_code == 302
    assert browser.get(back).status_code == 400  # and never twice


def test_nonce_mismatch_is_refused(browser):
    location, page = leave_for_provider(browser)
    state = parse_qs(urlsplit(location).query)["state"][0]
    session = session_of(browser)
    pending = session[vneid.PENDING_KEY]
    pending[state]["nonce"] = "another-nonce"
    session[vneid.PENDING_KEY] = pending
    session.save()
    answer = browser.get(sign_in_at_provider(browser, page).headers["location"])
    assert answer.status_code == 400
    assert AuditEntry.objects.filter(
        action="identity.login.failed", changes__reason="nonce_mismatch"
    ).exists()
    assert not get_user_model().objects.filter(national_id=LEVEL2_ID).exists()


def test_a_stolen_code_without_the_pkce_verifier_is_useless(browser, federation):
    location, page = leave_for_provider(browser)
    code = parse_qs(urlsplit(sign_in_at_provider(browser, page).headers["location"]).query)["code"][0]
    redirect_uri = parse_qs(urlsplit(location).query)["redirect_uri"][0]
    refused = httpx.post(
        f"{federation}/sandbox/vneid/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": "x" * 50,
        },
        auth=("congso-test", "test-secret"),
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


# --- The ID token's checks, with tokens made for the purpose --------------------------------------------


def _token(federation, *, key_pem=None, kid=None, **overrides):
    key = provider.signing_key()
    now = int(time.time())
    claims = {
        "iss": f"{federation}/sandbox/vneid",
        "sub": provider.subject_of(LEVEL2_ID),
        "aud": "congso-test",
        "iat": now,
        "exp": now + 600,
        "nonce": "the-nonce",
        "acr": "LoA2",
    }
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key_pem or key.private_pem, algorithm="RS256", headers={"kid": kid or key.kid})


def test_a_genuine_token_passes(federation):
    assert vneid.validate_id_token(_token(federation), "the-nonce")["acr"] == "LoA2"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"aud": "another-system"}, "wrong_audience"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "expired_id_token"),
        ({"iss": "https://evil.example/sandbox/vneid"}, "wrong_issuer"),
        ({"nonce": "other"}, "nonce_mismatch"),
        ({"nonce": None}, "nonce_mismatch"),
    ],
)
def test_bad_claims_are_refused(federation, overrides, reason):
    with pytest.raises(vneid.VneidError) as refused:
        vneid.validate_id_token(_token(federation, **overrides), "the-nonce")
    assert refused.value.reason == reason


def test_a_tampered_token_is_refused(federation):
    header, payload, signature = _token(federation).split(".")
    other_payload = _token(federation, sub="someone-else").split(".")[1]
    with pytest.raises(vneid.VneidError) as refused:
        vneid.validate_id_token(f"{header}.{other_payload}.{signature}", "the-nonce")
    assert refused.value.reason == "invalid_id_token"
    assert payload != other_payload


def test_a_token_signed_with_another_key_is_refused(federation):
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(vneid.VneidError) as refused:
        vneid.validate_id_token(_token(federation, key_pem=foreign), "the-nonce")
    assert refused.value.reason == "invalid_id_token"
    with pytest.raises(vneid.VneidError) as unknown:
        vneid.validate_id_token(_token(federation, key_pem=foreign, kid="not-published"), "the-nonce")
    assert unknown.value.reason == "unknown_signing_key"


def test_an_unsigned_token_is_refused(federation):
    unsigned = jwt.encode({"sub": "x", "aud": "congso-test"}, None, algorithm="none")
    with pytest.raises(vneid.VneidError) as refused:
        vneid.validate_id_token(unsigned, "the-nonce")
    assert refused.value.reason == "bad_algorithm"


# --- Accounts: one per national ID, also under concurrent first sign-ins ----------------------------------


PERSON = vneid.VneidPerson("sub-1", LEVEL2_ID, "Nguyễn Văn An", date(1990, 5, 12), 2)


def test_the_loser_of_a_race_links_to_the_winners_account(db, monkeypatch):
    """Transaction-level: the other sign-in inserts the account between our check and our insert."""
    User = get_user_model()
    real_filter = User.objects.filter
    inserted = {}

    def filter_then_race(*args, **kwargs):
        if kwargs == {"national_id": LEVEL2_ID} and not inserted:
            inserted["user"] = User.objects.create(
                username="winner", national_id=LEVEL2_ID, full_name="Nguyễn Văn An", assurance_level=2
            )
            return real_filter(pk__in=[])
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(User.objects, "filter", filter_then_race)
    user, created = vneid.account_for(PERSON)
    assert (user.pk, created) == (inserted["user"].pk, False)
    assert User.objects.all().count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_sign_ins_make_one_account():
    User = get_user_model()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def sign_in():
        try:
            barrier.wait(timeout=10)
            results.append(vneid.account_for(PERSON)[0].pk)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_in) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1 and User.objects.filter(national_id=LEVEL2_ID).count() == 1


def test_a_rotated_key_is_fetched_once_then_cached(federation, monkeypatch):
    vneid.validate_id_token(_token(federation), "the-nonce")  # the keys are now cached
    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )
    VneidSigningKey.objects.create(kid="rotated", private_pem=pem)
    fetched = []
    real_get = vneid._get_json
    monkeypatch.setattr(vneid, "_get_json", lambda url, **kw: fetched.append(url) or real_get(url, **kw))
    token = _token(federation, key_pem=pem, kid="rotated")
    assert vneid.validate_id_token(token, "the-nonce")["sub"]
    assert vneid.validate_id_token(token, "the-nonce")["sub"]
    assert fetched == [f"{federation}/sandbox/vneid/jwks"]  # one fresh fetch, then the cache


# --- Signing out ends the provider's session too (RP-initiated logout) -----------------------------------


def sign_out_of_congso(browser, next_url=None):
    page = browser.get("/tai-khoan/dang-xuat/")
    data = {"csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]}
    if next_url:
        data["next"] = next_url
    return browser.post(
        "/tai-khoan/dang-xuat/",
        data=data,
        headers={"Referer": str(page.url), "Origin": str(browser.base_url).rstrip("/")},
    )


def test_signing_out_of_congso_signs_out_of_the_national_e_id_too(browser, federation):
    _location, page = leave_for_provider(browser)
    browser.get(sign_in_at_provider(browser, page).headers["location"])
    assert session_of(browser)["_auth_user_id"]
    # The provider keeps its own session: a second sign-in is answered without the password page.
    again = browser.get(browser.get("/tai-khoan/dang-nhap/vneid/").headers["location"])
    assert again.status_code == 302 and "code=" in again.headers["location"]
    id_token = session_of(browser)[vneid.ID_TOKEN_KEY]
    assert jwt.decode(id_token, options={"verify_signature": False})["sid"]

    answer = sign_out_of_congso(browser, next_url="/thu-tuc/")
    upstream = answer.headers["location"]
    assert upstream.startswith(f"{federation}/sandbox/vneid/logout?")
    query = parse_qs(urlsplit(upstream).query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [f"{federation}/tai-khoan/vneid/da-dang-xuat/"]
    assert "_auth_user_id" not in session_of(browser)  # congso's session ended before leaving

    back = browser.get(upstream)
    assert back.status_code == 302 and back.headers["location"].startswith(
        query["post_logout_redirect_uri"][0]
    )
    assert parse_qs(urlsplit(back.headers["location"]).query)["state"] == query["state"]
    home = browser.get(back.headers["location"])
    assert home.status_code == 302 and home.headers["location"] == "/thu-tuc/"
    # The provider asks for the password again.
    _location, page = leave_for_provider(browser)
    assert "password" in page.text


def test_a_forged_logout_state_changes_nothing(browser):
    _location, page = leave_for_provider(browser)
    browser.get(sign_in_at_provider(browser, page).headers["location"])
    upstream = sign_out_of_congso(browser, next_url="/thu-tuc/").headers["location"]
    state = parse_qs(urlsplit(upstream).query)["state"][0]
    # Non-ASCII in the state is refused like any forgery, not a server error.
    odd = browser.get("/tai-khoan/vneid/da-dang-xuat/", params={"state": "trạng-thái"})
    assert odd.status_code == 302 and odd.headers["location"] == "/"
    forged = browser.get("/tai-khoan/vneid/da-dang-xuat/", params={"state": "forged"})
    assert forged.status_code == 302 and forged.headers["location"] == "/"
    # The kept state is used up by any answer: the genuine one no longer leads to ``next``.
    assert browser.get("/tai-khoan/vneid/da-dang-xuat/", params={"state": state}).headers["location"] == "/"


def test_a_password_sign_out_does_not_visit_the_provider(browser, make_user):
    make_user(username="matkhau", password="Mat-khau-rat-dai-1!")
    page = browser.get("/tai-khoan/dang-nhap/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    signed_in = browser.post(
        "/tai-khoan/dang-nhap/",
        data={"csrfmiddlewaretoken": token, "username": "matkhau", "password": "Mat-khau-rat-dai-1!"},
        headers={"Referer": str(page.url), "Origin": str(browser.base_url).rstrip("/")},
    )
    assert signed_in.status_code == 302
    answer = sign_out_of_congso(browser)
    assert answer.status_code == 302 and "/sandbox/vneid/" not in answer.headers["location"]


def test_the_provider_refuses_a_foreign_post_logout_address(browser, federation):
    _location, page = leave_for_provider(browser)
    browser.get(sign_in_at_provider(browser, page).headers["location"])
    hint = session_of(browser)[vneid.ID_TOKEN_KEY]
    foreign = browser.get(
        "/sandbox/vneid/logout",
        params={"id_token_hint": hint, "post_logout_redirect_uri": "https://evil.example/"},
    )
    assert foreign.status_code == 400 and "location" not in foreign.headers
    forged_hint = browser.get(
        "/sandbox/vneid/logout",
        params={
            "id_token_hint": _token(federation, key_pem=_foreign_key()),
            "post_logout_redirect_uri": f"{federation}/",
        },
    )
    assert forged_hint.status_code == 400


def _foreign_key() -> bytes:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


# --- More of the ID token's checks ---------------------------------------------------------------------


def test_another_authorized_party_is_refused(federation):
    with pytest.raises(vneid.VneidError) as refused:
        vneid.validate_id_token(_token(federation, azp="another-system"), "the-nonce")
    assert refused.value.reason == "wrong_authorized_party"


def test_a_token_issued_long_ago_is_refused_even_if_unexpired(federation):
    old = int(time.time()) - vneid.MAX_ID_TOKEN_AGE - vneid.CLOCK_LEEWAY - 60
    with pytest.raises(vneid.VneidError) as refused:
        vneid.validate_id_token(_token(federation, iat=old, exp=int(time.time()) + 600), "the-nonce")
    assert refused.value.reason == "stale_id_token"


def test_the_access_token_must_match_at_hash(federation):
    at_hash = vneid._at_hash("the-access-token", "RS256")
    token = _token(federation, at_hash=at_hash)
    assert vneid.validate_id_token(token, "the-nonce", "the-access-token")["at_hash"] == at_hash
    with pytest.raises(vneid.VneidError) as refused:
        vneid.validate_id_token(token, "the-nonce", "a-swapped-access-token")
    assert refused.value.reason == "at_hash_mismatch"


# --- A local account (phone or e-mail) receives the national ID, never a second account -------------------


def test_a_signed_in_local_account_receives_the_national_id(db):
    from django.utils import timezone

    local = get_user_model().objects.create_user(
        "0912345678",
        password="x-Mat-khau-1!",
        phone="0912345678",
        phone_verified_at=timezone.now(),
        assurance_level=1,
    )
    user, created = vneid.account_for(PERSON, signed_in=local)
    assert (user, created) == (local, False)
    local.refresh_from_db()
    assert (local.national_id, local.assurance_level, local.full_name) == (LEVEL2_ID, 2, "Nguyễn Văn An")
    # Later VNeID sign-ins, signed in or not, find this same account.
    assert vneid.account_for(PERSON) == (local, False)
    assert get_user_model().objects.filter(national_id=LEVEL2_ID).count() == 1


def test_a_local_account_does_not_take_a_number_another_account_holds(db, make_user):
    from django.utils import timezone

    holder = make_user(username="holder", national_id=LEVEL2_ID, assurance_level=2)
    local = get_user_model().objects.create_user(
        "hoa@example.vn", email="hoa@example.vn", email_verified_at=timezone.now(), assurance_level=1
    )
    assert vneid.account_for(PERSON, signed_in=local) == (holder, False)
    local.refresh_from_db()
    assert local.national_id is None


def test_without_a_signed_in_local_account_a_new_one_is_made(db):
    from django.contrib.auth.models import AnonymousUser

    user, created = vneid.account_for(PERSON, signed_in=AnonymousUser())
    assert created and user.national_id == LEVEL2_ID
