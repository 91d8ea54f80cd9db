"""The OpenAPI 3 documents of the two simulators, which the LGSP registry imports like any provider's.

Built here rather than stored as files so that the server address follows where the project mounts the
sandbox (``reverse``) and the shapes stay next to one another; ``tests/sandbox`` checks that every
answer of the simulators has the fields these documents promise.
"""

from django.urls import reverse

OPENAPI_VERSION = "3.0.3"
NOTICE = (
    "HỆ THỐNG MÔ PHỎNG của congso, dữ liệu giả: không phải hệ thống quốc gia thật. "
    "congso SIMULATOR with fake data: not the real national system."
)


def _string(description: str, **extra) -> dict:
    return {"type": "string", "description": description, **extra}


def _code_name(description: str) -> dict:
    return {
        "type": "object",
        "description": description,
        "properties": {"Ma": _string("Mã"), "Ten": _string("Tên")},
        "required": ["Ma", "Ten"],
    }


def _envelope(data_ref: str | None) -> dict:
    data = {"$ref": data_ref} if data_ref else {"nullable": True, "description": "null khi có lỗi"}
    return {
        "type": "object",
        "required": ["errorCode", "message", "data", "simulator"],
        "properties": {
            "errorCode": {
                "type": "integer",
                "description": "0 thành công; 100 AUTHEN_ERROR; 201 RECORD_NOT_FOUND; 302 DATA_TYPE_INVALID; "
                "405, 429 (mã của congso)",
            },
            "message": _string("Thông báo"),
            "data": data,
            "simulator": {"type": "boolean", "description": "luôn true: câu trả lời của hệ thống mô phỏng"},
            "notice": _string("Lời nhắc đây là hệ thống mô phỏng"),
        },
    }


ADDRESS = {
    "type": "object",
    "required": ["MaTinh", "TenTinh", "MaXa", "TenXa", "ChiTiet", "DiaChiDayDu"],
    "properties": {
        "MaTinh": _string("Mã tỉnh, thành phố (Tổng cục Thống kê)"),
        "TenTinh": _string("Tên tỉnh, thành phố"),
        "MaXa": _string("Mã phường, xã, đặc khu"),
        "TenXa": _string("Tên phường, xã, đặc khu"),
        "ChiTiet": _string("Số nhà, đường, tổ, khu phố"),
        "DiaChiDayDu": _string("Địa chỉ đầy đủ"),
    },
}

