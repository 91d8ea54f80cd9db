"""The simulated National Public Service Portal (Cổng Dịch vụ công quốc gia, DVCQG): the adapter
protocol of STANDARDS.md §8.1 — log in, then POST JSON envelopes ``{session, madonvi, service, …}`` to
the share endpoint (catalogue reads, dossiers to take) or the integration endpoint (writes), answered
``{error_code, message, result}`` with ``error_code`` 0 for success.

Services (the names seen in real one-stop code where one exists; congso's, modelled on them, where none
was seen — marked [verify] in docs/nationalportal.md):

- share: ``LayDanhSachTTHC``, ``LayThuTuc {maTTHC}`` (OCPS), ``LayDanhSachHoSo`` (the dossiers submitted
  on the portal for the caller's province and not yet taken) and ``LayChiTietHoSo {MaHoSo}`` (one with its
  form data and papers, inline base64 as DVCLT's ``duLieuTepDinhKem``) — congso's, after DVCLT's pull;
- integration: ``CapNhatDaNhanHoSo {MaHoSo, MaHoSoDonVi, DaNhan}`` (the acknowledgement, after DVCLT),
  ``TraCuuHoSo {mahoso}``, ``DongBoHoSoMC {isUpdating, data[]}`` and ``CapNhatTienDoHoSoMC {data[]}`` (OCPS).

Not the real portal: every answer carries ``X-Congso-Sandbox: simulator``, ``simulator: true`` and the
notice. ``DvcqgSwitch.is_down`` makes every call answer HTTP 503 (outage drills).
"""

from functools import wraps

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from congso.core import inbound

from . import api
from .models import DvcqgDossier, DvcqgOrigin, DvcqgProcedure, DvcqgProgress, DvcqgSwitch

BASE_PATH = "/sandbox/dvcqg"
AUTH_ENDPOINT = "/api/auth"
SHARE_ENDPOINT = "/api/share"
INTEGRATION_ENDPOINT = "/api/integration"

OK = 0
FAILED = -1  # OCPS replies -1 for a refused push (createdossierfromdvcqg)
SESSION_INVALID = 401  # congso's choice: no public code for an expired session was seen [verify]
UNAVAILABLE = 503

# The national statuses (TrangThaiHoSo, STANDARDS.md §1), as the portal names them on its pages.
STATUS_NAMES = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

SESSION_SECONDS = 3600
MAX_BODY = 1024 * 1024
MAX_STEPS = 10  # TD sends at most 10 steps per CapNhatTienDoHoSoMC call [practice]
_SALT = "congso.sandbox.dvcqg.session"


def reply(result=None, *, error_code: int = OK, message: str = "Thành công", status: int = 200, **extra):
    body = {
        "error_code": error_code,
        "message": message,
        "result": result if result is not None else [],
        **extra,
        "simulator": True,
        "notice": api.NOTICE,
    }
    return api.labelled(JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False}))


def is_down() -> bool:
    switch = DvcqgSwitch.objects.first()
    return bool(switch and switch.is_down)


def set_down(down: bool) -> None:
    """Take the simulated portal down (every call answers 503) or bring it back."""
    with transaction.atomic():
        switch = DvcqgSwitch.objects.select_for_update().first() or DvcqgSwitch()
        switch.is_down = bool(down)
        switch.save()


def issue_session(username: str) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(username)


def session_is_valid(session: str) -> bool:
    try:
        signing.TimestampSigner(salt=_SALT).unsign(str(session or ""), max_age=SESSION_SECONDS)
    except signing.BadSignature:
        return False
    return True


def _credentials_accepted(username, password) -> bool:
    import hmac

    expected_user = settings.CONGSO_SANDBOX_DVCQG_USERNAME
    expected_password = settings.CONGSO_SANDBOX_DVCQG_PASSWORD
    if not expected_user or not expected_password:
        return False
    return hmac.compare_digest(str(username or "").encode(), expected_user.encode()) and hmac.compare_digest(
        str(password or "").encode(), expected_password.encode()
    )


