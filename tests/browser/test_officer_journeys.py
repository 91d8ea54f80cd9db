"""The officers' back office in Chromium, each officer signing in through the real sign-in form in their own
browser context (their own session):

(a) a citizen hands a dossier in at the counter: the one-stop officer of the ward receives it (status 2
    at once) and hands it over to a specialist of the department, both chosen from the agency tree (unit
    first, then its people, no free text); the specialist finds it as a task under "Việc cần xử lý" and
    asks for a supplement; the citizen supplements online; the specialist records the result; the
    one-stop officer returns it.
    The citizen supplements on the portal's own page ("Hồ sơ của tôi" → "Nộp giấy tờ bổ sung"), signed in
    in a browser context of their own.
(b) a dossier submitted online is in the one-stop officer's "Việc cần xử lý" — the officer signs in from
    the citizen home page's header link and lands in the workspace, not on the citizen home page — and is
    refused at reception, with reasons (the first attempt, without the confirmation, is sent back with
    the error).
(c) on a phone (375×740) the inbox shows the search results before the filters, each dossier code on
    one line and a long procedure name on at most two.

The catalogue is built here with the models: one version in force, with one paper and a one-field form,
implemented by the ward.
"""

import io
from datetime import date

import pytest

from congso.catalog.models import OnlineMode, VersionStatus
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.catalog import ProcedureVersionFactory
from tests.factories.identity import PASSWORD
from tests.samples import PDF_BYTES, pdf_for_browser
from tests.support.browser import database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN_ID = "074090001234"


