"""Registry adapters: one per national register, each in ``adapters`` (a ``core.registry.Registry``)
under its code. An adapter knows the LGSP service that serves the register, how the register is keyed
(national ID, tax code, parcel), which attributes it gives in congso's vocabulary, and how to map the
register's answer (Vietnamese PascalCase, STANDARDS.md §8) to them. It makes no call itself: ``client``
does, through the LGSP gateway, for every adapter alike.

A province adds a register by registering another adapter (from its own app's ``ready()``); the form
definitions then name its attributes as ``"<code>.<attribute>"`` prefill sources.
"""

import re
from datetime import datetime

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congso.core.registry import Registry

adapters = Registry("national registries")


class RegistryAdapter:
    code = ""  # the prefill source name and the key in ``adapters``
    service = ""  # the LGSP service code under the national prefix (conf.national_prefix)
    name = ""  # the register's name, e.g. "Cơ sở dữ liệu quốc gia về dân cư"
    key_label = ""  # what the key is, e.g. "Số định danh cá nhân"
    key_pattern = re.compile(r".+")
    attributes: dict = {}  # attribute → label (Vietnamese)
    # Does the answer hold a citizen's personal data (a read is recorded against their national ID)?
    personal_data = True

    def path(self, key: str) -> str:
        raise NotImplementedError

    def valid_key(self, key: str) -> bool:
        return bool(key) and bool(self.key_pattern.fullmatch(key))

    def to_values(self, data: dict) -> dict:
        """``{attribute: JSON value}`` from the register's ``data``."""
        raise NotImplementedError

    @property
    def source_label(self):
        """Shown beside every field the register filled ("theo Cơ sở dữ liệu quốc gia về dân cư"), in
        the language of the request that shows it."""
        name = self.name
        return lazy(lambda: gettext("theo %(register)s") % {"register": name}, str)()


def _iso(compact: str | None) -> str | None:
    """``yyyyMMdd`` (the national systems' dates) → ``yyyy-mm-dd``."""
    if not compact:
        return None
    try:
        return datetime.strptime(compact, "%Y%m%d").date().isoformat()
    except ValueError:
        return None


def _address(value: dict | None) -> str:
    return (value or {}).get("DiaChiDayDu", "") if value else ""


@adapters("dan_cu")
class PopulationAdapter(RegistryAdapter):
    code = "dan_cu"
    service = "csdlqg-dan-cu"
    name = _("Cơ sở dữ liệu quốc gia về dân cư")
    key_label = _("Số định danh cá nhân")
    key_pattern = re.compile(r"[0-9]{12}")
    attributes = {
        "full_name": _("Họ và tên"),
        "date_of_birth": _("Ngày sinh (yyyy-mm-dd)"),
        "sex": _("Giới tính"),
        "ethnicity": _("Dân tộc"),
        "nationality": _("Quốc tịch"),
        "hometown": _("Quê quán"),
        "permanent_address": _("Nơi thường trú"),
        "temporary_address": _("Nơi tạm trú"),
        "household_code": _("Mã hộ gia đình"),
        "household_head": _("Họ tên chủ hộ"),
        "relation_to_head": _("Quan hệ với chủ hộ"),
        "household_members": _("Thành viên hộ gia đình"),
    }

    def path(self, key):
        return f"/api/v1/cong-dan/{key}"

    def to_values(self, data):
        household = data.get("HoGiaDinh") or {}
        return {
            "full_name": data.get("HoVaTen", ""),
            "date_of_birth": _iso(data.get("NgayThangNamSinh")),
            "sex": (data.get("GioiTinh") or {}).get("Ten", ""),
            "ethnicity": (data.get("DanToc") or {}).get("Ten", ""),
            "nationality": (data.get("QuocTich") or {}).get("Ten", ""),
            "hometown": data.get("QueQuan", ""),
            "permanent_address": _address(data.get("NoiThuongTru")),
            "temporary_address": _address(data.get("NoiTamTru")),
            "household_code": household.get("MaHo", ""),
            "household_head": (household.get("ChuHo") or {}).get("HoVaTen", ""),
            "relation_to_head": household.get("QuanHeVoiChuHo", ""),
            "household_members": [
                {
                    "full_name": member.get("HoVaTen", ""),
                    "date_of_birth": _iso(member.get("NgayThangNamSinh")),
                    "relation_to_head": member.get("QuanHeVoiChuHo", ""),
                }
                for member in household.get("ThanhVien") or []
            ],
        }


