"""The simulated national population database (CSDLQG về dân cư): a citizen by national ID, with
residence and household, and the check "does this ID belong to this name and birth date".

Field names follow the national systems' Vietnamese PascalCase (``SoDinhDanh``, ``HoVaTen``,
``NgayThangNamSinh`` as ``yyyyMMdd``, STANDARDS.md §6); the full shape is in docs/sandbox.md and in the
OpenAPI document (``openapi.population_document``).
"""

import unicodedata
from datetime import datetime

from django.http import JsonResponse

from congso.core import inbound
from congso.identity.validators import NATIONAL_ID_RE

from . import api, openapi
from .models import Citizen, Household, Sex

NATIONALITY = {"Ma": "VN", "Ten": "Việt Nam"}
MAX_BODY_BYTES = 16 * 1024


def _address(province_code, province_name, ward_code, ward_name, street) -> dict | None:
    if not ward_code:
        return None
    return {
        "MaTinh": province_code,
        "TenTinh": province_name,
        "MaXa": ward_code,
        "TenXa": ward_name,
        "ChiTiet": street,
        "DiaChiDayDu": f"{street}, {ward_name}, {province_name}",
    }


def _sex(code: str) -> dict:
    return {"Ma": code, "Ten": str(Sex(code).label)}


def _member(citizen: Citizen) -> dict:
    return {
        "SoDinhDanh": citizen.national_id,
        "HoVaTen": citizen.full_name,
        "NgayThangNamSinh": api.compact_date(citizen.date_of_birth),
        "GioiTinh": _sex(citizen.sex),
        "QuanHeVoiChuHo": citizen.relation_to_head,
    }


def _household(citizen: Citizen, household: Household) -> dict:
    members = list(household.members.order_by("date_of_birth", "national_id"))
    head = next((m for m in members if m.relation_to_head == "Chủ hộ"), None)
    return {
        "MaHo": household.code,
        "QuanHeVoiChuHo": citizen.relation_to_head,
        "ChuHo": {"SoDinhDanh": head.national_id, "HoVaTen": head.full_name} if head else None,
        "ThanhVien": [_member(m) for m in members],
    }


def citizen_record(citizen: Citizen) -> dict:
    """The citizen as the population database gives it out."""
    household = citizen.household
    return {
        "SoDinhDanh": citizen.national_id,
        "HoVaTen": citizen.full_name,
        "NgayThangNamSinh": api.compact_date(citizen.date_of_birth),
        "GioiTinh": _sex(citizen.sex),
        "DanToc": {"Ma": citizen.ethnicity_code, "Ten": citizen.ethnicity_name},
        "QuocTich": NATIONALITY,
        "QueQuan": citizen.hometown,
        "NoiThuongTru": _address(
            household.province_code,
            household.province_name,
            household.ward_code,
            household.ward_name,
            household.street_address,
        ),
        "NoiTamTru": _address(
            citizen.temporary_province_code,
            citizen.temporary_province_name,
            citizen.temporary_ward_code,
            citizen.temporary_ward_name,
            citizen.temporary_street_address,
        ),
        "HoGiaDinh": _household(citizen, household),
    }


def _invalid(message: str) -> JsonResponse:
    return api.failure(400, api.DATA_TYPE_INVALID, f"DATA_TYPE_INVALID: {message}")


def _not_found() -> JsonResponse:
    return api.failure(
        404, api.RECORD_NOT_FOUND, "RECORD_NOT_FOUND: không tìm thấy công dân có số định danh này."
    )


@api.endpoint("GET")
def citizen(request, national_id: str):
    if not NATIONAL_ID_RE.fullmatch(national_id):
        return _invalid("số định danh cá nhân phải gồm đúng 12 chữ số.")
    found = Citizen.objects.select_related("household").filter(national_id=national_id).first()
    if found is None:
        return _not_found()
    return api.answer(citizen_record(found))


def _same_name(a: str, b: str) -> bool:
    def canonical(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return canonical(a) == canonical(b)


def _read_check(request) -> tuple[dict | None, str]:
    """The posted check, or None and what is wrong with it."""
    # The declared length first: reading a body beyond Django's own limit would raise, not answer.
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        return None, "nội dung yêu cầu quá lớn."
    try:
        body = inbound.parse_json(request.body)
    except inbound.BodyRefused as refused:
        return None, refused.message
    except ValueError:  # not UTF-8, not JSON, or beyond safejson's bounds
        return None, "nội dung yêu cầu phải là JSON."
    if not isinstance(body, dict):
        return None, "nội dung yêu cầu phải là một đối tượng JSON."
    national_id, name, born = body.get("SoDinhDanh"), body.get("HoVaTen"), body.get("NgayThangNamSinh")
    if not isinstance(national_id, str) or not NATIONAL_ID_RE.fullmatch(national_id):
        return None, "SoDinhDanh phải gồm đúng 12 chữ số."
    if not isinstance(name, str) or not name.strip():
        return None, "HoVaTen là bắt buộc."
    try:
        if not isinstance(born, str) or len(born) != 8:
            raise ValueError
        day = datetime.strptime(born, "%Y%m%d").date()
    except ValueError:
        return None, "NgayThangNamSinh phải có dạng yyyyMMdd."
    return {"national_id": national_id, "name": name, "born": day}, ""


@api.endpoint("POST")
def check(request):
    """Whether the ID, name and birth date belong together. Says only yes or no, never which part
    differs, so it cannot be used to read the register field by field."""
    asked, problem = _read_check(request)
    if asked is None:
        return _invalid(problem)
    found = Citizen.objects.filter(national_id=asked["national_id"]).first()
    if found is None:
        return _not_found()
    matches = _same_name(found.full_name, asked["name"]) and found.date_of_birth == asked["born"]
    return api.answer({"SoDinhDanh": found.national_id, "KetQuaXacThuc": matches})


@api.document
def openapi_document(request):
    return JsonResponse(openapi.population_document(), json_dumps_params={"ensure_ascii": False})