@pytest.fixture
def world(db, settings, tmp_path, make_user):
    """Ward A (receives) and department B; a one-stop officer at A, a specialist at B; a citizen; a
    procedure version in force implemented by A."""
    settings.MEDIA_ROOT = tmp_path / "media"

    class World:
        ward = AgencyFactory(code="000.01.12.H08", name="UBND phường Thủ Dầu Một", kind="ubnd")
        department = AgencyFactory(code="000.00.20.H08", name="Sở Tư pháp", kind="department")
        one_stop = make_user("motcua", kind="official", full_name="Lê Thị Cúc", password=PASSWORD)
        specialist = make_user("chuyenvien", kind="official", full_name="Phạm Văn Dũng", password=PASSWORD)
        citizen = make_user("an", national_id=CITIZEN_ID, full_name="Nguyễn Văn An", password=PASSWORD)

    StaffMembershipFactory(user=World.one_stop, agency=World.ward, role="one_stop_officer")
    StaffMembershipFactory(user=World.specialist, agency=World.department, role="specialist")
    version = ProcedureVersionFactory(
        procedure__code="1.001193",
        procedure__name="Đăng ký khai sinh",
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
        papers=[{"code": "to-khai", "name": "Tờ khai đăng ký khai sinh"}],
        implementing_agencies=[World.ward],
    )
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
    desk.get_by_label("Tờ khai đăng ký khai sinh").set_input_files(pdf_for_browser("to-khai.pdf"))
    desk.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    desk.get_by_text("Đã tiếp nhận hồ sơ").wait_for()
    with database_work():
        dossier = Dossier.objects.get()
        assert dossier.applicant == world.citizen and dossier.form_data == {"ho_ten_tre": "Nguyễn Thị Na"}
    assert desk.url.endswith(f"/can-bo/ho-so/{dossier.code}/")
    assert summary_value(desk, "Trạng thái") == "Được tiếp nhận"
    assert desk.get_by_role("link", name="In giấy tiếp nhận (mẫu 01)").is_visible()
    assert desk.get_by_role("link", name="Tải về to-khai.pdf", exact=False).is_visible()

    # It is handed over to the department's specialist, chosen from the agency tree (the first step of
    # the control sheet): the unit first, then one of its people.
    desk.get_by_role("link", name="Bàn giao hồ sơ").click()
    desk.get_by_label("Đơn vị nhận", exact=True).select_option(label="Sở Tư pháp (000.00.20.H08)")
    desk.get_by_role("button", name="Chọn đơn vị").click()
    desk.get_by_text("Đơn vị nhận: Sở Tư pháp").wait_for()
    receivers = desk.get_by_label("Người nhận")
    assert receivers.locator("option").all_inner_texts() == [
        "Hàng chờ của đơn vị (không giao đích danh)",
        "Phạm Văn Dũng",
    ]
    receivers.select_option(label="Phạm Văn Dũng")
    desk.get_by_label("Bước xử lý").fill("Thẩm định hồ sơ")
    desk.get_by_label("Thời gian được giao (giờ làm việc, không bắt buộc)").fill("16")
    desk.get_by_role("button", name="Bàn giao").click()
    desk.get_by_text(f"Đã bàn giao hồ sơ {dossier.code}.").wait_for()
    assert summary_value(desk, "Trạng thái") == "Đang xử lý"
    assert summary_value(desk, "Cơ quan đang xử lý") == "Sở Tư pháp"
    assert desk.locator("#control-title + .table-wrap").get_by_text("Phạm Văn Dũng").is_visible()

    # The department's specialist has it as a task under "Việc cần xử lý" and asks for a supplement.
    clerk = officer_page("chuyenvien")
    clerk.get_by_role("navigation", name="Điều hướng không gian làm việc").get_by_role(
        "link", name="Hộp việc"
    ).click()
    todo = clerk.locator("section[aria-labelledby='work-items-title']")
    todo.get_by_role("link", name="Thẩm định hồ sơ").click()
    clerk.wait_for_url(f"**/can-bo/ho-so/{dossier.code}/")
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
    citizen.get_by_label("1. Giấy chứng sinh (bản chính)").set_input_files(
        pdf_for_browser("giay-chung-sinh.pdf")
    )
    citizen.get_by_label("Ghi chú cho cơ quan").fill("Bổ sung giấy chứng sinh")
    citizen.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    citizen.get_by_text("Đã gửi giấy tờ bổ sung").wait_for()

    # The specialist records the result with the signed file.
    clerk.reload()
    assert summary_value(clerk, "Trạng thái") == "Đang xử lý"
    clerk.get_by_role("link", name="Có kết quả giải quyết").click()
    clerk.get_by_label("Tệp kết quả giải quyết").set_input_files(pdf_for_browser("giay-khai-sinh.pdf"))
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

    with database_work():
        dossier.refresh_from_db()
        assert dossier.status == Status.RESULT_RETURNED and dossier.return_method == "counter"
        assert [c.to_status for c in dossier.status_changes.order_by("at", "id")] == [2, 4, 5, 4, 9, 10]
        assert dossier.papers.filter(stage="result").count() == 1
        assert dossier.papers.filter(stage="supplement").count() == 1


def test_online_dossier_refused_at_reception_with_reasons(world, browser, live_server):
    from congso.dossiers import services
    from congso.dossiers.files import PaperUpload
    from congso.dossiers.models import Status

    with database_work():
        dossier = services.submit_online(
            version=world.version,
            applicant=world.citizen,
            receiving_agency=world.ward,
            form_data={"ho_ten_tre": "Nguyễn Thị Na"},
            applicant_details={"name": "Nguyễn Văn An", "national_id": CITIZEN_ID},
            acting_for=None,
            submitted_by=world.citizen,
            idempotency_key="truc-tuyen-1",
            papers=[PaperUpload("to-khai", "Tờ khai", io.BytesIO(PDF_BYTES))],
        )
    # The one-stop officer signs in from the header of the citizen home page: the workspace, not "/".
    context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    desk.goto("/")
    desk.get_by_role("link", name="Đăng nhập").first.click()
    desk.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("motcua")
    desk.get_by_label("Mật khẩu").fill(PASSWORD)
    desk.get_by_role("button", name="Đăng nhập").click()
    desk.wait_for_url("**/can-bo/")
    assert desk.get_by_role("link", name="1 việc cần xử lý").is_visible()
    desk.get_by_role("navigation", name="Điều hướng không gian làm việc").get_by_role(
        "link", name="Hộp việc"
    ).click()
    # The new online dossier is in "Việc cần xử lý", not only in the list below it.
    todo = desk.locator("section[aria-labelledby='work-items-title']")
    assert (
        todo.locator("tr", has=desk.get_by_text(dossier.code))
        .get_by_role("link", name="Tiếp nhận hồ sơ nộp trực tuyến")
        .is_visible()
    )
    desk.get_by_label("Trạng thái").select_option(label="Mới đăng ký")
    desk.get_by_role("button", name="Lọc").click()
    row = desk.locator("#ket-qua tr", has=desk.get_by_role("link", name=dossier.code))
    assert row.get_by_text("Trong hạn").is_visible()
    # The channel column gives way below 90em (a 1280 px window) so the table fits; it is in the row.
    assert row.get_by_text("Trực tuyến").count() == 1
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
    with database_work():
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
    with database_work():
        dossier.refresh_from_db()
        assert dossier.status == Status.REFUSED
        assert dossier.status_changes.last().extra["reasons"] == [
            "Hồ sơ không thuộc thẩm quyền của phường",
            "Tờ khai chưa ký",
        ]
    context.close()


