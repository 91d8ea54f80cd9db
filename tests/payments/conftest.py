"""Fixtures of the payments tests: a dossier waiting for payment, the sandbox gateways on Django's live
server, and a small HTTP "browser" (cookies, no automatic redirects) that walks the payment pages."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from congso.dossiers.models import Status
from congso.payments import services

AMOUNT = 50_000


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """GET and POST over real HTTP with a cookie jar; redirects are returned, not followed."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 — the test's server
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def get(self, url):
        return self.request(url)

    def post_form(self, page_url, page_html, data):
        """Submit the page's first POST form (its action and CSRF token) with ``data``."""
        action = re.search(r'<form method="post" action="([^"]+)"', page_html).group(1).replace("&amp;", "&")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_html).group(1)
        return self.request(
            urllib.parse.urljoin(page_url, action),
            {"csrfmiddlewaretoken": token, **data},
            headers={"Referer": page_url},
        )


@pytest.fixture
def browser():
    return Browser()


@pytest.fixture
def gateways(live_server, settings):
    """The sandbox gateways on the live server, the merchant's settings pointing at them."""
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_PAYMENTS_VNPAY_URL = live_server.url + "/sandbox/vnpay/"
    settings.CONGSO_PAYMENTS_DVCQG_URL = live_server.url + "/sandbox/dvcqg-thanh-toan/"
    settings.CONGSO_SANDBOX_VNPAY_IPN_URL = live_server.url + "/thanh-toan/vnpay/ipn/"
    settings.CONGSO_SANDBOX_DVCQG_CONFIRM_URL = live_server.url + "/thanh-toan/dvcqg/xac-nhan/"
    settings.ALLOWED_HOSTS = ["*"]
    return live_server.url


@pytest.fixture
def awaiting(drive):
    """A dossier waiting for its applicant to pay 50,000 đồng."""
    dossier = drive(Status.AWAITING_PAYMENT)
    assert services.amount_due(dossier) == AMOUNT
    return dossier


@pytest.fixture
def start(gateways, citizen):
    """Start paying ``dossier`` through ``provider``: ``(intent, url of the provider's page)``."""

    def go(dossier, provider="vnpay"):
        return services.start_payment(
            dossier,
            citizen,
            provider,
            client_ip="127.0.0.1",
            return_url=gateways + f"/thanh-toan/tro-ve/{provider}/",
            default_gateway="",
        )

    return go


@pytest.fixture
def pay_with(browser, start):
    """Open the provider's page, choose a test card/account (or cancel) and submit: the final response
    (a redirect back to congso, or the gateway's page)."""

    def go(dossier, choice=None, provider="vnpay"):
        intent, url = start(dossier, provider)
        status, _headers, html = browser.get(url)
        assert status == 200, html
        assert "MÔ PHỎNG" in html
        data = {"cancel": "1"} if choice is None else {"choice": choice, "pay": "1"}
        return intent, browser.post_form(url, html, data)

    return go
