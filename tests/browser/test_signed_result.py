"""Browser test: the citizen sees and downloads, in "Hồ sơ của tôi", the result of their dossier issued
as an official document — numbered from the agency's register, signed (PAdES) and sealed."""

import pytest

from tests.factories.identity import PASSWORD
from tests.support.browser import database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def delivered(drive, actors, officer, agency_a, settings, tmp_path):
    """A dossier in processing whose result decision is drafted, approved, signed, issued and delivered."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["*"]
    settings.CONGSO_DOCUMENTS_PKI_DIR = str(tmp_path / "pki")
    from congso.documents import results, services
    from congso.documents.models import Attachment
    from congso.dossiers.models import Status

    with database_work():
        clerk = officer("clerk", agency_a, "vanthu_kq")
        dossier = drive(Status.IN_PROCESSING)
        document = results.draft_result(
            dossier, by=actors.specialist, document_type="QĐ", summary="Về việc cấp giấy phép xây dựng"
        )
        services.submit_for_approval(document, by=actors.specialist, approvers=[], signer=actors.leader)
        services.decide(document, by=actors.leader, approve=True)
        services.sign(document, by=actors.leader)
        services.issue(document, by=clerk)
        results.deliver_result(document, by=actors.specialist)
        signed = Attachment.objects.get(outgoing=document, kind=Attachment.Kind.SIGNED)
        with signed.file.open("rb") as handle:
            signed_bytes = handle.read()
    return dossier, document, signed_bytes


def test_citizen_downloads_the_signed_result(delivered, page):
    dossier, document, signed_bytes = delivered
    page.goto(f"/ho-so-cua-toi/{dossier.public_id}/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("citizen_an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text(document.number_symbol).first.wait_for()
    with page.expect_download() as result:
        page.get_by_role("link", name="Tải kết quả điện tử").click()
    downloaded = result.value.path().read_bytes()
    assert downloaded == signed_bytes
    assert downloaded.count(b"/ByteRange") == 2  # the signer's signature and the agency's seal