LONG_NAME = (
    "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu "
    "cho hộ gia đình, cá nhân, cộng đồng dân cư đã đăng ký quyền sử dụng đất"
)


def test_the_inbox_on_a_phone_shows_results_first_on_short_rows(world, browser, live_server):
    from congso.dossiers import services
    from congso.dossiers.files import PaperUpload

    with database_work():
        world.version.procedure.name = LONG_NAME
        world.version.procedure.save()
        codes = [
            services.receive_at_counter(
                version=world.version,
                receiving_agency=world.ward,
                officer=world.one_stop,
                applicant_details={"name": f"Người nộp {n}", "national_id": f"07409000{n:04d}"},
                form_data={"ho_ten_tre": "Nguyễn Thị Na"},
                papers=[PaperUpload("to-khai", "Tờ khai", io.BytesIO(PDF_BYTES))],
            ).code
            for n in range(3)
        ]
    context = browser.new_context(
        locale="vi-VN", base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    phone.goto("/tai-khoan/dang-nhap/?next=/can-bo/ho-so/")
    phone.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("motcua")
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.wait_for_url("**/can-bo/ho-so/")
    phone.get_by_label("Tra cứu hồ sơ").fill("Người nộp")
    phone.get_by_role("button", name="Tìm").click()
    phone.wait_for_url("**#ket-qua")
    first_row = phone.locator("#ket-qua tbody tr").first
    filters = phone.locator("details.filters")
    row_box, filters_box = first_row.bounding_box(), filters.bounding_box()
    # The first result is on screen (the search jumps to the results) and above the filters.
    assert 0 <= row_box["y"] < 740
    assert row_box["y"] + row_box["height"] <= filters_box["y"]
    # Collapsed on a phone: the filters take one line until opened.
    assert filters.get_attribute("open") is None or filters_box["y"] > row_box["y"]
    # A dossier code never breaks at its hyphens: its cell is one line high.
    code_cell = first_row.locator("td.cell-code")
    assert code_cell.inner_text().strip().endswith(tuple(code.split("-", 1)[1] for code in codes))
    line = float(code_cell.evaluate("cell => parseFloat(getComputedStyle(cell).lineHeight)"))
    padding = float(code_cell.evaluate("cell => parseFloat(getComputedStyle(cell).paddingTop)"))
    padding += float(code_cell.evaluate("cell => parseFloat(getComputedStyle(cell).paddingBottom)"))
    assert code_cell.bounding_box()["height"] - padding < 1.5 * line
    # A long procedure name takes at most two lines; the whole name stays in the page and its title.
    name = first_row.locator("td.cell-name .clamp-2")
    assert name.bounding_box()["height"] < 2.5 * line
    assert name.get_attribute("title") == LONG_NAME and name.text_content() == LONG_NAME
    context.close()
