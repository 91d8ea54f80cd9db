"""Spreadsheets the catalogue import tests feed in: a procedure sheet line built from a few values, and a
workbook with a known list of mistakes."""

import io

from openpyxl import Workbook

from congso.catalog import importexport as ie

PROCEDURE_HEADERS = [c.header for c in ie.PROCEDURE_COLUMNS + ie.VERSION_COLUMNS]


def procedure_row(
    code, name, *, field="ho-tich", number=1, start="2025-07-01", mode="fully", days=0, national=None
):
    values = {
        "code": code,
        "national_code": code[:8] if national is None else national,
        "name": name,
        "field": field,
        "level": "commune",
        "number": number,
        "status": "published",
        "effective_from": start,
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13",
        "online_mode": mode,
        "time_limit_value": days,
    }
    return [values.get(c.key) for c in ie.PROCEDURE_COLUMNS + ie.VERSION_COLUMNS]


def error_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Thủ tục"
    sheet.append(PROCEDURE_HEADERS)
    sheet.append(procedure_row("1.001193", "Đăng ký khai sinh"))  # line 2: fine
    sheet.append(procedure_row("1.1193", "Đăng ký kết hôn", national="1.1193"))  # line 3: bad code format
    sheet.append(procedure_row("1.000894", "Đăng ký kết hôn", days=-3))  # line 4: negative time limit
    sheet.append(procedure_row("1.000656", "Đăng ký khai tử", field="khong-co"))  # line 5: unknown field
    sheet.append(procedure_row("1.004873", "Xác nhận tình trạng hôn nhân", mode="truc-tuyen"))  # line 6
    sheet.append(procedure_row("2.000815", "Chứng thực bản sao", start="2025-01-01"))  # line 7: fine
    sheet.append(
        procedure_row("2.000815", "Chứng thực bản sao", number=2, start="2025-06-01")
    )  # line 8: overlap
    sheet.append(procedure_row("2.000884", None))  # line 9: missing name
    papers = book.create_sheet("Thành phần hồ sơ")
    papers.append(["Mã thủ tục", "Phiên bản", "Mã giấy tờ", "Tên giấy tờ", "Số bản chính"])
    papers.append(["1.001193", 1, "to-khai", "Tờ khai đăng ký khai sinh", 1])  # line 2: fine
    papers.append(["9.999999", 1, "to-khai", "Tờ khai", 1])  # line 3: no such version
    fees = book.create_sheet("Phí, lệ phí")
    fees.append(["Mã thủ tục", "Phiên bản", "Tên phí, lệ phí", "Cách tính", "Tham số (JSON)"])
    fees.append(["1.001193", 1, "Lệ phí", "per_page", '{"first_rate": -1}'])  # line 2: bad rule
    fields = book.create_sheet("Lĩnh vực")
    fields.append(["Mã lĩnh vực", "Tên lĩnh vực"])
    fields.append(["ho-tich", "Hộ tịch"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
