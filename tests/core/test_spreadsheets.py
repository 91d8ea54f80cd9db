"""The product's XLSX writer: user-supplied strings are stored as text, never as formulas."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from congso.core import spreadsheets

HOSTILE = [
    '=HYPERLINK("http://evil.example/","Bấm vào đây")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "#N/A",
    "＝1+1",
]


def write(rows) -> bytes:
    book = spreadsheets.new_workbook("Thử")
    sheet = spreadsheets.Sheet(book, "Trang")
    for row in rows:
        sheet.append(row)
    return spreadsheets.to_bytes(book)


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        name = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        return archive.read(name).decode()


def test_hostile_strings_come_back_as_text_not_formulas():
    content = write([[value] for value in HOSTILE])
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows()]
    assert [c.value for c in cells] == HOSTILE
    assert all(c.data_type == "s" for c in cells)
    assert "<f>" not in sheet_xml(content) and "<f " not in sheet_xml(content)
    # Those starting with a formula character keep being text when someone edits the cell in Excel.
    assert cells[0].quotePrefix and cells[1].quotePrefix and not cells[7].quotePrefix


def test_numbers_dates_and_empty_cells_keep_their_type():
    content = write([[1, 2.5, Decimal("3"), True, None, date(2026, 3, 1), datetime(2026, 3, 1, 9, 30)]])
    row = next(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert row == (1, 2.5, 3, True, None, datetime(2026, 3, 1), datetime(2026, 3, 1, 9, 30))


def test_other_values_and_numbers_asked_as_text_are_text():
    book = spreadsheets.new_workbook()
    sheet = spreadsheets.Sheet(book, "Trang")
    sheet.append([gettext_lazy("Mã hồ sơ"), sheet.text_cell("0912345678"), sheet.text_cell(12)])
    row = next(load_workbook(io.BytesIO(spreadsheets.to_bytes(book))).active.iter_rows())
    assert [c.value for c in row] == ["Mã hồ sơ", "0912345678", "12"]
    assert all(c.data_type == "s" for c in row)


def test_characters_xml_cannot_carry_are_dropped_not_fatal():
    content = write([["Nguyễn\x01 Văn\x1f A"]])
    assert load_workbook(io.BytesIO(content)).active["A1"].value == "Nguyễn Văn A"


def test_print_on_a4_repeats_the_title_row_and_fits_the_width():
    book = spreadsheets.new_workbook("Sổ")
    sheet = spreadsheets.Sheet(book, "Sổ theo dõi")
    sheet.print_on_a4(title_row=3, landscape=True)
    sheet.append([sheet.cell("Tên", border=spreadsheets.THIN_BORDER, align=spreadsheets.CENTRED)])
    printed = load_workbook(io.BytesIO(spreadsheets.to_bytes(book)))["Sổ theo dõi"]
    assert printed.print_title_rows == "$3:$3"
    assert printed.page_setup.orientation == "landscape"
    assert str(printed.page_setup.paperSize) == "9"  # A4
    assert printed.sheet_properties.pageSetUpPr.fitToPage
    assert printed["A1"].border.left.style == "thin" and printed["A1"].alignment.horizontal == "center"
