"""The two readers of a catalogue file, JSON (``read_json``) and XLSX (``read_xlsx``), into the same
raw rows (``columns.RawCatalog``); they report problems of structure, validation does the rest."""

import io
import json
from dataclasses import replace

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from congso.core import safejson

from ..search import fold
from .columns import (
    FEE_COLUMNS,
    FIELD_COLUMNS,
    KEY_COLUMNS,
    LIFE_EVENT_COLUMNS,
    PAPER_COLUMNS,
    PROCEDURE_COLUMNS,
    VERSION_COLUMNS,
    Column,
    RawCatalog,
    RawProcedure,
    RawVersion,
    Row,
    convert_row,
    missing_message,
)
from .report import (
    FORMAT_NAME,
    FORMAT_VERSION,
    SHEET_FEES,
    SHEET_FIELDS,
    SHEET_GUIDE,
    SHEET_LIFE_EVENTS,
    SHEET_PAPERS,
    SHEET_PROCEDURES,
    CatalogImportError,
    Issue,
)


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
    convert_row(row, item, columns)
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
        convert_row(row, raw_values, columns)
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
                    version_row.fail(missing_message(column))
            procedure.versions.append(RawVersion(version_row))
        else:
            raw.issues.extend(line_problems)
