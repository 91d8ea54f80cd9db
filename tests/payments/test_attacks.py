"""The payments block tried as an attacker would: forged or malformed provider messages, a deployment
whose merchant keys were never set, tampered amounts, replays and other people's records."""

import json

import pytest

from congso.dossiers.models import Status
from congso.payments import services
from congso.payments.models import IntentStatus, PaymentIntent, ProviderNotification
from congso.payments.providers import dvcqg, providers
from congso.payments.providers import vnpay as vnpay_provider
from tests.payments.helpers import AMOUNT, make_intent


def _intent(dossier, provider="vnpay", reference="R1", **fields):
    return make_intent(dossier, provider=provider, reference=reference, **fields)


def _vnpay_ipn(reference="R1", amount=AMOUNT, **extra):
    params = {
        "vnp_TxnRef": reference,
        "vnp_Amount": str(amount * 100),
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TransactionNo": "14000001",
        "vnp_TmnCode": "CONGSO01",
        **extra,
    }
    params["vnp_SecureHash"] = vnpay_provider.sign_query(params)
    return params


def _dvcqg_callback(reference, amount=AMOUNT, **extra):
    message = {
        "LoaiBanTin": "CALLBACK",
        "MaLoi": "00",
        "MaDoiTac": "CONGSO",
        "MaThamChieu": reference,
        "SoTien": str(amount),
        "MaTienTe": "VND",
        "MaGiaoDich": "G1",
        "MaNganHang": "NH",
        "ThoiGianGD": "20260101000000",
        "ThongTinGiaoDich": "x",
        **extra,
    }
    message["MaXacThuc"] = dvcqg.auth_code(message, dvcqg.CALLBACK_FIELDS)
    return message


# --- malformed signatures answer with the protocol's code, never a server error ------------------


@pytest.mark.parametrize("forged", ["é" * 128, "ａｂｃ", "\u0000"])
def test_a_non_ascii_vnpay_hash_is_a_forgery_not_a_crash(awaiting, client, forged):
    _intent(awaiting)
    params = {**_vnpay_ipn(), "vnp_SecureHash": forged}
    response = client.get("/thanh-toan/vnpay/ipn/", params)
    assert response.status_code == 200 and response.json()["RspCode"] == "97"
    returned = client.get("/thanh-toan/tro-ve/vnpay/", params)
    assert returned.status_code == 302 and returned["Location"].endswith("/ho-so-cua-toi/")
    assert PaymentIntent.objects.get().status == IntentStatus.PENDING


def test_a_non_ascii_dvcqg_auth_code_is_a_forgery_not_a_crash(awaiting, client):
    intent = _intent(awaiting, provider="dvcqg", reference="dvcR1")
    message = {**_dvcqg_callback(intent.reference), "MaXacThuc": "ñ" * 64}
    response = client.post("/thanh-toan/dvcqg/xac-nhan/", message, content_type="application/json")
    assert response.status_code == 200 and response.json()["MaLoi"] == "97"
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PENDING


def test_the_simulated_vnpay_refuses_a_non_ascii_hash_with_its_code(db, client):
    params = {"vnp_TxnRef": "R1", "vnp_Amount": "5000000", "vnp_SecureHash": "é"}
    page = client.get("/sandbox/vnpay/paymentv2/vpcpay.html", params)
    assert page.status_code == 400
    body = {"vnp_Command": "querydr", "vnp_SecureHash": "é"}
    api = client.post(
        "/sandbox/vnpay/merchant_webapi/api/transaction", json.dumps(body), content_type="application/json"
    )
    assert api.status_code == 200 and api.json()["vnp_ResponseCode"] == "97"


# --- a provider whose keys were never set is closed, not open to anyone ---------------------------


def test_vnpay_with_no_hash_secret_verifies_nothing_and_is_not_offered(awaiting, client, settings):
    """In production the keys default to "": an HMAC with an empty key and an empty merchant code is
    something anyone can compute, so such a notification would otherwise settle the dossier."""
    settings.CONGSO_PAYMENTS_VNPAY_HASH_SECRET = ""
    settings.CONGSO_PAYMENTS_VNPAY_TMN_CODE = ""
    _intent(awaiting)
    forged = _vnpay_ipn(vnp_TmnCode="")
    response = client.get("/thanh-toan/vnpay/ipn/", forged)
    assert response.json()["RspCode"] == "97"
    assert PaymentIntent.objects.get().status == IntentStatus.PENDING
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_PAYMENT
    assert "vnpay" not in dict(services.provider_choices())
    with pytest.raises(services.PaymentError):
        services.start_payment(
            awaiting, awaiting.applicant, "vnpay", client_ip="1.2.3.4", return_url="", default_gateway=""
        )


