"""The one XLSX writer of the product: titled sheets of rows in which every string is stored as text.

Spreadsheets leave the site with names, addresses and notes that citizens and officers typed. A cell
whose string starts with ``=`` (or ``+``, ``-``, ``@``) becomes a live formula if it is written the
ordinary way: ``=HYPERLINK("http://…","Bấm vào đây")`` as an applicant's name turns the logbook into
a phishing link, ``=cmd|…`` into a DDE prompt. Here every ``str`` goes into an inline-string cell
(``t="inlineStr"``), which Excel and LibreOffice show verbatim and never evaluate, and one that starts
with a formula character also gets the "quote prefix" style, so that editing the cell keeps it text.
Characters XML cannot carry (control characters) are dropped instead of failing the whole export.

Numbers, dates and booleans keep their type; anything else (a lazy translation, a UUID) is written as
its text.

Workbooks are write-only: rows stream to a temporary file as they are appended, so a large export runs
in bounded memory. Column widths and frozen panes must therefore be set before the first row.

Public API: ``XLSX_CONTENT_TYPE``, ``new_workbook(title)``, ``Sheet`` (``cell``, ``text_cell``,
``append``, ``blank``, ``set_widths``, ``freeze_below``, ``print_on_a4``, ``worksheet``, ``rows``),
``to_bytes``, and the cell styles of printed registers (``THIN_BORDER``, ``WRAP_TOP``, ``CENTRED``).
No other module of the product imports openpyxl to write.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "CENTRED",
    "THIN_BORDER",
    "WRAP_TOP",
    "XLSX_CONTENT_TYPE",
    "Sheet",
    "Workbook",
    "new_workbook",
    "to_bytes",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection"), including the
# whitespace some of them skip before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_NATIVE = (bool, int, float, Decimal, datetime, date, time, timedelta)

_THIN = Side(style="thin", color="000000")
THIN_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def new_workbook(title: str = "") -> Workbook:
    """An empty write-only workbook whose document properties say what it is and who made it."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = str(title)[:255]
    workbook.properties.creator = "congso"
    return workbook


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _clean_text(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


class Sheet:
    """One write-only worksheet. ``append`` takes a row of plain values or cells made by ``cell``."""

    def __init__(self, workbook: Workbook, title: str):
        # Excel limits sheet titles to 31 characters and forbids a few; titles here are our own words.
        self.worksheet = workbook.create_sheet(title=str(title)[:31])
        self.rows = 0

    def set_widths(self, widths) -> None:
        """Column widths in characters, from column A on (before the first row)."""
        for index, width in enumerate(widths, start=1):
            self.worksheet.column_dimensions[get_column_letter(index)].width = width

    def freeze_below(self, row: int) -> None:
        """Keep rows 1..``row`` in view while scrolling (before the first row)."""
        self.worksheet.freeze_panes = f"A{row + 1}"

    def print_on_a4(self, *, title_row: int, landscape: bool) -> None:
        """Print on A4, as wide as one page, repeating row ``title_row`` on every page (before the
        first row)."""
        self.worksheet.print_title_rows = f"{title_row}:{title_row}"
        self.worksheet.page_setup.orientation = "landscape" if landscape else "portrait"
        self.worksheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        self.worksheet.page_setup.fitToWidth = 1
        self.worksheet.page_setup.fitToHeight = 0
        self.worksheet.sheet_properties.pageSetUpPr.fitToPage = True

    def cell(
        self,
        value,
        *,
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
        border: Border | None = None,
        align: Alignment | None = None,
        number_format: str | None = None,
    ) -> Cell:
        """A cell for ``value``: a string (or anything not a number, date or boolean) as text that is
        never a formula, the others as themselves; ``None`` as an empty cell."""
        if value is None or isinstance(value, _NATIVE):
            cell = WriteOnlyCell(self.worksheet, value=value)
        else:
            cell = self._text(value)
        if bold or italic or size:
            cell.font = Font(bold=bold, italic=italic, size=size or 11)
        if border is not None:
            cell.border = border
        if align is not None:
            cell.alignment = align
        if number_format:
            cell.number_format = number_format
        return cell

    def text_cell(self, value, **style) -> Cell:
        """Like ``cell`` but always text, even for a number (an ID number, a phone number)."""
        return self.cell("" if value is None else _clean_text(value), **style)

    def _text(self, value) -> Cell:
        text = _clean_text(value)
        cell = WriteOnlyCell(self.worksheet, value=text)
        # openpyxl guesses "f" (formula) for "=…" and "e" (error) for "#N/A": text it is, whatever.
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return cell

    def append(self, values) -> None:
        """Write one row; each item is a cell from ``cell``/``text_cell`` or a plain value."""
        self.worksheet.append([value if isinstance(value, Cell) else self.cell(value) for value in values])
        self.rows += 1

    def blank(self) -> None:
        self.worksheet.append([])
        self.rows += 1
