"""The payment journeys over real HTTP: congso ↔ the sandbox gateways on Django's live server. The
gateway sends its IPN / callback as a real server-to-server request and redirects the browser back."""

import json
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse

from congso.core.models import AuditEntry
from congso.dossiers.models import Status
from congso.payments import services
from congso.payments.models import IntentStatus, PaymentIntent, ProviderNotification, Receipt
from congso.sandbox import payment_gateway as gateway
from congso.sandbox.models import SandboxPayment
from tests.payments.helpers import AMOUNT

pytestmark = pytest.mark.django_db(transaction=True)

SUCCESS = "9704198526191432198"
NO_FUNDS = "9704195798459170488"
TIMEOUT = "9704000000000034"
IPN_LOST = "9704000000000018"
NEVER_RETURNS = "9704000000000026"


def _reload(obj):
    obj.refresh_from_db()
    return obj


def _ipn_query(intent) -> str:
    sandbox = SandboxPayment.objects.get(reference=intent.reference)
    return urllib.parse.urlencode(gateway._vnpay_result_params(sandbox))


def _get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 — the test's server
        return json.loads(response.read())


def test_success_ipn_settles_before_the_browser_returns(awaiting, pay_with, gateways, browser):
    intent, (status, headers, _html) = pay_with(awaiting, SUCCESS)
    # The IPN came first (server to server); then the browser was sent back to congso's return address.
    assert status == 302 and headers["Location"].startswith(gateways + "/thanh-toan/tro-ve/vnpay/?")
    intent = _reload(intent)
    assert intent.status == IntentStatus.PAID and intent.settled_by == "ipn"
    assert _reload(awaiting).status == Status.IN_PROCESSING
    receipt = Receipt.objects.get(intent=intent)
    assert receipt.number.startswith("BL") and intent.provider_transaction
    ipn = ProviderNotification.objects.get(intent=intent, channel="ipn")
    assert ipn.verified and ipn.outcome == "confirmed" and ipn.answer_code == "00"
    assert SandboxPayment.objects.get(reference=intent.reference).notified
    # The browser's return lands on the transaction page; it changes nothing.
    status, headers, _ = browser.get(headers["Location"])
    assert status == 302 and headers["Location"] == f"/thanh-toan/giao-dich/{intent.reference}/"
    assert ProviderNotification.objects.filter(intent=intent, channel="return", verified=True).count() == 1
    assert Receipt.objects.filter(intent=intent).count() == 1


def test_failure_leaves_the_dossier_waiting_and_a_new_attempt_possible(awaiting, pay_with, start):
    intent, (status, _headers, _html) = pay_with(awaiting, NO_FUNDS)
    assert status == 302
    intent = _reload(intent)
    assert (intent.status, intent.provider_code) == (IntentStatus.FAILED, "51")
    assert _reload(awaiting).status == Status.AWAITING_PAYMENT
    assert not Receipt.objects.exists()
    second, _url = start(awaiting)
    assert second.pk != intent.pk and second.status == IntentStatus.PENDING


def test_cancel_on_the_gateway_is_abandonment(awaiting, pay_with):
    intent, (status, _headers, _html) = pay_with(awaiting, None)
    assert status == 302
    assert (_reload(intent).status, intent.provider_code) == (IntentStatus.ABANDONED, "24")
    assert _reload(awaiting).status == Status.AWAITING_PAYMENT


def test_timeout_card_expires_the_intent(awaiting, pay_with):
    intent, _response = pay_with(awaiting, TIMEOUT)
    assert _reload(intent).status == IntentStatus.EXPIRED
    assert _reload(awaiting).status == Status.AWAITING_PAYMENT


def test_a_page_left_open_is_expired_by_the_status_query(awaiting, start, browser):
    intent, url = start(awaiting)
    assert browser.get(url)[0] == 200  # the citizen saw the gateway's page and went away
    assert services.refresh(intent).status == IntentStatus.PENDING  # not final yet: still pending
    PaymentIntent.objects.filter(pk=intent.pk).update(expires_at=intent.expires_at.replace(year=2020))
    intent = services.refresh(_reload(intent))
    assert intent.status == IntentStatus.EXPIRED
    assert _reload(awaiting).status == Status.AWAITING_PAYMENT


def test_same_intent_is_reused_while_pending(awaiting, start):
    first, first_url = start(awaiting)
    second, second_url = start(awaiting)
    assert first.pk == second.pk
    assert PaymentIntent.objects.filter(dossier=awaiting).count() == 1


def test_duplicated_ipn_changes_nothing(awaiting, pay_with, gateways):
    intent, _response = pay_with(awaiting, SUCCESS)
    query = _ipn_query(intent)
    changes = awaiting.status_changes.count()
    answer = _get_json(gateways + "/thanh-toan/vnpay/ipn/?" + query)
    assert answer == {"RspCode": "02", "Message": "Order already confirmed"}
    assert awaiting.status_changes.count() == changes
    assert Receipt.objects.filter(intent=intent).count() == 1
    assert ProviderNotification.objects.filter(intent=intent, channel="ipn", outcome="already").count() == 1


