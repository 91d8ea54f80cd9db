"""Consent, claims by scope and account kind, back-channel logout by the worker, first-party tokens
ended by congso's own sign-out, and each client's listing in the LGSP registry."""

import http.server
import re
import socket
import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet
from oauth2_provider.models import AccessToken, RefreshToken

from congso.core.models import AuditEntry, EventDelivery
from congso.identity.oidc import services
from congso.identity.oidc.models import RelyingPartySession
from congso.lgsp.models import System
from tests.factories.agencies import StaffMembershipFactory
from tests.support.oidc import deliver, new_verifier

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def config(oidc_base):
    return httpx.get(oidc_base + "/.well-known/openid-configuration", timeout=20).json()


def consent_fields(page_text):
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page_text))


def exchange(client, config, callback, verifier):
    return client.fetch_token(
        config["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )


def id_claims(token, config):
    jwks = KeySet.import_key_set(httpx.get(config["jwks_uri"], timeout=20).json())
    return jwt.decode(token["id_token"], jwks, algorithms=["RS256"]).claims


def test_a_third_party_client_asks_for_consent_once(browser, make_user, make_client, rp, config):
    make_user("consent.user", full_name="Đỗ Minh Châu")
    application = make_client("Ứng dụng đặt lịch khám bệnh")
    client = rp(application, scope="openid profile")
    browser.sign_in("consent.user")

    verifier = new_verifier()
    url, _state = client.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier)
    page = browser.http.get(url)
    assert page.status_code == 200
    assert "Ứng dụng đặt lịch khám bệnh muốn dùng tài khoản Cổng dịch vụ công của bạn" in page.text
    assert "Họ và tên, ngày sinh" in page.text
    # Strict CSP: no inline script or style on the page, and the policy is sent.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text) and "style=" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    fields = consent_fields(page.text)
    fields["allow"] = "on"
    answer = browser.http.post(url, data=fields)
    assert answer.status_code == 302
    token = exchange(client, config, answer.headers["location"], verifier)
    assert id_claims(token, config)["name"] == "Đỗ Minh Châu"

    # Asked again for the same scopes while a token is valid: no second consent page.
    verifier = new_verifier()
    url, _state = client.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier)
    again = browser.http.get(url)
    assert again.status_code == 302 and "code" in parse_qs(urlsplit(again.headers["location"]).query)


def test_refusing_consent_gives_the_client_nothing(browser, make_user, make_client, rp, config):
    make_user("refuse.user")
    application = make_client("Ứng dụng bên thứ ba")
    client = rp(application, scope="openid profile")
    browser.sign_in("refuse.user")
    url, state = client.create_authorization_url(
        config["authorization_endpoint"], code_verifier=new_verifier()
    )
    fields = consent_fields(browser.http.get(url).text)
    answer = browser.http.post(url, data=fields)  # no "allow"
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == [state] and "code" not in query
    assert not RelyingPartySession.objects.exists()


def test_a_third_party_client_asking_only_to_sign_in_needs_no_consent(
    browser, make_user, make_client, rp, config
):
    make_user("openid.only")
    client = rp(make_client("Ứng dụng chỉ đăng nhập"), scope="openid")
    browser.sign_in("openid.only")
    url, _state = client.create_authorization_url(
        config["authorization_endpoint"], code_verifier=new_verifier()
    )
    assert browser.http.get(url).status_code == 302


def test_an_entitled_client_receives_the_national_id_and_the_release_is_audited(
    browser, make_user, make_client, rp, config
):
    person = make_user("nid.user", national_id="074090012345")
    application = make_client("Hệ thống an sinh xã hội", may_receive_national_id=True)
    client = rp(application, scope="openid national_id")
    browser.sign_in("nid.user")
    verifier = new_verifier()
    url, _state = client.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier)
    page = browser.http.get(url)
    assert "Số định danh cá nhân (12 chữ số)" in page.text
    fields = consent_fields(page.text)
    fields["allow"] = "on"
    token = exchange(client, config, browser.http.post(url, data=fields).headers["location"], verifier)
    assert id_claims(token, config)["national_id"] == "074090012345"
    assert AuditEntry.objects.filter(
        action="identity.oidc.national_id.release",
        object_id=str(person.pk),
        changes__client_id=application.client_id,
    ).exists()


def test_an_official_receives_agencies_and_roles(browser, agency, make_client, rp, config):
    membership = StaffMembershipFactory(agency=agency, role="leader", user__username="lanh.dao")
    StaffMembershipFactory(agency=agency, role="specialist", user=membership.user)
    membership.user.set_password("mat-khau-du-dai-123")
    membership.user.save()
    client = rp(make_client(first_party=True), scope="openid official")
    browser.sign_in("lanh.dao", password="mat-khau-du-dai-123")
    verifier = new_verifier()
    url, _state = client.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier)
    token = exchange(client, config, browser.http.get(url).headers["location"], verifier)
    userinfo = client.get(config["userinfo_endpoint"]).json()
    assert userinfo["agencies"] == [
        {"code": agency.code, "name": agency.name, "roles": ["leader", "specialist"]}
    ]
    assert "agencies" in id_claims(token, config)


def test_a_business_representative_receives_the_tax_code(browser, make_user, make_client, rp, config):
    make_user("dn.user", kind="business", tax_code="3700123456", organisation_name="Công ty TNHH Thử")
    client = rp(make_client(first_party=True), scope="openid business")
    browser.sign_in("dn.user")
    verifier = new_verifier()
    url, _state = client.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier)
    exchange(client, config, browser.http.get(url).headers["location"], verifier)
    userinfo = client.get(config["userinfo_endpoint"]).json()
    assert (userinfo["tax_code"], userinfo["organisation_name"]) == ("3700123456", "Công ty TNHH Thử")
    assert userinfo["represents"] == []


