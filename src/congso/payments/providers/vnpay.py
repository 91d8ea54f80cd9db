"""VNPAY 2.1.0 (STANDARDS.md §8.2b): redirect with a query signed by HMAC-SHA512, browser return, the
authoritative server-to-server IPN answered ``{RspCode, Message}``, ``querydr`` and ``refund`` over the
merchant web API (pipe-joined HMAC-SHA512), and the day's statement for reconciliation.

Signature of a query: leave out ``vnp_SecureHash``/``vnp_SecureHashType`` and empty values, sort the
keys, form-urlencode keys and values (space → "+", Python's ``quote_plus``), join with "&", HMAC-SHA512
hex with the hash secret.
"""

import hashlib
import hmac
import urllib.parse
import uuid
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import (
    STAMP,
    VIETNAM,
    Provider,
    ProviderError,
    StatementRow,
    Verdict,
    card_network,
    get_json,
    post_json,
    same_text,
)

VERSION = "2.1.0"
PAY_PATH = "paymentv2/vpcpay.html"
API_PATH = "merchant_webapi/api/transaction"
STATEMENT_PATH = "merchant_webapi/statement"

# IPN answers (the merchant → VNPAY).
IPN_CONFIRMED = ("00", "Confirm Success")
IPN_NOT_FOUND = ("01", "Order not found")
IPN_ALREADY = ("02", "Order already confirmed")
IPN_BAD_AMOUNT = ("04", "Invalid amount")
IPN_BAD_CHECKSUM = ("97", "Invalid Checksum")
IPN_UNKNOWN = ("99", "Unknown error")

