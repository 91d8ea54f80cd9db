"""The DVCQG adapter (plugin ``dvcqg`` of ``registry.portal_links``): the protocol of the national portal's
integration adapter as STANDARDS.md §8.1 describes it, and nothing else knows it.

- Configuration (DVCQG_INTEGRATION in OCPS): ``CONGSO_DVCQG_ADAPTER_URL`` + ``_AUTH_ENDPOINT``,
  ``_SHARE_ENDPOINT`` (catalogue reads, dossiers to take), ``_INTEGRATION_ENDPOINT`` (writes),
  ``_MADONVI``, ``_USERNAME``, ``_PASSWORD`` (from the environment only), ``_TIMEOUT_SECONDS``.
- Log in: POST ``{username, password}`` → ``{error_code: 0, session}``; the session is kept in memory and
  asked again once when the portal refuses it.
- Every call: POST ``{session, madonvi, service, …}`` → ``{error_code, message, result[]}``; ``error_code``
  0 (``"0"`` and ``"00"`` too) is success.
- Through the LGSP: when ``CONGSO_DVCQG_LGSP_TOKEN_URL`` is set, the adapter URL is the LGSP gateway's
  address of the national portal service and each call carries the gateway's access token
  (OAuth 2.0 client credentials of ``CONGSO_DVCQG_LGSP_CLIENT_ID`` / ``_SECRET``).
- Dates ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh; statuses the 10 national codes (the dossier's own).
"""

import base64
import binascii
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings

from .registry import (
    DossierRecord,
    IncomingDossierData,
    IncomingPaper,
    LinkError,
    LinkUnavailable,
    NationalFee,
    NationalPaper,
    NationalProcedure,
    PortalLink,
    ProgressStep,
    portal_links,
)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SESSION_REFUSED = 401  # the simulator's code for a refused session; a real adapter's is [verify]
MAX_PAPER_BYTES = 20 * 1024 * 1024
# KenhThucHien: 1 in person, 2 online, 3 postal (STANDARDS.md §8.1c); congso's channels onto them.
CHANNELS = {"counter": "1", "online": "2", "national_portal": "2", "postal": "3"}
# TD truncates these before sending [practice; whether they are DVCQG's limits is verify].
SUMMARY_LIMIT = 1000
HANDLER_LIMIT = 50

_sessions: dict[tuple[str, str], str] = {}
_tokens: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()


def compact(moment: datetime | None) -> str:
    return moment.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S") if moment else ""


def parse_compact(text) -> datetime | None:
    try:
        return datetime.strptime(str(text or ""), "%Y%m%d%H%M%S").replace(tzinfo=VIETNAM)
    except ValueError:
        return None


def _ok(code) -> bool:
    try:
        return int(str(code).strip()) == 0
    except (TypeError, ValueError):
        return False


def _code(code) -> int | None:
    try:
        return int(str(code).strip())
    except (TypeError, ValueError):
        return None