def test_a_mandate_holder_receives_the_mandate_scope(browser, make_user, make_client, rp, config):
    from congso.identity.mandates.models import Business, LegalRepresentative, Mandate

    agent = make_user("uy.quyen")
    representative = make_user("dai.dien", national_id="074185000111")
    business = Business.objects.create(
        tax_code="3700123456",
        name="Công ty TNHH Bình An",
        registry_status="DANG_HOAT_DONG",
        checked_at=timezone.now(),
    )
    LegalRepresentative.objects.create(
        business=business, national_id="074185000111", full_name="Trần Thị Bình"
    )
    Mandate.objects.create(
        business=business,
        agent=agent,
        procedure_codes=["2.000815"],
        valid_from=timezone.localdate(),
        granted_by=representative,
    )
    client = rp(make_client(first_party=True), scope="openid business")
    browser.sign_in("uy.quyen")
    verifier = new_verifier()
    url, _state = client.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier)
    exchange(client, config, browser.http.get(url).headers["location"], verifier)
    userinfo = client.get(config["userinfo_endpoint"]).json()
    assert userinfo["represents"] == [
        {
            "tax_code": "3700123456",
            "name": "Công ty TNHH Bình An",
            "role": "mandate",
            "procedures": ["2.000815"],
            "valid_until": None,
        }
    ]
    assert "tax_code" not in userinfo  # the agent's own account is a citizen's


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 — the standard library's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(parse_qs(body.decode()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def backchannel_receiver():
    """A receiver of logout tokens on a port the OS picks: (what it received, its base URL)."""
    _Receiver.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Receiver.received, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_signing_out_of_congso_ends_first_party_tokens_and_sends_back_channel_logout(
    browser, make_user, make_client, rp, config, backchannel_receiver
):
    received, receiver_url = backchannel_receiver
    person = make_user("bcl.user")
    portal = make_client("Một phần của congso", first_party=True)
    third = make_client(
        "Hệ thống của sở",
        redirect="https://so.example.vn/cb",
        backchannel_logout_uri=f"{receiver_url}/backchannel",
    )
    portal_client = rp(portal, scope="openid")
    third_client = rp(third, scope="openid")
    browser.sign_in("bcl.user")
    tokens = {}
    for name, client in (("portal", portal_client), ("third", third_client)):
        verifier = new_verifier()
        url, _state = client.create_authorization_url(
            config["authorization_endpoint"], code_verifier=verifier
        )
        tokens[name] = exchange(client, config, browser.http.get(url).headers["location"], verifier)
    third_sid = str(RelyingPartySession.objects.get(application=third).sid)

    assert browser.sign_out().status_code == 302

    # First-party tokens end at once; the third party's stay until it acts on the logout token.
    assert portal_client.get(config["userinfo_endpoint"]).status_code == 401
    assert not RefreshToken.objects.filter(application=portal, revoked__isnull=True).exists()
    assert AccessToken.objects.filter(application=third, user=person).exists()
    assert not RelyingPartySession.objects.filter(ended_at__isnull=True).exists()

    # The logout token goes by the worker (outbox), never inline in the sign-out request.
    assert received == []
    assert EventDelivery.objects.filter(subscriber="identity.oidc_backchannel_logout").count() == 1
    assert deliver("identity.oidc_backchannel_logout") == ["delivered"]
    [posted] = received
    jwks = KeySet.import_key_set(httpx.get(config["jwks_uri"], timeout=20).json())
    claims = jwt.decode(posted["logout_token"][0], jwks, algorithms=["RS256"]).claims
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": config["issuer"]}, aud={"essential": True, "value": third.client_id}
    ).validate(claims)
    assert claims["sub"] == str(person.pk) and claims["sid"] == third_sid
    assert claims["events"] == {"http://schemas.openid.net/event/backchannel-logout": {}}
    assert "nonce" not in claims


def test_a_failed_back_channel_logout_is_retried(request, make_user, make_client):
    person = make_user("retry.user")
    # A port bound but never listening: connecting to it is refused, and no other process can take it.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    request.addfinalizer(silent.close)
    application = make_client(
        backchannel_logout_uri=f"http://127.0.0.1:{silent.getsockname()[1]}/nobody-listens"
    )
    session = RelyingPartySession.objects.create(
        user=person, application=application, session_key_hash="x" * 64
    )
    services.end_sessions_at_sign_out(person, None)  # the hash of "" is not "x"*64: nothing ends
    assert not EventDelivery.objects.filter(subscriber="identity.oidc_backchannel_logout").exists()
    session.session_key_hash = services._session_hash("the-session")
    session.save()
    assert services.end_sessions_at_sign_out(person, "the-session", iss="https://congso.example/oidc") == 1
    assert deliver("identity.oidc_backchannel_logout") == ["retry"]


def test_each_client_appears_in_the_lgsp_registry_once(make_client, agency):
    application = make_client("Hệ thống một cửa điện tử", system_code="mot-cua")
    assert deliver("lgsp.oidc_client") == ["delivered"]
    system = System.objects.get(code="mot-cua")
    assert (system.name, system.owner_agency, system.member.agency) == (
        "Hệ thống một cửa điện tử",
        agency,
        agency,
    )
    services.client_registered(application)  # announced again (at least once delivery)
    assert deliver("lgsp.oidc_client") == ["delivered"]
    assert System.objects.filter(code="mot-cua").count() == 1


def test_discovery_advertises_the_levels_of_assurance(config):
    assert config["acr_values_supported"] == ["1", "2"]
    assert config["backchannel_logout_session_supported"] is True
