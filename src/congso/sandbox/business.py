"""The simulated national business registry (Hệ thống thông tin quốc gia về đăng ký doanh nghiệp): an
enterprise or a branch by tax code (mã số doanh nghiệp: 10 digits, a branch adds ``-NNN``).

Field names are Vietnamese PascalCase like the other national systems; the full shape is in
docs/sandbox.md and in the OpenAPI document (``openapi.business_document``).
"""

from django.http import JsonResponse

from congso.identity.validators import TAX_CODE_RE

from . import api, openapi
from .models import Business, BusinessStatus

STATUS_CODES = {
    BusinessStatus.ACTIVE: "DANG_HOAT_DONG",
    BusinessStatus.SUSPENDED: "TAM_NGUNG_KINH_DOANH",
    BusinessStatus.DISSOLVED: "DA_GIAI_THE",
}


def business_record(business: Business) -> dict:
    """The enterprise (or branch) as the registry gives it out."""
    parent = business.parent
    return {
        "MaSoDoanhNghiep": business.tax_code,
        "TenDoanhNghiep": business.name,
        "TenTiengAnh": business.english_name,
        "TenVietTat": business.short_name,
        "LoaiHinhDoanhNghiep": business.kind,
        "TinhTrangHoatDong": {"Ma": STATUS_CODES[business.status], "Ten": str(business.get_status_display())},
        "NgayDangKyLanDau": api.compact_date(business.registered_on),
        "VonDieuLe": business.charter_capital,
        "NguoiDaiDienPhapLuat": [
            {
                "HoVaTen": business.representative_name,
                "SoDinhDanh": business.representative_national_id,
                "ChucDanh": business.representative_title,
            }
        ],
        "DiaChiTruSo": {
            "MaTinh": business.province_code,
            "TenTinh": business.province_name,
            "MaXa": business.ward_code,
            "TenXa": business.ward_name,
            "ChiTiet": business.street_address,
            "DiaChiDayDu": f"{business.street_address}, {business.ward_name}, {business.province_name}",
        },
        "NganhNgheKinhDoanh": [
            {"MaNganh": line["code"], "TenNganh": line["name"], "LaNganhChinh": line["main"]}
            for line in business.business_lines
        ],
        "DonViChuQuan": {"MaSoDoanhNghiep": parent.tax_code, "TenDoanhNghiep": parent.name}
        if parent
        else None,
        "ChiNhanh": [
            {"MaSoDoanhNghiep": branch.tax_code, "TenChiNhanh": branch.name}
            for branch in business.branches.order_by("tax_code")
        ],
    }


@api.endpoint("GET")
def business(request, tax_code: str):
    if not TAX_CODE_RE.fullmatch(tax_code):
        return api.failure(
            400,
            api.DATA_TYPE_INVALID,
            "DATA_TYPE_INVALID: mã số doanh nghiệp phải gồm 10 chữ số, hoặc 10 chữ số kèm mã chi nhánh -NNN.",
        )
    found = Business.objects.select_related("parent").filter(tax_code=tax_code).first()
    if found is None:
        return api.failure(
            404, api.RECORD_NOT_FOUND, "RECORD_NOT_FOUND: không tìm thấy doanh nghiệp có mã số này."
        )
    return api.answer(business_record(found))


@api.document
def openapi_document(request):
    return JsonResponse(openapi.business_document(), json_dumps_params={"ensure_ascii": False})
