"""Every view that reads a raw POST body (not form fields) answers a body carrying a NUL — a raw byte,
or a JSON escape that decodes to one — with 400 and a clear message, never a server error: PostgreSQL
refuses NUL in text and in jsonb (run this file with DATABASE_URL set to PostgreSQL). One rule for all of
them: ``core.inbound``."""

import uuid
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings

from congso.documents import exchange_views
from congso.lgsp import pull_views
from congso.sandbox.models import SimulatedSms

pytestmark = pytest.mark.django_db

RAW_NUL = b'{"a": "x\x00", "up_to": 1}'
ESCAPED_NUL = b'{"a": "x\\u0000", "up_to": 1, "Content": "\\u0000", "RequestId": "r\\u0000"}'
XML_WITH_NUL = b'<?xml version="1.0"?><edXMLEnvelope>\x00</edXMLEnvelope>'


@pytest.fixture
def sandbox(settings):
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_SANDBOX_TOKEN = "token-of-the-test"  # noqa: S105 — a test value
    return {"HTTP_AUTHORIZATION": "Bearer token-of-the-test"}


def _dvcqg_payments():
    return {"HTTP_AUTHORIZATION": f"Bearer {django_settings.CONGSO_SANDBOX_DVCQG_ACCESS_TOKEN}"}


JSON_ENDPOINTS = [
    ("/sandbox/sms/MainService.svc/json/SendMultipleMessage_V4_post_json/", dict),
    ("/sandbox/csdlqg-dan-cu/api/v1/cong-dan/xac-thuc", None),
    ("/sandbox/dvcqg/api/auth", dict),
    ("/sandbox/vnpay/merchant_webapi/api/transaction", dict),
    ("/sandbox/dvcqg-thanh-toan/api/init", _dvcqg_payments),
    ("/sandbox/dvcqg-thanh-toan/api/query", _dvcqg_payments),
    ("/sandbox/truc-van-ban/api/xac-nhan", None),
    ("/lgsp/events/{subscription}/ack", dict),
]


@pytest.fixture
def any_subscription(monkeypatch):
    """The pull acknowledgement's caller and subscription are checked elsewhere (tests/lgsp/test_pull.py);
    here any caller reaches the body."""
    monkeypatch.setattr(pull_views, "_subscription_for", lambda request, public_id: SimpleNamespace())
    return uuid.uuid4()


@pytest.mark.parametrize("body", [RAW_NUL, ESCAPED_NUL], ids=["raw-byte", "json-escape"])
@pytest.mark.parametrize("path, headers", JSON_ENDPOINTS, ids=[p for p, _ in JSON_ENDPOINTS])
def test_json_endpoints_refuse_a_nul_with_400(client, sandbox, any_subscription, path, headers, body):
    extra = headers() if headers else sandbox
    response = client.post(
        path.format(subscription=any_subscription), body, content_type="application/json", **extra
    )
    assert response.status_code == 400, response.content
    assert "NUL" in response.content.decode("utf-8")
    assert not SimulatedSms.objects.exists()


def test_the_payment_platforms_callback_refuses_a_raw_nul_byte_with_400(client):
    response = client.post("/thanh-toan/dvcqg/xac-nhan/", RAW_NUL, content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["MoTaLoi"]


@pytest.mark.parametrize("path", ["/lien-thong-van-ban/goi-tin", "/lien-thong-van-ban/trang-thai"])
def test_the_documents_exchange_refuses_a_nul_byte_with_400(client, monkeypatch, path):
    monkeypatch.setattr(exchange_views, "_caller", lambda request: SimpleNamespace(identifier="X"))
    response = client.post(path, XML_WITH_NUL, content_type="application/xml")
    assert response.status_code == 400 and "NUL" in response.json()["message"]


@pytest.mark.parametrize(
    "path", ["/sandbox/truc-van-ban/api/goi-tin", "/sandbox/truc-van-ban/api/trang-thai"]
)
def test_the_document_axis_refuses_a_nul_byte_with_400(client, sandbox, path):
    response = client.post(path, XML_WITH_NUL, content_type="application/xml", **sandbox)
    assert response.status_code == 400 and "NUL" in response.content.decode("utf-8")
