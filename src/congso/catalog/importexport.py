"""Import and export of the procedure catalog as JSON or XLSX (format: docs/catalog-format.md).

Both formats are read into the same raw rows, each remembering where it came from (sheet and line,
or the path in the JSON document); one validator checks everything and collects *every* problem with
its place and a Vietnamese reason; only when there is none is anything written, in one transaction.

Public functions: ``export_data`` / ``export_json`` / ``export_xlsx`` and ``import_catalog`` (plus
``read_json`` / ``read_xlsx`` / ``import_raw`` for callers that already hold the content).
"""

import copy
import functools
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Prefetch
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from congso.agencies.models import Agency
from congso.core import audit, safejson, spreadsheets

from .fees import validate_fee_rule
from .models import (
    Fee,
    FeeKind,
    Field,
    LifeEvent,
    OnlineMode,
    Procedure,
    ProcedureLevel,
    ProcedureVersion,
    RequiredPaper,
    SupplementClockRule,
    TimeLimitUnit,
    VersionStatus,
)
from .search import fold
from .signals import deferred_search_refresh
from .validators import (
    check_procedure_code,
    validate_form_schema,
    validate_form_ui,
    validate_national_code,
    validate_unverified,
)

FORMAT_NAME = "congso.catalog"
FORMAT_VERSION = 1

SHEET_PROCEDURES = "Thủ tục"
SHEET_PAPERS = "Thành phần hồ sơ"
SHEET_FEES = "Phí, lệ phí"
SHEET_FIELDS = "Lĩnh vực"
SHEET_LIFE_EVENTS = "Sự kiện cuộc sống"
SHEET_GUIDE = "Hướng dẫn"


# --- problems and the report ----------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """One problem found in the input: where (sheet or JSON path), the line (XLSX/JSON text) and why."""

    where: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("%(where)s, dòng %(line)s: %(message)s") % {
                "where": self.where,
                "line": self.line,
                "message": self.message,
            }
        return f"{self.where}: {self.message}"


