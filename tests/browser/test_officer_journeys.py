"""The officers' back office in Chromium, each officer signing in through the real sign-in form in their own
browser context (their own session):

(a) a citizen hands a dossier in at the counter: the one-stop officer of the ward receives it (status 2
    at once) and hands it over to the department; the department's specialist asks for a supplement;
    the citizen supplements online; the specialist records the result; the one-stop officer returns it.
    The citizen supplements on the portal's own page ("Hồ sơ của tôi" → "Nộp giấy tờ bổ sung"), signed in
    in a browser context of their own.
(b) a dossier submitted online is refused at reception, with reasons (the first attempt, without the
    confirmation, is sent back with the error).

The catalogue is built here with the models: one version in force, with one paper and a one-field form,
implemented by the ward.
"""

import io
from datetime import date

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mat-khau-rat-manh-2026"
CITIZEN_ID = "074090001234"
TINY_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def pdf_file(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": TINY_PDF}


@pytest.fixture
def world(db, settings, tmp_path, make_user):
    """Ward A (receives) and department B; a one-stop officer at A, a specialist at B; a citizen; a
    procedure version in force implemented by A."""
    from congso.agencies.models import Agency, StaffMembership
    from congso.catalog.models import (
        Field,
        OnlineMode,
        Procedure,
        ProcedureLevel,
        ProcedureVersion,
        RequiredPaper,
        VersionStatus,
    )

    settings.MEDIA_ROOT = tmp_path / "media"

    class World:
        ward = Agency.objects.create(code="000.01.12.H08", name="UBND phường Thủ Dầu Một", kind="ubnd")
        department = Agency.objects.create(code="000.00.20.H08", name="Sở Tư pháp", kind="department")
        one_stop = make_user("motcua", kind="official", full_name="Lê Thị Cúc", password=PASSWORD)
        specialist = make_user("chuyenvien", kind="official", full_name="Phạm Văn Dũng", password=PASSWORD)
        citizen = make_user("an", national_id=CITIZEN_ID, full_name="Nguyễn Văn An", password=PASSWORD)

    StaffMembership.objects.create(user=World.one_stop, agency=World.ward, role="one_stop_officer")
    StaffMembership.objects.create(user=World.specialist, agency=World.department, role="specialist")
    field = Field.objects.create(code="ho-tich", name="Hộ tịch")
    procedure = Procedure.objects.create(
        code="1.001193",
        national_code="1.001193",
        name="Đăng ký khai sinh",
        field=field,
        level=ProcedureLevel.COMMUNE,
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=VersionStatus.PUBLISHED,
        effective_from=date(2020, 1, 1),
        legal_basis="Luật Hộ tịch 2014",
        time_limit_value=3,
        online_mode=OnlineMode.FULLY_ONLINE,
        form_schema={
            "type": "object",
            "properties": {"ho_ten_tre": {"type": "string", "minLength": 2}},
            "required": ["ho_ten_tre"],
        },
        form_ui={"fields": {"ho_ten_tre": {"label": "Họ, chữ đệm và tên của trẻ"}}},
    )
    RequiredPaper.objects.create(
        version=version, code="to-khai", name="Tờ khai đăng ký khai sinh", position=0
    )
    version.implementing_agencies.add(World.ward)
    World.version = version
    return World


@pytest.fixture
def officer_page(browser, live_server):
    """``officer_page(username, start="/can-bo/")``: a new browser context (a new session), signed in
    through the sign-in form, landing on ``start``."""
    contexts = []

    def open_as(username, start="/can-bo/"):
        context = browser.new_context(locale="vi-VN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/tai-khoan/dang-nhap/?next={start}")
        page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"**{start}")
        return page

    yield open_as
    for context in contexts:
        context.close()


def summary_value(page, term):
    """The text of the <dd> that follows the <dt> ``term`` on the dossier page."""
    return page.locator(f"dt:text-is('{term}') + dd").first.inner_text().strip()


