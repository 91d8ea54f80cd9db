"""XLSX exports of the logbook (form 07) and the control sheet (form 06), read back with openpyxl."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from congso.dossiers import exports, services
from congso.dossiers.errors import InvalidDossierInput
from tests.samples import APPLICANT
from tests.support.clock import local


def read(data: bytes):
    assert data[:2] == b"PK"
    return load_workbook(io.BytesIO(data)).active


def table(sheet):
    """(headings, data rows) of a register sheet: the headings are on ``exports.HEADING_ROW``."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[exports.HEADING_ROW - 1], rows[exports.HEADING_ROW :]


@pytest.fixture
def received_over_three_days(ward, counter_dossier, clock):
    received = {}
    for day, count in ((9, 1), (10, 2), (11, 1)):
        for n in range(count):
            clock.set(local(2026, 3, day, 9 + n, 30))
            received.setdefault(day, []).append(
                counter_dossier(applicant_details={**APPLICANT, "name": f"Người nộp {day}-{n}"})
            )
    return received


def test_logbook_has_the_columns_of_the_register(ward, received_over_three_days):
    headings, _rows = table(read(exports.logbook_xlsx(ward, date(2026, 3, 1), date(2026, 3, 31))))

    assert headings == [
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Số lượng hồ sơ (bộ)",
        "Tên cá nhân, tổ chức",
        "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Ngày nhận hồ sơ",
        "Ngày hẹn trả kết quả",
        "Ngày chuyển hồ sơ đến cơ quan giải quyết",
        "Ngày có kết quả giải quyết",
        "Ngày trả kết quả",
        "Ký nhận",
        "Ghi chú",
    ]


def test_logbook_rows_cover_only_the_range_with_real_dates(ward, received_over_three_days):
    sheet = read(exports.logbook_xlsx(ward, date(2026, 3, 10), date(2026, 3, 10)))
    _headings, rows = table(sheet)
    expected = received_over_three_days[10]

    assert [row[1] for row in rows] == [d.code for d in expected]
    assert [row[0] for row in rows] == [2, 3]
    first = rows[0]
    assert first[4] == "Người nộp 10-0"
    assert first[5] == f"{APPLICANT['address']}; {APPLICANT['phone']}"
    assert first[6] == ward.name
    assert first[7] == datetime(2026, 3, 10, 9, 30)  # local wall-clock time
    assert first[8] == datetime(2026, 3, 13, 17, 0)
    assert first[13] == "Trực tiếp"
    assert sheet.freeze_panes == f"A{exports.HEADING_ROW + 1}"


def test_logbook_shows_hand_over_result_and_return(ward, department, received_over_three_days, actors, clock):
    dossier = received_over_three_days[9][0]
    clock.set(local(2026, 3, 9, 14))
    services.hand_over(
        dossier,
        to_agency=department,
        to_unit_label="Phòng Hành chính tư pháp",
        step_name="Thẩm định",
        given_by=actors.one_stop,
    )
    clock.set(local(2026, 3, 11, 10))
    services.hand_over(
        dossier,
        to_agency=ward,
        to_unit_label="Bộ phận Một cửa",
        step_name="Trả kết quả",
        given_by=actors.specialist_b,
    )
    services.mark_result_ready(dossier, actors.specialist, result_note="Giấy khai sinh")
    clock.set(local(2026, 3, 12, 8))
    services.return_result(dossier, actors.one_stop, "counter")

    _headings, rows = table(read(exports.logbook_xlsx(ward, date(2026, 3, 9), date(2026, 3, 9))))

    (row,) = rows
    assert row[6] == department.name  # settled by the department, though returned by the ward
    assert row[9] == datetime(2026, 3, 9, 14, 0)
    assert row[10] == datetime(2026, 3, 11, 10, 0)
    assert row[11] == datetime(2026, 3, 12, 8, 0)


def test_logbook_of_an_empty_range_says_so(ward):
    _headings, rows = table(read(exports.logbook_xlsx(ward, date(2026, 1, 1), date(2026, 1, 31))))

    assert rows == [["Không có hồ sơ nào được tiếp nhận trong khoảng thời gian này."] + [None] * 13]


def test_logbook_export_refuses_reversed_dates_and_writes_nothing(ward):
    output = io.BytesIO()

    with pytest.raises(InvalidDossierInput):
        exports.write_logbook_xlsx(ward, date(2026, 3, 2), date(2026, 3, 1), output)
    assert output.getvalue() == b""


