"""The DVCQG payment platform ("Nền tảng thanh toán của Cổng DVCQG", STANDARDS.md §8.2a), version 1.0.6.

- INIT: JSON POST to ``InitUrl`` with ``Authorization: Bearer <AccessToken>``; ``MaXacThuc`` is the
  lowercase hex SHA-256 (a plain hash, not an HMAC) of the pipe-joined INIT fields and the secret. The
  answer ``{error_code: "0", message: "<JSON>"}`` carries ``UrlThanhToan``, where the citizen goes.
- Callback (platform → congso, POST JSON): verified with the same rule over the callback fields;
  ``MaLoi`` "00" is a payment. congso answers ``{MaLoi, MoTaLoi, MaDoiTac, ThoiGianGD, MaXacThuc}``
  (the answer's hash: SHA-256 of ``MaLoi|MaDoiTac|ThoiGianGD|<secret>`` — the public sources do not give
  its field list, so this is congso's choice, documented in docs/payments.md).
- QUERY: ``TrangThaiGD`` 1 paid, 3 pending, 4 failed.
- Failure reasons shown to the payer (``failure_reason``): the callback's ``MaLoi`` and a QUERY's
  ``TrangThaiGD`` 4 (stored as the intent's ``provider_code``). The public sources give no table of the
  platform's own ``MaLoi`` values beyond "00" and "01"; the platform passes the banks' result, and the
  codes read here are the card and account network's (the VNPAY table of §8.2b) [verify]. Any other code
  is shown as it is, with a general reason.

The platform publishes no statement file and no refund message: reconciliation queries each of the
day's transactions, and a refund is recorded once the treasury has paid it back (outside this protocol).
"""

import hashlib
import json
import re
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
    post_json,
    same_text,
)

VERSION = "1.0.6"
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
QUERY_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
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
ANSWER_FIELDS = ("MaLoi", "MaDoiTac", "ThoiGianGD")


def auth_code(message: dict, fields) -> str:
    data = "|".join([str(message.get(f, "")) for f in fields] + [settings.CONGSO_PAYMENTS_DVCQG_SECRET])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def reference_for(dossier_code: str, stamp: str) -> str:
    """ "dvc" + the dossier code + the time, with non-word characters removed."""
    return re.sub(r"\W", "", f"dvc{dossier_code}{stamp}")


# QUERY's TrangThaiGD 4 ("failed") is kept as the intent's code; the callback's MaLoi are two digits.
QUERY_FAILED = "4"
FAILURE_REASONS = {
    QUERY_FAILED: _("Nền tảng thanh toán báo giao dịch không thành công."),
    "01": _("Nền tảng thanh toán không có dữ liệu của giao dịch này."),
    **card_network.REASONS,
}


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


