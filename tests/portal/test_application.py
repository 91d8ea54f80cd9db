"""The online application through HTTP: start, who is applying, steps, papers, check your answers,
declaration, idempotent submission, receipt; information-only and out-of-force versions; CSP-safe
templates (the staff form preview is tested in tests/catalog/test_form_preview.py).
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congso.catalog.models import OnlineMode, ProcedureVersion
from congso.dossiers.models import Dossier, DossierPaper
from congso.portal.models import ApplicationDraft, DraftFile
from tests.samples import PDF_BYTES, pdf
from tests.support.html import has_link, one, select, texts

from .applications import (
    CERTIFICATION_PAPERS,
    fill_certification,
    html,
    isolate,
    make_version,
    ready_to_submit,
    start,
    url,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "congso" / "templates" / "portal" / "apply"


@pytest.fixture(autouse=True)
def quick_and_isolated(settings, tmp_path):
    isolate(settings, tmp_path)


# --- start ----------------------------------------------------------------------------------------------


def test_start_page_requires_sign_in_for_online_procedures(client, certification):
    response = client.get(url("apply", procedure_code="2.000815"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('identity:login')}?next=/nop-ho-so/2.000815/"


def test_start_page_explains_and_asks_who_is_applying(signed_in, certification):
    response = signed_in.get(url("apply", procedure_code="2.000815"))
    assert response.status_code == 200
    page = html(response)
    assert "Chứng thực bản sao từ bản chính" in page
    assert "Dịch vụ công trực tuyến: Một phần." in page
    assert "Bạn nộp hồ sơ này cho ai?" in page
    assert "Cho bản thân tôi" in page and "Cho người đã ủy quyền cho tôi" in page
    assert "Giấy tờ tùy thân — <em>không cần nộp: cơ quan sẽ khai thác từ kho dữ liệu</em>" in page


def test_start_without_an_answer_is_refused_and_creates_no_draft(signed_in, certification):
    response = signed_in.post(url("apply", procedure_code="2.000815"), {})
    assert response.status_code == 200
    assert "Vui lòng chọn bạn nộp hồ sơ này cho ai." in html(response)
    assert has_link(response, "#f-relation")
    assert not ApplicationDraft.objects.exists()


def test_information_only_procedure_says_where_to_go(client, communes):
    make_version(
        code="1.004873",
        name="Cấp giấy xác nhận tình trạng hôn nhân",
        online_mode=OnlineMode.INFORMATION,
        agencies=communes,
    )
    response = client.get(url("apply", procedure_code="1.004873"))
    assert response.status_code == 200
    page = html(response)
    assert "Thủ tục này chưa nhận hồ sơ trực tuyến" in page
    assert "Bộ phận Một cửa Ủy ban nhân dân xã, phường." in page
    assert "Ủy ban nhân dân phường Phú Cường" in page and "Số 1 Quang Trung" in page
    assert "Bạn nộp hồ sơ này cho ai?" not in page


def test_unknown_procedure_is_a_clear_404(signed_in, db):
    response = signed_in.get(url("apply", procedure_code="9.999999"))
    assert response.status_code == 404
    assert "Không tìm thấy thủ tục hành chính có mã 9.999999" in html(response)


def test_a_procedure_whose_form_is_broken_is_not_offered(signed_in, communes):
    version = make_version(agencies=communes)
    ProcedureVersion.objects.filter(pk=version.pk).update(
        form_schema={"type": "object", "properties": {"a": {"type": "array"}}}
    )
    response = signed_in.get(url("apply", procedure_code="2.000815"))
    assert response.status_code == 503
    assert "Biểu mẫu trực tuyến của thủ tục này đang được cập nhật" in html(response)


def test_officials_do_not_apply(client, certification, make_user):
    client.force_login(make_user("canbo", kind="official"))
    response = client.get(url("apply", procedure_code="2.000815"))
    assert response.status_code == 403
    assert "Tài khoản này không dùng để nộp hồ sơ" in html(response)


# --- steps ----------------------------------------------------------------------------------------------


def test_commune_level_procedure_asks_for_the_commune(signed_in, certification, communes):
    draft = start(signed_in, certification)
    response = signed_in.get(url("apply-agency", draft))
    page = html(response)
    assert "Bạn nộp hồ sơ tại cơ quan nào?" in page
    assert "Ủy ban nhân dân phường Phú Cường" in page and "Ủy ban nhân dân phường Chánh Nghĩa" in page
    response = signed_in.post(url("apply-agency", draft), {"agency": communes[1].code})
    assert response["Location"] == url("apply-step", draft, step_id="nguoi-yeu-cau")
    draft.refresh_from_db()
    assert draft.receiving_agency == communes[1]
    assert draft.current_step == "step:nguoi-yeu-cau"


def test_prefilled_identity_fields_are_marked_and_read_only(signed_in, certification):
    draft = start(signed_in, certification)
    page = html(signed_in.get(url("apply-step", draft, step_id="nguoi-yeu-cau")))
    assert "Nguyễn Văn An" in texts(page, "p.readonly-value")
    assert select(page, '[name="nguoi_yeu_cau.ho_ten"]') == []
    assert page.count("Lấy từ tài khoản định danh") == 4
    assert select(page, 'input[value="0912345678"]')
    # A tampered POST of a read-only field is refused as a whole.
    response = signed_in.post(
        url("apply-step", draft, step_id="nguoi-yeu-cau"),
        {"nguoi_yeu_cau.ho_ten": "Người Khác", "nguoi_yeu_cau.dien_thoai": "0912345678"},
    )
    assert "Biểu mẫu gửi lên có mục không thuộc trang này (nguoi_yeu_cau.ho_ten)" in html(response)
    draft.refresh_from_db()
    assert draft.data["nguoi_yeu_cau"]["ho_ten"] == "Nguyễn Văn An"


def test_step_errors_show_next_to_fields_and_in_the_summary_and_nothing_is_saved(signed_in, certification):
    draft = start(signed_in, certification)
    before = dict(draft.data)
    response = signed_in.post(
        url("apply-step", draft, step_id="ban-chinh"),
        {"ten_giay_to": "", "ngon_ngu": "tieng_viet", "so_trang": "mười", "so_ban_sao": "0"},
    )
    assert response.status_code == 200
    page = html(response)
    summary = one(page, ".error-summary")
    # The same heading as every other error summary of the site.
    assert texts(summary, "h2") == ["Có lỗi cần khắc phục"]
    assert has_link(summary, "#f-ten_giay_to", "Vui lòng nhập tên giấy tờ, văn bản cần chứng thực.")
    assert has_link(summary, "#f-so_trang", "Số trang của bản chính phải là số nguyên, chỉ gồm chữ số.")
    assert has_link(summary, "#f-so_ban_sao", "Số bản sao cần chứng thực ít nhất là 1.")
    assert select(page, "#f-so_trang-error") and one(page, "#f-so_trang")["aria-invalid"] == "true"
    # What was typed comes back in the fields.
    assert one(page, "#f-so_trang")["value"] == "mười"
    draft.refresh_from_db()
    assert draft.data == before


def test_answers_posted_after_the_session_expired_are_offered_again_after_signing_in(
    client, citizen, certification
):
    client.force_login(citizen)
    draft = start(client, certification)
    client.logout()  # the session expired while the applicant was typing
    page_url = url("apply-step", draft, step_id="ban-chinh")
    typed = {
        "ten_giay_to": "Bằng tốt nghiệp",
        "ngon_ngu": "tieng_viet",
        "so_trang": "mười",
        "so_ban_sao": "3",
    }
    response = client.post(page_url, typed)
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/?next=")
    client.force_login(citizen)
    page = html(client.get(page_url))
    assert one(page, "#f-ten_giay_to")["value"] == "Bằng tốt nghiệp"
    assert one(page, "#f-so_ban_sao")["value"] == "3"
    # A malformed answer comes back as typed, with its message, as after any POST.
    assert one(page, "#f-so_trang")["value"] == "mười" and select(page, "#f-so_trang-error")
    assert "đã được điền vào dưới đây" in page
    draft.refresh_from_db()
    assert "ten_giay_to" not in draft.data  # offered, not saved behind the applicant's back
    # Offered once: the next visit shows the draft as saved.
    assert one(html(client.get(page_url)), "#f-ten_giay_to").get("value", "") == ""


def test_after_an_expired_session_the_sign_in_page_says_what_was_not_done_where_nothing_is_kept(
    client, citizen, certification
):
    # Only a page of questions offers its answers again; the papers page and the submission used to
    # promise "your answers are kept" too, while the chosen files and the submission were simply lost.
    client.force_login(citizen)
    draft = start(client, certification)
    client.logout()
    uploaded = client.post(
        url("apply-papers", draft), {"file-ban-chup": pdf("ban-chup.pdf"), "action": "upload"}, follow=True
    )
    page = uploaded.content.decode()
    assert "các tệp bạn vừa chọn chưa được tải lên" in page and "được giữ lại" not in page
    submitted = client.post(url("apply-submit", draft), {}, follow=True).content.decode()
    assert "thao tác vừa rồi chưa được thực hiện" in submitted and "được giữ lại" not in submitted
    asked = client.post(url("apply-step", draft, step_id="ban-chinh"), {"so_ban_sao": "3"}, follow=True)
    assert "được giữ lại để bạn kiểm tra và lưu" in asked.content.decode()
    client.cookies["congso_language"] = "en"
    english = client.post(url("apply-submit", draft), {}, follow=True).content.decode()
    assert "what you just did was not done" in english


def test_a_draft_already_started_is_offered_with_the_time_it_was_saved(signed_in, certification):
    start(signed_in, certification)
    page = html(signed_in.get(url("apply", procedure_code=certification.procedure.code)))
    # "Tiếp tục hồ sơ lưu lúc 10:15, 06/12/2026" as the drafts page writes it, not "06/12/2026 10:15".
    assert re.search(r"Tiếp tục hồ sơ lưu lúc \d\d:\d\d, \d\d/\d\d/\d{4}", page)


def test_conditional_address_is_revealed_and_required_only_for_postal_delivery(signed_in, certification):
    draft = start(signed_in, certification)
    address = url("apply-step", draft, step_id="nhan-ket-qua")
    page = html(signed_in.get(address))
    assert (
        'data-show-if="{&quot;field&quot;:&quot;hinh_thuc_nhan&quot;,&quot;equals&quot;:&quot;buu_chinh&quot;}"'
        in page
    )
    assert "Chỉ trả lời nếu ở câu “Bạn muốn nhận bản sao đã chứng thực bằng cách nào?” bạn chọn" in page
    response = signed_in.post(address, {"hinh_thuc_nhan": "buu_chinh", "dia_chi_nhan": ""})
    assert "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính." in html(response)
    signed_in.post(address, {"hinh_thuc_nhan": "truc_tiep", "dia_chi_nhan": "Số 5 đường Yersin"})
    draft.refresh_from_db()
    assert draft.data["hinh_thuc_nhan"] == "truc_tiep" and "dia_chi_nhan" not in draft.data


def test_review_lists_every_answer_with_change_links_and_what_is_missing(signed_in, certification, communes):
    draft = start(signed_in, certification)
    fill_certification(signed_in, draft, communes[0])
    response = signed_in.get(url("apply-review", draft))
    page = html(response)
    assert "Hồ sơ chưa đủ để nộp" in page
    missing = "Vui lòng đính kèm Bản chụp giấy tờ cần chứng thực."
    assert has_link(page, f"{url('apply-papers', draft)}#tep-ban-chup", missing)
    assert "Tiếp tục đến bước cam đoan" not in page
    assert "Bằng tốt nghiệp trung học phổ thông" in page and "Tiếng Việt" in page
    assert has_link(page, f"{url('apply-step', draft, step_id='ban-chinh')}?quay-ve=kiem-tra#f-so_trang")
    # "Thay đổi" returns to the review after saving.
    response = signed_in.post(
        url("apply-step", draft, step_id="ban-chinh") + "?quay-ve=kiem-tra",
        {"ten_giay_to": "Học bạ", "ngon_ngu": "tieng_viet", "so_trang": "10", "so_ban_sao": "1"},
    )
    assert response["Location"] == url("apply-review", draft)


def test_submit_is_refused_while_the_application_is_incomplete(signed_in, certification):
    draft = start(signed_in, certification)
    response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response["Location"] == url("apply-review", draft)
    assert not Dossier.objects.exists()


# --- submission -----------------------------------------------------------------------------------------


def test_end_to_end_submission_creates_one_dossier_and_shows_the_receipt(
    signed_in, certification, communes, citizen, settings, django_capture_on_commit_callbacks
):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    review = html(signed_in.get(url("apply-review", draft)))
    assert "Tiếp tục đến bước cam đoan và nộp hồ sơ" in review and "ban-chup.pdf" in review

    declaration = signed_in.get(url("apply-submit", draft))
    assert "Tôi xin cam đoan" in html(declaration)
    refused = signed_in.post(url("apply-submit", draft), {})
    assert "Vui lòng đánh dấu vào ô cam đoan trước khi nộp hồ sơ." in html(refused)
    assert not Dossier.objects.exists()

    stored = settings.MEDIA_ROOT / DraftFile.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response.status_code == 302, html(response)
    assert response["Location"] == url("apply-done", draft)
    dossier = Dossier.objects.get()
    draft.refresh_from_db()
    assert draft.submitted_dossier == dossier
    assert dossier.idempotency_key == str(draft.idempotency_key)
    assert dossier.receiving_agency == communes[0]
    assert dossier.applicant == citizen and dossier.submitted_by == citizen
    assert dossier.applicant_name == "Nguyễn Văn An" and dossier.applicant_national_id == "074090000123"
    assert dossier.applicant_phone == "0912345678" and dossier.applicant_email == "an@example.com"
    assert dossier.acting_for == {}
    assert (
        dossier.form_data["so_trang"] == 2 and dossier.form_data["nguoi_yeu_cau"]["ho_ten"] == "Nguyễn Văn An"
    )
    paper = DossierPaper.objects.get(dossier=dossier)
    assert (paper.required_paper_code, paper.original_name, paper.content_type) == (
        "ban-chup",
        "ban-chup.pdf",
        "application/pdf",
    )
    # The draft's own copies of the files are gone once the dossier holds them.
    assert not DraftFile.objects.exists() and not stored.exists()
    assert (settings.MEDIA_ROOT / paper.file.name).read_bytes() == PDF_BYTES

    done = html(signed_in.get(url("apply-done", draft)))
    assert "Đã nộp hồ sơ" in done and dossier.code in done
    assert dossier.due_at is None or timezone.localtime(dossier.due_at).strftime("%d/%m/%Y") in done
    assert url("receipt", dossier_id=dossier.public_id) in done
    # The confirmation of submission, as a PDF to download at once (not form 01, issued on acceptance).
    confirmation = url("my-dossier-submission", public_id=dossier.public_id)
    assert confirmation in done and "Tải giấy xác nhận đã nộp hồ sơ (PDF)" in done
    pdf_response = signed_in.get(confirmation)
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")
    assert f"xac-nhan-nop-ho-so-{dossier.code}.pdf" in pdf_response["Content-Disposition"]
    receipt = html(signed_in.get(url("receipt", dossier_id=dossier.public_id)))
    assert dossier.code in receipt and "Giấy xác nhận đã nộp hồ sơ trực tuyến" in receipt
    assert dossier.lookup_pin in receipt and "Bản chụp giấy tờ cần chứng thực" in receipt


def test_double_submit_creates_one_dossier_and_redirects_to_the_same_receipt(
    signed_in, certification, communes
):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    first = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    second = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("apply-done", draft)
    assert Dossier.objects.count() == 1


def test_a_submitted_draft_holds_its_dossier_and_answers_and_no_file_rows(signed_in, certification, communes):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    before = ApplicationDraft.objects.get()
    assert DraftFile.objects.filter(draft=before).exists()
    signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    after = ApplicationDraft.objects.get()
    assert after.submitted_dossier == Dossier.objects.get()
    assert after.current_step == "done" and after.updated_at > before.updated_at
    assert after.data == Dossier.objects.get().form_data and after.data
    assert not DraftFile.objects.filter(draft=after).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
@pytest.mark.django_db(transaction=True)
def test_the_drafts_row_stays_locked_until_its_submission_ends(signed_in, certification, communes):
    """Two submissions of one draft at once: the second waits on the draft's row, then finds it
    submitted (``portal.submission._lock``)."""
    import psycopg
    from django.db import transaction

    from congso.portal import submission

    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    row = ApplicationDraft.objects.get()
    table = ApplicationDraft._meta.db_table
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        with transaction.atomic():
            assert submission._lock(row) is None
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [row.pk])  # noqa: S608
        assert other.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [row.pk]).fetchone()  # noqa: S608


def test_retry_after_a_lost_response_reuses_the_dossier_of_the_idempotency_key(
    signed_in, certification, communes, citizen
):
    """The dossier was committed but the answer never reached the browser: the retry finds it by key."""
    from congso.dossiers import services

    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    with DraftFile.objects.get().file.open("rb") as handle:
        first = services.submit_online(
            version=certification,
            applicant=citizen,
            receiving_agency=communes[0],
            form_data=ApplicationDraft.objects.get().data,
            applicant_details={"name": citizen.full_name},
            acting_for=None,
            submitted_by=citizen,
            idempotency_key=str(draft.idempotency_key),
            papers=[services.PaperUpload("ban-chup", "Bản chụp", handle)],
        )
    response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response["Location"] == url("apply-done", draft)
    assert Dossier.objects.get() == first
    draft.refresh_from_db()
    assert draft.submitted_dossier == first


def test_someone_else_cannot_see_the_receipt(signed_in, certification, communes, make_user):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    dossier = Dossier.objects.get()
    other = Client()
    other.force_login(make_user("binh"))
    assert other.get(url("receipt", dossier_id=dossier.public_id)).status_code == 404
    assert other.get(url("apply-done", draft)).status_code == 404


def test_applying_for_someone_who_authorised_me_needs_the_authorisation(signed_in, certification, communes):
    draft = start(signed_in, certification, relation="authorised")
    assert draft.acting_for == {"relation": "authorised"}
    response = signed_in.post(
        url("apply-acting-for", draft), {"full_name": "Trần Thị Bình", "national_id": "0740"}
    )
    assert "Số định danh cá nhân phải gồm 12 chữ số." in html(response)
    response = signed_in.post(
        url("apply-acting-for", draft), {"full_name": "Trần Thị Bình", "national_id": "074190000456"}
    )
    assert response["Location"] == url("apply-agency", draft)
    fill_certification(signed_in, draft, communes[0])
    page = html(signed_in.get(url("apply-papers", draft)))
    assert "Văn bản ủy quyền" in page
    response = signed_in.post(
        url("apply-papers", draft), {"file-ban-chup": pdf("ban-chup.pdf"), "action": "continue"}
    )
    assert has_link(response, "#tep-giay-uy-quyen", "Vui lòng đính kèm Văn bản ủy quyền.")
    signed_in.post(
        url("apply-papers", draft), {"file-giay-uy-quyen": pdf("uy-quyen.pdf"), "action": "continue"}
    )
    response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response.status_code == 302, html(response)
    dossier = Dossier.objects.get()
    assert dossier.acting_for == {
        "relation": "authorised",
        "relation_label": "Cho người đã ủy quyền cho tôi",
        "full_name": "Trần Thị Bình",
        "national_id": "074190000456",
        "authorisation_paper": {
            "code": "giay-uy-quyen",
            "name": "Văn bản ủy quyền",
            "files": ["uy-quyen.pdf"],
        },
    }
    names = sorted(dossier.papers.values_list("required_paper_code", "name"))
    assert names == [("", "Văn bản ủy quyền"), ("ban-chup", "Bản chụp giấy tờ cần chứng thực")]


# --- versions -----------------------------------------------------------------------------------------


def _supersede(version, communes):
    """End ``version`` yesterday and publish version 2 from today, with the same form."""
    today = timezone.localdate()
    ProcedureVersion.objects.filter(pk=version.pk).update(effective_to=today - timedelta(days=1))
    return make_version(
        procedure=version.procedure,
        number=2,
        effective_from=today,
        form="2.000815",
        papers=CERTIFICATION_PAPERS[:1],
        agencies=communes,
    )


def test_a_draft_for_a_version_no_longer_in_force_cannot_be_submitted(signed_in, certification, communes):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    _supersede(certification, communes)
    response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response.status_code == 409
    page = html(response)
    assert "Quy định của thủ tục đã thay đổi" in page
    assert "Làm tiếp theo phiên bản đang có hiệu lực" in page
    assert not Dossier.objects.exists()
    assert signed_in.get(url("apply-step", draft, step_id="ban-chinh")).status_code == 409


def test_starting_again_with_the_version_in_force_keeps_compatible_answers(
    signed_in, certification, communes
):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    current = _supersede(certification, communes)
    response = signed_in.post(url("apply-restart", draft))
    new = ApplicationDraft.objects.get()
    assert response["Location"] == url("apply-review", new)
    assert new.procedure_version == current and new.public_id != draft.public_id
    assert new.data["ten_giay_to"] == "Bằng tốt nghiệp trung học phổ thông" and new.data["so_ban_sao"] == 3
    assert new.receiving_agency == communes[0]
    assert list(new.files.values_list("required_paper_code", flat=True)) == ["ban-chup"]
    response = signed_in.post(url("apply-submit", new), {"declaration": "true"})
    assert response.status_code == 302, html(response)
    assert Dossier.objects.get().procedure_version == current


def test_no_version_in_force_offers_no_restart(signed_in, certification, communes):
    draft = start(signed_in, certification)
    ProcedureVersion.objects.filter(pk=certification.pk).update(
        effective_to=timezone.localdate() - timedelta(days=1)
    )
    response = signed_in.get(url("apply-review", draft))
    assert response.status_code == 409
    assert "không có phiên bản nào đang có hiệu lực" in html(response)
    assert "Làm tiếp theo phiên bản" not in html(response)


# --- markup -----------------------------------------------------------------------------------------------


def test_no_inline_script_or_style_in_the_application_templates():
    sources = sorted(TEMPLATES.rglob("*.html"))
    assert len(sources) >= 15
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), source
        assert "<style" not in text and "style=" not in text, source
        assert not re.search(r"\son[a-z]+=", text), source


def test_rendered_pages_load_only_same_origin_static_scripts(signed_in, certification):
    draft = start(signed_in, certification)
    for address in (
        url("apply", procedure_code="2.000815"),
        url("apply-step", draft, step_id="ban-chinh"),
        url("apply-papers", draft),
        url("apply-review", draft),
        url("drafts"),
    ):
        page = html(signed_in.get(address))
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts and all('src="/static/' in tag for tag in scripts), (address, scripts)
        assert "style=" not in page


def test_submission_without_the_csrf_token_is_refused(certification, communes, citizen):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    helper = Client()
    helper.force_login(citizen)
    draft = start(helper, certification)
    ready_to_submit(helper, draft, communes[0])
    response = browser.post(url("apply-submit", draft), {"declaration": "true"})
    assert response.status_code == 403
    assert not Dossier.objects.exists()


def test_changing_who_from_the_review_asks_for_the_represented_person(signed_in, certification, communes):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    response = signed_in.post(url("apply-who", draft) + "?quay-ve=kiem-tra", {"relation": "parent_guardian"})
    assert response["Location"] == url("apply-acting-for", draft) + "?quay-ve=kiem-tra"
    page = html(signed_in.get(response["Location"]))
    assert "Thông tin của con hoặc người được giám hộ" in page
    assert "Bỏ trống nếu chưa có, ví dụ khi đăng ký khai sinh cho trẻ." in page
    response = signed_in.post(response["Location"], {"full_name": "Nguyễn Minh Khang", "national_id": ""})
    assert response["Location"] == url("apply-review", draft)
    review = html(signed_in.get(url("apply-review", draft)))
    assert "Cho con tôi hoặc người tôi giám hộ" in review and "Nguyễn Minh Khang" in review
    signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert Dossier.objects.get().acting_for == {
        "relation": "parent_guardian",
        "relation_label": "Cho con tôi hoặc người tôi giám hộ",
        "full_name": "Nguyễn Minh Khang",
    }


def test_an_optional_paper_left_empty_is_accepted(signed_in, certification, communes):
    """Browsers send a file input left empty as an empty text field of the same name."""
    draft = start(signed_in, certification)
    fill_certification(signed_in, draft, communes[0])
    response = signed_in.post(
        url("apply-papers", draft),
        {"file-ban-chup": pdf("ban-chup.pdf"), "file-giay-to-khac": "", "action": "continue"},
    )
    assert response.status_code == 302, html(response)
    assert response["Location"] == url("apply-review", draft)


# --- First use (issue 18): asked once, a counter that adds up, one primary action, dates, files ---------


BIRTH_ANSWERS = (
    (
        "nguoi-yeu-cau",
        {
            "nguoi_yeu_cau.dien_thoai": "0912345678",
            "nguoi_yeu_cau.noi_cu_tru": "Số 5 đường Yersin, phường Phú Cường",
            "nop_thay": "false",
        },
    ),
    (
        "tre",
        {
            "tre.ho_ten": "Nguyễn Minh Khang",
            "tre.ngay_sinh-ngay": "2",
            "tre.ngay_sinh-thang": "11",
            "tre.ngay_sinh-nam": "2025",
            "tre.gioi_tinh": "nam",
            "tre.dan_toc": "Kinh",
            "tre.quoc_tich": "Việt Nam",
            "tre.noi_sinh": "Bệnh viện Đa khoa tỉnh Bình Dương",
        },
    ),
    (
        "me",
        {
            "me.ho_ten": "Trần Thị Mai",
            "me.ngay_sinh-ngay": "15",
            "me.ngay_sinh-thang": "6",
            "me.ngay_sinh-nam": "1995",
            "me.dan_toc": "Kinh",
            "me.quoc_tich": "Việt Nam",
            "me.noi_cu_tru": "Số 5 đường Yersin, phường Phú Cường",
        },
    ),
    ("cha", {"co_thong_tin_cha": "false"}),
    ("nhan-ket-qua", {"so_ban_sao": "0", "hinh_thuc_nhan": "truc_tiep"}),
)


@pytest.fixture
def birth_registration(communes):
    return make_version(code="1.001193", name="Đăng ký khai sinh", form="1.001193", agencies=communes[:1])


def fill_birth_registration(client, draft):
    for step_id, answers in BIRTH_ANSWERS:
        response = client.post(url("apply-step", draft, step_id=step_id), answers)
        assert response.status_code == 302, (step_id, html(response))


def journey_pages(client, draft):
    """Every page of the draft's journey, in order, as the applicant meets them (GET)."""
    from congso import formengine
    from congso.portal.journey import Journey

    request = client.get(url("apply-review", draft)).wsgi_request
    version = draft.procedure_version
    draft.refresh_from_db()
    journey = Journey(request.user, draft, formengine.build(version.form_schema, version.form_ui))
    return [(page, html(client.get(journey.url(page)))) for page in journey.page_ids()]