ERRORS = {
    "400": {
        "description": "302 DATA_TYPE_INVALID",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "401": {
        "description": "100 AUTHEN_ERROR",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "404": {
        "description": "201 RECORD_NOT_FOUND",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "429": {
        "description": "Vượt giới hạn số lần gọi",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}


def _ok(schema: str) -> dict:
    return {
        "description": "0 thành công",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _document(title: str, description: str, server: str, paths: dict, schemas: dict) -> dict:
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": title,
            "version": "1.0.0",
            "description": f"{description}\n\n{NOTICE}",
            "x-congso-sandbox": True,
        },
        "servers": [{"url": server}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Address": ADDRESS, "Error": _envelope(None), **schemas},
        },
    }


def population_base() -> str:
    return reverse("sandbox:index") + "csdlqg-dan-cu"


def business_base() -> str:
    return reverse("sandbox:index") + "dang-ky-kinh-doanh"


def land_base() -> str:
    return reverse("sandbox:index") + "dat-dai"


def population_document() -> dict:
    member = {
        "type": "object",
        "required": ["SoDinhDanh", "HoVaTen", "NgayThangNamSinh", "GioiTinh", "QuanHeVoiChuHo"],
        "properties": {
            "SoDinhDanh": _string("Số định danh cá nhân, 12 chữ số"),
            "HoVaTen": _string("Họ và tên"),
            "NgayThangNamSinh": _string("Ngày sinh, yyyyMMdd"),
            "GioiTinh": _code_name("Giới tính: 1 Nam, 2 Nữ"),
            "QuanHeVoiChuHo": _string("Quan hệ với chủ hộ"),
        },
    }
    citizen = {
        "type": "object",
        "required": [
            "SoDinhDanh",
            "HoVaTen",
            "NgayThangNamSinh",
            "GioiTinh",
            "DanToc",
            "QuocTich",
            "QueQuan",
            "NoiThuongTru",
            "NoiTamTru",
            "HoGiaDinh",
        ],
        "properties": {
            "SoDinhDanh": _string("Số định danh cá nhân, 12 chữ số"),
            "HoVaTen": _string("Họ và tên"),
            "NgayThangNamSinh": _string("Ngày sinh, yyyyMMdd"),
            "GioiTinh": _code_name("Giới tính: 1 Nam, 2 Nữ"),
            "DanToc": _code_name("Dân tộc"),
            "QuocTich": _code_name("Quốc tịch"),
            "QueQuan": _string("Quê quán"),
            "NoiThuongTru": {"$ref": "#/components/schemas/Address"},
            "NoiTamTru": {"allOf": [{"$ref": "#/components/schemas/Address"}], "nullable": True},
            "HoGiaDinh": {
                "type": "object",
                "required": ["MaHo", "QuanHeVoiChuHo", "ChuHo", "ThanhVien"],
                "properties": {
                    "MaHo": _string("Mã hộ gia đình"),
                    "QuanHeVoiChuHo": _string("Quan hệ của công dân với chủ hộ"),
                    "ChuHo": {
                        "type": "object",
                        "properties": {
                            "SoDinhDanh": _string("Số định danh"),
                            "HoVaTen": _string("Họ và tên"),
                        },
                    },
                    "ThanhVien": {"type": "array", "items": {"$ref": "#/components/schemas/Member"}},
                },
            },
        },
    }
    check_request = {
        "type": "object",
        "required": ["SoDinhDanh", "HoVaTen", "NgayThangNamSinh"],
        "properties": {
            "SoDinhDanh": _string("Số định danh cá nhân, 12 chữ số", pattern="^[0-9]{12}$"),
            "HoVaTen": _string("Họ và tên"),
            "NgayThangNamSinh": _string("Ngày sinh, yyyyMMdd", pattern="^[0-9]{8}$"),
        },
    }
    check_result = {
        "type": "object",
        "required": ["SoDinhDanh", "KetQuaXacThuc"],
        "properties": {
            "SoDinhDanh": _string("Số định danh cá nhân"),
            "KetQuaXacThuc": {"type": "boolean", "description": "true khi họ tên và ngày sinh khớp"},
        },
    }
    paths = {
        "/api/v1/cong-dan/{SoDinhDanh}": {
            "get": {
                "operationId": "traCuuCongDan",
                "summary": "Tra cứu thông tin công dân theo số định danh cá nhân",
                "parameters": [
                    {
                        "name": "SoDinhDanh",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{12}$"},
                    }
                ],
                "responses": {"200": _ok("CitizenAnswer"), **ERRORS},
            }
        },
        "/api/v1/cong-dan/xac-thuc": {
            "post": {
                "operationId": "xacThucCongDan",
                "summary": "Xác thực số định danh khớp với họ tên và ngày sinh",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/CheckRequest"}}
                    },
                },
                "responses": {"200": _ok("CheckAnswer"), **ERRORS},
            }
        },
    }
    schemas = {
        "Member": member,
        "Citizen": citizen,
        "CitizenAnswer": _envelope("#/components/schemas/Citizen"),
        "CheckRequest": check_request,
        "CheckResult": check_result,
        "CheckAnswer": _envelope("#/components/schemas/CheckResult"),
    }
    return _document(
        "Cơ sở dữ liệu quốc gia về dân cư (mô phỏng)",
        "Tra cứu công dân theo số định danh cá nhân: họ tên, ngày sinh, giới tính, nơi thường trú, nơi tạm "
        "trú, hộ gia đình; xác thực thông tin công dân.",
        population_base(),
        paths,
        schemas,
    )


def business_document() -> dict:
    business = {
        "type": "object",
        "required": [
            "MaSoDoanhNghiep",
            "TenDoanhNghiep",
            "TenTiengAnh",
            "TenVietTat",
            "LoaiHinhDoanhNghiep",
            "TinhTrangHoatDong",
            "NgayDangKyLanDau",
            "VonDieuLe",
            "NguoiDaiDienPhapLuat",
            "DiaChiTruSo",
            "NganhNgheKinhDoanh",
            "DonViChuQuan",
            "ChiNhanh",
        ],
        "properties": {
            "MaSoDoanhNghiep": _string("Mã số doanh nghiệp (mã số thuế): 10 chữ số, chi nhánh thêm -NNN"),
            "TenDoanhNghiep": _string("Tên doanh nghiệp bằng tiếng Việt"),
            "TenTiengAnh": _string("Tên doanh nghiệp bằng tiếng nước ngoài"),
            "TenVietTat": _string("Tên viết tắt"),
            "LoaiHinhDoanhNghiep": _string("Loại hình doanh nghiệp"),
            "TinhTrangHoatDong": _code_name("DANG_HOAT_DONG, TAM_NGUNG_KINH_DOANH hoặc DA_GIAI_THE"),
            "NgayDangKyLanDau": _string("Ngày đăng ký lần đầu, yyyyMMdd"),
            "VonDieuLe": {"type": "integer", "description": "Vốn điều lệ (đồng)"},
            "NguoiDaiDienPhapLuat": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["HoVaTen", "SoDinhDanh", "ChucDanh"],
                    "properties": {
                        "HoVaTen": _string("Họ và tên"),
                        "SoDinhDanh": _string("Số định danh cá nhân"),
                        "ChucDanh": _string("Chức danh"),
                    },
                },
            },
            "DiaChiTruSo": {"$ref": "#/components/schemas/Address"},
            "NganhNgheKinhDoanh": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["MaNganh", "TenNganh", "LaNganhChinh"],
                    "properties": {
                        "MaNganh": _string("Mã ngành cấp 4 (VSIC 2018)"),
                        "TenNganh": _string("Tên ngành"),
                        "LaNganhChinh": {"type": "boolean"},
                    },
                },
            },
            "DonViChuQuan": {
                "type": "object",
                "nullable": True,
                "description": "Doanh nghiệp chủ quản (chỉ với chi nhánh)",
                "properties": {"MaSoDoanhNghiep": _string("Mã số"), "TenDoanhNghiep": _string("Tên")},
            },
            "ChiNhanh": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "MaSoDoanhNghiep": _string("Mã số chi nhánh"),
                        "TenChiNhanh": _string("Tên"),
                    },
                },
            },
        },
    }
    paths = {
        "/api/v1/doanh-nghiep/{MaSoDoanhNghiep}": {
            "get": {
                "operationId": "traCuuDoanhNghiep",
                "summary": "Tra cứu thông tin doanh nghiệp, chi nhánh theo mã số doanh nghiệp",
                "parameters": [
                    {
                        "name": "MaSoDoanhNghiep",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{10}(-[0-9]{3})?$"},
                    }
                ],
                "responses": {"200": _ok("BusinessAnswer"), **ERRORS},
            }
        }
    }
    schemas = {"Business": business, "BusinessAnswer": _envelope("#/components/schemas/Business")}
    return _document(
        "Hệ thống thông tin quốc gia về đăng ký doanh nghiệp (mô phỏng)",
        "Tra cứu doanh nghiệp theo mã số: tên, tên tiếng Anh, người đại diện theo pháp luật, địa chỉ trụ sở, "
        "tình trạng hoạt động, ngày đăng ký, ngành nghề kinh doanh.",
        business_base(),
        paths,
        schemas,
    )