def test_logbook_export_streams_to_a_file(ward, received_over_three_days, tmp_path):
    path = tmp_path / "so-theo-doi.xlsx"

    count = exports.write_logbook_xlsx(ward, date(2026, 3, 1), date(2026, 3, 31), path)

    assert count == 4
    _headings, rows = table(load_workbook(path).active)
    assert [row[0] for row in rows] == [1, 2, 3, 4]


def test_control_sheet_export_has_a_row_per_hand_over(
    ward, department, received_over_three_days, actors, clock
):
    dossier = received_over_three_days[10][0]
    clock.set(local(2026, 3, 10, 10, 0))
    services.hand_over(
        dossier,
        to_agency=department,
        to_unit_label="Phòng Hành chính tư pháp",
        step_name="Thẩm định",
        given_by=actors.one_stop,
        received_by=actors.specialist_b,
        allotted_working_hours=8,
    )
    clock.set(local(2026, 3, 10, 15, 0))
    services.hand_over(
        dossier,
        to_agency=ward,
        to_unit_label="Bộ phận Một cửa",
        step_name="Trả kết quả",
        given_by=actors.specialist_b,
        note="Đã ký số",
    )

    sheet = read(exports.control_sheet_xlsx(dossier))
    headings, rows = table(sheet)

    assert headings == [
        "STT",
        "Bước xử lý",
        "Đơn vị giao",
        "Đơn vị nhận",
        "Thời gian giao, nhận hồ sơ",
        "Người giao",
        "Người nhận",
        "Thời gian được giao",
        "Hạn của bước",
        "Thời gian hoàn thành",
        "Kết quả (trước hạn / đúng hạn / quá hạn)",
        "Ghi chú",
    ]
    assert [row[1] for row in rows] == ["Thẩm định", "Trả kết quả"]
    assert rows[0][3] == "Phòng Hành chính tư pháp – Sở Tư pháp tỉnh Bình Dương"
    assert rows[0][4] == datetime(2026, 3, 10, 10, 0)
    assert rows[0][5] == actors.one_stop.full_name and rows[0][6] == actors.specialist_b.full_name
    assert (rows[0][7], rows[1][7]) == ("8 giờ", None)  # the second step has no allotted time
    assert rows[0][9] == datetime(2026, 3, 10, 15, 0)
    assert rows[0][10] == "Trước hạn"
    assert rows[1][10] == "Đang giải quyết" and rows[1][11] == "Đã ký số"
    assert any(dossier.code in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)


def test_control_sheet_export_of_a_dossier_never_handed_over_has_a_clear_line(received_over_three_days):
    headings, rows = table(read(exports.control_sheet_xlsx(received_over_three_days[9][0])))

    assert len(headings) == 12
    assert rows == [
        ["Hồ sơ chưa được bàn giao giữa các bộ phận, cơ quan; phiếu kiểm soát chưa có nội dung."]
        + [None] * 11
    ]


FORMULA = '=HYPERLINK("http://evil.example/","Bấm vào đây")'


def test_user_supplied_text_never_becomes_a_formula(ward, department, counter_dossier, actors, clock):
    """An applicant named like a formula, and a hand-over note like one, stay text in forms 07 and 06."""
    clock.set(local(2026, 3, 10, 9, 30))
    dossier = counter_dossier(applicant_details={**APPLICANT, "name": FORMULA})
    services.hand_over(
        dossier,
        to_agency=department,
        to_unit_label="@SUM(1+1)",
        step_name="Thẩm định",
        given_by=actors.one_stop,
        note="=1+1",
    )
    logbook = read(exports.logbook_xlsx(ward, date(2026, 3, 10), date(2026, 3, 10)))
    name = logbook.cell(exports.HEADING_ROW + 1, 5)
    assert (name.value, name.data_type) == (FORMULA, "s")
    control = read(exports.control_sheet_xlsx(dossier))
    row = exports.HEADING_ROW + 1
    assert control.cell(row, 4).value.startswith("@SUM(1+1)")
    assert (control.cell(row, 12).value, control.cell(row, 12).data_type) == ("=1+1", "s")
    for sheet in (logbook, control):
        assert not [c for r in sheet.iter_rows() for c in r if c.data_type == "f"]
