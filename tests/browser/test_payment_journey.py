"""The fully online journey in Chromium (issue 13): the citizen applies online (second test) → the agency
asks for the fee → the citizen pays from "my dossiers" through the sandbox VNPAY gateway (the IPN really
goes server to server) → the officer finishes the dossier → the citizen downloads the fee receipt and the
electronic result, and the public verification page confirms the result's hash (first test)."""

import io
import re

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
    downloaded = result.value.path()
    assert downloaded.read_bytes() == PDF_BYTES
    page.get_by_role("link", name="Liên kết xác minh").click()
    page.get_by_text("Tệp này đúng là kết quả đã trả cho hồ sơ trên").wait_for()
    assert waiting.code in page.content()
    # Whoever receives the file checks it by choosing it: no hash to compute.
    page.get_by_label("Tệp kết quả bạn có").set_input_files(downloaded)
    page.get_by_role("button", name="Đối chiếu tệp").click()
    page.get_by_text("Tệp này đúng là kết quả đã trả cho hồ sơ trên").wait_for()


def test_the_pay_page_fits_a_phone_and_reads_amounts_in_dong(waiting, citizen, browser, live_server):
    from datetime import timedelta

    from django.utils import timezone

    from congso.payments.models import IntentStatus, PaymentIntent

    with database_work():
        for provider, reference, status, code in (
            ("dvcqg", "dvc0000112H08260311000720260311101500a1b2", IntentStatus.FAILED, "4"),
            ("vnpay", f"CS{waiting.pk}T20260311101500ABC123", IntentStatus.ABANDONED, "24"),
        ):
            PaymentIntent.objects.create(
                dossier=waiting,
                payer=citizen,
                provider=provider,
                reference=reference,
                amount=16_000,
                description="x",
                gateway_url="http://gateway.invalid/",
                created_stamp="20260311101500",
                expires_at=timezone.now() + timedelta(minutes=15),
                status=status,
                provider_code=code,
            )
    context = browser.new_context(
        locale="vi-VN", base_url=live_server.url, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/thanh-toan/ho-so/{waiting.public_id}/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("citizen_an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Các lần thanh toán").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    attempts = page.locator("section[aria-labelledby=intents-title]").inner_text()
    assert attempts.count("16.000 đồng") == 2 and "16000" not in attempts
    context.close()


@pytest.fixture
def offered(version, agency_a, citizen, settings, tmp_path):
    """The fully online procedure of the dossier fixtures, received by agency A."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["*"]
    with database_work():
        version.implementing_agencies.add(agency_a)
    return version


def test_apply_pay_and_receive_the_result_online(offered, actors, page, tmp_path):
    """The whole fully online journey of the issue: the citizen applies in the browser, the agency asks for
    the fee, the citizen pays through the simulated gateway, the agency issues the result, the citizen
    downloads the fee receipt and the electronic result."""
    from congso.dossiers import services as dossier_services
    from congso.dossiers.files import PaperUpload
    from congso.dossiers.models import Dossier, Status

    page.goto(f"/nop-ho-so/{offered.procedure.code}/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("citizen_an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Cho bản thân tôi").check()
    page.get_by_role("button", name="Bắt đầu").click()
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF_BYTES)
    page.get_by_role("heading", name="Giấy tờ đính kèm").wait_for()
    page.locator('input[type="file"]').first.set_input_files(str(scan))
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("link", name="Tiếp tục đến bước cam đoan và nộp hồ sơ").click()
    page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.get_by_text(re.compile("Mã hồ sơ")).first.wait_for()

    with database_work():
        dossier = Dossier.objects.get(procedure_version=offered)
        assert dossier.channel == "online" and dossier.status == Status.SUBMITTED
        dossier_services.accept(dossier, actors.one_stop)
        dossier_services.start_processing(dossier, actors.specialist)
        dossier_services.request_payment(dossier, actors.specialist, amount=50_000)

    page.goto(f"/ho-so-cua-toi/{dossier.public_id}/")
    page.get_by_role("link", name="Nộp phí trực tuyến").click()
    assert "50.000 đồng" in page.content()
    page.get_by_label("VNPAY (thẻ ATM, thẻ quốc tế, QR)").check()
    page.get_by_role("button", name="Thanh toán ngay").click()
    page.get_by_text("ĐÂY LÀ CỔNG THANH TOÁN MÔ PHỎNG").wait_for()
    page.get_by_label("9704198526191432198").check()
    page.get_by_role("button", name="Thanh toán").first.click()
    page.get_by_text("Đã thanh toán").wait_for()
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Tải biên lai điện tử").click()
    assert receipt.value.suggested_filename.startswith("bien-lai-BL")

    with database_work():
        dossier.refresh_from_db()
        assert dossier.status == Status.IN_PROCESSING  # paid: processing resumed
        dossier_services.mark_result_ready(
            dossier, actors.specialist, result_files=[PaperUpload("", "Giấy xác nhận", io.BytesIO(PDF_BYTES))]
        )
    page.goto(f"/ho-so-cua-toi/{dossier.public_id}/")
    with page.expect_download() as result:
        page.get_by_role("link", name="Tải kết quả điện tử").click()
    assert result.value.path().read_bytes() == PDF_BYTES