def dvcqg_base() -> str:
    return reverse("sandbox:index") + "dvcqg"


def _dvcqg_operation(summary: str, example: dict) -> dict:
    return {
        "post": {
            "summary": summary,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}, "example": example}},
            },
            "responses": {
                "200": {
                    "description": "error_code 0 thành công; khác 0: bị từ chối (message nói lý do)",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DvcqgReply"}}},
                },
                "503": {"description": "Đang ngừng phục vụ (công tắc mô phỏng sự cố)"},
            },
        }
    }


def dvcqg_document() -> dict:
    """The simulated national portal's three POST endpoints (the DVCQG adapter protocol, STANDARDS.md
    §8.1): an envelope protocol, described here so that the LGSP can register, route and log it."""
    reply = {
        "type": "object",
        "required": ["error_code", "message"],
        "properties": {
            "error_code": {"type": "integer"},
            "message": {"type": "string"},
            "result": {"type": "array", "items": {"type": "object"}},
            "session": {"type": "string"},
            "simulator": {"type": "boolean"},
            "notice": {"type": "string"},
        },
    }
    return _document(
        "Cổng Dịch vụ công quốc gia (mô phỏng)",
        "Bộ tích hợp của Cổng DVCQG: đăng nhập lấy phiên, rồi gửi POST {session, madonvi, service, …}.",
        dvcqg_base(),
        {
            "/api/auth": _dvcqg_operation("Đăng nhập", {"username": "…", "password": "…"}),
            "/api/share": _dvcqg_operation(
                "Dịch vụ chia sẻ: danh mục TTHC, hồ sơ chờ nhận",
                {"session": "…", "madonvi": "H08", "service": "LayThuTuc", "maTTHC": "1.001193"},
            ),
            "/api/integration": _dvcqg_operation(
                "Dịch vụ tích hợp: xác nhận đã nhận, đồng bộ hồ sơ, tiến độ",
                {"session": "…", "madonvi": "H08", "service": "CapNhatTienDoHoSoMC", "data": []},
            ),
        },
        {"DvcqgReply": reply},
    )