def test_forged_ipn_is_refused_and_audited(awaiting, start, browser, gateways):
    intent, url = start(awaiting)
    browser.get(url)
    params = {
        "vnp_Amount": str(AMOUNT * 100),
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TmnCode": "CONGSO01",
        "vnp_TxnRef": intent.reference,
        "vnp_TransactionNo": "1",
    }
    params["vnp_SecureHash"] = "0" * 128
    answer = _get_json(gateways + "/thanh-toan/vnpay/ipn/?" + urllib.parse.urlencode(params))
    assert answer["RspCode"] == "97"
    assert _reload(intent).status == IntentStatus.PENDING
    assert _reload(awaiting).status == Status.AWAITING_PAYMENT
    assert AuditEntry.objects.filter(action="payments.notification.forged").exists()
    assert ProviderNotification.objects.get(outcome="forged").verified is False


def test_a_forged_browser_return_decides_nothing(awaiting, start, browser, gateways):
    intent, url = start(awaiting)
    browser.get(url)
    query = urllib.parse.urlencode(
        {"vnp_TxnRef": intent.reference, "vnp_ResponseCode": "00", "vnp_SecureHash": "ab" * 64}
    )
    status, headers, _ = browser.get(gateways + "/thanh-toan/tro-ve/vnpay/?" + query)
    assert status == 302 and "giao-dich" not in headers["Location"]
    assert _reload(intent).status == IntentStatus.PENDING
    assert AuditEntry.objects.filter(action="payments.return.forged").exists()


def test_amount_mismatch_is_refused(awaiting, start, browser, gateways, settings):
    intent, url = start(awaiting)
    browser.get(url)
    params = gateway.vnpay_sign(
        {
            "vnp_Amount": str((AMOUNT - 1000) * 100),
            "vnp_ResponseCode": "00",
            "vnp_TransactionStatus": "00",
            "vnp_TmnCode": settings.CONGSO_SANDBOX_VNPAY_TMN_CODE,
            "vnp_TxnRef": intent.reference,
            "vnp_TransactionNo": "77",
        }
    )
    answer = _get_json(gateways + "/thanh-toan/vnpay/ipn/?" + urllib.parse.urlencode(params))
    assert answer["RspCode"] == "04"
    assert _reload(intent).status == IntentStatus.PENDING
    assert AuditEntry.objects.filter(action="payments.notification.mismatch").exists()


def test_ipn_for_an_unknown_order(gateways, settings):
    params = gateway.vnpay_sign(
        {"vnp_Amount": "100", "vnp_TmnCode": settings.CONGSO_SANDBOX_VNPAY_TMN_CODE, "vnp_TxnRef": "NOPE"}
    )
    assert _get_json(gateways + "/thanh-toan/vnpay/ipn/?" + urllib.parse.urlencode(params))["RspCode"] == "01"


def test_browser_returns_before_the_ipn_shows_waiting(awaiting, pay_with, browser, client, citizen):
    intent, (status, headers, _html) = pay_with(awaiting, IPN_LOST)
    assert status == 302
    browser.get(headers["Location"])  # the return, verified, recorded, not decisive
    assert _reload(intent).status == IntentStatus.PENDING
    assert _reload(awaiting).status == Status.AWAITING_PAYMENT
    client.force_login(citizen)
    page = client.get(f"/thanh-toan/giao-dich/{intent.reference}/")
    assert "Đang chờ xác nhận" in page.content.decode()
    # The payer is told the portal waits, not "congso" (the software's name, unknown to them).
    assert "Cổng dịch vụ công chưa nhận được xác nhận" in page.content.decode()


def test_lost_ipn_recovered_by_status_query(awaiting, pay_with, client, citizen):
    intent, _response = pay_with(awaiting, IPN_LOST)
    client.force_login(citizen)
    response = client.post(f"/thanh-toan/giao-dich/{intent.reference}/kiem-tra/")
    assert response.status_code == 302
    intent = _reload(intent)
    assert (intent.status, intent.settled_by) == (IntentStatus.PAID, "query")
    assert _reload(awaiting).status == Status.IN_PROCESSING
    assert Receipt.objects.filter(intent=intent).count() == 1


def test_lost_ipn_recovered_by_reconciliation(awaiting, pay_with):
    intent, _response = pay_with(awaiting, IPN_LOST)
    day = intent.created_at.astimezone(gateway.VIETNAM).date()
    run = services.reconcile("vnpay", day)
    assert run.error == "" and run.statement_rows == 1 and run.matched == 1
    assert not run.mismatches.exists()
    assert (_reload(intent).status, intent.settled_by) == (IntentStatus.PAID, "statement")
    assert _reload(awaiting).status == Status.IN_PROCESSING


def test_payer_who_never_returns_is_still_settled_by_the_ipn(awaiting, pay_with):
    intent, (status, _headers, html) = pay_with(awaiting, NEVER_RETURNS)
    assert status == 200 and "đóng trang" in html
    assert _reload(intent).status == IntentStatus.PAID