@adapters("doanh_nghiep")
class BusinessAdapter(RegistryAdapter):
    code = "doanh_nghiep"
    service = "dang-ky-kinh-doanh"
    name = _("Hệ thống thông tin quốc gia về đăng ký doanh nghiệp")
    key_label = _("Mã số doanh nghiệp")
    key_pattern = re.compile(r"[0-9]{10}(-[0-9]{3})?")
    personal_data = False
    attributes = {
        "name": _("Tên doanh nghiệp"),
        "english_name": _("Tên tiếng nước ngoài"),
        "kind": _("Loại hình doanh nghiệp"),
        "status": _("Tình trạng hoạt động"),
        "registered_on": _("Ngày đăng ký lần đầu (yyyy-mm-dd)"),
        "legal_representative": _("Người đại diện theo pháp luật"),
        "representative_title": _("Chức danh người đại diện"),
        "head_office_address": _("Địa chỉ trụ sở chính"),
        "main_business_line": _("Ngành, nghề kinh doanh chính"),
        "business_lines": _("Ngành, nghề kinh doanh"),
    }

    def path(self, key):
        return f"/api/v1/doanh-nghiep/{key}"

    def to_values(self, data):
        representatives = data.get("NguoiDaiDienPhapLuat") or [{}]
        lines = data.get("NganhNgheKinhDoanh") or []
        main = next((line for line in lines if line.get("LaNganhChinh")), lines[0] if lines else {})
        return {
            "name": data.get("TenDoanhNghiep", ""),
            "english_name": data.get("TenTiengAnh", ""),
            "kind": data.get("LoaiHinhDoanhNghiep", ""),
            "status": (data.get("TinhTrangHoatDong") or {}).get("Ten", ""),
            "registered_on": _iso(data.get("NgayDangKyLanDau")),
            "legal_representative": representatives[0].get("HoVaTen", ""),
            "representative_title": representatives[0].get("ChucDanh", ""),
            "head_office_address": _address(data.get("DiaChiTruSo")),
            "main_business_line": f"{main.get('MaNganh', '')} — {main.get('TenNganh', '')}" if main else "",
            "business_lines": [f"{line.get('MaNganh', '')} — {line.get('TenNganh', '')}" for line in lines],
        }


@adapters("dat_dai")
class LandAdapter(RegistryAdapter):
    code = "dat_dai"
    service = "dat-dai"
    name = _("Cơ sở dữ liệu quốc gia về đất đai")
    key_label = _("Mã thửa đất (mã xã-số tờ-số thửa)")
    key_pattern = re.compile(r"[0-9]{5}-[0-9]{1,4}-[0-9]{1,5}")
    attributes = {
        "owner": _("Người sử dụng đất"),
        "owner_national_id": _("Số định danh người sử dụng đất"),
        "area_m2": _("Diện tích (m²)"),
        "purpose": _("Mục đích sử dụng"),
        "address": _("Địa chỉ thửa đất"),
        "certificate_number": _("Số phát hành giấy chứng nhận"),
    }

    def path(self, key):
        return f"/api/v1/thua-dat/{key}"

    def to_values(self, data):
        owners = data.get("NguoiSuDung") or [{}]
        return {
            "owner": owners[0].get("HoVaTen", ""),
            "owner_national_id": owners[0].get("SoDinhDanh", ""),
            "area_m2": data.get("DienTich"),
            "purpose": (data.get("MucDichSuDung") or {}).get("Ten", ""),
            "address": _address(data.get("DiaChiThuaDat")),
            "certificate_number": (data.get("GiayChungNhan") or {}).get("SoPhatHanh", ""),
        }


def adapter_for_service(service_identifier: str):
    """The adapter serving the LGSP service ``MEMBER/SYSTEM/SERVICE``, or None."""
    code = service_identifier.rsplit("/", 1)[-1]
    return next((adapter() for _name, adapter in adapters.items() if adapter.service == code), None)