def protocol(view):
    """A DVCQG endpoint: POST of a JSON object, within the sandbox's rate limit, 503 while switched down."""

    @csrf_exempt  # called by systems, with a session in the body, never by a browser with cookies
    @wraps(view)
    def wrapper(request):
        if not settings.CONGSO_SANDBOX_ENABLED:
            raise Http404
        if request.method != "POST":
            response = reply(error_code=405, message="Phương thức không được hỗ trợ.", status=405)
            response["Allow"] = "POST"
            return response
        if not api._within_rate_limit(request):
            response = reply(error_code=429, message="Vượt quá số lần gọi cho phép.", status=429)
            response["Retry-After"] = str(settings.CONGSO_SANDBOX_RATE_WINDOW_SECONDS)
            return response
        if is_down():
            response = reply(
                error_code=UNAVAILABLE,
                message="Hệ thống đang tạm ngừng phục vụ (mô phỏng sự cố).",
                status=503,
            )
            response["Retry-After"] = "30"
            return response
        try:
            body = inbound.json_body(request, MAX_BODY, empty={})
        except inbound.BodyRefused as refused:
            return reply(error_code=FAILED, message=refused.message, status=refused.status)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return reply(error_code=FAILED, message="Dữ liệu không đúng định dạng JSON.", status=400)
        return view(request, body)

    return wrapper


@protocol
def auth(request, body):
    """POST ``{username, password}`` → ``{error_code: 0, session}``."""
    if not _credentials_accepted(body.get("username"), body.get("password")):
        return reply(error_code=FAILED, message="Sai tên đăng nhập hoặc mật khẩu.", status=401)
    return reply(session=issue_session(str(body["username"])))


def _authorised(body):
    if not session_is_valid(body.get("session")):
        return reply(error_code=SESSION_INVALID, message="Phiên làm việc không hợp lệ hoặc đã hết hạn.")
    if not str(body.get("madonvi") or "").strip():
        return reply(error_code=FAILED, message="Thiếu mã đơn vị (madonvi).")
    return None


def _latest_packages() -> dict[str, DvcqgProcedure]:
    latest = {}
    for row in DvcqgProcedure.objects.order_by("code", "version"):
        latest[row.code] = row
    return latest


def _procedure_package(row: DvcqgProcedure) -> dict:
    return {**row.package, "MATTHC": row.code, "QUYETDINH": row.decision, "PHIENBAN": row.version}


def _dossier_summary(dossier: DvcqgDossier) -> dict:
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure_code,
        "MaCoQuanThucHien": dossier.unit_code,
        "NgayNopHoSo": compact_time(dossier.submitted_at),
    }


def _dossier_detail(dossier: DvcqgDossier) -> dict:
    return {
        **_dossier_summary(dossier),
        "TenTTHC": dossier.procedure_name,
        "KenhThucHien": "2",
        "TrichYeuHoSo": dossier.summary,
        **dossier.applicant,
        "DuLieuBieuMau": dossier.form_data,
        "TaiLieuNop": dossier.papers,
    }


@protocol
def share(request, body):
    """Catalogue reads and the dossiers to take."""
    refused = _authorised(body)
    if refused:
        return refused
    service = body.get("service")
    if service == "LayDanhSachTTHC":
        return reply(
            [{"MATTHC": r.code, "TENTTHC": r.package.get("TENTTHC", "")} for r in _latest_packages().values()]
        )
    if service == "LayThuTuc":
        row = _latest_packages().get(str(body.get("maTTHC") or "").strip())
        if row is None:
            return reply(error_code=FAILED, message="Không tìm thấy thủ tục hành chính.")
        return reply([_procedure_package(row)])
    if service == "LayDanhSachHoSo":
        waiting = DvcqgDossier.objects.filter(
            origin=DvcqgOrigin.NATIONAL, province_code=str(body["madonvi"]).strip(), taken_at=None
        ).order_by("submitted_at", "id")
        return reply([_dossier_summary(d) for d in waiting[:100]])
    if service == "LayChiTietHoSo":
        dossier = DvcqgDossier.objects.filter(
            code=str(body.get("MaHoSo") or "").strip(), province_code=str(body["madonvi"]).strip()
        ).first()
        if dossier is None:
            return reply(error_code=FAILED, message="Không tìm thấy hồ sơ.")
        return reply([_dossier_detail(dossier)])
    return reply(error_code=FAILED, message=f"Dịch vụ không được hỗ trợ: {str(service)[:60]}.")


