"""Simulated payment gateways (issue 13), labelled as simulators, never in production.

Two protocols, as STANDARDS.md §8.2 documents them, written here independently of congso's own client
(``congso.payments.providers``) so that a mistake on either side shows up as a refused signature:

**VNPAY 2.1.0** (``/sandbox/vnpay/``):

- ``paymentv2/vpcpay.html`` — the payment page the merchant redirects the citizen to. The query is
  checked (HMAC-SHA512 over the sorted, form-urlencoded parameters without ``vnp_SecureHash``, empty
  values left out; merchant code; version; currency; amount ×100; expiry). The page offers the test cards
  of ``TEST_CARDS`` and a "cancel" button.
- After the payer's choice the gateway first sends the **IPN**, a server-to-server GET to the merchant's
  IPN address (``CONGSO_SANDBOX_VNPAY_IPN_URL``, or ``/thanh-toan/vnpay/ipn/`` on the return URL's host),
  then redirects the browser to ``vnp_ReturnUrl`` with the same signed parameters.
- ``merchant_webapi/api/transaction`` — JSON POST, ``querydr`` and ``refund``, pipe-joined HMAC-SHA512.
- ``merchant_webapi/statement`` — the day's statement for reconciliation (congso's simplification: the
  real gateway offers it as a file in its merchant portal), a signed GET.

**DVCQG payment platform** (``/sandbox/dvcqg-thanh-toan/``): ``api/init`` (INIT, bearer token,
``MaXacThuc`` = SHA-256 of the pipe-joined fields and the secret) answers ``{error_code, message}`` with
``UrlThanhToan``; the payer chooses a test account there; the platform POSTs the confirmation (callback)
to ``CONGSO_SANDBOX_DVCQG_CONFIRM_URL`` (default ``/thanh-toan/dvcqg/xac-nhan/`` on the caller's host) and
links the payer back; ``api/query`` (QUERY) answers ``TrangThaiGD`` 1 paid / 3 pending / 4 failed.
"""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congso.core import inbound

from . import api
from .models import GatewayProtocol, SandboxPayment

logger = logging.getLogger(__name__)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP = "%Y%m%d%H%M%S"
HTTP_TIMEOUT = 10
# A query, refund or INIT message is a few hundred bytes.
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class TestCard:
    number: str
    label: str
    response_code: str  # vnp_ResponseCode; "00" success
    notify: bool = True  # False: the IPN is "lost" on the way (a network fault)
    returns: bool = True  # False: the browser never comes back (the payer closed the tab)


TEST_CARDS = (
    TestCard("9704198526191432198", "NCB — thanh toán thành công", "00"),
    TestCard("9704195798459170488", "NCB — không đủ số dư (51)", "51"),
    TestCard("9704192181368742", "NCB — thẻ bị khóa (12)", "12"),
    TestCard("9704000000000034", "Hết thời gian chờ thanh toán (11)", "11"),
    TestCard("9704000000000018", "Thành công nhưng IPN bị mất trên đường truyền", "00", notify=False),
    TestCard("9704000000000026", "Thành công, trình duyệt không quay lại (đóng thẻ)", "00", returns=False),
)
CANCELLED = "24"

# DVCQG test accounts: MaLoi of the callback, whether it is sent.
TEST_ACCOUNTS = (
    ("0001", "Tài khoản thanh toán thành công", "00", True),
    ("0002", "Tài khoản không đủ số dư", "51", True),
    ("0003", "Thành công nhưng xác nhận bị mất trên đường truyền", "00", False),
)


def _now_vn() -> datetime:
    return timezone.now().astimezone(VIETNAM)


def _stamp(moment: datetime | None = None) -> str:
    return (moment or _now_vn()).astimezone(VIETNAM).strftime(STAMP)


# --- VNPAY signatures (written independently of congso.payments) ------------------------------


def vnpay_signed_data(params: dict) -> str:
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key not in ("vnp_SecureHash", "vnp_SecureHashType") and value not in ("", None)
    )
    return urllib.parse.urlencode(items)