class DvcqgLink(PortalLink):
    name = "dvcqg"
    max_steps_per_report = 10  # TD sends at most 10 steps per CapNhatTienDoHoSoMC [practice]

    def __init__(self):
        self.base = settings.CONGSO_DVCQG_ADAPTER_URL.rstrip("/")
        self.madonvi = settings.CONGSO_DVCQG_MADONVI
        self.timeout = settings.CONGSO_DVCQG_TIMEOUT_SECONDS
        if not self.base:
            raise LinkError("CONGSO_DVCQG_ADAPTER_URL is not set: the DVCQG link has no address.")

    # Transport -----------------------------------------------------------------------------------

    def _headers(self) -> dict:
        token = self._gateway_token()
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _gateway_token(self) -> str:
        url = settings.CONGSO_DVCQG_LGSP_TOKEN_URL
        if not url:
            return ""
        with _lock:
            cached = _tokens.get(url)
            if cached and cached[1] > time.monotonic() + 30:
                return cached[0]
        answer = self._post_raw(
            url,
            data={"grant_type": "client_credentials"},
            auth=(settings.CONGSO_DVCQG_LGSP_CLIENT_ID, settings.CONGSO_DVCQG_LGSP_CLIENT_SECRET),
        )
        token = str(answer.get("access_token") or "")
        if not token:
            raise LinkError("The LGSP gave no access token for the national portal link.")
        with _lock:
            _tokens[url] = (token, time.monotonic() + float(answer.get("expires_in") or 60))
        return token

    def _post_raw(self, url: str, **kwargs) -> dict:
        try:
            response = httpx.post(url, timeout=self.timeout, follow_redirects=False, **kwargs)
        except httpx.TimeoutException as exc:
            raise LinkUnavailable(f"Quá thời gian chờ Cổng DVCQG ({self.timeout:g} giây).") from exc
        except httpx.HTTPError as exc:
            raise LinkUnavailable(f"Không kết nối được Cổng DVCQG: {type(exc).__name__}.") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise LinkUnavailable(f"Cổng DVCQG tạm thời không phục vụ (HTTP {response.status_code}).")
        try:
            body = response.json()
        except ValueError:
            raise LinkError(f"Cổng DVCQG trả lời không phải JSON (HTTP {response.status_code}).") from None
        if not isinstance(body, dict):
            raise LinkError("Cổng DVCQG trả lời không đúng định dạng.")
        return body

    def _login(self) -> str:
        body = self._post_raw(
            self.base + settings.CONGSO_DVCQG_AUTH_ENDPOINT,
            json={"username": settings.CONGSO_DVCQG_USERNAME, "password": settings.CONGSO_DVCQG_PASSWORD},
            headers=self._headers(),
        )
        if not _ok(body.get("error_code")) or not body.get("session"):
            raise LinkError(f"Cổng DVCQG từ chối đăng nhập: {str(body.get('message') or '')[:200]}")
        return str(body["session"])

    def _session(self, renew: bool = False) -> str:
        key = (self.base, settings.CONGSO_DVCQG_USERNAME)
        with _lock:
            session = None if renew else _sessions.get(key)
        if session:
            return session
        session = self._login()
        with _lock:
            _sessions[key] = session
        return session

    def call(self, endpoint: str, service: str, **params) -> list:
        """POST one envelope; return ``result``. Refused sessions are renewed once."""
        for attempt in (0, 1):
            envelope = {
                "session": self._session(renew=attempt == 1),
                "madonvi": self.madonvi,
                "service": service,
            }
            body = self._post_raw(self.base + endpoint, json={**envelope, **params}, headers=self._headers())
            if _ok(body.get("error_code")):
                result = body.get("result")
                return result if isinstance(result, list) else []
            if _code(body.get("error_code")) != SESSION_REFUSED:
                break
        raise LinkError(f"{service}: {str(body.get('message') or body.get('error_code'))[:300]}")

    def share(self, service: str, **params) -> list:
        return self.call(settings.CONGSO_DVCQG_SHARE_ENDPOINT, service, **params)

    def integration(self, service: str, **params) -> list:
        return self.call(settings.CONGSO_DVCQG_INTEGRATION_ENDPOINT, service, **params)

    # Catalogue -----------------------------------------------------------------------------------

    def procedure_codes(self) -> list[str]:
        return [str(item.get("MATTHC")) for item in self.share("LayDanhSachTTHC") if item.get("MATTHC")]

    def procedure(self, code: str) -> NationalProcedure | None:
        try:
            result = self.share("LayThuTuc", maTTHC=code)
        except LinkUnavailable:
            raise
        except LinkError:
            return None
        return procedure_from_package(code, result[0]) if result else None

    # Dossiers submitted on the portal ------------------------------------------------------------

    def waiting_dossiers(self) -> list[str]:
        return [str(item["MaHoSo"]) for item in self.share("LayDanhSachHoSo") if item.get("MaHoSo")]

    def dossier(self, national_code: str) -> IncomingDossierData:
        result = self.share("LayChiTietHoSo", MaHoSo=national_code)
        if not result or not isinstance(result[0], dict):
            raise LinkError(f"LayChiTietHoSo: không có hồ sơ {national_code}.")
        return dossier_from_detail(result[0])

    def acknowledge(self, national_code: str, local_code: str) -> None:
        self.integration("CapNhatDaNhanHoSo", MaHoSo=national_code, MaHoSoDonVi=local_code, DaNhan=True)

    # The province's dossiers and their progress ---------------------------------------------------

    def knows(self, code: str) -> bool:
        return bool(self.integration("TraCuuHoSo", mahoso=code))

    def register(self, record: DossierRecord, *, updating: bool) -> None:
        self.integration(
            "DongBoHoSoMC", isUpdating="True" if updating else "False", data=[record_to_national(record)]
        )

    def report(self, steps: list[ProgressStep]) -> None:
        self.integration("CapNhatTienDoHoSoMC", data=[step_to_national(step) for step in steps])


portal_links.add("dvcqg", DvcqgLink)


def forget_sessions() -> None:
    """Drop the cached sessions and gateway tokens (tests; a changed password)."""
    with _lock:
        _sessions.clear()
        _tokens.clear()


# Shapes --------------------------------------------------------------------------------------------


def _texts(items, key) -> list[str]:
    return [str(item.get(key)).strip() for item in items or [] if isinstance(item, dict) and item.get(key)]