@protocol
def integration(request, body):
    """The province's writes: acknowledgements, dossiers, progress."""
    refused = _authorised(body)
    if refused:
        return refused
    service = body.get("service")
    madonvi = str(body["madonvi"]).strip()
    if service == "CapNhatDaNhanHoSo":
        return _acknowledge(body, madonvi)
    if service == "TraCuuHoSo":
        dossier = DvcqgDossier.objects.filter(code=str(body.get("mahoso") or "").strip()).first()
        return reply([_dossier_summary(dossier) | {"TrangThaiHoSo": dossier.status}] if dossier else [])
    if service == "DongBoHoSoMC":
        return _sync_dossiers(body, madonvi)
    if service == "CapNhatTienDoHoSoMC":
        return _progress(body)
    return reply(error_code=FAILED, message=f"Dịch vụ không được hỗ trợ: {str(service)[:60]}.")


def _acknowledge(body, madonvi):
    code = str(body.get("MaHoSo") or "").strip()
    with transaction.atomic():
        dossier = DvcqgDossier.objects.select_for_update().filter(code=code, province_code=madonvi).first()
        if dossier is None:
            return reply(error_code=FAILED, message="Không tìm thấy hồ sơ.")
        if body.get("DaNhan") not in (True, "true", "True", 1, "1"):
            return reply(error_code=FAILED, message="Thiếu xác nhận đã nhận hồ sơ (DaNhan).")
        if dossier.taken_at is None:
            dossier.taken_at = timezone.now()
            dossier.local_code = str(body.get("MaHoSoDonVi") or "")[:70]
            dossier.save(update_fields=["taken_at", "local_code"])
    return reply(message="Cập nhật thành công")


def _sync_dossiers(body, madonvi):
    records = body.get("data")
    if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
        return reply(error_code=FAILED, message="Thiếu dữ liệu hồ sơ (data).")
    updating = str(body.get("isUpdating", "False")).lower() == "true"
    with transaction.atomic():
        for record in records:
            code = str(record.get("MaHoSo") or "").strip()[:70]
            if not code or not str(record.get("MaTTHC") or "").strip():
                return reply(error_code=FAILED, message="Thiếu MaHoSo hoặc MaTTHC.")
            existing = DvcqgDossier.objects.select_for_update().filter(code=code).first()
            if existing is not None and not updating:
                return reply(error_code=FAILED, message=f"Hồ sơ {code} đã tồn tại.")
            if existing is None and updating:
                return reply(error_code=FAILED, message=f"Hồ sơ {code} không tồn tại.")
            dossier = existing or DvcqgDossier(
                code=code,
                origin=DvcqgOrigin.PROVINCE,
                province_code=madonvi,
                submitted_at=timezone.now(),
                taken_at=timezone.now(),
            )
            dossier.procedure_code = str(record.get("MaTTHC"))[:40]
            dossier.procedure_name = str(record.get("TenTTHC") or "")[:500]
            dossier.unit_code = str(record.get("DonViXuLy") or dossier.unit_code or "")[:40]
            dossier.summary = str(record.get("TrichYeuHoSo") or "")[:1000]
            dossier.status = _status(record.get("TrangThaiHoSo"), dossier.status)
            dossier.synced_record = record
            dossier.save()
    return reply(message="Đồng bộ thành công")


def _status(value, default: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if 1 <= number <= 10 else default


def _progress(body):
    steps = body.get("data")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        return reply(error_code=FAILED, message="Thiếu dữ liệu tiến độ (data).")
    if len(steps) > MAX_STEPS:
        return reply(error_code=FAILED, message=f"Tối đa {MAX_STEPS} bước mỗi lần gửi.")
    with transaction.atomic():
        for step in steps:
            code = str(step.get("MaHoSo") or "").strip()
            dossier = DvcqgDossier.objects.select_for_update().filter(code=code).first()
            if dossier is None:
                transaction.set_rollback(True)
                return reply(error_code=FAILED, message=f"Hồ sơ {code[:70]} không tồn tại.")
            status = _status(step.get("TrangThai"), 0)
            if not status:
                transaction.set_rollback(True)
                return reply(error_code=FAILED, message="Trạng thái (TrangThai) không hợp lệ.")
            DvcqgProgress.objects.create(
                dossier=dossier,
                status=status,
                handled_at=str(step.get("ThoiDiemXuLy") or "")[:14],
                handler=str(step.get("NguoiXuLy") or "")[:200],
                unit=str(step.get("PhongBanXuLy") or "")[:300],
                content=str(step.get("NoiDungXuLy") or "")[:4000],
                record=step,
            )
            dossier.status = status
            dossier.save(update_fields=["status"])
    return reply(message="Cập nhật tiến độ thành công")


def compact_time(moment) -> str:
    """A moment as the national portal writes it: ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh."""
    return timezone.localtime(moment).strftime("%Y%m%d%H%M%S")
