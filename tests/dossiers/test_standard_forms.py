"""The standard forms 01–07 as PDF: content, administrative layout, per-agency settings and templates."""

import io
import re
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from congso.agencies.models import Agency, AgencyDocumentSettings, AgencyKind
from congso.agencies.services import document_settings_for
from congso.dossiers import services, standard_forms
from congso.dossiers.errors import InvalidDossierInput
from congso.dossiers.models import Status
from congso.dossiers.standard_forms import FormNotAvailable, render_form, render_logbook
from tests.factories.catalog import FeeFactory, RequiredPaperFactory
from tests.samples import APPLICANT
from tests.support.clock import local

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, whitespace collapsed (lines are broken wherever the layout wraps)."""
    assert data[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def pdf_images(data: bytes) -> int:
    reader = PdfReader(io.BytesIO(data))
    return sum(len(page.images) for page in reader.pages)


@pytest.fixture
def received(ward, counter_dossier, clock):
    """A dossier received at the counter of the ward on Tuesday 10 March 2026, 09:15."""
    clock.set(local(2026, 3, 10, 9, 15))
    return counter_dossier(
        applicant_details={**APPLICANT, "address": "12 Yersin, phường Thủ Dầu Một"},
        acting_for={"relation": "con", "name": "Nguyễn Thị Bình", "national_id": "074090000099"},
    )


def test_receipt_has_the_parts_of_an_administrative_document(received, actors):
    text = pdf_text(render_form(received, "01"))

    assert NATIONAL_TITLE in text and MOTTO in text
    assert "UBND PHƯỜNG THỦ DẦU MỘT" in text and "BỘ PHẬN MỘT CỬA" in text
    assert "Số: 01/TN" in text
    assert "Thủ Dầu Một, ngày 10 tháng 3 năm 2026" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert received.code in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert actors.one_stop.full_name in text


def test_receipt_states_applicant_procedure_appointment_and_how_to_follow(received):
    text = pdf_text(render_form(received, "01", base_url="https://dichvucong.example.vn/"))

    assert "Nguyễn Văn An" in text and "12 Yersin, phường Thủ Dầu Một" in text
    assert "Nộp thay cho: Nguyễn Thị Bình (con)" in text
    assert received.procedure_version.procedure.name in text
    due = standard_forms.clock_and_date(received.due_at)
    assert due == "17 giờ 00 phút, ngày 13 tháng 3 năm 2026"
    assert due in text
    assert f"https://dichvucong.example.vn/tra-cuu/{received.code}/" in text
    assert received.lookup_pin and received.lookup_pin in text
    assert "Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 10 tháng 3 năm 2026" in text


def test_receipt_carries_a_qr_code_and_embeds_real_bold_noto_sans(received):
    data = render_form(received, "01")

    assert pdf_images(data) == 1
    assert {"NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic"} <= pdf_fonts(data)


def test_receipt_prints_no_national_id(received):
    text = pdf_text(render_form(received, "01"))

    assert APPLICANT["national_id"] not in text
    assert "074090000099" not in text


def test_receipt_lists_the_papers_received_with_originals_and_copies(received, ward, clock, counter_dossier):
    version = received.procedure_version
    RequiredPaperFactory(version=version, code="cccd", name="Căn cước công dân", originals=1, copies=2)
    FeeFactory(version=version, name="Lệ phí đăng ký", amount=50_000)

    text = pdf_text(render_form(received, "01"))

    assert "Căn cước công dân" in text and "01 bản chính, 02 bản sao" in text
    assert "Lệ phí đăng ký: 50.000 đồng mỗi lần thực hiện" in text


def test_form_01_is_not_issued_before_the_dossier_is_accepted(ward, submit, clock):
    # Form 01 records the desk's acceptance: an online dossier awaiting reception has none yet.
    clock.set(local(2026, 3, 10, 16, 30))
    dossier = submit()
    with pytest.raises(FormNotAvailable, match="chưa được tiếp nhận"):
        render_form(dossier, "01")


def test_confirmation_of_an_online_submission_is_named_for_what_it_is(ward, submit, clock, settings):
    settings.CONGSO_PUBLIC_BASE_URL = "https://dvc.example.vn"
    clock.set(local(2026, 3, 10, 16, 30))
    dossier = submit()

    text = pdf_text(standard_forms.render_submission_confirmation(dossier))

    assert "GIẤY XÁC NHẬN ĐÃ NỘP HỒ SƠ TRỰC TUYẾN" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" not in text and "Số: " not in text
    assert "Mẫu số 01" not in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" not in text
    assert "Thời gian nộp hồ sơ: 16 giờ 30 phút, ngày 10 tháng 3 năm 2026" in text
    assert "Tờ khai đăng ký" in text and "Bản điện tử" in text
    assert f"https://dvc.example.vn/tra-cuu/{dossier.code}/" in text and dossier.lookup_pin in text
    # Submitted after 15:00: counted from the next working day, 3 working days → Mon 16 Mar.
    assert "ngày 16 tháng 3 năm 2026" in text
    assert "mẫu số 01" in text  # says form 01 comes on acceptance


def test_a_counter_dossier_has_form_01_not_a_confirmation_of_online_submission(received):
    with pytest.raises(FormNotAvailable, match="nộp trực tiếp"):
        standard_forms.render_submission_confirmation(received)


def test_form_01_of_a_fully_online_dossier_returns_the_result_online(ward, submit, actors, clock):
    clock.set(local(2026, 3, 10, 9, 0))
    dossier = submit()  # fully online procedure (the default version)
    clock.set(local(2026, 3, 10, 10, 0))
    services.accept(dossier, actors.one_stop)

    text = pdf_text(render_form(dossier, "01"))

    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Thời gian nhận hồ sơ: 10 giờ 00 phút, ngày 10 tháng 3 năm 2026" in text
    place = text.split("Nơi trả kết quả:")[1].split("\n")[0]
    assert "trực tuyến" in place and "Bộ phận Một cửa" not in place and "BỘ PHẬN" not in place


def test_form_01_of_a_counter_dossier_returns_the_result_at_the_desk(received):
    text = " ".join(pdf_text(render_form(received, "01")).split())
    place = text.split("Nơi trả kết quả:")[1].split(".")[0]
    assert "Bộ phận Một cửa" in place and "trực tuyến" not in place


def test_register_number_counts_from_the_first_of_january(ward, counter_dossier, clock):
    clock.set(local(2025, 12, 31, 10))
    counter_dossier()
    clock.set(local(2026, 1, 5, 9))
    first = counter_dossier()
    second = counter_dossier()

    assert standard_forms.register_number(first) == 1
    assert standard_forms.register_number(second) == 2
    assert "Số: 02/TN" in pdf_text(render_form(second, "01"))


def test_supplement_request_lists_every_item(ward, drive, actors, clock):
    clock.set(local(2026, 3, 10, 9))
    dossier = drive(Status.SUPPLEMENT_REQUESTED, supplement_from=Status.SUBMITTED)

    text = pdf_text(render_form(dossier, "02"))

    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and dossier.code in text
    assert "Giấy chứng sinh (bản chính)" in text and "Lý do: Thiếu" in text
    assert "BỘ PHẬN MỘT CỬA" in text and "NGƯỜI HƯỚNG DẪN" in text
    assert "tạm dừng" in text


def test_supplement_asked_during_processing_is_headed_by_the_processing_agency(
    ward, department, submit, actors, clock
):
    clock.set(local(2026, 3, 10, 9))
    dossier = submit()
    services.accept(dossier, actors.one_stop)
    services.hand_over(
        dossier,
        to_agency=department,
        to_unit_label="Phòng Hành chính tư pháp",
        step_name="Thẩm định",
        given_by=actors.one_stop,
    )
    services.request_supplement(
        dossier, actors.specialist_b, ["Bản sao giấy khai sinh", "Ảnh 4x6"], "Xác minh"
    )

    text = pdf_text(render_form(dossier, "02"))

    assert "UBND TỈNH BÌNH DƯƠNG" in text and "SỞ TƯ PHÁP" in text
    assert "SỞ TƯ PHÁP TỈNH BÌNH DƯƠNG" not in text
    assert "Bản sao giấy khai sinh" in text and "Ảnh 4x6" in text


def test_refusal_states_each_reason(ward, submit, actors, clock):
    clock.set(local(2026, 3, 10, 9))
    dossier = submit()
    services.refuse(dossier, actors.one_stop, ["Không thuộc thẩm quyền", "Hồ sơ giả mạo chữ ký"])

    text = pdf_text(render_form(dossier, "03"))

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and dossier.code in text
    assert "Không thuộc thẩm quyền" in text and "Hồ sơ giả mạo chữ ký" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    # The submission moment as official forms write it, in local time (not ISO, not UTC).
    assert "Thời gian nộp hồ sơ: 09 giờ 00 phút, ngày 10 tháng 3 năm 2026" in text


def test_refused_dossier_has_no_receipt(ward, submit, actors):
    dossier = submit()
    services.refuse(dossier, actors.one_stop, "Không thuộc thẩm quyền")

    with pytest.raises(FormNotAvailable, match="từ chối tiếp nhận"):
        render_form(dossier, "01")


def test_apology_states_the_reason_and_the_new_appointment_and_is_signed(ward, received, actors, clock):
    AgencyDocumentSettings.objects.create(agency=ward, signer_authority="KT.", signer_name="Trần Văn Cường")
    clock.set(local(2026, 3, 12, 10))
    services.extend(received, actors.leader, date(2026, 3, 18), "Phải xác minh tại nơi cư trú cũ")

    text = pdf_text(render_form(received, "04", context_overrides={"document_number": "15"}))

    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG THỦ DẦU MỘT" in text and "Số: 15/UBND" in text
    assert "Kính gửi: Ông/Bà Nguyễn Văn An" in text
    assert "Phải xác minh tại nơi cư trú cũ" in text
    assert "17 giờ 00 phút, ngày 13 tháng 3 năm 2026" in text  # the old appointment
    assert "17 giờ 00 phút, ngày 18 tháng 3 năm 2026" in text  # the new one
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "Trần Văn Cường" in text
    assert "Nơi nhận:" in text and "Lưu: VT." in text


def test_stop_notice_states_the_reason(ward, drive, actors, clock):
    clock.set(local(2026, 3, 10, 9))
    dossier = drive(Status.IN_PROCESSING)
    services.stop(dossier, actors.leader, "Người yêu cầu đã chết trước khi có kết quả")

    text = pdf_text(render_form(dossier, "05"))

    assert "THÔNG BÁO" in text and "Về việc dừng giải quyết hồ sơ" in text
    assert "Người yêu cầu đã chết trước khi có kết quả" in text
    assert "Số: /TB-UBND" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text


@pytest.mark.parametrize("form_code", ["02", "03", "04", "05"])
def test_a_form_with_nothing_to_state_is_not_available(received, form_code):
    with pytest.raises(FormNotAvailable):
        render_form(received, form_code)


@pytest.mark.parametrize("form_code", ["07", "08", "xx"])
def test_unknown_form_codes_are_refused(received, form_code):
    with pytest.raises(InvalidDossierInput, match="Mẫu phiếu"):
        render_form(received, form_code)


def test_control_sheet_has_one_row_per_hand_over_with_its_result(ward, department, received, actors, clock):
    clock.set(local(2026, 3, 10, 10, 5))
    services.hand_over(
        received,
        to_agency=department,
        to_unit_label="Phòng Hành chính tư pháp",
        step_name="Thẩm định",
        given_by=actors.one_stop,
        received_by=actors.specialist_b,
        allotted_working_hours=4,
    )
    clock.set(local(2026, 3, 10, 11, 0))  # within the 4 hours, same day: on time
    services.hand_over(
        received,
        to_agency=department,
        to_unit_label="Lãnh đạo Sở",
        step_name="Phê duyệt",
        given_by=actors.specialist_b,
        received_by=actors.leader_b,
        allotted_working_hours=2,
    )
    clock.set(local(2026, 3, 11, 15, 0))  # 2 hours allotted, a day later: late
    services.hand_over(
        received,
        to_agency=ward,
        to_unit_label="Bộ phận Một cửa",
        step_name="Trả kết quả",
        given_by=actors.leader_b,
        note="Đã ký số",
    )

    rows = standard_forms.control_sheet_rows(received)
    text = pdf_text(render_form(received, "06"))

    assert [row.result for row in rows] == ["on_time", "late", ""]
    assert [row.result_label for row in rows] == ["Đúng hạn", "Quá hạn", "Đang giải quyết"]
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and received.code in text
    assert "Phòng Hành chính tư pháp – Sở Tư pháp tỉnh Bình Dương" in text
    assert "10 giờ 05 phút, ngày 10 tháng 3 năm 2026" in text
    # A step's deadline is written as on the pages (hour first), not "10/03/2026 14:05".
    assert re.search(r"Hạn của bước:\s+\d\d:\d\d \d\d/03/2026", text), text
    assert actors.specialist_b.full_name in text and actors.leader_b.full_name in text
    assert "Đúng hạn" in text and "Quá hạn" in text and "Đã ký số" in text
    assert "Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số 01/TN" in text


def test_control_sheet_prints_half_an_hour_as_such(department, received, actors, clock):
    clock.set(local(2026, 3, 10, 10, 5))
    services.hand_over(
        received,
        to_agency=department,
        to_unit_label="Lãnh đạo Sở",
        step_name="Ký duyệt",
        given_by=actors.one_stop,
        allotted_working_hours=Decimal("0.5"),
    )

    [row] = standard_forms.control_sheet_rows(received)
    text = pdf_text(render_form(received, "06"))

    assert row.allotted_label == "0,5 giờ"
    assert row.due_at == local(2026, 3, 10, 10, 35)  # 30 working minutes
    assert "Thời gian được giao: 0,5 giờ" in text and "0.50" not in text


def test_control_sheet_of_a_dossier_never_handed_over_says_so(received):
    text = pdf_text(render_form(received, "06"))

    assert standard_forms.control_sheet_rows(received) == []
    assert "Hồ sơ chưa được bàn giao giữa các bộ phận, cơ quan" in text


# --- Agency settings and templates --------------------------------------------------------------


def test_agency_settings_change_the_header_and_the_place(ward, received):
    AgencyDocumentSettings.objects.create(
        agency=ward,
        display_name="Ủy ban nhân dân phường Thử Nghiệm",
        one_stop_unit_name="Trung tâm Phục vụ hành chính công",
        place_name="Dĩ An",
        footer_note="Giờ làm việc: sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ.",
    )

    text = pdf_text(render_form(received, "01"))

    assert "UBND PHƯỜNG THỬ NGHIỆM" in text and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text
    assert "Dĩ An, ngày 10 tháng 3 năm 2026" in text
    assert "UBND PHƯỜNG THỦ DẦU MỘT" not in text
    assert "Giờ làm việc: sáng 7 giờ 30" in text


def test_agency_template_override_is_picked_up(ward, received, settings, tmp_path):
    folder = tmp_path / "dossiers" / "standard_forms" / ward.code
    folder.mkdir(parents=True)
    (folder / "form01.html").write_text(
        "{% extends base_template %}{% block content %}<p>Mẫu riêng của phường: {{ code }}</p>{% endblock %}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    own = pdf_text(render_form(received, "01"))

    assert f"Mẫu riêng của phường: {received.code}" in own
    assert NATIONAL_TITLE in own  # still the shared header

    assert standard_forms.template_names(ward, "form01.html") == [
        f"dossiers/standard_forms/{ward.code}/form01.html",
        "dossiers/standard_forms/form01.html",
    ]


def test_another_agency_keeps_the_default_template(ward, received, settings, tmp_path, make_agency):
    other = make_agency("000.09.12.H08", "UBND phường Phú Lợi")
    folder = tmp_path / "dossiers" / "standard_forms" / other.code
    folder.mkdir(parents=True)
    (folder / "form01.html").write_text("{% extends base_template %}{% block content %}RIÊNG{% endblock %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    assert "RIÊNG" not in pdf_text(render_form(received, "01"))


def test_document_settings_are_derived_from_the_agency(ward, department, province):
    ward_doc = document_settings_for(ward)
    assert ward_doc.superior_name == ""
    assert ward_doc.display_name == "UBND PHƯỜNG THỦ DẦU MỘT".replace("UBND", "ỦY BAN NHÂN DÂN")
    assert ward_doc.short_display_name == "UBND PHƯỜNG THỦ DẦU MỘT"
    assert ward_doc.place_name == "Thủ Dầu Một"
    assert ward_doc.signature_lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert ward_doc.one_stop_unit_name == "Bộ phận Một cửa"
    assert ward_doc.phone == "0274 3822 000"

    department_doc = document_settings_for(department)
    assert department_doc.superior_name == "UBND TỈNH BÌNH DƯƠNG"
    assert department_doc.display_name == "SỞ TƯ PHÁP"
    assert department_doc.signature_lines == ["GIÁM ĐỐC"]
    assert department_doc.short_name == "STP"


@pytest.mark.parametrize(
    ("stored", "lines"),
    [
        ({"signer_authority": "KT."}, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        ({"signer_authority": "Q."}, ["Q. GIÁM ĐỐC"]),
        ({"signer_authority": "TL.", "signer_title": "Chánh Văn phòng"}, ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
        ({"signer_title": "Phó Giám đốc phụ trách"}, ["PHÓ GIÁM ĐỐC PHỤ TRÁCH"]),
        ({"signer_authority": "TM.", "authority_holder": "Hội đồng"}, ["TM. HỘI ĐỒNG", "GIÁM ĐỐC"]),
    ],
)
def test_signer_authority_lines(department, stored, lines):
    AgencyDocumentSettings.objects.create(agency=department, **stored)

    assert document_settings_for(department).signature_lines == lines


def test_service_centre_heads_its_receipts_with_its_own_name(province, make_agency, ward_unit):
    centre = make_agency(
        "000.00.02.H08", "Trung tâm Phục vụ hành chính công tỉnh Bình Dương", AgencyKind.SERVICE_CENTRE
    )
    centre.parent = province
    centre.save()

    doc = document_settings_for(centre)
    header = standard_forms.layout._header(doc, one_stop=True, day=date(2026, 3, 10))

    assert header["upper"] == "UBND TỈNH BÌNH DƯƠNG"
    assert header["lower_lines"] == ["TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"]


# --- Form 07: the logbook -----------------------------------------------------------------------


@pytest.fixture
def three_days(ward, counter_dossier, clock):
    """Dossiers received on 9, 10 and 11 March 2026 (one, two and one)."""
    received = {}
    for day, count in ((9, 1), (10, 2), (11, 1)):
        for n in range(count):
            clock.set(local(2026, 3, day, 9 + n))
            received.setdefault(day, []).append(
                counter_dossier(applicant_details={**APPLICANT, "name": f"Người nộp {day}-{n}"})
            )
    return received


def test_logbook_includes_only_the_range(ward, three_days):
    rows = list(standard_forms.logbook_rows(ward, date(2026, 3, 10), date(2026, 3, 10)))

    assert [row.code for row in rows] == [d.code for d in three_days[10]]
    # The entry numbers continue the year's register, as on the receipts.
    assert [row.number for row in rows] == [2, 3]
    assert [standard_forms.register_number(d) for d in three_days[10]] == [2, 3]


def test_logbook_pdf_is_landscape_with_the_columns_and_only_the_range(ward, three_days):
    data = render_logbook(ward, date(2026, 3, 10), date(2026, 3, 11))
    text = pdf_text(data)
    page = PdfReader(io.BytesIO(data)).pages[0]

    assert float(page.mediabox.width) > float(page.mediabox.height)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 10/03/2026 đến ngày 11/03/2026" in text
    for header in (
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Cơ quan chủ trì giải quyết",
        "Hẹn trả kết quả",
        "Ký nhận",
    ):
        assert header in text
    codes = text.replace("- ", "-")  # the code column breaks each code after the agency part
    for dossier in three_days[10] + three_days[11]:
        assert dossier.code in codes
    assert three_days[9][0].code not in codes
    assert "Người nộp 10-1" in text and "Người nộp 9-0" not in text
    # The logbook's date columns read "HH:MM dd/mm/yyyy" in local time: received 10 March at 10:00,
    # due three working days later at the close of office hours.
    assert "10:00 10/03/2026 17:00 13/03/2026" in text


def test_logbook_of_an_empty_range_says_so(ward):
    text = pdf_text(render_logbook(ward, date(2026, 1, 1), date(2026, 1, 31)))

    assert "Không có hồ sơ nào được tiếp nhận trong khoảng thời gian này." in text


def test_logbook_refuses_a_reversed_range(ward):
    with pytest.raises(InvalidDossierInput, match="Ngày kết thúc"):
        render_logbook(ward, date(2026, 3, 11), date(2026, 3, 10))


def test_logbook_too_long_for_a_pdf_points_to_the_spreadsheet(ward, three_days, settings):
    settings.CONGSO_LOGBOOK_PDF_MAX_ROWS = 2

    with pytest.raises(InvalidDossierInput, match="Excel"):
        render_logbook(ward, date(2026, 3, 1), date(2026, 3, 31))


def test_forms_are_vietnamese_whatever_the_interface_language(received):
    from django.utils import translation

    with translation.override("en"):
        text = pdf_text(render_form(received, "01"))

    assert "Thời gian trả kết quả giải quyết hồ sơ" in text


def test_a_name_typed_with_combining_marks_prints_composed(ward, counter_dossier, clock):
    clock.set(local(2026, 3, 10, 9))
    decomposed = unicodedata.normalize("NFD", "Phạm Thị Thuỷ")
    dossier = counter_dossier(applicant_details={**APPLICANT, "name": decomposed})

    raw = PdfReader(io.BytesIO(render_form(dossier, "01"))).pages[0].extract_text()

    assert unicodedata.normalize("NFC", "Phạm Thị Thuỷ") in raw


def test_agency_codes_from_the_database_cannot_escape_the_template_folder(ward):
    bogus = Agency(code="../../etc", name="x", kind=AgencyKind.OTHER)

    assert standard_forms.template_names(bogus, "form01.html") == ["dossiers/standard_forms/form01.html"]


def test_administrator_adjusts_header_and_signer_on_the_agency_admin_page(ward, received, client, make_user):
    from django.urls import reverse

    from congso.core.models import AuditEntry

    admin_user = make_user("quantri", kind="official", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:agencies_agency_change", args=[ward.pk])
    page = client.get(url)
    assert page.status_code == 200 and "document_settings-TOTAL_FORMS" in page.content.decode()

    form = {
        "code": ward.code,
        "name": ward.name,
        "short_name": "",
        "kind": ward.kind,
        "parent": "",
        "administrative_unit": ward.administrative_unit_id,
        "address": ward.address,
        "phone": ward.phone,
        "email": "",
        "valid_from": "",
        "valid_to": "",
        "successor": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "document_settings-TOTAL_FORMS": "1",
        "document_settings-INITIAL_FORMS": "0",
        "document_settings-MIN_NUM_FORMS": "0",
        "document_settings-MAX_NUM_FORMS": "1",
        "document_settings-0-agency": ward.pk,
        "document_settings-0-superior_name": "",
        "document_settings-0-display_name": "",
        "document_settings-0-place_name": "Thủ Dầu Một",
        "document_settings-0-signer_authority": "KT.",
        "document_settings-0-authority_holder": "",
        "document_settings-0-signer_title": "",
        "document_settings-0-signer_name": "Lê Thị Hoa",
        "document_settings-0-one_stop_unit_name": "Bộ phận Tiếp nhận và Trả kết quả",
        "document_settings-0-phone": "0274 3899 999",
        "document_settings-0-footer_note": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]

    stored = AgencyDocumentSettings.objects.get(agency=ward)
    assert stored.signer_name == "Lê Thị Hoa"
    entry = AuditEntry.objects.get(action="agencies.document_settings.add")
    assert entry.actor == admin_user and entry.changes["signer_authority"] == "KT."
    text = pdf_text(render_form(received, "01"))
    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" in text and "BỘ PHẬN MỘT CỬA" not in text