class DvcqgPlatform(Provider):
    name = "dvcqg"
    label = _("Nền tảng thanh toán của Cổng Dịch vụ công quốc gia")
    has_statement = False

    def gateway_url(self) -> str:
        return settings.CONGSO_PAYMENTS_DVCQG_URL

    def missing_settings(self) -> list[str]:
        names = (
            "CONGSO_PAYMENTS_DVCQG_PARTNER_CODE",
            "CONGSO_PAYMENTS_DVCQG_SECRET",
            "CONGSO_PAYMENTS_DVCQG_ACCESS_TOKEN",
        )
        return [name for name in names if not getattr(settings, name)]

    def configured(self) -> bool:
        return not self.missing_settings()

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {settings.CONGSO_PAYMENTS_DVCQG_ACCESS_TOKEN}"}

    def start(self, intent, *, client_ip: str, return_url: str, notify_url: str) -> str:
        dossier = intent.dossier
        message = {
            "LoaiBanTin": "INIT",
            "PhienBan": VERSION,
            "MaDoiTac": settings.CONGSO_PAYMENTS_DVCQG_PARTNER_CODE,
            "MaThamChieu": intent.reference,
            "SoTien": str(intent.amount),
            "LoaiHinhThanhToan": "PAY",
            "MaKenhThanhToan": "1",
            "MaThietBi": "1",
            "NgonNgu": "vi-VN",
            "MaTienTe": intent.currency,
            "MaNganHang": "PAYMENT",
            "ThongTinGiaoDich": intent.description,
            "ThoiGianGD": intent.created_stamp,
            "Ip": client_ip or "127.0.0.1",
        }
        message["MaXacThuc"] = auth_code(message, INIT_FIELDS)
        procedure = dossier.procedure_version.procedure
        message["ThongTinBienLai"] = {
            "MaDichVu": "2",
            "MaDVC": f"{procedure.code}.01",
            "TenDVC": procedure.name[:250],
            "MaTTHC": procedure.code,
            "TenTTHC": procedure.name[:250],
            "MaDonVi": dossier.receiving_agency.code,
            "TenDonVi": dossier.receiving_agency.name,
            "MaHoSo": dossier.code,
            "NoiDungThanhToan": intent.description,
            "HoTenNguoiNop": dossier.applicant_name,
            "SoCMNDNguoiNop": dossier.applicant_national_id or "",
            "DiaChiNguoiNop": dossier.applicant_address,
            "PhiLePhi": [
                {
                    "LoaiPhiLePhi": "1",
                    "MaPhiLePhi": "",
                    "TenPhiLePhi": intent.description,
                    "SoTien": intent.amount,
                }
            ],
        }
        answer = post_json(intent.gateway_url.rstrip("/") + "/api/init", message, self._headers())
        if str(answer.get("error_code")) != "0":
            raise ProviderError(f"INIT refused: {answer.get('message')}")
        try:
            inner = json.loads(answer["message"])
            return str(inner["UrlThanhToan"])
        except (KeyError, TypeError, ValueError) as error:
            raise ProviderError("INIT answer without UrlThanhToan") from error

    def read_notification(self, data: dict) -> Verdict:
        data = {str(k): "" if v is None else str(v) for k, v in data.items()}
        verified = (
            self.configured()
            and same_text(data.get("MaXacThuc", "").lower(), auth_code(data, CALLBACK_FIELDS))
            and data.get("MaDoiTac") == settings.CONGSO_PAYMENTS_DVCQG_PARTNER_CODE
        )
        return Verdict(
            reference=data.get("MaThamChieu", ""),
            verified=verified,
            success=data.get("MaLoi") == "00",
            amount=_int(data.get("SoTien")),
            currency=data.get("MaTienTe", ""),
            transaction=data.get("MaGiaoDich", ""),
            code=data.get("MaLoi", ""),
            raw=data,
        )

    def failure_reason(self, code: str) -> str:
        # An unlisted code is named as it is by payments.services.failure_reason, so the payer (and the
        # one-stop officer they may call) can quote it.
        known = FAILURE_REASONS.get(code or "")
        return str(known) if known is not None else ""

    def answer(self, code: str, description: str) -> dict:
        """congso's reply to a callback."""
        body = {
            "MaLoi": code,
            "MoTaLoi": description,
            "MaDoiTac": settings.CONGSO_PAYMENTS_DVCQG_PARTNER_CODE,
            "ThoiGianGD": timezone.now().astimezone(VIETNAM).strftime(STAMP),
        }
        body["MaXacThuc"] = auth_code(body, ANSWER_FIELDS)
        return body

    def query(self, intent, *, client_ip: str = "127.0.0.1") -> Verdict:
        message = {
            "LoaiBanTin": "QUERY",
            "PhienBan": VERSION,
            "MaDoiTac": settings.CONGSO_PAYMENTS_DVCQG_PARTNER_CODE,
            "MaThamChieu": intent.reference,
            "ThoiGianGD": timezone.now().astimezone(VIETNAM).strftime(STAMP),
        }
        message["MaXacThuc"] = auth_code(message, QUERY_FIELDS)
        answer = post_json(intent.gateway_url.rstrip("/") + "/api/query", message, self._headers())
        code = str(answer.get("MaLoi", ""))
        state = str(answer.get("TrangThaiGD", ""))
        if code == "00":
            success = {"1": True, "3": None, QUERY_FAILED: False}.get(state)
        else:
            success = None  # 01: no such transaction on the platform (yet) — not final
        # The QUERY answer carries no hash in the public sources: it is trusted as the answer of the
        # authenticated (bearer token, TLS) call congso itself made, and checked against the intent.
        return Verdict(
            reference=str(answer.get("MaThamChieu", intent.reference)),
            verified=code != "00" or str(answer.get("MaThamChieu")) == intent.reference,
            success=success,
            amount=_int(answer.get("SoTien")),
            currency=str(answer.get("MaTienTe", "VND")),
            transaction=str(answer.get("MaGiaoDich", "")),
            code=state or code,
            raw=answer,
        )

    def statement(self, base_url: str, day: date) -> list[StatementRow]:
        raise ProviderError("the DVCQG platform publishes no statement; reconcile by QUERY")

    def refund(self, intent, amount: int, *, by: str, client_ip: str = "127.0.0.1") -> tuple[bool, dict]:
        return True, {"note": "Hoàn tiền qua Kho bạc theo chứng từ, ngoài nền tảng thanh toán."}