# vnp_ResponseCode of a payment (STANDARDS.md §8.2b), as the citizen reads why a payment failed: in their
# own words and language, not the gateway's table.
RESPONSE_CODES = {
    "00": _("Giao dịch thành công."),
    **card_network.REASONS,
    "99": _("Kênh thanh toán gặp lỗi khác."),
}

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
RESPONSE_FIELDS = (
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


def signed_data(params: dict) -> str:
    items = sorted(
        (str(key), str(value))
        for key, value in params.items()
        if key not in ("vnp_SecureHash", "vnp_SecureHashType") and value not in ("", None)
    )
    return urllib.parse.urlencode(items)


def _hmac(data: str) -> str:
    secret = settings.CONGSO_PAYMENTS_VNPAY_HASH_SECRET
    return hmac.new(secret.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def sign_query(params: dict) -> str:
    return _hmac(signed_data(params))


def verify_query(params: dict) -> bool:
    return same_text(str(params.get("vnp_SecureHash", "")).lower(), sign_query(params))


def pipe_sign(values) -> str:
    return _hmac("|".join(str(v) for v in values))


def _stamp(moment=None) -> str:
    return (moment or timezone.now()).astimezone(VIETNAM).strftime(STAMP)


def _amount(text) -> int | None:
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value // 100 if value % 100 == 0 else None


class VnpayGateway(Provider):
    name = "vnpay"
    label = _("VNPAY (thẻ ATM, thẻ quốc tế, QR)")

    def gateway_url(self) -> str:
        return settings.CONGSO_PAYMENTS_VNPAY_URL

    def missing_settings(self) -> list[str]:
        names = ("CONGSO_PAYMENTS_VNPAY_TMN_CODE", "CONGSO_PAYMENTS_VNPAY_HASH_SECRET")
        return [name for name in names if not getattr(settings, name)]

    def configured(self) -> bool:
        return not self.missing_settings()

    def start(self, intent, *, client_ip: str, return_url: str, notify_url: str) -> str:
        # notify_url is configured at VNPAY's merchant registration, not sent: the IPN address is fixed.
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": settings.CONGSO_PAYMENTS_VNPAY_TMN_CODE,
            "vnp_Amount": str(intent.amount * 100),
            "vnp_CurrCode": intent.currency,
            "vnp_TxnRef": intent.reference,
            "vnp_OrderInfo": intent.description,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": intent.created_stamp,
            "vnp_ExpireDate": _stamp(intent.expires_at),
        }
        params["vnp_SecureHash"] = sign_query(params)
        return intent.gateway_url.rstrip("/") + "/" + PAY_PATH + "?" + urllib.parse.urlencode(params)

    def read_notification(self, data: dict) -> Verdict:
        data = {str(k): str(v) for k, v in data.items()}
        verified = (
            self.configured()
            and verify_query(data)
            and data.get("vnp_TmnCode") == settings.CONGSO_PAYMENTS_VNPAY_TMN_CODE
        )
        success = data.get("vnp_ResponseCode") == "00" and data.get("vnp_TransactionStatus") == "00"
        return Verdict(
            reference=data.get("vnp_TxnRef", ""),
            verified=verified,
            success=success,
            amount=_amount(data.get("vnp_Amount")),
            currency="VND",  # VNPAY 2.1.0 settles in VND only; the amount carries the check
            transaction=data.get("vnp_TransactionNo", ""),
            code=data.get("vnp_ResponseCode", ""),
            raw=data,
        )

    def failure_reason(self, code: str) -> str:
        reason = RESPONSE_CODES.get(code)
        return str(reason) if reason is not None else ""

    def query(self, intent, *, client_ip: str = "127.0.0.1") -> Verdict:
        body = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": settings.CONGSO_PAYMENTS_VNPAY_TMN_CODE,
            "vnp_TxnRef": intent.reference,
            "vnp_TransactionDate": intent.created_stamp,
            "vnp_CreateDate": _stamp(),
            "vnp_IpAddr": client_ip,
            "vnp_OrderInfo": f"Truy van giao dich {intent.reference}",
        }
        body["vnp_SecureHash"] = pipe_sign(body[f] for f in QUERY_FIELDS)
        answer = post_json(intent.gateway_url.rstrip("/") + "/" + API_PATH, body)
        answer = {k: "" if v is None else str(v) for k, v in answer.items()}
        expected = pipe_sign(answer.get(f, "") for f in RESPONSE_FIELDS)
        verified = same_text(answer.get("vnp_SecureHash", "").lower(), expected)
        code = answer.get("vnp_ResponseCode", "")
        status = answer.get("vnp_TransactionStatus", "")
        if code != "00":
            # 91: the gateway has no paid transaction with this reference (yet: the payer may still be on
            # its page) — not final; the intent expires on its own time (services.refresh).
            success = None
        else:
            success = {"00": True, "01": None, "05": None}.get(status, False)
        return Verdict(
            reference=answer.get("vnp_TxnRef", intent.reference),
            verified=verified and (code != "00" or answer.get("vnp_TxnRef") == intent.reference),
            success=success,
            amount=_amount(answer.get("vnp_Amount")),
            transaction=answer.get("vnp_TransactionNo", ""),
            code=code if code != "00" else status,
            raw=answer,
        )

    def statement(self, base_url: str, day: date) -> list[StatementRow]:
        params = {"vnp_TmnCode": settings.CONGSO_PAYMENTS_VNPAY_TMN_CODE, "vnp_Date": day.strftime("%Y%m%d")}
        params["vnp_SecureHash"] = sign_query(params)
        answer = get_json(base_url.rstrip("/") + "/" + STATEMENT_PATH + "?" + urllib.parse.urlencode(params))
        if answer.get("vnp_ResponseCode") != "00":
            raise ProviderError(f"statement refused: {answer.get('vnp_ResponseCode')}")
        rows = []
        for row in answer.get("transactions", []):
            amount = _amount(row.get("vnp_Amount"))
            if amount is None:
                raise ProviderError("statement row without a valid amount")
            rows.append(
                StatementRow(
                    reference=str(row.get("vnp_TxnRef", "")),
                    amount=amount,
                    paid=row.get("vnp_TransactionStatus") == "00",
                    transaction=str(row.get("vnp_TransactionNo", "")),
                    refunded=_amount(row.get("vnp_RefundedAmount", "0")) or 0,
                )
            )
        return rows

    def refund(self, intent, amount: int, *, by: str, client_ip: str = "127.0.0.1") -> tuple[bool, dict]:
        body = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": settings.CONGSO_PAYMENTS_VNPAY_TMN_CODE,
            "vnp_TransactionType": "02" if amount == intent.amount else "03",
            "vnp_TxnRef": intent.reference,
            "vnp_Amount": str(amount * 100),
            "vnp_TransactionNo": intent.provider_transaction,
            "vnp_TransactionDate": intent.created_stamp,
            "vnp_CreateBy": by[:250],
            "vnp_CreateDate": _stamp(),
            "vnp_IpAddr": client_ip,
            "vnp_OrderInfo": f"Hoan tien {intent.reference}",
        }
        body["vnp_SecureHash"] = pipe_sign(body[f] for f in REFUND_FIELDS)
        answer = post_json(intent.gateway_url.rstrip("/") + "/" + API_PATH, body)
        answer = {k: "" if v is None else str(v) for k, v in answer.items()}
        expected = pipe_sign(answer.get(f, "") for f in RESPONSE_FIELDS)
        verified = same_text(answer.get("vnp_SecureHash", "").lower(), expected)
        return verified and answer.get("vnp_ResponseCode") == "00", answer
