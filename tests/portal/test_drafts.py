"""Drafts: saved on every page, resumed on another device, private to their owner, expiring; their
attachments checked by content, several per paper, downloadable only as attachments by the owner."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import Client
from django.utils import timezone

from congso.core import scheduling
from congso.dossiers.models import Dossier
from congso.portal.models import ApplicationDraft, DraftFile, purge_expired_drafts
from tests.samples import EXE_BYTES, HTML_BYTES, PDF_BYTES, PNG_BYTES, pdf
from tests.support.html import has_link, one, select

from .applications import (
    fill_certification,
    html,
    isolate,
    ready_to_submit,
    start,
    url,
)


@pytest.fixture(autouse=True)
def quick_and_isolated(settings, tmp_path):
    isolate(settings, tmp_path)


def upload(name, content, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def other(make_user, db):
    client = Client()
    client.force_login(make_user("binh", full_name="Trần Thị Bình"))
    return client


# --- saving and resuming ----------------------------------------------------------------------------------


def test_a_new_draft_is_prefilled_and_kept_for_30_days(signed_in, certification):
    draft = start(signed_in, certification)
    assert draft.data == {
        "nguoi_yeu_cau": {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": "074090000123",
            "dien_thoai": "0912345678",
            "email": "an@example.com",
        }
    }
    assert draft.idempotency_key is not None
    remaining = draft.expires_at - timezone.now()
    assert timedelta(days=29, hours=23) < remaining <= timedelta(days=30)


def test_draft_lifetime_is_a_setting_and_every_save_extends_it(signed_in, certification, settings):
    settings.CONGSO_DRAFT_DAYS = 7
    draft = start(signed_in, certification)
    assert draft.expires_at - timezone.now() <= timedelta(days=7)
    ApplicationDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() + timedelta(hours=1))
    signed_in.post(url("apply-step", draft, step_id="nhan-ket-qua"), {"hinh_thuc_nhan": "truc_tiep"})
    draft.refresh_from_db()
    assert draft.expires_at - timezone.now() > timedelta(days=6)


def test_save_draft_keeps_partial_answers_and_returns_to_the_list(signed_in, certification):
    draft = start(signed_in, certification)
    response = signed_in.post(
        url("apply-step", draft, step_id="ban-chinh"),
        {"ten_giay_to": "Học bạ", "ngon_ngu": "", "so_trang": "", "so_ban_sao": "", "action": "save-draft"},
    )
    assert response["Location"] == url("drafts")
    draft.refresh_from_db()
    assert draft.data["ten_giay_to"] == "Học bạ" and "so_trang" not in draft.data
    assert draft.current_step == "step:ban-chinh"
    page = html(signed_in.get(url("drafts")))
    assert "Đã lưu bản nháp. Bạn có thể tiếp tục trên bất kỳ thiết bị nào" in page
    assert "Chứng thực bản sao từ bản chính" in page


def test_save_draft_still_refuses_malformed_answers(signed_in, certification):
    draft = start(signed_in, certification)
    before = dict(draft.data)
    response = signed_in.post(
        url("apply-step", draft, step_id="ban-chinh"),
        {"ten_giay_to": "Học bạ", "so_trang": "ba", "action": "save-draft"},
    )
    assert response.status_code == 200
    assert "Số trang của bản chính phải là số nguyên, chỉ gồm chữ số." in html(response)
    draft.refresh_from_db()
    assert draft.data == before


def test_malformed_posts_save_nothing(signed_in, certification):
    draft = start(signed_in, certification)
    address = url("apply-step", draft, step_id="ban-chinh")
    before = (dict(draft.data), draft.current_step)
    for bad in (
        {
            "ten_giay_to": "Học bạ",
            "ngon_ngu": "tieng_viet",
            "so_trang": "2",
            "so_ban_sao": "1",
            "la_quan_tri": "1",
        },
        {"ten_giay_to": ["Học bạ", "Bằng"], "ngon_ngu": "tieng_viet", "so_trang": "2", "so_ban_sao": "1"},
        {"ten_giay_to": "Học bạ", "ngon_ngu": "tieng_klingon", "so_trang": "2", "so_ban_sao": "1"},
        {"ten_giay_to": "Học bạ", "ngon_ngu": "tieng_viet", "so_trang": "2.5", "so_ban_sao": "1"},
        {"ngon_ngu": "tieng_viet", "so_trang": "2", "so_ban_sao": "1"},
    ):
        response = signed_in.post(address, bad)
        assert response.status_code == 200, bad
        assert select(response, ".error-summary"), bad
        draft.refresh_from_db()
        assert (draft.data, draft.current_step) == before, bad


def test_resume_on_another_device(signed_in, certification, citizen):
    draft = start(signed_in, certification)
    signed_in.post(
        url("apply-step", draft, step_id="ban-chinh"),
        {"ten_giay_to": "Giấy khai sinh", "ngon_ngu": "tieng_viet", "so_trang": "1", "so_ban_sao": "2"},
    )
    laptop = Client()
    laptop.force_login(citizen)
    listing = html(laptop.get(url("drafts")))
    assert url("apply-draft", draft) in listing
    response = laptop.get(url("apply-draft", draft))
    assert response["Location"] == url("apply-step", draft, step_id="nhan-ket-qua")
    page = html(laptop.get(url("apply-step", draft, step_id="ban-chinh")))
    assert select(page, 'input[value="Giấy khai sinh"]') and select(page, 'input[value="2"]')


def test_starting_again_offers_the_unfinished_draft(signed_in, certification):
    draft = start(signed_in, certification)
    page = html(signed_in.get(url("apply", procedure_code="2.000815")))
    assert "Bạn đang có hồ sơ chưa nộp cho thủ tục này" in page and url("apply-draft", draft) in page


def start_token_of(page: str) -> str:
    return one(page, 'input[name="start_token"]')["value"]


def test_posting_the_start_page_again_leads_to_the_draft_it_started(signed_in, certification, other):
    address = url("apply", procedure_code="2.000815")
    token = start_token_of(html(signed_in.get(address)))
    first = signed_in.post(address, {"relation": "self", "start_token": token})
    draft = ApplicationDraft.objects.get()
    assert first.status_code == 302 and draft.start_token is not None
    # Double click, or back and "Bắt đầu" again: the same form, the same draft.
    again = signed_in.post(address, {"relation": "self", "start_token": token})
    assert again.status_code == 302 and again["Location"] == url("apply-draft", draft)
    assert ApplicationDraft.objects.count() == 1
    # Someone else posting that token starts their own draft; it never leads to this one.
    assert other.post(address, {"relation": "self", "start_token": token}).status_code == 302
    assert ApplicationDraft.objects.exclude(pk=draft.pk).get().user != draft.user
    # A fresh load of the start page is a deliberate new start, offered beside the open draft.
    page = html(signed_in.get(address))
    assert url("apply-draft", draft) in page and start_token_of(page) != token
    again_on_purpose = signed_in.post(address, {"relation": "self", "start_token": start_token_of(page)})
    assert again_on_purpose.status_code == 302
    assert ApplicationDraft.objects.filter(user=draft.user).count() == 2


def test_the_start_token_is_kept_when_the_page_comes_back_with_errors(signed_in, certification):
    address = url("apply", procedure_code="2.000815")
    token = start_token_of(html(signed_in.get(address)))
    refused = signed_in.post(address, {"start_token": token})
    assert refused.status_code == 200 and start_token_of(html(refused)) == token
    assert not ApplicationDraft.objects.exists()
    signed_in.post(address, {"relation": "self", "start_token": token})
    signed_in.post(address, {"relation": "self", "start_token": token})
    assert ApplicationDraft.objects.count() == 1


def test_a_start_token_posted_at_the_same_moment_starts_one_draft(signed_in, certification, citizen):
    from congso import formengine
    from congso.portal import drafts

    token = uuid.uuid4()
    definition = formengine.build(certification.form_schema, certification.form_ui)
    first, created = drafts.start_draft(citizen, certification, definition, "self", start_token=token)
    # The second post read "no draft yet" before the first one was saved; the database keeps one.
    second, created_again = drafts.start_draft(citizen, certification, definition, "self", start_token=token)
    assert created and not created_again and second.draft.pk == first.draft.pk
    assert ApplicationDraft.objects.count() == 1


def test_someone_elses_draft_is_not_found(signed_in, other, certification):
    draft = start(signed_in, certification)
    signed_in.post(url("apply-papers", draft), {"file-ban-chup": pdf("ban-chup.pdf"), "action": "upload"})
    attached = DraftFile.objects.get()
    for address in (
        url("apply-draft", draft),
        url("apply-step", draft, step_id="ban-chinh"),
        url("apply-review", draft),
        url("apply-papers", draft),
        url("draft-file", draft, file_id=attached.pk),
        url("apply-submit", draft),
    ):
        assert other.get(address).status_code == 404, address
    assert other.post(url("draft-delete", draft)).status_code == 404
    assert other.post(url("draft-file-delete", draft, file_id=attached.pk)).status_code == 404
    assert other.post(url("apply-step", draft, step_id="ban-chinh"), {"ten_giay_to": "X"}).status_code == 404
    assert ApplicationDraft.objects.filter(pk=draft.pk).exists() and DraftFile.objects.exists()
    assert "Chứng thực" not in html(other.get(url("drafts")))


def test_signed_out_visitors_are_sent_to_sign_in(signed_in, certification):
    draft = start(signed_in, certification)
    response = Client().get(url("apply-review", draft))
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/?next=")


def test_expired_draft_cannot_be_continued_or_submitted(signed_in, certification, communes):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    ApplicationDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = signed_in.get(url("apply-step", draft, step_id="ban-chinh"))
    assert response.status_code == 410
    assert "Bản nháp đã hết hạn" in html(response)
    response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response.status_code == 410
    assert not Dossier.objects.exists()
    assert "Đã hết hạn" in html(signed_in.get(url("drafts")))
    assert signed_in.post(url("apply-restart", draft)).status_code == 410


def test_deleting_a_draft_removes_its_files(
    signed_in, certification, settings, django_capture_on_commit_callbacks
):
    draft = start(signed_in, certification)
    signed_in.post(url("apply-papers", draft), {"file-ban-chup": pdf("ban-chup.pdf"), "action": "upload"})
    stored = settings.MEDIA_ROOT / DraftFile.objects.get().file.name
    assert stored.exists()
    assert "Xóa bản nháp hồ sơ?" in html(signed_in.get(url("draft-delete", draft)))
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(url("draft-delete", draft))
    assert response["Location"] == url("drafts")
    assert not ApplicationDraft.objects.exists() and not DraftFile.objects.exists()
    assert not stored.exists()


@pytest.mark.django_db(transaction=True)
def test_expired_drafts_and_their_files_are_purged(client, certification, citizen, settings):
    client.force_login(citizen)
    old, fresh = start(client, certification), start(client, certification)
    client.post(url("apply-papers", old), {"file-ban-chup": pdf("ban-chup.pdf"), "action": "upload"})
    stored = settings.MEDIA_ROOT / DraftFile.objects.get().file.name
    ApplicationDraft.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert purge_expired_drafts() == 1
    assert list(ApplicationDraft.objects.all()) == [fresh]
    assert not stored.exists()
    # The worker runs it every hour.
    assert "portal.purge_expired_drafts" in [job.name for job in scheduling.jobs()]


def test_drafts_are_read_only_in_the_admin(signed_in, certification, make_user):
    draft = start(signed_in, certification)
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    model_admin = admin_site._registry[ApplicationDraft]
    request = type("Request", (), {"user": admin})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, draft)
    assert not model_admin.has_delete_permission(request, draft)
    staff = Client()
    staff.force_login(admin)
    page = staff.get(f"/quan-tri/portal/applicationdraft/{draft.pk}/change/")
    assert page.status_code == 200 and str(draft.public_id) in html(page)


def test_the_admin_shows_a_drafts_metadata_not_its_answers(signed_in, certification, make_user):
    """The platform administrator reads no dossier, and a draft is a dossier being written."""
    draft = start(signed_in, certification)
    signed_in.post(
        url("apply-papers", draft), {"file-ban-chup": pdf("CCCD Nguyễn Văn An.pdf"), "action": "upload"}
    )
    secret = "Số-nhà-bí-mật-4711"
    ApplicationDraft.objects.filter(pk=draft.pk).update(
        data={"dia_chi": secret}, acting_for={"ho_ten": "Người-được-nộp-thay-bí-mật"}
    )
    staff = Client()
    staff.force_login(make_user("quantri", is_staff=True, is_superuser=True))
    page = html(staff.get(f"/quan-tri/portal/applicationdraft/{draft.pk}/change/"))
    assert str(draft.public_id) in page and "ban-chup" in page  # the metadata is there…
    assert secret not in page and "Người-được-nộp-thay-bí-mật" not in page  # …the answers are not
    assert "CCCD Nguyễn Văn An" not in page


# --- attachments -----------------------------------------------------------------------------------------


def test_a_pdf_is_accepted_and_stored_under_a_random_private_name(signed_in, certification):
    draft = start(signed_in, certification)
    response = signed_in.post(
        url("apply-papers", draft), {"file-ban-chup": pdf("Bằng tốt nghiệp.pdf"), "action": "upload"}
    )
    assert response["Location"] == url("apply-papers", draft)
    attached = DraftFile.objects.get()
    assert (attached.required_paper_code, attached.original_name, attached.content_type, attached.size) == (
        "ban-chup",
        "Bằng tốt nghiệp.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert len(attached.sha256) == 64
    assert attached.file.name.startswith(f"drafts/{draft.public_id}/") and "Bằng" not in attached.file.name
    page = html(signed_in.get(url("apply-papers", draft)))
    assert "Đã tải lên 1 tệp." in page and "Bằng tốt nghiệp.pdf" in page


@pytest.mark.parametrize(
    "name, content", [("ban-chup.pdf", HTML_BYTES), ("ban-chup.pdf", EXE_BYTES), ("anh.png", b"")]
)
def test_files_are_checked_by_content_not_by_name(signed_in, certification, name, content):
    draft = start(signed_in, certification)
    response = signed_in.post(
        url("apply-papers", draft), {"file-ban-chup": upload(name, content), "action": "upload"}
    )
    assert response.status_code == 200
    page = html(response)
    assert has_link(one(page, ".error-summary"), "#tep-ban-chup")
    if content:
        assert "Nội dung tệp không đúng định dạng cho phép (PDF, JPEG, PNG)" in page
    else:
        assert "Tệp rỗng" in page
    assert not DraftFile.objects.exists()


def test_oversized_files_are_refused(signed_in, certification, settings):
    settings.CONGSO_UPLOAD_MAX_BYTES = 1024
    draft = start(signed_in, certification)
    response = signed_in.post(
        url("apply-papers", draft),
        {"file-ban-chup": pdf(content=PDF_BYTES + b"0" * 2048), "action": "upload"},
    )
    assert "Tệp vượt quá dung lượng cho phép" in html(response)
    assert not DraftFile.objects.exists()
    assert "mỗi tệp không quá 1 KB" in html(signed_in.get(url("apply-papers", draft)))


def test_one_bad_file_refuses_the_whole_batch(signed_in, certification):
    draft = start(signed_in, certification)
    response = signed_in.post(
        url("apply-papers", draft),
        {"file-ban-chup": [pdf("trang-1.pdf"), upload("trang-2.pdf", HTML_BYTES)], "action": "upload"},
    )
    assert "trang-2.pdf" in html(response)
    assert not DraftFile.objects.exists()


def test_several_files_per_paper(signed_in, certification):
    draft = start(signed_in, certification)
    signed_in.post(
        url("apply-papers", draft),
        {
            "file-ban-chup": [pdf("trang-1.pdf"), upload("trang-2.png", PNG_BYTES, "image/png")],
            "file-giay-to-khac": pdf("khac.pdf"),
            "action": "upload",
        },
    )
    signed_in.post(url("apply-papers", draft), {"file-ban-chup": pdf("trang-3.pdf"), "action": "upload"})
    files = sorted(DraftFile.objects.values_list("required_paper_code", "original_name", "content_type"))
    assert files == [
        ("ban-chup", "trang-1.pdf", "application/pdf"),
        ("ban-chup", "trang-2.png", "image/png"),
        ("ban-chup", "trang-3.pdf", "application/pdf"),
        ("giay-to-khac", "khac.pdf", "application/pdf"),
    ]


def test_papers_from_the_data_store_take_no_upload(signed_in, certification):
    draft = start(signed_in, certification)
    page = html(signed_in.get(url("apply-papers", draft)))
    assert "Không cần nộp: cơ quan sẽ khai thác từ kho dữ liệu" in page
    assert select(page, '[name="file-giay-to-tuy-than"]') == []
    accepted = {field["accept"] for field in select(page, 'input[type="file"]')}
    assert accepted == {"application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}
    assert "mỗi tệp không quá 10 MB" in page
    response = signed_in.post(
        url("apply-papers", draft), {"file-giay-to-tuy-than": pdf("ban-chup.pdf"), "action": "upload"}
    )
    assert "Biểu mẫu gửi lên có mục không thuộc trang này (file-giay-to-tuy-than)" in html(response)
    assert not DraftFile.objects.exists()


def test_continuing_requires_every_required_paper(signed_in, certification, communes):
    draft = start(signed_in, certification)
    fill_certification(signed_in, draft, communes[0])
    response = signed_in.post(url("apply-papers", draft), {"action": "continue"})
    assert has_link(response, "#tep-ban-chup", "Vui lòng đính kèm Bản chụp giấy tờ cần chứng thực.")
    response = signed_in.post(
        url("apply-papers", draft), {"file-ban-chup": pdf("ban-chup.pdf"), "action": "continue"}
    )
    assert response["Location"] == url("apply-review", draft)


def test_download_is_an_attachment_with_nosniff_for_the_owner_only(signed_in, other, certification):
    draft = start(signed_in, certification)
    signed_in.post(
        url("apply-papers", draft),
        {"file-ban-chup": upload("ảnh chụp.png", PNG_BYTES, "text/html"), "action": "upload"},
    )
    attached = DraftFile.objects.get()
    response = signed_in.get(url("draft-file", draft, file_id=attached.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E1%BA%A3nh%20ch%E1%BB%A5p.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert other.get(url("draft-file", draft, file_id=attached.pk)).status_code == 404


def test_a_polyglot_uploaded_as_hta_downloads_as_pdf(signed_in, certification):
    """PDF magic bytes with an HTML application after them: accepted as a PDF, so it must come back
    named ``.pdf``, never with the uploader's ``.hta``."""
    draft = start(signed_in, certification)
    polyglot = PDF_BYTES + b"<hta:application><script>new ActiveXObject('WScript.Shell')</script>"
    signed_in.post(
        url("apply-papers", draft),
        {"file-ban-chup": upload("ho-so.hta", polyglot, "application/hta"), "action": "upload"},
    )
    attached = DraftFile.objects.get()
    assert attached.content_type == "application/pdf"
    response = signed_in.get(url("draft-file", draft, file_id=attached.pk))
    assert response["Content-Disposition"] == 'attachment; filename="ho-so.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_deleting_a_file(signed_in, certification, settings, django_capture_on_commit_callbacks):
    draft = start(signed_in, certification)
    signed_in.post(url("apply-papers", draft), {"file-ban-chup": pdf("ban-chup.pdf"), "action": "upload"})
    attached = DraftFile.objects.get()
    stored = settings.MEDIA_ROOT / attached.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(url("draft-file-delete", draft, file_id=attached.pk))
    assert response["Location"] == url("apply-papers", draft)
    assert not DraftFile.objects.exists() and not stored.exists()
    assert "Đã xóa tệp “ban-chup.pdf”." in html(signed_in.get(url("apply-papers", draft)))
    assert signed_in.get(url("draft-file-delete", draft, file_id=attached.pk)).status_code == 405


