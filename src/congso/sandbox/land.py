"""The simulated land registry (cơ sở dữ liệu quốc gia về đất đai): a parcel by its identifier — the
commune's GSO code, the map sheet (tờ bản đồ) and the parcel number (thửa đất), ``25747-12-345`` — with
its area, land-use purpose, owner (người sử dụng đất) and certificate.

Field names follow the national systems' Vietnamese PascalCase like the other simulators; the shape is
in docs/sandbox.md and in the OpenAPI document (``openapi.land_document``).
"""

import re

from django.http import JsonResponse

from . import api, openapi
from .models import LandParcel

PARCEL_ID_RE = re.compile(r"^[0-9]{5}-[0-9]{1,4}-[0-9]{1,5}$")


def parcel_record(parcel: LandParcel) -> dict:
    """The parcel as the registry gives it out."""
    return {
        "MaThuaDat": parcel.parcel_id,
        "SoToBanDo": parcel.map_sheet,
        "SoThua": parcel.parcel_number,
        "DiaChiThuaDat": {
            "MaTinh": parcel.province_code,
            "TenTinh": parcel.province_name,
            "MaXa": parcel.ward_code,
            "TenXa": parcel.ward_name,
            "ChiTiet": parcel.street_address,
            "DiaChiDayDu": f"{parcel.street_address}, {parcel.ward_name}, {parcel.province_name}",
        },
        "DienTich": float(parcel.area_m2),
        "MucDichSuDung": {"Ma": parcel.purpose_code, "Ten": parcel.purpose_name},
        "NguoiSuDung": [{"HoVaTen": parcel.owner_name, "SoDinhDanh": parcel.owner_national_id}],
        "GiayChungNhan": {
            "SoPhatHanh": parcel.certificate_number,
            "NgayCap": api.compact_date(parcel.certificate_issued_on),
        },
    }


@api.endpoint("GET")
def parcel(request, parcel_id: str):
    if not PARCEL_ID_RE.fullmatch(parcel_id):
        return api.failure(
            400,
            api.DATA_TYPE_INVALID,
            "DATA_TYPE_INVALID: mã thửa đất có dạng <mã xã 5 chữ số>-<số tờ bản đồ>-<số thửa>.",
        )
    found = LandParcel.objects.filter(parcel_id=parcel_id).first()
    if found is None:
        return api.failure(404, api.RECORD_NOT_FOUND, "RECORD_NOT_FOUND: không tìm thấy thửa đất có mã này.")
    return api.answer(parcel_record(found))


@api.document
def openapi_document(request):
    return JsonResponse(openapi.land_document(), json_dumps_params={"ensure_ascii": False})