def test_a_parent_applying_for_a_birth_registration_gives_the_childs_name_once(
    signed_in, birth_registration, django_capture_on_commit_callbacks
):
    draft = start(signed_in, birth_registration, relation="parent_guardian")
    draft.refresh_from_db()
    # No separate page about "the child or ward": the form's step about the child asks the name.
    assert draft.current_step == "step:nguoi-yeu-cau"
    assert signed_in.get(url("apply-acting-for", draft))["Location"] == url(
        "apply-step", draft, step_id="nguoi-yeu-cau"
    )
    fill_birth_registration(signed_in, draft)
    pages = journey_pages(signed_in, draft)
    assert "acting-for" not in [page for page, _html in pages]
    asked = [page for page, text in pages if "tên của con" in text or 'name="tre.ho_ten"' in text]
    assert asked == ["step:tre"]
    review = dict(pages)["review"]
    assert review.count("Nguyễn Minh Khang") == 1
    signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    dossier = Dossier.objects.get()
    assert dossier.acting_for == {
        "relation": "parent_guardian",
        "relation_label": "Cho con tôi hoặc người tôi giám hộ",
        "full_name": "Nguyễn Minh Khang",
    }
    assert dossier.form_data["tre"]["ngay_sinh"] == "2025-11-02"


COUNTER = re.compile(r"^Bước (\d+)/(\d+) · ")