def _days(amount, unit) -> float | None:
    try:
        value = float(str(amount).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return value / 8 if "giờ" in str(unit or "").lower() else value


def procedure_from_package(code: str, package: dict) -> NationalProcedure:
    """LayThuTuc's ``result[0]`` → the fields the province compares."""
    legal = []
    for item in package.get("CANCUPHAPLY") or []:
        if isinstance(item, dict):
            legal.append(
                " ".join(p for p in (str(item.get("SOVANBAN") or ""), str(item.get("TENVANBAN") or "")) if p)
            )
    papers, seen = [], set()
    for case in package.get("THANHPHANHOSO") or []:
        for paper in (case or {}).get("GIAYTO") or []:
            key = str(paper.get("MAGIAYTO") or paper.get("TENGIAYTO") or "")
            if key and key not in seen:
                seen.add(key)
                papers.append(
                    NationalPaper(str(paper.get("MAGIAYTO") or ""), str(paper.get("TENGIAYTO") or ""))
                )
    days, fees, fee_names = None, [], set()
    for way in package.get("CACHTHUCTHUCHIEN") or []:
        for timing in (way or {}).get("THOIGIAN") or []:
            if days is None:
                days = _days(timing.get("THOIGIANGIAIQUYET"), timing.get("DONVITINH"))
            for fee in timing.get("PHILEPHI") or []:
                name = str(fee.get("MOTA") or fee.get("MAPHILEPHI") or "Phí, lệ phí")
                if name not in fee_names:
                    fee_names.add(name)
                    try:
                        amount = int(float(str(fee.get("SOTIEN") or 0)))
                    except ValueError:
                        amount = 0
                    fees.append(NationalFee(name, amount))
    return NationalProcedure(
        code=str(package.get("MATTHC") or code),
        name=str(package.get("TENTTHC") or ""),
        decision=str(package.get("QUYETDINH") or package.get("IDQUYETDINHCONGBO") or ""),
        legal_basis=legal,
        time_limit_days=days,
        papers=papers,
        fees=fees,
        applicant_types="; ".join(_texts(package.get("DOITUONGTHUCHIEN"), "TENDOITUONG")),
        conditions=str(package.get("YEUCAU") or ""),
        result="; ".join(_texts(package.get("KETQUATHUCHIEN"), "TENKETQUA")),
        raw=package,
    )


def _paper(item: dict) -> IncomingPaper:
    data = str(item.get("DuLieuTepDinhKem") or "")
    if len(data) > MAX_PAPER_BYTES * 4 // 3 + 4:
        raise LinkError(f"Tệp {str(item.get('TenTepDinhKem'))[:100]} quá lớn.")
    try:
        content = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise LinkError(f"Tệp {str(item.get('TenTepDinhKem'))[:100]} không đọc được (base64).") from None
    return IncomingPaper(
        code=str(item.get("MaThanhPhanHoSo") or ""),
        name=str(item.get("TenTepDinhKem") or "tep-dinh-kem")[:200],
        content=content,
    )


def dossier_from_detail(detail: dict) -> IncomingDossierData:
    """LayChiTietHoSo's ``result[0]`` → a dossier to take in."""
    form = detail.get("DuLieuBieuMau")
    papers = [_paper(item) for item in detail.get("TaiLieuNop") or [] if isinstance(item, dict)]
    return IncomingDossierData(
        national_code=str(detail.get("MaHoSo") or ""),
        procedure_code=str(detail.get("MaTTHC") or ""),
        agency_code=str(detail.get("MaCoQuanThucHien") or ""),
        submitted_at=parse_compact(detail.get("NgayNopHoSo")),
        applicant={
            "name": str(detail.get("ChuHoSo") or ""),
            "national_id": str(detail.get("SoGiayToChuHoSo") or ""),
            "phone": str(detail.get("SoDienThoai") or ""),
            "email": str(detail.get("Email") or ""),
            "address": str(detail.get("DiaChiChuHoSo") or ""),
        },
        summary=str(detail.get("TrichYeuHoSo") or ""),
        form_data=form if isinstance(form, dict) else {},
        papers=papers,
    )


def record_to_national(record: DossierRecord) -> dict:
    return {
        "MaHoSo": record.code,
        "MaTTHC": record.procedure_code,
        "TenTTHC": record.procedure_name,
        "ChuHoSo": record.applicant_name,
        "LoaiDoiTuong": "1",
        "TrichYeuHoSo": record.summary[:SUMMARY_LIMIT],
        "NgayTiepNhan": compact(record.received_at),
        "NgayHenTra": compact(record.due_at),
        "TrangThaiHoSo": str(record.status),
        "KenhThucHien": CHANNELS.get(record.channel, "2"),
        "HinhThuc": "0",
        "DonViXuLy": record.agency_code,
        "NoiNopHoSo": "2",
    }


def step_to_national(step: ProgressStep) -> dict:
    return {
        "MaHoSo": step.code,
        "NguoiXuLy": step.handler[:HANDLER_LIMIT],
        "ChucDanh": step.title,
        "ThoiDiemXuLy": compact(step.at),
        "PhongBanXuLy": step.unit,
        "NoiDungXuLy": step.content,
        "TrangThai": str(step.status),
        "NgayBatDau": compact(step.started_at),
        "NgayKetThucTheoQuyDinh": compact(step.due_at),
    }