def test_find_draft_loads_the_version_procedure_and_agency_in_one_query(
    signed_in, certification, citizen, other, communes, django_assert_num_queries
):
    from congso.portal.drafts import find_draft

    draft = start(signed_in, certification)
    ApplicationDraft.objects.filter(pk=draft.pk).update(receiving_agency=communes[0])
    expected = ApplicationDraft.objects.select_related(
        "procedure_version__procedure", "receiving_agency"
    ).get(pk=draft.pk)
    with django_assert_num_queries(1):
        found = find_draft(citizen, draft.public_id)
        assert found.procedure_version.procedure.code == certification.procedure.code
        assert found.procedure_version.form_schema == certification.form_schema
        assert found.receiving_agency == communes[0]
    assert {f.attname: getattr(found, f.attname) for f in ApplicationDraft._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in ApplicationDraft._meta.concrete_fields
    }
    ApplicationDraft.objects.filter(pk=draft.pk).update(receiving_agency=None)
    with django_assert_num_queries(1):
        assert find_draft(citizen, draft.public_id).receiving_agency is None
    assert find_draft(other, draft.public_id) is None
    assert find_draft(citizen, uuid.uuid4()) is None


def test_a_drafts_files_are_read_in_their_order_with_their_draft(
    signed_in, certification, django_assert_num_queries
):
    from congso.portal.models import read_draft_files

    draft = start(signed_in, certification)
    for name in ("mot.pdf", "hai.pdf"):
        signed_in.post(url("apply-papers", draft), {"file-ban-chup": pdf(name), "action": "upload"})
    with django_assert_num_queries(1):
        files = read_draft_files(draft)
        assert [f.draft.public_id for f in files] == [draft.public_id] * 2  # no query for the draft
    assert [f.pk for f in files] == [f.pk for f in draft.files.all()]
    assert [f.original_name for f in files] == ["mot.pdf", "hai.pdf"]