def vnpay_hash(data: str, secret: str) -> str:
    return hmac.new(secret.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def vnpay_sign(params: dict) -> dict:
    signed = dict(params)
    signed["vnp_SecureHash"] = vnpay_hash(
        vnpay_signed_data(params), settings.CONGSO_SANDBOX_VNPAY_HASH_SECRET
    )
    return signed


def _same(given, expected: str) -> bool:
    """A hash someone sent against ours, in constant time; as bytes, since ``hmac.compare_digest`` raises
    on a ``str`` with non-ASCII characters (the real gateways answer such a message with their code)."""
    return bool(given) and hmac.compare_digest(str(given).lower().encode("utf-8"), expected.encode("utf-8"))


def _vnpay_valid(params: dict) -> bool:
    expected = vnpay_hash(vnpay_signed_data(params), settings.CONGSO_SANDBOX_VNPAY_HASH_SECRET)
    return _same(params.get("vnp_SecureHash", ""), expected)


def _page(request, template, context, status=200):
    return api.labelled(render(request, template, context, status=status))


def _error_page(request, code: str, message: str):
    return _page(request, "sandbox/payment_error.html", {"code": code, "message": message}, status=400)


@require_GET
def vnpay_pay(request):
    """The VNPAY payment page: check the merchant's signed query, show the test cards."""
    params = request.GET.dict()
    if not _vnpay_valid(params):
        return _error_page(request, "70", "Sai chữ ký (vnp_SecureHash). / Invalid signature.")
    if params.get("vnp_TmnCode") != settings.CONGSO_SANDBOX_VNPAY_TMN_CODE:
        return _error_page(request, "02", "Mã website (vnp_TmnCode) không hợp lệ. / Unknown merchant.")
    if params.get("vnp_Version") != "2.1.0" or params.get("vnp_Command") != "pay":
        return _error_page(request, "03", "Phiên bản hoặc lệnh không hợp lệ. / Invalid version or command.")
    if params.get("vnp_CurrCode") != "VND":
        return _error_page(request, "03", "Chỉ hỗ trợ VND. / Only VND.")
    try:
        amount = int(params["vnp_Amount"])
        datetime.strptime(params["vnp_CreateDate"], STAMP)
    except (KeyError, ValueError):
        return _error_page(request, "03", "Dữ liệu gửi sang không đúng định dạng. / Malformed request.")
    if amount <= 0 or amount % 100 or not params.get("vnp_TxnRef") or not params.get("vnp_ReturnUrl"):
        return _error_page(request, "03", "Dữ liệu gửi sang không đúng định dạng. / Malformed request.")
    payment, _created = SandboxPayment.objects.get_or_create(
        protocol=GatewayProtocol.VNPAY,
        merchant=params["vnp_TmnCode"],
        reference=params["vnp_TxnRef"],
        defaults={
            "amount": amount // 100,
            "order_info": params.get("vnp_OrderInfo", "")[:255],
            "return_url": params["vnp_ReturnUrl"][:500],
            "created": params["vnp_CreateDate"],
            "expires": params.get("vnp_ExpireDate", ""),
            "bank_code": params.get("vnp_BankCode", "") or "NCB",
        },
    )
    if payment.amount * 100 != amount:
        return _error_page(request, "94", "Mã giao dịch đã dùng với số tiền khác. / Reference reused.")
    if payment.status != "pending":
        return _error_page(request, "02", "Giao dịch đã được xử lý. / Transaction already processed.")
    return _page(
        request,
        "sandbox/payment_page.html",
        {
            "protocol": "VNPAY 2.1.0",
            "payment": payment,
            "action": reverse("sandbox:vnpay-complete", kwargs={"payment_id": payment.pk}),
            "choices": [(card.number, card.label) for card in TEST_CARDS],
            "choice_label": "Số thẻ thử nghiệm / Test card",
            "can_cancel": True,
        },
    )


def _expired(payment: SandboxPayment) -> bool:
    return bool(payment.expires) and _stamp() > payment.expires


def _vnpay_result_params(payment: SandboxPayment) -> dict:
    return vnpay_sign(
        {
            "vnp_Amount": str(payment.amount * 100),
            "vnp_BankCode": payment.bank_code,
            "vnp_BankTranNo": f"VNP{payment.transaction_no}" if payment.transaction_no else "",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": payment.order_info,
            "vnp_PayDate": payment.pay_date,
            "vnp_ResponseCode": payment.response_code,
            "vnp_TmnCode": payment.merchant,
            "vnp_TransactionNo": payment.transaction_no or "0",
            "vnp_TransactionStatus": _transaction_status(payment),
            "vnp_TxnRef": payment.reference,
        }
    )


def _transaction_status(payment: SandboxPayment) -> str:
    return {"paid": "00", "pending": "01"}.get(payment.status, "02")


def _ipn_url(payment: SandboxPayment) -> str:
    configured = settings.CONGSO_SANDBOX_VNPAY_IPN_URL
    if configured:
        return configured
    parts = urllib.parse.urlsplit(payment.return_url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/thanh-toan/vnpay/ipn/", "", ""))


def _send_ipn(payment: SandboxPayment) -> dict | None:
    """The server-to-server GET; the merchant's JSON answer, or None when it did not answer."""
    url = _ipn_url(payment) + "?" + urllib.parse.urlencode(_vnpay_result_params(payment))
    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT) as response:  # noqa: S310 — configured merchant
            answer = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as error:
        logger.warning("sandbox VNPAY IPN to %s failed: %s", url, error)
        return None
    if answer.get("RspCode") in ("00", "02"):
        SandboxPayment.objects.filter(pk=payment.pk).update(notified=True)
    return answer


def _settle(payment: SandboxPayment, response_code: str) -> None:
    payment.response_code = response_code
    payment.status = {"00": "paid", CANCELLED: "cancelled", "11": "timeout"}.get(response_code, "failed")
    payment.pay_date = _stamp()
    payment.transaction_no = str(14_000_000 + payment.pk) if response_code == "00" else "0"
    payment.save(update_fields=["response_code", "status", "pay_date", "transaction_no"])


@require_POST
def vnpay_complete(request, payment_id: int):
    """The payer's choice: settle, notify the merchant's server, then send the browser back."""
    with transaction.atomic():
        payment = get_object_or_404(
            SandboxPayment.objects.select_for_update(), pk=payment_id, protocol=GatewayProtocol.VNPAY
        )
        if payment.status != "pending":
            return _error_page(request, "02", "Giao dịch đã được xử lý. / Transaction already processed.")
        card = None
        if "cancel" in request.POST:
            code = CANCELLED
        elif _expired(payment):
            code = "11"
        else:
            card = next((c for c in TEST_CARDS if c.number == request.POST.get("choice", "").strip()), None)
            if card is None:
                return _error_page(request, "03", "Thẻ thử nghiệm không tồn tại. / Unknown test card.")
            code = card.response_code
        _settle(payment, code)
    if card is None or card.notify:
        _send_ipn(payment)
    if card is not None and not card.returns:
        return _page(request, "sandbox/payment_done.html", {"payment": payment})
    return HttpResponseRedirect(
        payment.return_url
        + ("&" if "?" in payment.return_url else "?")
        + urllib.parse.urlencode(_vnpay_result_params(payment))
    )


# --- VNPAY merchant web API: querydr, refund, statement -----------------------------------------

QUERY_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)