def test_counter_dossier_from_intake_to_the_returned_result(world, officer_page):
    from congso.dossiers.models import Dossier, Status

    # The one-stop officer of the ward receives the dossier at the counter.
    desk = officer_page("motcua")
    desk.get_by_role("link", name="Tiếp nhận tại quầy").click()
    desk.get_by_role("link", name="Đăng ký khai sinh").click()
    desk.get_by_label("Họ, chữ đệm và tên người nộp").fill("Nguyễn Văn An")
    desk.get_by_label("Số định danh cá nhân hoặc mã số thuế", exact=False).first.fill(CITIZEN_ID)
    desk.get_by_label("Gắn hồ sơ vào tài khoản dịch vụ công có số định danh này").check()
    desk.get_by_label("Số điện thoại").fill("0912 345 678")
    desk.get_by_label("Nộp cho con hoặc người được giám hộ").check()
    desk.get_by_label("Họ tên người (hoặc tên tổ chức) được đại diện").fill("Nguyễn Thị Na")
    desk.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Nguyễn Thị Na")
    desk.get_by_label("Tờ khai đăng ký khai sinh").set_input_files(pdf_file("to-khai.pdf"))
    desk.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    desk.get_by_text("Đã tiếp nhận hồ sơ").wait_for()
    dossier = Dossier.objects.get()
    assert desk.url.endswith(f"/can-bo/ho-so/{dossier.code}/")
    assert summary_value(desk, "Trạng thái") == "Được tiếp nhận"
    assert desk.get_by_role("link", name="In giấy tiếp nhận (mẫu 01)").is_visible()
    assert desk.get_by_role("link", name="Tải về to-khai.pdf", exact=False).is_visible()
    assert dossier.applicant == world.citizen and dossier.form_data == {"ho_ten_tre": "Nguyễn Thị Na"}

    # It is handed over to the department (the first step of the control sheet).
    desk.get_by_role("link", name="Bàn giao hồ sơ").click()
    desk.get_by_label("Cơ quan nhận").select_option(label="Sở Tư pháp (000.00.20.H08)")
    desk.get_by_label("Bộ phận, phòng nhận").fill("Phòng Hành chính tư pháp")
    desk.get_by_label("Bước xử lý").fill("Thẩm định hồ sơ")
    desk.get_by_label("Thời gian được giao (giờ làm việc)").fill("16")
    desk.get_by_role("button", name="Bàn giao").click()
    desk.get_by_text(f"Đã bàn giao hồ sơ {dossier.code}.").wait_for()
    assert summary_value(desk, "Trạng thái") == "Đang xử lý"
    assert summary_value(desk, "Cơ quan đang xử lý") == "Sở Tư pháp"
    assert desk.locator("#control-title + .table-wrap").get_by_text("Phòng Hành chính tư pháp").is_visible()

    # The department's specialist finds it in their inbox and asks for a supplement.
    clerk = officer_page("chuyenvien")
    clerk.get_by_role("navigation", name="Điều hướng không gian làm việc").get_by_role(
        "link", name="Hộp việc"
    ).click()
    clerk.get_by_role("link", name=dossier.code).click()
    clerk.get_by_role("link", name="Yêu cầu bổ sung, hoàn thiện hồ sơ").click()
    clerk.get_by_label("Giấy tờ, nội dung cần bổ sung").fill(
        "Giấy chứng sinh (bản chính)\nBản sao căn cước của mẹ"
    )
    clerk.get_by_label("Lý do").fill("Thiếu giấy chứng sinh")
    clerk.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    clerk.get_by_text(f"Đã yêu cầu bổ sung hồ sơ {dossier.code}.").wait_for()
    assert summary_value(clerk, "Trạng thái") == "Yêu cầu bổ sung giấy tờ"
    assert clerk.get_by_text("Bản sao căn cước của mẹ").first.is_visible()

    # The citizen supplements online, on the portal (the dossier is linked to their account).
    citizen = officer_page(CITIZEN_ID, start="/ho-so-cua-toi/")
    citizen.get_by_role("link", name=dossier.code).click()
    citizen.get_by_role("link", name="Nộp giấy tờ bổ sung").click()
    citizen.get_by_label("1. Giấy chứng sinh (bản chính)").set_input_files(pdf_file("giay-chung-sinh.pdf"))
    citizen.get_by_label("Ghi chú cho cơ quan").fill("Bổ sung giấy chứng sinh")
    citizen.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    citizen.get_by_text("Đã gửi giấy tờ bổ sung").wait_for()

    # The specialist records the result with the signed file.
    clerk.reload()
    assert summary_value(clerk, "Trạng thái") == "Đang xử lý"
    clerk.get_by_role("link", name="Có kết quả giải quyết").click()
    clerk.get_by_label("Tệp kết quả giải quyết").set_input_files(pdf_file("giay-khai-sinh.pdf"))
    clerk.get_by_label("Nội dung kết quả").fill("Giấy khai sinh số 12/2026")
    clerk.get_by_role("button", name="Xác nhận có kết quả").click()
    clerk.get_by_text(f"Hồ sơ {dossier.code} đã có kết quả giải quyết.").wait_for()
    assert summary_value(clerk, "Trạng thái") == "Đã xử lý xong"

    # Back at the ward, the one-stop officer hands the result to the citizen.
    desk.goto(f"/can-bo/ho-so/{dossier.code}/")
    desk.get_by_role("link", name="Trả kết quả", exact=True).click()
    desk.get_by_label("Trực tiếp tại bộ phận một cửa").check()
    desk.get_by_role("button", name="Xác nhận đã trả kết quả").click()
    desk.get_by_text(f"Đã trả kết quả hồ sơ {dossier.code}.").wait_for()
    assert summary_value(desk, "Trạng thái") == "Đã trả kết quả"
    assert desk.get_by_text("Bạn không có thao tác nào với hồ sơ ở trạng thái hiện tại.").is_visible()

    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_RETURNED and dossier.return_method == "counter"
    assert [c.to_status for c in dossier.status_changes.order_by("at", "id")] == [2, 4, 5, 4, 9, 10]
    assert dossier.papers.filter(stage="result").count() == 1
    assert dossier.papers.filter(stage="supplement").count() == 1


