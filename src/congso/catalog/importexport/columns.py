"""The columns of the catalogue file format (one table per sheet, the same keys in JSON) and the raw
rows both readers produce: each ``Row`` remembers where it came from and collects its problems."""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import FeeKind, OnlineMode, ProcedureLevel, SupplementClockRule, TimeLimitUnit, VersionStatus
from .converters import (
    BadValue,
    choice,
    to_boolean,
    to_code_text,
    to_date,
    to_integer,
    to_json_object,
    to_string_list,
    to_text,
    to_time,
)
from .report import Issue


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    convert: Callable
    default: object = ""
    required: bool = False


# The headers are part of the documented file format (docs/catalog-format.md): plain Vietnamese strings,
# deliberately not passed through gettext, so a workbook reads the same whatever the interface language.
def _c(key, header, convert=to_text, default="", required=False) -> Column:
    return Column(key, header, convert, default, required)


FIELD_COLUMNS = [
    _c("code", "Mã lĩnh vực", required=True),
    _c("name", "Tên lĩnh vực", required=True),
]
LIFE_EVENT_COLUMNS = [
    _c("slug", "Mã sự kiện", required=True),
    _c("name", "Tên sự kiện", required=True),
    _c("description", "Mô tả"),
    _c("for_business", "Dành cho doanh nghiệp", to_boolean, False),
]
PROCEDURE_COLUMNS = [
    _c("code", "Mã thủ tục", to_code_text, required=True),
    _c("national_code", "Mã thủ tục quốc gia", to_code_text),
    _c("name", "Tên thủ tục", required=True),
    _c("field", "Mã lĩnh vực", required=True),
    _c("level", "Cấp thực hiện", choice(ProcedureLevel), required=True),
    _c("is_active", "Đang áp dụng", to_boolean, True),
    _c("life_events", "Sự kiện cuộc sống", to_string_list, []),
]
VERSION_COLUMNS = [
    _c("number", "Phiên bản", to_integer, required=True),
    _c("status", "Trạng thái", choice(VersionStatus), VersionStatus.DRAFT),
    _c("effective_from", "Hiệu lực từ", to_date, required=True),
    _c("effective_to", "Hiệu lực đến", to_date, None),
    _c("legal_basis", "Căn cứ pháp lý", required=True),
    _c("description", "Trình tự thực hiện"),
    _c("conditions", "Yêu cầu, điều kiện"),
    _c("applicant_types", "Đối tượng thực hiện"),
    _c("implementing_agencies", "Cơ quan thực hiện (mã định danh)", to_string_list, []),
    _c("implementing_agency_note", "Cơ quan thực hiện (mô tả)"),
    _c("submission_place", "Nơi nộp hồ sơ, cách thức thực hiện"),
    _c("time_limit_value", "Thời hạn giải quyết", to_integer, 0),
    _c("time_limit_unit", "Đơn vị thời hạn", choice(TimeLimitUnit), TimeLimitUnit.WORKING_DAYS),
    _c("time_limit_note", "Ghi chú thời hạn"),
    _c("receipt_cutoff", "Giờ tiếp nhận tính trong ngày", to_time, None),
    _c(
        "supplement_clock_rule",
        "Thời hạn khi yêu cầu bổ sung",
        choice(SupplementClockRule),
        SupplementClockRule.PAUSE,
    ),
    _c("online_mode", "Mức độ trực tuyến", choice(OnlineMode), OnlineMode.INFORMATION),
    _c("result_type", "Kết quả thực hiện"),
    _c("result_is_electronic", "Trả kết quả điện tử", to_boolean, False),
    _c("fee_note", "Phí, lệ phí (mô tả)"),
    _c("form_schema", "Biểu mẫu trực tuyến (JSON Schema)", to_json_object, {}),
    _c("form_ui", "Gợi ý hiển thị biểu mẫu (JSON)", to_json_object, {}),
    _c("process_key", "Quy trình nội bộ"),
    _c("unverified", "Thông tin chưa xác minh", to_string_list, []),
]
PAPER_COLUMNS = [
    _c("code", "Mã giấy tờ"),
    _c("name", "Tên giấy tờ", required=True),
    _c("originals", "Số bản chính", to_integer, 0),
    _c("copies", "Số bản sao", to_integer, 0),
    _c("is_required", "Bắt buộc", to_boolean, True),
    _c("from_data_store", "Lấy từ kho dữ liệu", to_boolean, False),
    _c("template", "Tệp mẫu"),
    _c("note", "Ghi chú"),
]
FEE_COLUMNS = [
    _c("name", "Tên phí, lệ phí", required=True),
    _c("kind", "Cách tính", choice(FeeKind), FeeKind.FIXED),
    _c("amount", "Mức thu (đồng)", to_integer, 0),
    _c("rule", "Tham số (JSON)", to_json_object, {}),
    _c("exemptions", "Miễn, giảm"),
    _c("legal_basis", "Căn cứ"),
]
# The keys that tie a paper or fee row to its version in the spreadsheet.
KEY_COLUMNS = [
    _c("procedure", "Mã thủ tục", to_code_text, required=True),
    _c("version", "Phiên bản", to_integer, required=True),
]


# --- raw rows -----------------------------------------------------------------------------------------


@dataclass
class Row:
    where: str
    line: int | None
    data: dict
    problems: list[Issue] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.problems.append(Issue(self.where, self.line, message))


@dataclass
class RawVersion:
    row: Row
    papers: list[Row] = field(default_factory=list)
    fees: list[Row] = field(default_factory=list)


@dataclass
class RawProcedure:
    row: Row
    versions: list[RawVersion] = field(default_factory=list)


@dataclass
class RawCatalog:
    fields: list[Row] = field(default_factory=list)
    life_events: list[Row] = field(default_factory=list)
    procedures: list[RawProcedure] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # problems of structure found while reading


def convert_row(row: Row, raw: dict, columns: list[Column]) -> None:
    """Fill ``row.data`` from ``raw`` (key → raw value) with typed values and defaults."""
    for column in columns:
        value = raw.get(column.key)
        try:
            converted = column.convert(value)
        except BadValue as exc:
            row.fail(f"{column.header}: {exc}")
            row.data[column.key] = None
            continue
        if converted in (None, "") and column.required:
            row.fail(missing_message(column))
        if converted is None or (converted == "" and column.default != ""):
            converted = copy.copy(column.default)
        row.data[column.key] = converted


def missing_message(column: Column) -> str:
    return _("Thiếu “%(what)s”.") % {"what": column.header}