def pipe_hash(values, secret: str) -> str:
    data = "|".join(str(v) for v in values)
    return hmac.new(secret.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def _api_answer(body: dict, fields=QUERY_RESPONSE_FIELDS, status: int = 200) -> JsonResponse:
    body.setdefault("vnp_ResponseId", uuid.uuid4().hex)
    body["vnp_SecureHash"] = pipe_hash(
        [body.get(f, "") for f in fields], settings.CONGSO_SANDBOX_VNPAY_HASH_SECRET
    )
    return api.labelled(JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False}))


@csrf_exempt  # a server-to-server JSON API authenticated by its HMAC, never called by a browser
@require_POST
def vnpay_transaction_api(request):
    try:
        body = inbound.json_body(request, MAX_BODY_BYTES)
        command = body["vnp_Command"]
    except inbound.BodyRefused as refused:
        return _api_answer({"vnp_ResponseCode": "03", "vnp_Message": refused.message}, status=refused.status)
    except (ValueError, KeyError, TypeError):
        return _api_answer({"vnp_ResponseCode": "03", "vnp_Message": "Invalid data format"})
    fields = QUERY_FIELDS if command == "querydr" else REFUND_FIELDS if command == "refund" else None
    if fields is None:
        return _api_answer({"vnp_ResponseCode": "03", "vnp_Message": "Unknown command"})
    expected = pipe_hash([body.get(f, "") for f in fields], settings.CONGSO_SANDBOX_VNPAY_HASH_SECRET)
    if not _same(body.get("vnp_SecureHash", ""), expected):
        return _api_answer(
            {"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum", "vnp_Command": command}
        )
    if body.get("vnp_TmnCode") != settings.CONGSO_SANDBOX_VNPAY_TMN_CODE:
        return _api_answer(
            {"vnp_ResponseCode": "02", "vnp_Message": "Invalid merchant", "vnp_Command": command}
        )
    payment = SandboxPayment.objects.filter(
        protocol=GatewayProtocol.VNPAY, merchant=body["vnp_TmnCode"], reference=body.get("vnp_TxnRef", "")
    ).first()
    if payment is None:
        return _api_answer(
            {"vnp_ResponseCode": "91", "vnp_Message": "Transaction not found", "vnp_Command": command}
        )
    if command == "refund":
        return _refund(payment, body)
    if payment.status == "pending" and _expired(payment):
        payment.status, payment.response_code = "timeout", "11"
        payment.save(update_fields=["status", "response_code"])
    return _api_answer(_query_body(payment, command))


