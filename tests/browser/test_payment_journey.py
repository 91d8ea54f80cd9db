"""The fully online journey in Chromium (issue 13): the agency asks for the fee → the citizen pays from
"my dossiers" through the sandbox VNPAY gateway (the IPN really goes server to server) → the officer
finishes the dossier → the citizen downloads the fee receipt and the electronic result, and the public
verification page confirms the result's hash."""

import io

import pytest

from tests.factories.identity import PASSWORD
from tests.samples import PDF_BYTES
from tests.support.browser import database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting(drive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["*"]
    from congso.dossiers.models import Status

    return drive(Status.AWAITING_PAYMENT)


def test_pay_online_then_download_receipt_and_result(waiting, actors, page):
    from congso.dossiers import services as dossier_services
    from congso.dossiers.files import PaperUpload
    from congso.dossiers.models import Status

    page.goto(f"/ho-so-cua-toi/{waiting.public_id}/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("citizen_an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Nộp phí trực tuyến").click()
    assert "50.000 đồng" in page.content()
    page.get_by_label("VNPAY (thẻ ATM, thẻ quốc tế, QR)").check()
    page.get_by_role("button", name="Thanh toán ngay").click()
    # The simulated gateway: labelled, the success card chosen.
    page.get_by_text("ĐÂY LÀ CỔNG THANH TOÁN MÔ PHỎNG").wait_for()
    page.get_by_label("9704198526191432198").check()
    page.get_by_role("button", name="Thanh toán").first.click()
    page.get_by_text("Đã thanh toán").wait_for()
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Tải biên lai điện tử").click()
    assert receipt.value.suggested_filename.startswith("bien-lai-BL")
    with database_work():
        waiting.refresh_from_db()
        assert waiting.status == Status.IN_PROCESSING
        dossier_services.mark_result_ready(
            waiting, actors.specialist, result_files=[PaperUpload("", "Giấy xác nhận", io.BytesIO(PDF_BYTES))]
        )
    page.goto(f"/ho-so-cua-toi/{waiting.public_id}/")
    with page.expect_download() as result:
        page.get_by_role("link", name="Tải kết quả điện tử").click()
    assert result.value.path().read_bytes() == PDF_BYTES
    page.get_by_role("link", name="Liên kết xác minh").click()
    page.get_by_text("Khớp: tệp có mã băm này đúng là kết quả").wait_for()
    assert waiting.code in page.content()
