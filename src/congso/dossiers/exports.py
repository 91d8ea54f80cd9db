"""Spreadsheet (XLSX) exports of the one-stop registers: the logbook (form 07) of an agency over a date
range, and the control sheet (form 06) of one dossier.

Written with the product's spreadsheet writer, ``core.spreadsheets``: every text (an applicant's name,
a note) is stored as text and never becomes a formula. Its workbooks are write-only: rows go to a
temporary file as they are produced (the logbook rows come from a chunked query,
``standard_forms.logbook_rows``), so a year of dossiers exports in bounded memory. Dates are real Excel
dates in local time (Excel has no time zones), formatted ``dd/mm/yyyy hh:mm``. Column headings follow
the printed forms (Circular 01/2018 and 03/2025 practice) and are always Vietnamese, like the forms.

Public API: ``logbook_xlsx(agency, start, end) -> bytes``, ``write_logbook_xlsx(agency, start, end,
output) -> int``, ``control_sheet_xlsx(dossier) -> bytes``, ``write_control_sheet_xlsx(dossier, output)
-> int``, ``LOGBOOK_HEADERS``, ``CONTROL_SHEET_HEADERS``, ``XLSX_CONTENT_TYPE``. They check no
permission (the caller has) and write nothing to the database.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.core import spreadsheets

from . import standard_forms
from .models import Dossier

__all__ = [
    "CONTROL_SHEET_HEADERS",
    "LOGBOOK_HEADERS",
    "XLSX_CONTENT_TYPE",
    "control_sheet_xlsx",
    "logbook_xlsx",
    "write_control_sheet_xlsx",
    "write_logbook_xlsx",
]

XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE
DATE_FORMAT = "dd/mm/yyyy hh:mm"

# (heading, column width in characters)
LOGBOOK_HEADERS = [
    (gettext_lazy("STT"), 6),
    (gettext_lazy("Mã hồ sơ"), 26),
    (gettext_lazy("Tên thủ tục hành chính"), 40),
    (gettext_lazy("Số lượng hồ sơ (bộ)"), 10),
    (gettext_lazy("Tên cá nhân, tổ chức"), 24),
    (gettext_lazy("Địa chỉ, số điện thoại"), 32),
    (gettext_lazy("Cơ quan chủ trì giải quyết"), 28),
    (gettext_lazy("Ngày nhận hồ sơ"), 17),
    (gettext_lazy("Ngày hẹn trả kết quả"), 17),
    (gettext_lazy("Ngày chuyển hồ sơ đến cơ quan giải quyết"), 17),
    (gettext_lazy("Ngày có kết quả giải quyết"), 17),
    (gettext_lazy("Ngày trả kết quả"), 17),
    (gettext_lazy("Ký nhận"), 12),
    (gettext_lazy("Ghi chú"), 24),
]
CONTROL_SHEET_HEADERS = [
    (gettext_lazy("STT"), 6),
    (gettext_lazy("Bước xử lý"), 24),
    (gettext_lazy("Đơn vị giao"), 32),
    (gettext_lazy("Đơn vị nhận"), 32),
    (gettext_lazy("Thời gian giao, nhận hồ sơ"), 17),
    (gettext_lazy("Người giao"), 22),
    (gettext_lazy("Người nhận"), 22),
    (gettext_lazy("Thời gian được giao"), 12),
    (gettext_lazy("Hạn của bước"), 17),
    (gettext_lazy("Thời gian hoàn thành"), 17),
    (gettext_lazy("Kết quả (trước hạn / đúng hạn / quá hạn)"), 16),
    (gettext_lazy("Ghi chú"), 30),
]

_BORDER = spreadsheets.THIN_BORDER
_WRAP = spreadsheets.WRAP_TOP
_CENTRE = spreadsheets.CENTRED


def _naive(moment: datetime | None) -> datetime | None:
    """Local wall-clock time without a zone: what an Excel cell can hold."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


class _Sheet:
    """A register sheet on the product's spreadsheet writer (every text cell stays text, never a
    formula: names and notes come from applicants), with the registers' borders and print setup."""

    def __init__(
        self, workbook: spreadsheets.Workbook, title: str, headers: list, *, heading_row: int, landscape: bool
    ):
        self.out = spreadsheets.Sheet(workbook, title)
        self.headers = headers
        self.out.set_widths([width for _heading, width in headers])
        # A write-only sheet writes its views and print titles before the first row, so the row of the
        # headings is known up front: it stays in view while scrolling and on every printed page.
        self.heading_row = heading_row
        self.out.freeze_below(heading_row)
        self.out.print_on_a4(title_row=heading_row, landscape=landscape)

    @property
    def rows(self) -> int:
        return self.out.rows

    def line(self, text: str, *, bold=False, size=None) -> None:
        self.out.append([self.out.cell(text, bold=bold, size=size)])

    def blank(self) -> None:
        self.out.blank()

    def heading(self) -> None:
        if self.rows + 1 != self.heading_row:
            raise RuntimeError(f"headings on row {self.rows + 1}, expected on row {self.heading_row}")
        self.out.append(
            [
                self.out.text_cell(text, bold=True, border=_BORDER, align=_CENTRE)
                for text, _width in self.headers
            ]
        )

    def row(self, values: list) -> None:
        cells = []
        for value in values:
            if isinstance(value, datetime):
                cells.append(self.out.cell(value, border=_BORDER, align=_WRAP, number_format=DATE_FORMAT))
            else:
                cells.append(self.out.cell(value, border=_BORDER, align=_WRAP))
        self.out.append(cells)

    def note(self, text: str) -> None:
        """A row saying there is nothing to list (one cell, italic, bordered)."""
        self.out.append([self.out.cell(text, italic=True, border=_BORDER, align=_WRAP)])