def test_online_dossier_refused_at_reception_with_reasons(world, officer_page):
    from congso.dossiers import services
    from congso.dossiers.files import PaperUpload
    from congso.dossiers.models import Status

    dossier = services.submit_online(
        version=world.version,
        applicant=world.citizen,
        receiving_agency=world.ward,
        form_data={"ho_ten_tre": "Nguyễn Thị Na"},
        applicant_details={"name": "Nguyễn Văn An", "national_id": CITIZEN_ID},
        acting_for=None,
        submitted_by=world.citizen,
        idempotency_key="truc-tuyen-1",
        papers=[PaperUpload("to-khai", "Tờ khai", io.BytesIO(TINY_PDF))],
    )
    desk = officer_page("motcua")
    desk.get_by_role("navigation", name="Điều hướng không gian làm việc").get_by_role(
        "link", name="Hộp việc"
    ).click()
    desk.get_by_label("Trạng thái").select_option(label="Mới đăng ký")
    desk.get_by_role("button", name="Lọc").click()
    row = desk.locator("tr", has=desk.get_by_role("link", name=dossier.code))
    assert row.get_by_text("Trong hạn").is_visible() and row.get_by_text("Trực tuyến").is_visible()
    row.get_by_role("link", name=dossier.code).click()
    desk.get_by_role("link", name="Từ chối tiếp nhận hồ sơ").click()
    desk.get_by_label("Lý do từ chối tiếp nhận").fill(
        "Hồ sơ không thuộc thẩm quyền của phường\nTờ khai chưa ký"
    )
    desk.get_by_role("button", name="Từ chối tiếp nhận").click()
    # Without the confirmation nothing happens; the error says what to do.
    summary = desk.locator(".error-summary")
    summary.wait_for()
    assert "Vui lòng đánh dấu ô xác nhận trước khi thực hiện." in summary.inner_text()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert desk.get_by_label("Lý do từ chối tiếp nhận").input_value().startswith("Hồ sơ không thuộc")
    desk.get_by_label("Tôi xác nhận từ chối tiếp nhận hồ sơ này.").check()
    desk.get_by_role("button", name="Từ chối tiếp nhận").click()
    desk.get_by_text(f"Đã từ chối tiếp nhận hồ sơ {dossier.code}.").wait_for()
    assert summary_value(desk, "Trạng thái") == "Không được tiếp nhận"
    timeline = desk.locator("ol.timeline")
    assert timeline.get_by_text("Tờ khai chưa ký").is_visible()
    assert desk.get_by_role("link", name="In Phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03)").is_visible()
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert dossier.status_changes.last().extra["reasons"] == [
        "Hồ sơ không thuộc thẩm quyền của phường",
        "Tờ khai chưa ký",
    ]