def land_document() -> dict:
    parcel = {
        "type": "object",
        "required": [
            "MaThuaDat",
            "SoToBanDo",
            "SoThua",
            "DiaChiThuaDat",
            "DienTich",
            "MucDichSuDung",
            "NguoiSuDung",
            "GiayChungNhan",
        ],
        "properties": {
            "MaThuaDat": _string("Mã thửa đất: mã xã - số tờ bản đồ - số thửa"),
            "SoToBanDo": {"type": "integer", "description": "Số tờ bản đồ"},
            "SoThua": {"type": "integer", "description": "Số thửa"},
            "DiaChiThuaDat": {"$ref": "#/components/schemas/Address"},
            "DienTich": {"type": "number", "description": "Diện tích (m²)"},
            "MucDichSuDung": _code_name("Mục đích sử dụng đất (mã theo Luật Đất đai)"),
            "NguoiSuDung": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["HoVaTen", "SoDinhDanh"],
                    "properties": {
                        "HoVaTen": _string("Họ và tên"),
                        "SoDinhDanh": _string("Số định danh cá nhân"),
                    },
                },
            },
            "GiayChungNhan": {
                "type": "object",
                "properties": {
                    "SoPhatHanh": _string("Số phát hành giấy chứng nhận"),
                    "NgayCap": _string("Ngày cấp, yyyyMMdd"),
                },
            },
        },
    }
    paths = {
        "/api/v1/thua-dat/{MaThuaDat}": {
            "get": {
                "operationId": "traCuuThuaDat",
                "summary": "Tra cứu thông tin thửa đất theo mã thửa",
                "parameters": [
                    {
                        "name": "MaThuaDat",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{5}-[0-9]{1,4}-[0-9]{1,5}$"},
                    }
                ],
                "responses": {"200": _ok("ParcelAnswer"), **ERRORS},
            }
        }
    }
    schemas = {"Parcel": parcel, "ParcelAnswer": _envelope("#/components/schemas/Parcel")}
    return _document(
        "Cơ sở dữ liệu quốc gia về đất đai (mô phỏng)",
        "Tra cứu thửa đất theo mã thửa: vị trí, diện tích, mục đích sử dụng, người sử dụng đất, "
        "giấy chứng nhận.",
        land_base(),
        paths,
        schemas,
    )