def test_dvcqg_with_no_secret_verifies_nothing_and_is_not_offered(awaiting, client, settings):
    settings.CONGSO_PAYMENTS_DVCQG_SECRET = ""
    settings.CONGSO_PAYMENTS_DVCQG_PARTNER_CODE = ""
    intent = _intent(awaiting, provider="dvcqg", reference="dvcR1")
    forged = _dvcqg_callback(intent.reference, MaDoiTac="")
    response = client.post("/thanh-toan/dvcqg/xac-nhan/", forged, content_type="application/json")
    assert response.json()["MaLoi"] == "97"
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PENDING
    assert "dvcqg" not in dict(services.provider_choices())


def test_a_system_check_names_an_offered_provider_without_keys(settings):
    from django.core import checks

    settings.CONGSO_PAYMENTS_PROVIDERS = ["vnpay", "dvcqg", "momo"]
    settings.CONGSO_PAYMENTS_VNPAY_HASH_SECRET = ""
    found = [m for m in checks.run_checks() if m.id.startswith("payments.")]
    assert [m.id for m in found] == ["payments.W001", "payments.E001"]
    assert "CONGSO_PAYMENTS_VNPAY_HASH_SECRET" in found[0].msg and "'momo'" in found[1].msg
    settings.CONGSO_PAYMENTS_PROVIDERS = ["dvcqg"]
    assert not [m for m in checks.run_checks() if m.id.startswith("payments.")]


# --- tampering and replay ---------------------------------------------------------------------


def test_a_signed_notification_for_less_money_changes_nothing(awaiting, client):
    _intent(awaiting)
    response = client.get("/thanh-toan/vnpay/ipn/", _vnpay_ipn(amount=AMOUNT - 1))
    assert response.json()["RspCode"] == "04"
    assert PaymentIntent.objects.get().status == IntentStatus.PENDING
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_PAYMENT


def test_a_replayed_notification_settles_once_and_numbers_one_receipt(awaiting, client):
    _intent(awaiting)
    answers = [client.get("/thanh-toan/vnpay/ipn/", _vnpay_ipn()).json()["RspCode"] for _ in range(3)]
    assert answers == ["00", "02", "02"]
    intent = PaymentIntent.objects.get()
    assert intent.status == IntentStatus.PAID and intent.receipt.sequence == 1
    assert ProviderNotification.objects.filter(outcome="already").count() == 2


def test_a_notification_of_another_merchant_is_refused(awaiting, client, settings):
    """The same hash secret shared by two merchant codes (a test key reused) must not cross over."""
    _intent(awaiting)
    response = client.get("/thanh-toan/vnpay/ipn/", _vnpay_ipn(vnp_TmnCode="OTHER01"))
    assert response.json()["RspCode"] == "97"
    assert providers["vnpay"].read_notification(_vnpay_ipn()).verified


# --- hostile bytes in what outsiders send ------------------------------------------------------


def test_nul_and_odd_characters_in_a_notification_are_kept_and_answered(awaiting, client):
    """PostgreSQL refuses NUL in text and in jsonb: a message carrying one must still be recorded (with
    the character replaced) and answered with the protocol's code, never a server error."""
    _intent(awaiting)
    hostile = {"vnp_TxnRef": "R1\x00", "vnp_OrderInfo": "a\x00b", "vnp_SecureHash": "00"}
    response = client.get("/thanh-toan/vnpay/ipn/", hostile)
    assert response.status_code == 200 and response.json()["RspCode"] == "97"
    note = ProviderNotification.objects.get()
    assert "\x00" not in note.reference and "\x00" not in json.dumps(note.payload)
    returned = client.get("/thanh-toan/tro-ve/vnpay/", hostile)
    assert returned.status_code == 302
    # JSON can carry a lone surrogate ("\\ud800"), which no database encoding accepts.
    body = '{"MaThamChieu": "x\\u0000", "MaXacThuc": "\\u0000", "ThongTinGiaoDich": "\\ud800"}'
    callback = client.post("/thanh-toan/dvcqg/xac-nhan/", body, content_type="application/json")
    assert callback.status_code == 200 and callback.json()["MaLoi"] == "97"
    assert PaymentIntent.objects.get().status == IntentStatus.PENDING