def _query_body(payment: SandboxPayment, command: str) -> dict:
    return {
        "vnp_Command": command,
        "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success",
        "vnp_TmnCode": payment.merchant,
        "vnp_TxnRef": payment.reference,
        "vnp_Amount": str(payment.amount * 100),
        "vnp_BankCode": payment.bank_code,
        "vnp_PayDate": payment.pay_date,
        "vnp_TransactionNo": payment.transaction_no,
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "05" if payment.refunded_amount else _transaction_status(payment),
        "vnp_OrderInfo": payment.order_info,
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }


def _refund(payment: SandboxPayment, body: dict) -> JsonResponse:
    try:
        amount = int(body["vnp_Amount"]) // 100
    except (KeyError, ValueError):
        amount = -1
    if payment.status != "paid" or amount <= 0 or amount + payment.refunded_amount > payment.amount:
        return _api_answer(
            {"vnp_Command": "refund", "vnp_ResponseCode": "94", "vnp_Message": "Refund refused"}
        )
    payment.refunded_amount += amount
    payment.save(update_fields=["refunded_amount"])
    answer = _query_body(payment, "refund")
    answer["vnp_Amount"] = str(amount * 100)
    answer["vnp_TransactionType"] = "02" if amount == payment.amount else "03"
    answer["vnp_Message"] = "Refund success"
    return _api_answer(answer)


@require_GET
def vnpay_statement(request):
    """The day's statement: every settled transaction of the merchant (signed GET: vnp_TmnCode,
    vnp_Date yyyyMMdd, vnp_SecureHash over the sorted query)."""
    params = request.GET.dict()
    if not _vnpay_valid(params) or params.get("vnp_TmnCode") != settings.CONGSO_SANDBOX_VNPAY_TMN_CODE:
        return api.labelled(JsonResponse({"vnp_ResponseCode": "97", "transactions": []}, status=403))
    day = params.get("vnp_Date", "")
    rows = SandboxPayment.objects.filter(
        protocol=GatewayProtocol.VNPAY, merchant=params["vnp_TmnCode"], pay_date__startswith=day
    ).exclude(pay_date="")
    transactions = [
        {
            "vnp_TxnRef": p.reference,
            "vnp_Amount": str(p.amount * 100),
            "vnp_TransactionNo": p.transaction_no,
            "vnp_TransactionStatus": _transaction_status(p),
            "vnp_PayDate": p.pay_date,
            "vnp_RefundedAmount": str(p.refunded_amount * 100),
        }
        for p in rows.order_by("pk")
        if len(day) == 8
    ]
    return api.labelled(
        JsonResponse({"vnp_ResponseCode": "00", "vnp_Date": day, "transactions": transactions})
    )


