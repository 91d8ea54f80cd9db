"""Once-only in Chromium (issue 11): a citizen applies without uploading the identity paper a national
register proves (the papers page says it is not needed, nothing is uploaded for it), and in a second
application re-uses, from their electronic data store, the result an agency issued them instead of
uploading the paper again; the re-use is counted."""

import re

import pytest

from tests.factories.identity import PASSWORD
from tests.samples import PDF_BYTES
from tests.support.browser import database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NATIONAL_ID = "074090001234"


@pytest.fixture
def catalog(db, settings, tmp_path):
    """The demo catalogue; certification (2.000815) with the example online form and, as a required
    paper the population database proves, the applicant's identity paper."""
    from congso.catalog.demo import seed_demo_catalog
    from congso.catalog.models import ProcedureVersion, RequiredPaper
    from congso.formengine import examples

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CONGSO_REGISTRIES_GATEWAY_URL = "http://127.0.0.1:9"  # no register reachable: nothing needed
    seed_demo_catalog()
    schema, ui = examples.load("2.000815")
    versions = ProcedureVersion.objects.filter(procedure__code="2.000815")
    assert versions.update(form_schema=schema, form_ui=ui) == 1
    version = versions.get()
    RequiredPaper.objects.create(
        version=version,
        code="giay-to-tuy-than",
        name="Giấy tờ tùy thân có ảnh của người yêu cầu",
        is_required=True,
        from_data_store=True,
        position=9,
    )
    return version


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


def continue_(page):
    page.get_by_role("button", name="Lưu và tiếp tục").click()


def fill_form(page):
    page.get_by_label("Ủy ban nhân dân phường Phú Lợi").check()
    continue_(page)
    continue_(page)  # the applicant's details, prefilled from the account
    page.get_by_label("Tên giấy tờ, văn bản cần chứng thực").fill("Bằng tốt nghiệp trung học phổ thông")
    page.get_by_label("Cơ quan đã cấp giấy tờ").fill("Sở Giáo dục và Đào tạo tỉnh Bình Dương")
    page.get_by_label("Tiếng Việt", exact=True).check()
    page.get_by_label("Số trang của bản chính").fill("2")
    page.get_by_label("Số bản sao cần chứng thực").fill("3")
    continue_(page)
    page.get_by_label("Nhận trực tiếp tại Bộ phận Một cửa").check()
    continue_(page)


def submit(page) -> str:
    page.get_by_role("link", name="Tiếp tục đến bước cam đoan và nộp hồ sơ").click()
    page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/da-nop/")
    return page.locator(".dossier-code").inner_text().strip()


def start(page):
    page.goto("/nop-ho-so/2.000815/")
    page.get_by_label("Cho bản thân tôi").check()
    page.get_by_role("button", name="Bắt đầu").click()


def test_apply_without_the_proven_paper_then_reuse_a_result_from_the_data_store(
    catalog, citizen, page, tmp_path
):
    from congso.dossiers.models import Dossier, PaperStage
    from congso.registries import services

    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(NATIONAL_ID)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    # First application: the identity paper is not asked for; only the original's scan is uploaded.
    start(page)
    fill_form(page)
    proven = page.get_by_role("region", name="Giấy tờ tùy thân có ảnh của người yêu cầu")
    assert proven.get_by_text("Không cần nộp: cơ quan sẽ khai thác từ kho dữ liệu").is_visible()
    assert proven.locator("input[type=file]").count() == 0
    scan = tmp_path / "ban-chinh.pdf"
    scan.write_bytes(PDF_BYTES)
    page.get_by_label(re.compile("^Chọn tệp — Bản chính giấy tờ")).set_input_files(str(scan))
    continue_(page)
    first_code = submit(page)
    with database_work():
        first = Dossier.objects.get(code=first_code)
        codes = set(
            first.papers.filter(stage=PaperStage.SUBMISSION).values_list("required_paper_code", flat=True)
        )
        assert codes == {"ban-chinh"}
        # An agency issued this citizen an electronic result earlier (a certified copy), kept in their store.
        from io import BytesIO

        handle = BytesIO(PDF_BYTES + b"%ket-qua")
        handle.name = "ban-sao-chung-thuc.pdf"
        handle.content_type = "application/pdf"
        result = services.store_result(
            citizen,
            "Bản sao chứng thực Bằng tốt nghiệp",
            handle,
            issued_by="Ủy ban nhân dân phường Phú Lợi",
            source_dossier_code="000.00.00.H08-250101-0001",
        )

    # The data store page lists it as the agency's result: download, no delete.
    page.goto("/ca-nhan/kho-du-lieu/")
    row = page.get_by_role("row", name=re.compile("Bản sao chứng thực Bằng tốt nghiệp"))
    assert row.get_by_role("link", name=re.compile("^Tải về")).is_visible()
    assert row.get_by_role("link", name=re.compile("^Xóa")).count() == 0

    # Second application: the paper comes from the data store, nothing is uploaded.
    start(page)
    fill_form(page)
    page.get_by_label(
        re.compile("^Hoặc dùng lại giấy tờ trong kho dữ liệu của bạn — Bản chính giấy tờ")
    ).select_option(str(result.pk))
    continue_(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Kiểm tra thông tin trước khi nộp"
    assert page.get_by_text("ban-sao-chung-thuc.pdf").is_visible()
    second_code = submit(page)
    with database_work():
        second = Dossier.objects.get(code=second_code)
        paper = second.papers.get(stage=PaperStage.SUBMISSION)
        assert paper.required_paper_code == "ban-chinh" and paper.sha256 == result.sha256
        services.keep_papers_of(second)  # what the worker does on dossier.submitted
        assert services.reuse_count() == 1
