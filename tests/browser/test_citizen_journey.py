"""The citizen's whole journey in Chromium, as the issue's acceptance describes it:

search → procedure page → sign in → a multi-step form with an attachment → save the draft → resume it on
another device (a new browser context, signed in again) → submit → download the receipt PDF → see the
dossier in "Hồ sơ của tôi" → the public status page with the second factor (the PIN on the receipt).

The catalog is the demo seed (``catalog.demo.seed_demo_catalog``); "Chứng thực bản sao từ bản chính"
(2.000815) is given the example multi-step form of the form engine, since the seed ships that procedure
without an online form.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.factories.identity import PASSWORD
from tests.samples import PDF_BYTES
from tests.support.browser import database_work

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NATIONAL_ID = "074090001234"


@pytest.fixture
def catalog(db, settings, tmp_path):
    """The demo catalogue, with the certification procedure offered through the example online form."""
    from congso.catalog.demo import seed_demo_catalog
    from congso.catalog.models import ProcedureVersion
    from congso.formengine import examples

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_catalog()
    schema, ui = examples.load("2.000815")
    versions = ProcedureVersion.objects.filter(procedure__code="2.000815")
    assert versions.update(form_schema=schema, form_ui=ui) == 1
    return versions.get()


@pytest.fixture
def citizen(make_user):
    return make_user(
        "an",
        national_id=NATIONAL_ID,
        full_name="Nguyễn Văn An",
        phone="0912345678",
        email="an@example.vn",
        password=PASSWORD,
    )


def sign_in(page):
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(NATIONAL_ID)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def continue_(page):
    page.get_by_role("button", name="Lưu và tiếp tục").click()


def test_citizen_journey_from_search_to_the_public_status_page(
    catalog, citizen, page, browser, live_server, tmp_path
):
    from congso.dossiers.models import Dossier, PaperStage

    # Search the catalogue and open the procedure.
    page.goto("/thu-tuc/")
    page.get_by_label("Tên hoặc mã thủ tục").fill("chứng thực bản sao")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name=re.compile("^Chứng thực bản sao từ bản chính")).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Chứng thực bản sao từ bản chính")

    # Apply: the portal asks to sign in, then brings the citizen back to the start page.
    page.get_by_role("link", name=re.compile("^Nộp hồ sơ trực tuyến")).click()
    page.wait_for_url("**/tai-khoan/dang-nhap/**")
    sign_in(page)
    page.wait_for_url("**/nop-ho-so/2.000815/")
    page.get_by_label("Cho bản thân tôi").check()
    page.get_by_role("button", name="Bắt đầu").click()

    # The commune, then the first steps of the form; the identity fields are prefilled.
    page.get_by_label("Ủy ban nhân dân phường Phú Lợi").check()
    continue_(page)
    assert page.get_by_text("Nguyễn Văn An").first.is_visible()
    assert page.get_by_label("Số điện thoại").input_value() == "0912345678"
    continue_(page)
    page.get_by_label("Tên giấy tờ, văn bản cần chứng thực").fill("Bằng tốt nghiệp trung học phổ thông")
    page.get_by_label("Cơ quan đã cấp giấy tờ").fill("Sở Giáo dục và Đào tạo tỉnh Bình Dương")
    page.get_by_label("Tiếng Việt", exact=True).check()
    page.get_by_label("Số trang của bản chính").fill("2")
    page.get_by_label("Số bản sao cần chứng thực").fill("3")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url("**/nop-ho-so/")
    assert page.get_by_text("Đã lưu bản nháp.").is_visible()

    # Another device: a new browser context, signed in again, resumes the draft where it was left.
    other = browser.new_context(locale="vi-VN", base_url=live_server.url, accept_downloads=True)
    try:
        device = other.new_page()
        device.set_default_timeout(15_000)
        device.goto("/nop-ho-so/")
        device.wait_for_url("**/tai-khoan/dang-nhap/**")
        sign_in(device)
        device.wait_for_url("**/nop-ho-so/")
        device.get_by_role("link", name=re.compile("^Tiếp tục")).first.click()
        assert (
            device.get_by_label("Tên giấy tờ, văn bản cần chứng thực").input_value()
            == "Bằng tốt nghiệp trung học phổ thông"
        )
        continue_(device)
        device.get_by_label("Nhận trực tiếp tại Bộ phận Một cửa").check()
        continue_(device)

        # The attachment: a real PDF file from disk, the scan of the original. The optional paper is left
        # empty, as a browser sends it (an empty field of the same name).
        scan = tmp_path / "ban-chinh-bang-tot-nghiep.pdf"
        scan.write_bytes(PDF_BYTES)
        # The file input's visible button is its label, in Vietnamese; the script names the chosen file.
        assert device.locator("label.file-upload__label").first.inner_text().startswith("Chọn tệp")
        assert device.get_by_role(
            "heading", name="Bản sao cần chứng thực (nếu người yêu cầu tự chụp, không bắt buộc)"
        ).is_visible()
        device.get_by_label(re.compile("^Chọn tệp — Bản chính giấy tờ")).set_input_files(str(scan))
        assert device.get_by_text("Tệp đã chọn, chưa tải lên: ban-chinh-bang-tot-nghiep.pdf").is_visible()
        continue_(device)

        # Check the answers, declare, submit.
        assert device.get_by_role("heading", level=1).inner_text() == "Kiểm tra thông tin trước khi nộp"
        assert device.get_by_text("ban-chinh-bang-tot-nghiep.pdf").is_visible()
        device.get_by_role("link", name="Tiếp tục đến bước cam đoan và nộp hồ sơ").click()
        device.get_by_label(re.compile("^Tôi xin cam đoan")).check()
        device.get_by_role("button", name="Nộp hồ sơ").click()
        device.wait_for_url("**/da-nop/")
        code = device.locator(".dossier-code").inner_text().strip()
        with database_work():
            dossier = Dossier.objects.get(code=code)
            assert dossier.receiving_agency.name == "Ủy ban nhân dân phường Phú Lợi"
            assert set(
                dossier.papers.filter(stage=PaperStage.SUBMISSION).values_list("original_name", flat=True)
            ) == {"ban-chinh-bang-tot-nghiep.pdf"}

        # "Hồ sơ của tôi": the new dossier, its page, the confirmation of submission as PDF.
        device.get_by_role("navigation", name="Điều hướng chính").get_by_role(
            "link", name="Hồ sơ của tôi"
        ).click()
        assert device.get_by_role("link", name=code).is_visible()
        # One status name everywhere: the national one, as the receipt says.
        row = device.get_by_role("row", name=re.compile(code))
        assert row.get_by_role("cell", name="Mới đăng ký", exact=True).is_visible()
        device.get_by_role("link", name=code).click()
        assert device.get_by_role("heading", level=1).inner_text() == f"Hồ sơ {code}"
        with device.expect_download() as download_info:
            device.get_by_role("link", name="Tải giấy xác nhận đã nộp hồ sơ (PDF)").click()
        download = download_info.value
        assert download.suggested_filename == f"xac-nhan-nop-ho-so-{code}.pdf"
        with open(download.path(), "rb") as receipt:
            assert receipt.read(5) == b"%PDF-"

        # The PIN as the citizen reads it on the printable receipt.
        device.get_by_role("link", name="Xem và in biên nhận hồ sơ").click()
        pin_row = device.locator(".answers__row", has=device.get_by_text("Mã tra cứu", exact=True))
        pin = pin_row.locator("dd").inner_text().strip()
        assert pin == dossier.lookup_pin
    finally:
        other.close()

    # The public status page, signed out, in the first browser: the code alone, then with the PIN.
    anonymous = browser.new_context(locale="vi-VN", base_url=live_server.url)
    try:
        visitor = anonymous.new_page()
        visitor.set_default_timeout(15_000)
        visitor.goto("/tra-cuu/")
        visitor.get_by_label("Mã hồ sơ").fill(code)
        visitor.get_by_role("button", name="Tra cứu").click()
        assert visitor.get_by_role("heading", level=1).inner_text() == f"Tình trạng hồ sơ {code}"
        assert visitor.get_by_text("N. V. A.").count() == 0
        visitor.get_by_label("Mã hồ sơ").fill(code)
        visitor.get_by_label(re.compile("^Mã tra cứu hoặc số điện thoại")).fill(pin)
        visitor.get_by_role("button", name="Tra cứu").click()
        # is_visible() does not wait: the page with the PIN may not have replaced the first answer yet.
        expect(visitor.get_by_text("N. V. A.")).to_be_visible()
        assert visitor.get_by_role("cell", name="Nộp hồ sơ trực tuyến").is_visible()
        assert visitor.get_by_text("Nguyễn Văn An").count() == 0
    finally:
        anonymous.close()


@pytest.fixture
def birth_registration(db, settings, tmp_path):
    """The demo catalogue, with the birth registration offered through its example online form."""
    from congso.catalog.demo import seed_demo_catalog
    from congso.catalog.models import ProcedureVersion
    from congso.formengine import examples

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_catalog()
    schema, ui = examples.load("1.001193")
    versions = ProcedureVersion.objects.filter(procedure__code="1.001193")
    assert versions.update(form_schema=schema, form_ui=ui) == 1
    return versions.get()


def counter(page) -> tuple[int, int]:
    """The step counter "Bước 2/8" of the page, as numbers."""
    found = re.match(r"^Bước (\d+)/(\d+) · ", page.locator(".apply-progress").inner_text())
    assert found, page.locator(".apply-progress").inner_text()
    return int(found.group(1)), int(found.group(2))


def test_a_parent_registers_a_birth_without_javascript(
    birth_registration, citizen, browser, live_server, tmp_path
):
    """The corrected paths, with JavaScript off: the child's name asked once, a step counter that ends on
    the declaration, one primary button per page, the date in three boxes with its error linked to the
    day, the file chosen through the Vietnamese label, and the status named as on the receipt."""
    from congso.dossiers.models import Dossier

    context = browser.new_context(locale="vi-VN", base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/nop-ho-so/1.001193/")
        page.wait_for_url("**/tai-khoan/dang-nhap/**")
        sign_in(page)
        page.wait_for_url("**/nop-ho-so/1.001193/")
        page.get_by_label("Cho con tôi hoặc người tôi giám hộ").check()
        page.get_by_role("button", name="Bắt đầu").click()

        # No page about "the child or ward": after the commune comes the form itself.
        seen = [counter(page)]
        page.get_by_label("Ủy ban nhân dân phường Phú Lợi").check()
        continue_(page)
        assert page.get_by_role("heading", level=1).inner_text() == "Người đi đăng ký khai sinh"
        seen.append(counter(page))
        assert page.locator(".button--primary").count() == 1
        page.get_by_label("Nơi cư trú", exact=True).fill("Số 5 đường Yersin, phường Phú Lợi")
        page.get_by_label("Không", exact=True).check()
        continue_(page)

        # The child: the name (asked here only), the date of birth in three boxes.
        seen.append(counter(page))
        page.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Nguyễn Minh Khang")
        born = page.get_by_role("group", name=re.compile("^Ngày sinh của trẻ"))
        born.get_by_label("Ngày", exact=True).fill("31")
        born.get_by_label("Tháng", exact=True).fill("2")
        born.get_by_label("Năm", exact=True).fill("2025")
        page.get_by_label("Nam", exact=True).check()
        page.get_by_label("Dân tộc của trẻ").fill("Kinh")
        page.get_by_label("Quốc tịch của trẻ").fill("Việt Nam")
        page.get_by_label("Nơi sinh của trẻ").fill("Bệnh viện Đa khoa tỉnh Bình Dương")
        continue_(page)
        summary = page.locator(".error-summary")
        summary.get_by_role("link", name="Ngày sinh của trẻ phải là một ngày có thật.").click()
        assert page.url.endswith("#f-tre-ngay_sinh")
        assert page.locator("#f-tre-ngay_sinh").input_value() == "31"
        born.get_by_label("Ngày", exact=True).fill("2")
        born.get_by_label("Tháng", exact=True).fill("11")
        continue_(page)

        seen.append(counter(page))
        page.get_by_label("Họ, chữ đệm và tên của mẹ").fill("Trần Thị Mai")
        mother = page.get_by_role("group", name=re.compile("^Ngày sinh của mẹ"))
        mother.get_by_label("Ngày", exact=True).fill("15")
        mother.get_by_label("Tháng", exact=True).fill("6")
        mother.get_by_label("Năm", exact=True).fill("1995")
        page.get_by_label("Dân tộc của mẹ").fill("Kinh")
        page.get_by_label("Quốc tịch của mẹ").fill("Việt Nam")
        page.get_by_label("Nơi cư trú của mẹ").fill("Số 5 đường Yersin, phường Phú Lợi")
        continue_(page)
        seen.append(counter(page))
        page.get_by_label("Không", exact=True).check()
        continue_(page)
        seen.append(counter(page))
        page.get_by_label("Số bản sao Trích lục khai sinh đề nghị cấp").fill("0")
        page.get_by_label("Nhận trực tiếp tại Bộ phận Một cửa").check()
        continue_(page)

        # Papers, without script: the Vietnamese label is the button; the native input takes the files.
        seen.append(counter(page))
        assert page.locator(".button--primary").count() == 1
        assert page.locator("label.file-upload__label").first.inner_text().startswith("Chọn tệp")
        for name in ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"):
            scan = tmp_path / f"{name[:8].replace(' ', '-')}.pdf"
            scan.write_bytes(PDF_BYTES)
            page.get_by_label(re.compile(f"^Chọn tệp — {name}")).set_input_files(str(scan))
        page.get_by_role("button", name="Tải lên các tệp đã chọn").click()
        assert page.get_by_text("Đã tải lên 2 tệp.").is_visible()
        assert page.get_by_role("link", name="Tờ-khai-.pdf").is_visible()
        continue_(page)

        assert page.get_by_role("heading", level=1).inner_text() == "Kiểm tra thông tin trước khi nộp"
        seen.append(counter(page))
        assert page.get_by_text("Nguyễn Minh Khang", exact=True).count() == 1
        assert page.get_by_text("02/11/2025").is_visible()
        page.get_by_role("link", name="Tiếp tục đến bước cam đoan và nộp hồ sơ").click()
        seen.append(counter(page))
        total = seen[-1][1]
        assert seen == [(n, total) for n in range(2, total + 1)], seen
        page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.wait_for_url("**/da-nop/")
        code = page.locator(".dossier-code").inner_text().strip()
        with database_work():
            dossier = Dossier.objects.get(code=code)
        assert dossier.acting_for["full_name"] == "Nguyễn Minh Khang"
        assert dossier.form_data["tre"]["ngay_sinh"] == "2025-11-02"

        page.get_by_role("link", name="Xem và in biên nhận hồ sơ").click()
        status = page.locator(".answers__row", has=page.get_by_text("Tình trạng", exact=True))
        assert status.locator("dd").inner_text().strip() == "Mới đăng ký"
        page.goto("/ho-so-cua-toi/")
        row = page.get_by_role("row", name=re.compile(code))
        assert row.get_by_role("cell", name="Mới đăng ký", exact=True).is_visible()
    finally:
        context.close()