@pytest.mark.parametrize("procedure", ["certification", "birth_registration"])
def test_the_step_counter_counts_every_page_up_to_the_declaration(signed_in, communes, procedure, request):
    version = request.getfixturevalue(procedure)
    draft = start(signed_in, version)
    if procedure == "certification":
        ready_to_submit(signed_in, draft, communes[0])
    else:
        fill_birth_registration(signed_in, draft)
    pages = journey_pages(signed_in, draft)
    counters = [COUNTER.search(" ".join(texts(text, "p.apply-progress"))) for _page, text in pages]
    assert all(counters), [page for (page, _t), found in zip(pages, counters, strict=True) if not found]
    numbers = [(int(m.group(1)), int(m.group(2))) for m in counters]
    total = len(pages)
    assert numbers == [(n, total) for n in range(1, total + 1)]
    # The declaration is the last page, and its counter says so.
    assert pages[-1][0] == "submit" and "Cam đoan và nộp hồ sơ" in pages[-1][1]


def test_every_page_of_the_journey_has_exactly_one_primary_button(signed_in, certification, communes):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    signed_in.post(url("apply-papers", draft), {"file-giay-to-khac": pdf("khac.pdf"), "action": "upload"})
    pages = journey_pages(signed_in, draft)
    pages.append(("start", html(signed_in.get(url("apply", procedure_code="2.000815")))))
    for page, text in pages:
        assert len(select(text, ".button--primary")) == 1, page
    papers = dict(pages)["papers"]
    upload = one(papers, 'button[name="action"][value="upload"]')
    draft_button = one(papers, 'button[name="action"][value="save-draft"]')
    assert upload["type"] == draft_button["type"] == "submit"
    assert upload["class"] == draft_button["class"] == "button button--secondary"