# --- DVCQG payment platform -------------------------------------------------------------------

INIT_FIELDS = (
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
)
QUERY_MESSAGE_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
CALLBACK_FIELDS = (
    "LoaiBanTin",
    "MaLoi",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "MaTienTe",
    "MaGiaoDich",
    "MaNganHang",
    "ThoiGianGD",
    "ThongTinGiaoDich",
)


def sha256_auth(message: dict, fields, secret: str) -> str:
    data = "|".join([str(message.get(f, "")) for f in fields] + [secret])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _dvcqg_reply(error_code: str, message, status: int = 200) -> JsonResponse:
    body = {"error_code": error_code, "message": message, "simulator": True}
    return api.labelled(JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False}))


def _dvcqg_message(request):
    token = api.bearer_token(request)
    secret = settings.CONGSO_SANDBOX_DVCQG_ACCESS_TOKEN
    if not token or not hmac.compare_digest(token.encode(), secret.encode()):
        return None, _dvcqg_reply("-1", "Sai mã truy cập (AccessToken).")
    try:
        message = inbound.json_body(request, MAX_BODY_BYTES)
        if not isinstance(message, dict):
            raise ValueError
    except inbound.BodyRefused as refused:
        return None, _dvcqg_reply("-1", refused.message, status=refused.status)
    except ValueError:
        return None, _dvcqg_reply("-1", "Bản tin không phải JSON.")
    if message.get("MaDoiTac") != settings.CONGSO_SANDBOX_DVCQG_PARTNER_CODE:
        return None, _dvcqg_reply("-1", "Mã đối tác không hợp lệ.")
    return message, None


@csrf_exempt  # server-to-server with a bearer token and a message hash
@require_POST
def dvcqg_init(request):
    message, refusal = _dvcqg_message(request)
    if refusal:
        return refusal
    secret = settings.CONGSO_SANDBOX_DVCQG_SECRET
    if message.get("LoaiBanTin") != "INIT" or not _same(
        message.get("MaXacThuc", ""), sha256_auth(message, INIT_FIELDS, secret)
    ):
        return _dvcqg_reply("-1", "Sai mã xác thực (MaXacThuc).")
    try:
        amount = int(message["SoTien"])
    except (KeyError, ValueError, TypeError):
        return _dvcqg_reply("-1", "Số tiền không hợp lệ.")
    if amount <= 0 or message.get("MaTienTe") != "VND" or not message.get("MaThamChieu"):
        return _dvcqg_reply("-1", "Số tiền, tiền tệ hoặc mã tham chiếu không hợp lệ.")
    payment, _ = SandboxPayment.objects.get_or_create(
        protocol=GatewayProtocol.DVCQG,
        merchant=message["MaDoiTac"],
        reference=str(message["MaThamChieu"])[:100],
        defaults={
            "amount": amount,
            "order_info": str(message.get("ThongTinGiaoDich", ""))[:255],
            # The documented INIT carries no return address: the platform links the payer back to the
            # one-stop portal that called it (the caller's site).
            "return_url": request.build_absolute_uri("/"),
            "created": str(message.get("ThoiGianGD", ""))[:14],
            "bank_code": "DVCQG",
        },
    )
    if payment.amount != amount:
        return _dvcqg_reply("-1", "Mã tham chiếu đã dùng với số tiền khác.")
    url = request.build_absolute_uri(reverse("sandbox:dvcqg-pay", kwargs={"payment_id": payment.pk}))
    return _dvcqg_reply("0", json.dumps({"UrlThanhToan": url, "MaThamChieu": payment.reference}))