def test_reconciliation_lists_what_congso_does_not_know(awaiting, pay_with):
    intent, _response = pay_with(awaiting, SUCCESS)
    SandboxPayment.objects.create(
        protocol="vnpay",
        merchant="CONGSO01",
        reference="STRANGER1",
        amount=10_000,
        created=intent.created_stamp,
        status="paid",
        response_code="00",
        transaction_no="99",
        pay_date=SandboxPayment.objects.get(reference=intent.reference).pay_date,
    )
    run = services.reconcile("vnpay", intent.created_at.astimezone(gateway.VIETNAM).date())
    assert run.statement_rows == 2 and run.matched == 1
    mismatch = run.mismatches.get()
    found = (mismatch.kind, mismatch.reference, mismatch.provider_amount)
    assert found == ("missing_here", "STRANGER1", 10_000)


def test_refund_through_the_gateway(awaiting, pay_with, actors, officer, agency_a):
    intent, _response = pay_with(awaiting, SUCCESS)
    intent = _reload(intent)
    refund = services.request_refund(intent, actors.one_stop, amount=AMOUNT, reason="Hồ sơ bị dừng")
    refund = services.decide_refund(refund, actors.leader, approve=True, note="Đồng ý")
    assert refund.status == "refunded", refund.provider_answer
    assert refund.provider_answer["vnp_ResponseCode"] == "00"
    assert _reload(intent).status == IntentStatus.REFUNDED
    assert SandboxPayment.objects.get(reference=intent.reference).refunded_amount == AMOUNT


def test_dvcqg_platform_flow(awaiting, pay_with):
    intent, (status, _headers, html) = pay_with(awaiting, "0001", provider="dvcqg")
    assert status == 200 and "MÔ PHỎNG" in html
    intent = _reload(intent)
    assert intent.reference.startswith("dvc")
    assert (intent.status, intent.settled_by) == (IntentStatus.PAID, "callback")
    assert _reload(awaiting).status == Status.IN_PROCESSING
    note = ProviderNotification.objects.get(intent=intent, channel="callback")
    assert note.verified and note.answer_code == "00"


def test_dvcqg_lost_callback_recovered_by_query(awaiting, pay_with):
    intent, _response = pay_with(awaiting, "0003", provider="dvcqg")
    assert _reload(intent).status == IntentStatus.PENDING
    assert services.refresh(intent).status == IntentStatus.PAID
    assert _reload(awaiting).status == Status.IN_PROCESSING


def test_dvcqg_failure_and_forged_callback(awaiting, pay_with, gateways, client, citizen):
    intent, _response = pay_with(awaiting, "0002", provider="dvcqg")
    assert (_reload(intent).status, intent.provider_code) == (IntentStatus.FAILED, "51")
    # The payer's page says why, from the platform's code, in the page's language.
    client.force_login(citizen)
    page = client.get(f"/thanh-toan/giao-dich/{intent.reference}/").content.decode()
    assert "Lý do: Tài khoản của bạn không đủ số dư." in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(f"/thanh-toan/giao-dich/{intent.reference}/").content.decode()
    assert "Reason: Your account has insufficient funds." in page
    message = gateway.dvcqg_callback_message(SandboxPayment.objects.get(reference=intent.reference))
    message["MaLoi"] = "00"  # changed after the hash was computed
    request = urllib.request.Request(  # noqa: S310 — the test's server
        gateways + "/thanh-toan/dvcqg/xac-nhan/",
        data=json.dumps(message).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer = json.loads(response.read())
    assert answer["MaLoi"] == "97" and len(answer["MaXacThuc"]) == 64
    assert _reload(intent).status == IntentStatus.FAILED


def test_late_payment_of_a_superseded_attempt_still_counts(awaiting, start, browser, gateways):
    first, first_url = start(awaiting, "vnpay")
    status, _headers, html = browser.get(first_url)  # the citizen keeps this page open…
    second, _url = start(awaiting, "dvcqg")  # …and starts again with the other channel
    assert _reload(first).status == IntentStatus.ABANDONED and second.status == IntentStatus.PENDING
    browser.post_form(first_url, html, {"choice": SUCCESS, "pay": "1"})  # then pays on the first page
    assert (_reload(first).status, first.settled_by) == (IntentStatus.PAID, "ipn")
    assert _reload(second).status == IntentStatus.ABANDONED
    assert _reload(awaiting).status == Status.IN_PROCESSING


def test_daily_job_reconciles_yesterday_once_per_provider(awaiting, pay_with, clock):
    from datetime import timedelta

    from congso.payments.models import ReconciliationRun

    intent, _response = pay_with(awaiting, "0003", provider="dvcqg")  # the callback is lost
    clock.set(intent.created_at + timedelta(days=1))
    runs = services.reconcile_yesterday()
    assert {r.provider for r in runs} == {"vnpay", "dvcqg"} and all(r.error == "" for r in runs)
    assert _reload(intent).status == IntentStatus.PAID  # recovered by QUERY during reconciliation
    assert services.reconcile_yesterday() == []
    assert ReconciliationRun.objects.count() == 2