def test_the_file_input_is_labelled_in_the_pages_language_and_stays_usable_without_script(
    signed_in, certification, communes
):
    draft = start(signed_in, certification)
    fill_certification(signed_in, draft, communes[0])
    page = html(signed_in.get(url("apply-papers", draft)))
    # The native input (its "Choose Files" is in the browser's language) is hidden from sight only;
    # the visible button is its <label>, in Vietnamese.
    file_input = one(page, "#tep-ban-chup")
    assert (file_input.tag, file_input["type"], file_input["name"]) == ("input", "file", "file-ban-chup")
    assert file_input.classes == {"file-upload__input"} and "multiple" in file_input.attrs
    label = one(page, 'label[for="tep-ban-chup"]')
    assert label.classes == {"button", "button--secondary", "file-upload__label"}
    assert label.text == "Chọn tệp — Bản chụp giấy tờ cần chứng thực"
    assert one(label, "span.visually-hidden").text == "— Bản chụp giấy tờ cần chứng thực"
    css = (Path(__file__).resolve().parents[2] / "src/congso/static/congso/css/congso.css").read_text()
    rule = css[css.index(".file-upload .file-upload__input {") :].split("}", 1)[0]
    assert "display: none" not in rule and "visibility: hidden" not in rule and "opacity: 0" in rule
    # Without script: a plain multipart POST stores the file and the page names it.
    response = signed_in.post(
        url("apply-papers", draft), {"file-ban-chup": pdf("scan-01.pdf"), "action": "upload"}
    )
    assert response["Location"] == url("apply-papers", draft)
    page = html(signed_in.get(url("apply-papers", draft)))
    assert "scan-01.pdf" in page
    assert 'for="tep-ban-chup">Thêm tệp' in page


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, no tags (attributes hold JSON and straight quotes by nature)."""
    import html as html_lib

    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_citizens_pages_keep_one_wording(signed_in, client, communes, django_capture_on_commit_callbacks):
    """One status name everywhere (the national one), the online mode's one name with the old level once,
    “…” quotation marks only, and no doubled brackets — on every page of the journey, start to status."""
    papers = (
        *CERTIFICATION_PAPERS,
        {
            "code": "tu-chup",
            "name": "Bản sao cần chứng thực (nếu người yêu cầu tự chụp)",
            "is_required": False,
        },
    )
    version = make_version(form="2.000815", papers=papers, agencies=communes)
    texts = {"start": html(signed_in.get(url("apply", procedure_code="2.000815")))}
    draft = start(signed_in, version)
    ready_to_submit(signed_in, draft, communes[0])
    texts.update(journey_pages(signed_in, draft))
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    dossier = Dossier.objects.get()
    texts["done"] = html(signed_in.get(url("apply-done", draft)))
    texts["receipt"] = html(signed_in.get(url("receipt", dossier_id=dossier.public_id)))
    texts["my dossiers"] = html(signed_in.get(url("my-dossiers")))
    texts["my dossier"] = html(signed_in.get(url("my-dossier", public_id=dossier.public_id)))
    texts["status page"] = html(client.get(url("dossier-status", code=dossier.code)))
    texts["procedure page"] = html(client.get(reverse("catalog:procedure", args=["2.000815"])))

    for name, page in texts.items():
        text = visible_text(page)
        assert "«" not in text and "»" not in text, name
        assert '"' not in text, (name, re.findall(r'.{30}".{30}', text))
        assert not re.search(r"\)\s+\(", text), (name, re.findall(r".{40}\)\s+\(.{40}", text))
    assert "Bản sao cần chứng thực (nếu người yêu cầu tự chụp)" in visible_text(texts["start"])
    assert "Bản sao cần chứng thực (nếu người yêu cầu tự chụp, không bắt buộc)" in visible_text(
        texts["papers"]
    )

    # The status: its national name on the receipt, in the list, on the dossier's page and the status page.
    for name in ("receipt", "my dossiers", "my dossier", "status page"):
        assert "Mới đăng ký" in visible_text(texts[name]), name
    assert one(texts["my dossiers"], 'td[data-label="Tình trạng"]').text == "Mới đăng ký"

    # The online mode: "Một phần" everywhere, the former "mức độ 3" once (on the procedure's page).
    assert "Dịch vụ công trực tuyến: Một phần." in texts["start"] and "mức độ" not in texts["start"]
    procedure_page = visible_text(texts["procedure page"])
    assert procedure_page.count("mức độ 3") == 1 and "Một phần (trước đây gọi là mức độ 3)" in procedure_page