def _workbook(title: str) -> spreadsheets.Workbook:
    return spreadsheets.new_workbook(title)


# The lines above the headings: agency, unit, blank, title, subtitle, blank, and one more line.
HEADING_ROW = 8


def _header_lines(sheet: _Sheet, doc, title: str, subtitle: str) -> None:
    sheet.line(doc.short_display_name)
    sheet.line(doc.one_stop_unit_name.upper(), bold=True)
    sheet.blank()
    sheet.line(title, bold=True, size=14)
    sheet.line(subtitle, bold=True)
    sheet.blank()


# --- Logbook (form 07) ----------------------------------------------------------------------------


def write_logbook_xlsx(agency, start: date, end: date, output) -> int:
    """Write the logbook of the dossiers ``agency`` received from ``start`` to ``end`` (inclusive, local
    dates) as an XLSX workbook to ``output`` (a path or a binary file object). Returns the number of
    dossiers written. The rows and their numbering are those of ``standard_forms.logbook_rows`` (the
    year's register numbers, as on the receipts). An empty range gives the headings and a line saying
    so. Errors: ``InvalidDossierInput`` for missing or reversed dates."""
    with translation.override("vi"):
        rows = standard_forms.logbook_rows(agency, start, end)
        first = next(rows, None)  # validates the dates before anything is written
        title = standard_forms.FORM_TITLES[standard_forms.FormCode.LOGBOOK]
        subtitle = _("Từ ngày {start} đến ngày {end}").format(
            start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y")
        )
        workbook = _workbook(f"{title} – {agency.code} – {subtitle}")
        sheet = _Sheet(
            workbook, _("Sổ theo dõi hồ sơ"), LOGBOOK_HEADERS, heading_row=HEADING_ROW, landscape=True
        )
        _header_lines(sheet, standard_forms.document_settings(agency), title, subtitle)
        sheet.line(f"{agency.name} ({agency.code})")
        sheet.heading()
        count = 0
        if first is None:
            sheet.note(_("Không có hồ sơ nào được tiếp nhận trong khoảng thời gian này."))
        else:
            for row in _chain(first, rows):
                sheet.row(
                    [
                        row.number,
                        row.code,
                        row.procedure_name,
                        row.sets,
                        row.applicant_name,
                        row.applicant_contact,
                        row.lead_agency,
                        _naive(row.received_at),
                        _naive(row.due_at),
                        _naive(row.handed_over_at),
                        _naive(row.finished_at),
                        _naive(row.returned_at),
                        "",
                        row.note,
                    ]
                )
                count += 1
        workbook.save(output)
    return count


def _chain(first, rest):
    yield first
    yield from rest


def logbook_xlsx(agency, start: date, end: date) -> bytes:
    """``write_logbook_xlsx`` into memory; for a view that sends the file as a response."""
    buffer = io.BytesIO()
    write_logbook_xlsx(agency, start, end, buffer)
    return buffer.getvalue()


# --- Control sheet (form 06) ----------------------------------------------------------------------


def write_control_sheet_xlsx(dossier: Dossier, output) -> int:
    """Write the control sheet of ``dossier`` (one row per hand-over, ``standard_forms.control_sheet_rows``)
    as an XLSX workbook to ``output``. Returns the number of rows; a dossier never handed over gives the
    headings and a line saying so."""
    with translation.override("vi"):
        rows = standard_forms.control_sheet_rows(dossier)
        title = standard_forms.FORM_TITLES[standard_forms.FormCode.CONTROL_SHEET]
        subtitle = _("Mã hồ sơ: {code}").format(code=dossier.code)
        workbook = _workbook(f"{title} – {dossier.code}")
        sheet = _Sheet(
            workbook, _("Phiếu kiểm soát"), CONTROL_SHEET_HEADERS, heading_row=HEADING_ROW, landscape=True
        )
        _header_lines(sheet, standard_forms.document_settings(dossier.receiving_agency), title, subtitle)
        sheet.line(
            _("Tên thủ tục: {name} — Chủ hồ sơ: {applicant}").format(
                name=dossier.procedure_version.procedure.name, applicant=dossier.applicant_name
            )
        )
        sheet.heading()
        if not rows:
            sheet.note(
                _("Hồ sơ chưa được bàn giao giữa các bộ phận, cơ quan; phiếu kiểm soát chưa có nội dung.")
            )
        for row in rows:
            sheet.row(
                [
                    row.number,
                    row.step_name,
                    row.from_unit,
                    row.to_unit,
                    _naive(row.handed_at),
                    row.given_by,
                    row.received_by,
                    row.allotted_label,
                    _naive(row.due_at),
                    _naive(row.completed_at),
                    row.result_label,
                    row.note,
                ]
            )
        workbook.save(output)
    return len(rows)


def control_sheet_xlsx(dossier: Dossier) -> bytes:
    """``write_control_sheet_xlsx`` into memory."""
    buffer = io.BytesIO()
    write_control_sheet_xlsx(dossier, buffer)
    return buffer.getvalue()