@require_http_methods(["GET", "POST"])
def dvcqg_pay(request, payment_id: int):
    payment = get_object_or_404(SandboxPayment, pk=payment_id, protocol=GatewayProtocol.DVCQG)
    if request.method == "GET":
        if payment.status != "pending":
            return _error_page(request, "02", "Giao dịch đã được xử lý. / Transaction already processed.")
        return _page(
            request,
            "sandbox/payment_page.html",
            {
                "protocol": "Nền tảng thanh toán Cổng DVCQG",
                "payment": payment,
                "action": request.path,
                "choices": [(number, label) for number, label, _c, _s in TEST_ACCOUNTS],
                "choice_label": "Tài khoản thử nghiệm / Test account",
                "can_cancel": True,
            },
        )
    with transaction.atomic():
        payment = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != "pending":
            return _error_page(request, "02", "Giao dịch đã được xử lý. / Transaction already processed.")
        send = True
        if "cancel" in request.POST:
            code = CANCELLED
        else:
            account = next((a for a in TEST_ACCOUNTS if a[0] == request.POST.get("choice")), None)
            if account is None:
                return _error_page(request, "03", "Tài khoản thử nghiệm không tồn tại. / Unknown account.")
            code, send = account[2], account[3]
        _settle(payment, code)
    if send:
        _send_dvcqg_callback(payment)
    return _page(request, "sandbox/payment_done.html", {"payment": payment})


def _confirm_url(payment: SandboxPayment) -> str:
    configured = settings.CONGSO_SANDBOX_DVCQG_CONFIRM_URL
    if configured:
        return configured
    parts = urllib.parse.urlsplit(payment.return_url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/thanh-toan/dvcqg/xac-nhan/", "", ""))


def dvcqg_callback_message(payment: SandboxPayment) -> dict:
    message = {
        "LoaiBanTin": "CALLBACK",
        "MaLoi": payment.response_code,
        "MaDoiTac": payment.merchant,
        "MaThamChieu": payment.reference,
        "SoTien": str(payment.amount),
        "MaTienTe": payment.currency,
        "MaGiaoDich": payment.transaction_no,
        "MaNganHang": payment.bank_code,
        "ThoiGianGD": payment.pay_date,
        "ThongTinGiaoDich": payment.order_info,
    }
    message["MaXacThuc"] = sha256_auth(message, CALLBACK_FIELDS, settings.CONGSO_SANDBOX_DVCQG_SECRET)
    return message


def _send_dvcqg_callback(payment: SandboxPayment) -> dict | None:
    request = urllib.request.Request(  # noqa: S310 — configured merchant address
        _confirm_url(payment),
        data=json.dumps(dvcqg_callback_message(payment)).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            answer = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as error:
        logger.warning("sandbox DVCQG callback failed: %s", error)
        return None
    if answer.get("MaLoi") in ("00", "02"):
        SandboxPayment.objects.filter(pk=payment.pk).update(notified=True)
    return answer


@csrf_exempt  # server-to-server with a bearer token and a message hash
@require_POST
def dvcqg_query(request):
    message, refusal = _dvcqg_message(request)
    if refusal:
        return refusal
    if message.get("LoaiBanTin") != "QUERY" or not _same(
        message.get("MaXacThuc", ""),
        sha256_auth(message, QUERY_MESSAGE_FIELDS, settings.CONGSO_SANDBOX_DVCQG_SECRET),
    ):
        return api.labelled(JsonResponse({"MaLoi": "97", "MoTaLoi": "Sai mã xác thực."}))
    payment = SandboxPayment.objects.filter(
        protocol=GatewayProtocol.DVCQG, merchant=message["MaDoiTac"], reference=message.get("MaThamChieu", "")
    ).first()
    if payment is None:
        return api.labelled(JsonResponse({"MaLoi": "01", "MoTaLoi": "Không có dữ liệu giao dịch trên dvcqg"}))
    state = {"paid": "1", "pending": "3"}.get(payment.status, "4")
    return api.labelled(
        JsonResponse(
            {
                "MaLoi": "00",
                "MoTaLoi": "Thành công",
                "MaThamChieu": payment.reference,
                "TrangThaiGD": state,
                "SoTien": str(payment.amount),
                "MaTienTe": payment.currency,
                "MaGiaoDich": payment.transaction_no,
                "ThoiGianGD": payment.pay_date,
            }
        )
    )