class CatalogImportError(Exception):
    """The input could not be read at all (not JSON, not a workbook); ``issues`` says why."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = issues


@dataclass
class ImportReport:
    issues: list[Issue] = field(default_factory=list)
    dry_run: bool = False
    fields: int = 0
    life_events: int = 0
    procedures_created: int = 0
    procedures_updated: int = 0
    versions_created: int = 0
    versions_updated: int = 0
    papers: int = 0
    fees: int = 0
    # Rows actually written (created or changed); a repeated import of the same file writes none.
    rows_written: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues

    def summary(self) -> str:
        if not self.ok:
            return _("Không nhập gì: có %(n)s lỗi cần sửa.") % {"n": len(self.issues)}
        lead = _("Kiểm tra xong, không có lỗi") if self.dry_run else _("Đã nhập")
        text = _(
            "%(lead)s: %(pc)s thủ tục mới, %(pu)s thủ tục đã có, %(vc)s phiên bản mới, "
            "%(vu)s phiên bản đã có, %(papers)s thành phần hồ sơ, %(fees)s khoản phí, "
            "%(fields)s lĩnh vực, %(events)s sự kiện cuộc sống."
        ) % {
            "lead": lead,
            "pc": self.procedures_created,
            "pu": self.procedures_updated,
            "vc": self.versions_created,
            "vu": self.versions_updated,
            "papers": self.papers,
            "fees": self.fees,
            "fields": self.fields,
            "events": self.life_events,
        }
        if not self.dry_run:
            text += " " + (
                _("Số bản ghi được tạo hoặc thay đổi: %(n)s.") % {"n": self.rows_written}
                if self.rows_written
                else _("Dữ liệu đã trùng khớp, không có gì thay đổi.")
            )
        return text


# --- value converters: raw cell or JSON value → Python value, or _Bad(reason) -----------------------


class _Bad(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise _Bad(_("cần một chuỗi ký tự."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dict, list)):
        raise _Bad(_("cần một chuỗi ký tự."))
    return str(value).strip()


def _code_text(value) -> str:
    # A spreadsheet turns "2.000720" typed by hand into the number 2.00072; restore the six decimals.
    if isinstance(value, float):
        return f"{value:.6f}"
    return _text(value)


def _integer(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _Bad(_("cần một số nguyên."))
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad(_("cần một số nguyên."))
        value = int(value)
    if isinstance(value, str):
        cleaned = (
            value.strip().replace(".", "").replace(",", "")
            if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", value.strip())
            else value.strip()
        )
        if not re.fullmatch(r"-?\d+", cleaned):
            raise _Bad(_("“%(value)s” không phải số nguyên.") % {"value": value})
        value = int(cleaned)
    if not isinstance(value, int):
        raise _Bad(_("cần một số nguyên."))
    if value < 0:
        raise _Bad(_("phải là số nguyên không âm (đang là %(value)s).") % {"value": value})
    return value


_TRUE = {"co", "x", "true", "yes", "1", "dung"}
_FALSE = {"khong", "false", "no", "0", "sai"}


def _boolean(value) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = fold(str(value))
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _Bad(_("cần “có” hoặc “không” (đang là “%(value)s”).") % {"value": value})


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _Bad(_("“%(value)s” không phải ngày hợp lệ (dạng 2025-07-01 hoặc 01/07/2025).") % {"value": value})


def _time(value) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    text = str(value).strip()
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    raise _Bad(_("“%(value)s” không phải giờ hợp lệ (dạng 15:00).") % {"value": value})


def _string_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise _Bad(_("cần danh sách chuỗi ký tự."))
        return [v.strip() for v in value if v.strip()]
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                return _string_list(safejson.loads(stripped))
            except safejson.JSONLimitError as exc:
                raise _Bad(exc.message) from None
            except json.JSONDecodeError:
                raise _Bad(_("danh sách JSON không hợp lệ.")) from None
        return [part.strip() for part in re.split(r"[;\n]", stripped) if part.strip()]
    raise _Bad(_("cần danh sách, các mục cách nhau bởi dấu chấm phẩy."))


def _json_object(value) -> dict:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = safejson.loads(value)
        except safejson.JSONLimitError as exc:
            raise _Bad(exc.message) from None
        except json.JSONDecodeError as exc:
            raise _Bad(_("không phải JSON hợp lệ (%(reason)s).") % {"reason": exc.msg}) from None
        if isinstance(parsed, dict):
            return parsed
    raise _Bad(_("cần một đối tượng JSON."))


@functools.lru_cache(maxsize=64)
def _accepted_words(choices, active_language: str) -> dict[str, str]:
    """Folded code and labels (Vietnamese, and the active language's) → code."""
    accepted = {}
    for language in dict.fromkeys(["vi", active_language]):
        with translation.override(language):
            for value, label in choices.choices:
                accepted[fold(value)] = value
                accepted[fold(str(label))] = value
            if choices is OnlineMode:
                for value in OnlineMode.values:
                    accepted[fold(OnlineMode.current_term(value))] = value
                    accepted[fold(OnlineMode.former_level(value))] = value
    return accepted


def _choice(choices) -> Callable:
    """A converter accepting a choice's code or its label (``fully``, ``Toàn trình``, ``mức độ 4``)."""
    allowed = ", ".join(choices.values)

    def convert(value):
        if value is None or value == "":
            return None
        found = _accepted_words(choices, translation.get_language() or "vi").get(fold(str(value)))
        if found is None:
            raise _Bad(
                _("“%(value)s” không hợp lệ; dùng một trong: %(allowed)s.")
                % {"value": value, "allowed": allowed}
            )
        return found

    return convert


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    convert: Callable
    default: object = ""
    required: bool = False


# The headers are part of the documented file format (docs/catalog-format.md): plain Vietnamese strings,
# deliberately not passed through gettext, so a workbook reads the same whatever the interface language.
def _c(key, header, convert=_text, default="", required=False) -> Column:
    return Column(key, header, convert, default, required)


FIELD_COLUMNS = [
    _c("code", "Mã lĩnh vực", required=True),
    _c("name", "Tên lĩnh vực", required=True),
]
LIFE_EVENT_COLUMNS = [
    _c("slug", "Mã sự kiện", required=True),
    _c("name", "Tên sự kiện", required=True),
    _c("description", "Mô tả"),
    _c("for_business", "Dành cho doanh nghiệp", _boolean, False),
]
PROCEDURE_COLUMNS = [
    _c("code", "Mã thủ tục", _code_text, required=True),
    _c("national_code", "Mã thủ tục quốc gia", _code_text),
    _c("name", "Tên thủ tục", required=True),
    _c("field", "Mã lĩnh vực", required=True),
    _c("level", "Cấp thực hiện", _choice(ProcedureLevel), required=True),
    _c("is_active", "Đang áp dụng", _boolean, True),
    _c("life_events", "Sự kiện cuộc sống", _string_list, []),
]
VERSION_COLUMNS = [
    _c("number", "Phiên bản", _integer, required=True),
    _c("status", "Trạng thái", _choice(VersionStatus), VersionStatus.DRAFT),
    _c("effective_from", "Hiệu lực từ", _date, required=True),
    _c("effective_to", "Hiệu lực đến", _date, None),
    _c("legal_basis", "Căn cứ pháp lý", required=True),
    _c("description", "Trình tự thực hiện"),
    _c("conditions", "Yêu cầu, điều kiện"),
    _c("applicant_types", "Đối tượng thực hiện"),
    _c("implementing_agencies", "Cơ quan thực hiện (mã định danh)", _string_list, []),
    _c("implementing_agency_note", "Cơ quan thực hiện (mô tả)"),
    _c("submission_place", "Nơi nộp hồ sơ, cách thức thực hiện"),
    _c("time_limit_value", "Thời hạn giải quyết", _integer, 0),
    _c("time_limit_unit", "Đơn vị thời hạn", _choice(TimeLimitUnit), TimeLimitUnit.WORKING_DAYS),
    _c("time_limit_note", "Ghi chú thời hạn"),
    _c("receipt_cutoff", "Giờ tiếp nhận tính trong ngày", _time, None),
    _c(
        "supplement_clock_rule",
        "Thời hạn khi yêu cầu bổ sung",
        _choice(SupplementClockRule),
        SupplementClockRule.PAUSE,
    ),
    _c("online_mode", "Mức độ trực tuyến", _choice(OnlineMode), OnlineMode.INFORMATION),
    _c("result_type", "Kết quả thực hiện"),
    _c("result_is_electronic", "Trả kết quả điện tử", _boolean, False),
    _c("fee_note", "Phí, lệ phí (mô tả)"),
    _c("form_schema", "Biểu mẫu trực tuyến (JSON Schema)", _json_object, {}),
    _c("form_ui", "Gợi ý hiển thị biểu mẫu (JSON)", _json_object, {}),
    _c("process_key", "Quy trình nội bộ"),
    _c("unverified", "Thông tin chưa xác minh", _string_list, []),
]
PAPER_COLUMNS = [
    _c("code", "Mã giấy tờ"),
    _c("name", "Tên giấy tờ", required=True),
    _c("originals", "Số bản chính", _integer, 0),
    _c("copies", "Số bản sao", _integer, 0),
    _c("is_required", "Bắt buộc", _boolean, True),
    _c("from_data_store", "Lấy từ kho dữ liệu", _boolean, False),
    _c("template", "Tệp mẫu"),
    _c("note", "Ghi chú"),
]
FEE_COLUMNS = [
    _c("name", "Tên phí, lệ phí", required=True),
    _c("kind", "Cách tính", _choice(FeeKind), FeeKind.FIXED),
    _c("amount", "Mức thu (đồng)", _integer, 0),
    _c("rule", "Tham số (JSON)", _json_object, {}),
    _c("exemptions", "Miễn, giảm"),
    _c("legal_basis", "Căn cứ"),
]
# The keys that tie a paper or fee row to its version in the spreadsheet.
KEY_COLUMNS = [
    _c("procedure", "Mã thủ tục", _code_text, required=True),
    _c("version", "Phiên bản", _integer, required=True),
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


def _convert(row: Row, raw: dict, columns: list[Column]) -> None:
    """Fill ``row.data`` from ``raw`` (key → raw value) with typed values and defaults."""
    for column in columns:
        value = raw.get(column.key)
        try:
            converted = column.convert(value)
        except _Bad as exc:
            row.fail(f"{column.header}: {exc}")
            row.data[column.key] = None
            continue
        if converted in (None, "") and column.required:
            row.fail(_missing(column))
        if converted is None or (converted == "" and column.default != ""):
            converted = copy.copy(column.default)
        row.data[column.key] = converted


def _missing(column: Column) -> str:
    return _("Thiếu “%(what)s”.") % {"what": column.header}


# --- JSON ---------------------------------------------------------------------------------------------


def read_json(content) -> RawCatalog:
    """Read a catalog JSON document (str, bytes or an already parsed dict). Raises CatalogImportError if
    it is not JSON or not a catalog document at all; every other problem is left to validation."""
    where = _("Tệp JSON")
    if isinstance(content, (bytes, bytearray)):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CatalogImportError([Issue(where, None, _("Tệp không phải văn bản UTF-8."))]) from None
    if isinstance(content, str):
        try:
            document = safejson.loads(content)
        except safejson.JSONLimitError as exc:
            raise CatalogImportError([Issue(where, None, exc.message)]) from None
        except json.JSONDecodeError as exc:
            raise CatalogImportError(
                [
                    Issue(
                        where,
                        exc.lineno,
                        _("JSON không hợp lệ: %(reason)s (cột %(col)s).")
                        % {"reason": exc.msg, "col": exc.colno},
                    )
                ]
            ) from None
    else:
        document = content
        try:
            safejson.check_depth(document)
        except safejson.JSONLimitError as exc:
            raise CatalogImportError([Issue(where, None, exc.message)]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise CatalogImportError(
            [
                Issue(
                    where,
                    None,
                    _('Không phải tệp danh mục thủ tục: cần khóa "format": "%(name)s".')
                    % {"name": FORMAT_NAME},
                )
            ]
        )
    raw = RawCatalog()
    if document.get("format_version") != FORMAT_VERSION:
        raw.issues.append(
            Issue(
                where,
                None,
                _("Phiên bản định dạng %(got)s không được hỗ trợ (cần %(want)s).")
                % {"got": document.get("format_version"), "want": FORMAT_VERSION},
            )
        )
        return raw
    _unknown_keys(
        raw.issues, where, document, {"format", "format_version", "fields", "life_events", "procedures"}
    )
    for i, item in enumerate(_list(raw.issues, where, document, "fields"), start=1):
        raw.fields.append(_json_row(raw.issues, _("Lĩnh vực thứ %(n)s") % {"n": i}, item, FIELD_COLUMNS))
    for i, item in enumerate(_list(raw.issues, where, document, "life_events"), start=1):
        raw.life_events.append(
            _json_row(raw.issues, _("Sự kiện thứ %(n)s") % {"n": i}, item, LIFE_EVENT_COLUMNS)
        )
    for i, item in enumerate(_list(raw.issues, where, document, "procedures"), start=1):
        raw.procedures.append(_json_procedure(raw.issues, i, item))
    return raw


def _list(issues, where, container, key) -> list:
    value = container.get(key, [])
    if not isinstance(value, list):
        issues.append(Issue(where, None, _("“%(key)s” phải là một danh sách.") % {"key": key}))
        return []
    return value


def _unknown_keys(issues, where, item: dict, allowed: set) -> None:
    # Keys starting with "_" are comments (sources, notes) and are ignored.
    unknown = sorted(k for k in item if k not in allowed and not k.startswith("_"))
    if unknown:
        issues.append(
            Issue(where, None, _("Khóa không được hỗ trợ: %(keys)s.") % {"keys": ", ".join(unknown)})
        )


def _json_row(issues, where: str, item, columns: list[Column], extra_keys: set = frozenset()) -> Row:
    row = Row(where, None, {})
    if not isinstance(item, dict):
        row.fail(_("phải là một đối tượng JSON."))
        item = {}
    _unknown_keys(row.problems, where, item, {c.key for c in columns} | set(extra_keys))
    _convert(row, item, columns)
    return row


def _json_procedure(issues, index: int, item) -> RawProcedure:
    code = item.get("code") if isinstance(item, dict) else None
    where = _("Thủ tục thứ %(n)s") % {"n": index} + (f" ({code})" if code else "")
    procedure = RawProcedure(_json_row(issues, where, item, PROCEDURE_COLUMNS, {"versions"}))
    if not isinstance(item, dict):
        return procedure
    for j, version_item in enumerate(_list(procedure.row.problems, where, item, "versions"), start=1):
        number = version_item.get("number") if isinstance(version_item, dict) else None
        vwhere = f"{where}, " + _("phiên bản %(n)s") % {"n": number if number is not None else f"#{j}"}
        version = RawVersion(_json_row(issues, vwhere, version_item, VERSION_COLUMNS, {"papers", "fees"}))
        if isinstance(version_item, dict):
            for k, paper in enumerate(_list(version.row.problems, vwhere, version_item, "papers"), start=1):
                version.papers.append(
                    _json_row(issues, f"{vwhere}, " + _("giấy tờ thứ %(n)s") % {"n": k}, paper, PAPER_COLUMNS)
                )
            for k, fee in enumerate(_list(version.row.problems, vwhere, version_item, "fees"), start=1):
                version.fees.append(
                    _json_row(issues, f"{vwhere}, " + _("khoản phí thứ %(n)s") % {"n": k}, fee, FEE_COLUMNS)
                )
        procedure.versions.append(version)
    return procedure


# --- XLSX ---------------------------------------------------------------------------------------------


def read_xlsx(source) -> RawCatalog:
    """Read a catalog workbook (a path, bytes or a binary file). Raises CatalogImportError if it is not
    a readable .xlsx workbook or lacks the procedure sheet."""
    from openpyxl import load_workbook

    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) for a bad file
        raise CatalogImportError(
            [
                Issue(
                    _("Tệp XLSX"),
                    None,
                    _("Không đọc được bảng tính: %(reason)s") % {"reason": exc.__class__.__name__},
                )
            ]
        ) from None
    try:
        return _read_workbook(workbook)
    finally:
        workbook.close()


def _read_workbook(workbook) -> RawCatalog:
    raw = RawCatalog()
    known = {
        fold(n): n
        for n in (SHEET_PROCEDURES, SHEET_PAPERS, SHEET_FEES, SHEET_FIELDS, SHEET_LIFE_EVENTS, SHEET_GUIDE)
    }
    sheets = {}
    for sheet in workbook.worksheets:
        name = known.get(fold(sheet.title))
        if name is None:
            raw.issues.append(
                Issue(
                    sheet.title,
                    None,
                    _("Trang tính không được hỗ trợ; các trang hợp lệ: %(names)s.")
                    % {"names": ", ".join(known.values())},
                )
            )
        else:
            sheets[name] = sheet
    if SHEET_PROCEDURES not in sheets:
        raise CatalogImportError(
            [Issue(_("Tệp XLSX"), None, _("Thiếu trang tính “%(name)s”.") % {"name": SHEET_PROCEDURES})]
        )
    raw.fields = [
        row for row, _values in _sheet_rows(raw, sheets.get(SHEET_FIELDS), SHEET_FIELDS, FIELD_COLUMNS)
    ]
    raw.life_events = [
        row
        for row, _values in _sheet_rows(
            raw, sheets.get(SHEET_LIFE_EVENTS), SHEET_LIFE_EVENTS, LIFE_EVENT_COLUMNS
        )
    ]
    _read_procedure_sheet(raw, sheets[SHEET_PROCEDURES])
    versions = {
        (p.row.data.get("code"), v.row.data.get("number")): v for p in raw.procedures for v in p.versions
    }
    for sheet_name, columns, attr in (
        (SHEET_PAPERS, PAPER_COLUMNS, "papers"),
        (SHEET_FEES, FEE_COLUMNS, "fees"),
    ):
        for row, _values in _sheet_rows(raw, sheets.get(sheet_name), sheet_name, KEY_COLUMNS + columns):
            key = (row.data.pop("procedure"), row.data.pop("version"))
            version = versions.get(key)
            if version is None:
                if key[0] and key[1] is not None:
                    row.fail(
                        _("Không có phiên bản %(number)s của thủ tục %(code)s trong trang “%(sheet)s”.")
                        % {"number": key[1], "code": key[0], "sheet": SHEET_PROCEDURES}
                    )
                raw.issues.extend(row.problems)
                continue
            getattr(version, attr).append(row)
    return raw


def _sheet_rows(raw: RawCatalog, sheet, sheet_name: str, columns: list[Column]):
    """Yield (Row, raw values) for each non-empty data line of ``sheet`` (headers matched by name)."""
    if sheet is None:
        return
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return
    by_header = {fold(c.header): c for c in columns}
    positions: dict[int, Column] = {}
    for position, title in enumerate(header):
        if title is None or str(title).strip() == "":
            continue
        column = by_header.get(fold(str(title)))
        if column is None:
            raw.issues.append(
                Issue(sheet_name, 1, _("Cột “%(title)s” không được hỗ trợ.") % {"title": title})
            )
        else:
            positions[position] = column
    missing = [c.header for c in columns if c.required and c not in positions.values()]
    if missing:
        raw.issues.append(Issue(sheet_name, 1, _("Thiếu cột: %(names)s.") % {"names": ", ".join(missing)}))
        return
    for line, values in enumerate(rows, start=2):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        raw_values = {positions[i].key: v for i, v in enumerate(values) if i in positions}
        row = Row(sheet_name, line, {})
        _convert(row, raw_values, columns)
        yield row, raw_values


def _read_procedure_sheet(raw: RawCatalog, sheet) -> None:
    """One line per version; the procedure's own columns repeat on each of its lines and must agree."""
    by_code: dict[str, RawProcedure] = {}
    version_keys = {c.key for c in VERSION_COLUMNS}
    # Version columns may be empty on a line that only describes a procedure without versions.
    optional = [replace(c, required=False) for c in VERSION_COLUMNS]
    for row, values in _sheet_rows(raw, sheet, SHEET_PROCEDURES, PROCEDURE_COLUMNS + optional):
        procedure_data = {c.key: row.data[c.key] for c in PROCEDURE_COLUMNS}
        version_data = {c.key: row.data[c.key] for c in VERSION_COLUMNS}
        code = procedure_data["code"]
        first = by_code.get(code) if code else None
        if first is None:
            procedure = RawProcedure(Row(row.where, row.line, procedure_data, row.problems))
            raw.procedures.append(procedure)
            if code:
                by_code[code] = procedure
            line_problems = []
        else:
            procedure = first
            line_problems = row.problems
            differing = [
                c.header for c in PROCEDURE_COLUMNS if first.row.data[c.key] != procedure_data[c.key]
            ]
            if differing:
                line_problems.append(
                    Issue(
                        row.where,
                        row.line,
                        _("Thông tin thủ tục khác với dòng %(line)s cùng mã %(code)s ở cột: %(cols)s.")
                        % {"line": first.row.line, "code": code, "cols": ", ".join(differing)},
                    )
                )
        if any(values.get(k) not in (None, "") for k in version_keys):
            version_row = Row(row.where, row.line, version_data, line_problems)
            for column in VERSION_COLUMNS:
                if column.required and version_data[column.key] in (None, ""):
                    version_row.fail(_missing(column))
            procedure.versions.append(RawVersion(version_row))
        else:
            raw.issues.extend(line_problems)


# --- validation --------------------------------------------------------------------------------------


@dataclass
class _Plan:
    raw: RawCatalog
    field_names: dict = field(default_factory=dict)
    agencies: dict = field(default_factory=dict)  # reference in the input → Agency


class _Validator:
    def __init__(self, raw: RawCatalog, agency_aliases: dict | None):
        self.raw = raw
        self.aliases = agency_aliases or {}
        self.issues: list[Issue] = list(raw.issues)
        self.plan = _Plan(raw)

    def run(self) -> list[Issue]:
        known_fields = set(Field.objects.values_list("code", flat=True))
        known_events = set(LifeEvent.objects.values_list("slug", flat=True))
        self.fields = self._unique_rows(self.raw.fields, "code", _("Mã lĩnh vực"))
        self.events = self._unique_rows(self.raw.life_events, "slug", _("Mã sự kiện"))
        for row in self.raw.life_events:
            slug = row.data.get("slug")
            if slug and slugify(slug) != slug:
                row.fail(
                    _("Mã sự kiện “%(slug)s” chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.")
                    % {"slug": slug}
                )
        self.field_codes = known_fields | set(self.fields)
        self.event_slugs = known_events | set(self.events)
        self._load_agencies()
        self._load_published()
        seen_codes: dict[str, Row] = {}
        for procedure in self.raw.procedures:
            self._procedure(procedure, seen_codes)
        for row in self._all_rows():
            self.issues.extend(row.problems)
        return sorted(self.issues, key=_issue_order)

    def _all_rows(self):
        yield from self.raw.fields
        yield from self.raw.life_events
        for procedure in self.raw.procedures:
            yield procedure.row
            for version in procedure.versions:
                yield version.row
                yield from version.papers
                yield from version.fees

    def _unique_rows(self, rows: list[Row], key: str, label: str) -> dict:
        seen = {}
        for row in rows:
            value = row.data.get(key)
            if not value:
                continue
            if value in seen:
                row.fail(
                    _("%(label)s “%(value)s” bị trùng (đã có ở %(other)s).")
                    % {"label": label, "value": value, "other": _place(seen[value])}
                )
            else:
                seen[value] = row
        return seen

    def _load_agencies(self) -> None:
        """Resolve agency references: an electronic code, or ``@alias`` through ``agency_aliases`` (an
        alias stands for one code or a list of codes)."""
        wanted: dict[str, list[str]] = {}
        for procedure in self.raw.procedures:
            for version in procedure.versions:
                for ref in version.row.data.get("implementing_agencies") or []:
                    target = self.aliases.get(ref[1:]) if ref.startswith("@") else ref
                    if target:
                        wanted[ref] = [target] if isinstance(target, str) else list(target)
        found = Agency.objects.in_bulk({c for codes in wanted.values() for c in codes}, field_name="code")
        self.plan.agencies = {
            ref: [found[c] for c in codes]
            for ref, codes in wanted.items()
            if codes and all(c in found for c in codes)
        }

    def _load_published(self) -> None:
        """The stored published versions of the procedures in the input, for the overlap check."""
        codes = [p.row.data.get("code") for p in self.raw.procedures if p.row.data.get("code")]
        self.published: dict[str, list[tuple]] = {}
        stored = ProcedureVersion.objects.filter(procedure__code__in=codes, status=VersionStatus.PUBLISHED)
        for code, number, start, end in stored.values_list(
            "procedure__code", "number", "effective_from", "effective_to"
        ):
            self.published.setdefault(code, []).append((number, start, end))

    def _procedure(self, procedure: RawProcedure, seen_codes: dict) -> None:
        row, data = procedure.row, procedure.row.data
        code = data.get("code") or ""
        if code in seen_codes:
            row.fail(
                _("Mã thủ tục %(code)s bị trùng (đã có ở %(other)s).")
                % {"code": code, "other": _place(seen_codes[code])}
            )
        elif code:
            seen_codes[code] = row
        national = data.get("national_code") or ""
        try:
            validate_national_code(national)
            if code:
                check_procedure_code(code, national)
        except ValidationError as exc:
            row.fail(" ".join(exc.messages))
        if data.get("field") and data["field"] not in self.field_codes:
            row.fail(
                _("Không có lĩnh vực mã “%(code)s” (thêm vào trang “%(sheet)s” hoặc tạo trước).")
                % {"code": data["field"], "sheet": SHEET_FIELDS}
            )
        unknown_events = [s for s in data.get("life_events") or [] if s not in self.event_slugs]
        if unknown_events:
            row.fail(_("Không có sự kiện cuộc sống: %(slugs)s.") % {"slugs": ", ".join(unknown_events)})
        self._model_checks(
            row,
            Procedure(
                **{k: data.get(k) or "" for k in ("code", "national_code", "name")},
                level=data.get("level") or ProcedureLevel.COMMUNE,
            ),
            exclude={"field", "level", "code", "national_code", "updated_at"},
        )
        numbers: dict[int, Row] = {}
        for version in procedure.versions:
            self._version(version, numbers)
        self._overlaps(procedure)

    def _version(self, version: RawVersion, numbers: dict) -> None:
        row, data = version.row, version.row.data
        number = data.get("number")
        if number is not None:
            if number == 0:
                row.fail(_("Số phiên bản phải từ 1 trở lên."))
            if number in numbers:
                row.fail(
                    _("Phiên bản %(n)s bị trùng (đã có ở %(other)s).")
                    % {"n": number, "other": _place(numbers[number])}
                )
            numbers[number] = row
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            row.fail(_("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực."))
        for validator, key in (
            (validate_form_schema, "form_schema"),
            (validate_form_ui, "form_ui"),
            (validate_unverified, "unverified"),
        ):
            if data.get(key) is not None:
                try:
                    validator(data[key])
                except ValidationError as exc:
                    row.fail(" ".join(exc.messages))
        missing = [ref for ref in data.get("implementing_agencies") or [] if ref not in self.plan.agencies]
        for ref in missing:
            if ref.startswith("@"):
                row.fail(_("Không có cơ quan ứng với bí danh “%(ref)s”.") % {"ref": ref})
            else:
                row.fail(_("Không có cơ quan có mã định danh “%(ref)s”.") % {"ref": ref})
        instance_data = {
            c.key: data.get(c.key)
            for c in VERSION_COLUMNS
            if c.key not in ("implementing_agencies", "number", "effective_from")
        }
        self._model_checks(
            row,
            ProcedureVersion(**{k: v for k, v in instance_data.items() if v is not None}),
            exclude={
                "procedure",
                "form_schema",
                "form_ui",
                "unverified",
                "number",
                "effective_from",
                "status",
                "time_limit_unit",
                "supplement_clock_rule",
                "online_mode",
                "time_limit_value",
                "effective_to",
                "receipt_cutoff",
            },
        )
        self._papers(version)
        for fee_row in version.fees:
            fee = fee_row.data
            if fee.get("kind") and fee.get("rule") is not None and fee.get("amount") is not None:
                try:
                    validate_fee_rule(fee["kind"], fee["amount"], fee["rule"])
                except ValidationError as exc:
                    fee_row.fail(_("Tham số phí: %(reason)s") % {"reason": " ".join(exc.messages)})
            self._model_checks(
                fee_row,
                Fee(
                    name=fee.get("name") or "",
                    exemptions=fee.get("exemptions") or "",
                    legal_basis=fee.get("legal_basis") or "",
                ),
                exclude={"version", "kind", "amount", "rule", "position"},
            )

    def _papers(self, version: RawVersion) -> None:
        codes: dict[str, Row] = {}
        for paper_row in version.papers:
            paper = paper_row.data
            if not paper.get("code") and paper.get("name"):
                paper["code"] = slugify(fold(paper["name"]))[:60].strip("-") or "giay-to"
            code = paper.get("code")
            if code:
                if slugify(code) != code:
                    paper_row.fail(
                        _("Mã giấy tờ “%(code)s” chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.")
                        % {"code": code}
                    )
                if code in codes:
                    paper_row.fail(
                        _("Mã giấy tờ “%(code)s” bị trùng trong cùng phiên bản (đã có ở %(other)s).")
                        % {"code": code, "other": _place(codes[code])}
                    )
                codes[code] = paper_row
            if paper.get("template") and not default_storage.exists(paper["template"]):
                paper_row.fail(
                    _("Không tìm thấy tệp mẫu “%(name)s” trong kho tệp.") % {"name": paper["template"]}
                )
            self._model_checks(
                paper_row,
                RequiredPaper(name=paper.get("name") or "", note=paper.get("note") or "", code=code or "x"),
                exclude={"version", "code", "template", "originals", "copies", "position"},
            )

    def _overlaps(self, procedure: RawProcedure) -> None:
        code = procedure.row.data.get("code")
        in_file = {v.row.data.get("number") for v in procedure.versions}
        periods = []  # (start, end, label, row or None)
        for number, start, end in self.published.get(code, []):
            if number not in in_file:
                periods.append((start, end, number, None))
        for version in procedure.versions:
            data = version.row.data
            if data.get("status") == VersionStatus.PUBLISHED and data.get("effective_from"):
                periods.append(
                    (data["effective_from"], data.get("effective_to"), data.get("number"), version.row)
                )
        periods.sort(key=lambda p: (p[0], p[2] or 0))
        for i, (_start, end, number, row) in enumerate(periods):
            for other_start, _other_end, other_number, other_row in periods[i + 1 :]:
                if end is None or other_start <= end:
                    target = other_row or row
                    if target is None:
                        continue
                    other_label = number if target is other_row else other_number
                    target.fail(
                        _("Thời gian hiệu lực trùng với phiên bản %(n)s đã công bố của cùng thủ tục.")
                        % {"n": other_label}
                    )

    def _model_checks(self, row: Row, instance, exclude: set) -> None:
        """Run the model's own field validation (lengths…) on what the explicit checks above do not
        cover; empty values were already reported as missing where they are required."""
        exclude = set(exclude) | {
            f.name for f in instance._meta.concrete_fields if getattr(instance, f.attname, None) in (None, "")
        }
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                label = instance._meta.get_field(name).verbose_name
                row.fail(f"{label}: {' '.join(messages)}")


def _place(row: Row) -> str:
    return _("dòng %(line)s") % {"line": row.line} if row.line else row.where


_SHEET_ORDER = {
    name: i
    for i, name in enumerate((SHEET_FIELDS, SHEET_LIFE_EVENTS, SHEET_PROCEDURES, SHEET_PAPERS, SHEET_FEES))
}


def _issue_order(issue: Issue):
    return (_SHEET_ORDER.get(issue.where, len(_SHEET_ORDER)), issue.line or 0)


# --- writing ------------------------------------------------------------------------------------------


def import_raw(
    raw: RawCatalog, *, dry_run: bool = False, agency_aliases: dict | None = None, source: str = ""
) -> ImportReport:
    """Validate ``raw`` completely; if there is no problem and not ``dry_run``, write it in one
    transaction. Existing procedures (by code) and versions (by code and number) are updated; the papers
    and fees of every version in the input replace the stored ones; nothing absent from the input is
    deleted. Returns the report (``report.issues`` lists every problem; then nothing was written)."""
    validator = _Validator(raw, agency_aliases)
    report = ImportReport(issues=validator.run(), dry_run=dry_run)
    _count(report, raw)
    if not report.ok or dry_run:
        return report
    try:
        with transaction.atomic(), deferred_search_refresh():
            report.rows_written = _write(raw, validator.plan)
            audit.record(
                "catalog.import",
                changes={
                    "source": source,
                    "procedures_created": report.procedures_created,
                    "procedures_updated": report.procedures_updated,
                    "versions_created": report.versions_created,
                    "versions_updated": report.versions_updated,
                    "rows_written": report.rows_written,
                },
            )
    except (
        DatabaseError,
        ValidationError,
    ) as exc:  # a constraint validation did not foresee; nothing written
        report.issues.append(
            Issue(
                _("Cơ sở dữ liệu"),
                None,
                _("Không ghi được dữ liệu, không có gì thay đổi: %(reason)s") % {"reason": exc},
            )
        )
    return report


def _count(report: ImportReport, raw: RawCatalog) -> None:
    existing_codes = set(
        Procedure.objects.filter(
            code__in=[p.row.data.get("code") for p in raw.procedures if p.row.data.get("code")]
        ).values_list("code", flat=True)
    )
    existing_versions = set(
        ProcedureVersion.objects.filter(procedure__code__in=existing_codes).values_list(
            "procedure__code", "number"
        )
    )
    report.fields = len(raw.fields)
    report.life_events = len(raw.life_events)
    for procedure in raw.procedures:
        code = procedure.row.data.get("code")
        if code in existing_codes:
            report.procedures_updated += 1
        else:
            report.procedures_created += 1
        for version in procedure.versions:
            if (code, version.row.data.get("number")) in existing_versions:
                report.versions_updated += 1
            else:
                report.versions_created += 1
            report.papers += len(version.papers)
            report.fees += len(version.fees)


def _assign(obj, values: dict) -> bool:
    """Set ``values`` on ``obj``; True if it is new or anything changed (unchanged rows are not saved, so a
    repeated import leaves the catalog, its timestamps and the search index as they were)."""
    changed = obj.pk is None
    for name, value in values.items():
        current = getattr(obj, name)
        if hasattr(current, "name") and not isinstance(current, str):  # a FieldFile
            current = current.name or ""
        if current != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _write(raw: RawCatalog, plan: _Plan) -> int:
    """Write everything; return the number of rows created or changed."""
    written = 0
    for row in raw.fields:
        field_obj = Field.objects.filter(code=row.data["code"]).first() or Field(code=row.data["code"])
        if _assign(field_obj, {"name": row.data["name"]}):
            field_obj.save()
            written += 1
    for row in raw.life_events:
        event = LifeEvent.objects.filter(slug=row.data["slug"]).first() or LifeEvent(slug=row.data["slug"])
        if _assign(event, {k: row.data[k] for k in ("name", "description", "for_business")}):
            event.save()
            written += 1
    fields = {f.code: f for f in Field.objects.all()}
    events = {e.slug: e for e in LifeEvent.objects.all()}
    for procedure_raw in raw.procedures:
        data = procedure_raw.row.data
        procedure = Procedure.objects.filter(code=data["code"]).first() or Procedure(code=data["code"])
        values = {k: data[k] for k in ("national_code", "name", "level", "is_active")}
        values["field_id"] = fields[data["field"]].pk
        if _assign(procedure, values):
            procedure.save()
            written += 1
        procedure.life_events.set([events[s] for s in data["life_events"]])
        for version_raw in procedure_raw.versions:
            written += _write_version(procedure, version_raw, plan)
    return written


def _write_version(procedure: Procedure, version_raw: RawVersion, plan: _Plan) -> int:
    written = 0
    data = version_raw.row.data
    version = procedure.versions.filter(number=data["number"]).first() or ProcedureVersion(
        procedure=procedure, number=data["number"]
    )
    values = {c.key: data[c.key] for c in VERSION_COLUMNS if c.key not in ("number", "implementing_agencies")}
    if _assign(version, values):
        version.save()
        written += 1
    version.implementing_agencies.set(
        [a for ref in data["implementing_agencies"] for a in plan.agencies[ref]]
    )
    existing_papers = {p.code: p for p in version.papers.all()}
    for position, row in enumerate(version_raw.papers):
        paper = existing_papers.pop(row.data["code"], None) or RequiredPaper(version=version)
        if _assign(paper, {**{c.key: row.data[c.key] for c in PAPER_COLUMNS}, "position": position}):
            paper.save()
            written += 1
    for paper in existing_papers.values():
        paper.delete()
        written += 1
    existing_fees = list(version.fees.order_by("position", "id"))
    for position, row in enumerate(version_raw.fees):
        fee = existing_fees[position] if position < len(existing_fees) else Fee(version=version)
        if _assign(fee, {**{c.key: row.data[c.key] for c in FEE_COLUMNS}, "position": position}):
            fee.save()
            written += 1
    for fee in existing_fees[len(version_raw.fees) :]:
        fee.delete()
        written += 1
    return written


def import_catalog(
    source,
    *,
    format: str | None = None,
    dry_run: bool = False,  # noqa: A002
    agency_aliases: dict | None = None,
) -> ImportReport:
    """Import a catalog file. ``source`` is a path, bytes or a binary file object; ``format`` is
    ``"json"`` or ``"xlsx"`` (guessed from the file name when omitted). ``agency_aliases`` maps
    ``@alias`` references in the input to agency codes. Validates everything first and writes nothing
    if anything is wrong (see ``import_raw``). Never raises for bad content: problems are in the report."""
    name = str(getattr(source, "name", source if isinstance(source, (str, Path)) else ""))
    fmt = format or ("xlsx" if name.lower().endswith(".xlsx") else "json")
    if isinstance(source, (str, Path)):
        source = Path(source).read_bytes()
    elif hasattr(source, "read"):
        source = source.read()
    try:
        raw = read_xlsx(source) if fmt == "xlsx" else read_json(source)
    except CatalogImportError as exc:
        return ImportReport(issues=exc.issues, dry_run=dry_run)
    return import_raw(raw, dry_run=dry_run, agency_aliases=agency_aliases, source=Path(name).name)


# --- export -------------------------------------------------------------------------------------------


def _canonical_json(value):
    """The same dict whatever the database did to key order (PostgreSQL's jsonb sorts keys)."""
    return json.loads(json.dumps(value, sort_keys=True))


def export_data(procedures=None) -> dict:
    """The catalog (or the given procedures queryset) as a JSON-ready dict in the documented format:
    every field and life event, then procedures by code with their versions by number."""
    queryset = procedures if procedures is not None else Procedure.objects.all()
    queryset = (
        queryset.select_related("field")
        .prefetch_related(
            Prefetch("life_events", queryset=LifeEvent.objects.order_by("slug")),
            Prefetch(
                "versions",
                queryset=ProcedureVersion.objects.order_by("number").prefetch_related(
                    Prefetch("implementing_agencies", queryset=Agency.objects.order_by("code")),
                    Prefetch("papers", queryset=RequiredPaper.objects.order_by("position", "id")),
                    Prefetch("fees", queryset=Fee.objects.order_by("position", "id")),
                ),
            ),
        )
        .order_by("code")
    )
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "fields": [{"code": f.code, "name": f.name} for f in Field.objects.order_by("code")],
        "life_events": [
            {"slug": e.slug, "name": e.name, "description": e.description, "for_business": e.for_business}
            for e in LifeEvent.objects.order_by("slug")
        ],
        "procedures": [_export_procedure(p) for p in queryset],
    }


def _export_procedure(procedure: Procedure) -> dict:
    return {
        "code": procedure.code,
        "national_code": procedure.national_code,
        "name": procedure.name,
        "field": procedure.field.code,
        "level": procedure.level,
        "is_active": procedure.is_active,
        "life_events": [e.slug for e in procedure.life_events.all()],
        "versions": [_export_version(v) for v in procedure.versions.all()],
    }


def _export_version(version: ProcedureVersion) -> dict:
    data = {}
    for column in VERSION_COLUMNS:
        if column.key == "implementing_agencies":
            value = [a.code for a in version.implementing_agencies.all()]
        else:
            value = getattr(version, column.key)
        if isinstance(value, time):
            value = value.strftime("%H:%M")
        elif isinstance(value, date):
            value = value.isoformat()
        elif column.key in ("form_schema", "form_ui"):
            value = _canonical_json(value)
        data[column.key] = value
    data["papers"] = [
        {**{c.key: getattr(p, c.key) for c in PAPER_COLUMNS}, "template": p.template.name or ""}
        for p in version.papers.all()
    ]
    data["fees"] = [
        {**{c.key: getattr(f, c.key) for c in FEE_COLUMNS}, "rule": _canonical_json(f.rule)}
        for f in version.fees.all()
    ]
    return data


def export_json(procedures=None) -> str:
    """``export_data`` as indented UTF-8 JSON text ending with a newline."""
    return json.dumps(export_data(procedures), ensure_ascii=False, indent=2) + "\n"


def _cell(value):
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if value is None or value == "":
        return None
    return value


def export_xlsx(procedures=None) -> bytes:
    """The catalog as a workbook: sheets for procedures (one line per version), papers, fees, fields,
    life events and a guide to the allowed values. Written with ``core.spreadsheets``: every text stays
    text (a name starting with "=" is no formula), so the workbook re-imports to the same catalog."""
    data = export_data(procedures)
    workbook = spreadsheets.new_workbook(_("Danh mục thủ tục hành chính"))

    def sheet(title, columns, rows):
        out = spreadsheets.Sheet(workbook, title)
        out.set_widths([min(60, max(12, len(column.header) + 2)) for column in columns])
        out.freeze_below(1)
        out.append([out.text_cell(c.header, bold=True) for c in columns])
        for row in rows:
            out.append([_cell(row.get(c.key)) for c in columns])

    procedure_rows, paper_rows, fee_rows = [], [], []
    for procedure in data["procedures"]:
        head = {c.key: procedure[c.key] for c in PROCEDURE_COLUMNS}
        if not procedure["versions"]:
            procedure_rows.append(head)
        for version in procedure["versions"]:
            procedure_rows.append(
                {**head, **{k: v for k, v in version.items() if k not in ("papers", "fees")}}
            )
            key = {"procedure": procedure["code"], "version": version["number"]}
            paper_rows += [{**key, **paper} for paper in version["papers"]]
            fee_rows += [{**key, **fee} for fee in version["fees"]]
    sheet(SHEET_PROCEDURES, PROCEDURE_COLUMNS + VERSION_COLUMNS, procedure_rows)
    sheet(SHEET_PAPERS, KEY_COLUMNS + PAPER_COLUMNS, paper_rows)
    sheet(SHEET_FEES, KEY_COLUMNS + FEE_COLUMNS, fee_rows)
    sheet(SHEET_FIELDS, FIELD_COLUMNS, data["fields"])
    sheet(SHEET_LIFE_EVENTS, LIFE_EVENT_COLUMNS, data["life_events"])
    _guide_sheet(workbook)
    return spreadsheets.to_bytes(workbook)


def _guide_sheet(workbook) -> None:
    ws = spreadsheets.Sheet(workbook, SHEET_GUIDE)
    ws.append([_("Cột"), _("Giá trị hợp lệ")])
    for header, choices in (
        (_("Cấp thực hiện"), ProcedureLevel),
        (_("Trạng thái"), VersionStatus),
        (_("Đơn vị thời hạn"), TimeLimitUnit),
        (_("Thời hạn khi yêu cầu bổ sung"), SupplementClockRule),
        (_("Mức độ trực tuyến"), OnlineMode),
        (_("Cách tính"), FeeKind),
    ):
        ws.append([header, "; ".join(f"{value} = {label}" for value, label in choices.choices)])
    ws.append([_("Ngày"), _("2025-07-01 hoặc 01/07/2025")])
    ws.append([_("Có/không"), _("có, không")])
    ws.append([_("Danh sách"), _("các mục cách nhau bởi dấu chấm phẩy (;)")])
    ws.append([_("Tài liệu"), "docs/catalog-format.md"])
