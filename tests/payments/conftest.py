"""Fixtures of the payments tests: a dossier waiting for payment, the sandbox gateways on Django's live
server, and a small HTTP "browser" (cookies, no automatic redirects) that walks the payment pages."""

import pytest

from congso.dossiers.models import Status
from congso.payments import services
from tests.payments.helpers import AMOUNT, Browser


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
