"""Following one's dossiers through HTTP: the list "Hồ sơ của tôi", a dossier's page, the supplement asked
for, the withdrawal, papers and results to download; someone else's dossier is a 404 that leaks nothing.

The dossiers are built by ``dossier_world.py`` (shared with ``test_lookup.py`` and ``test_feedback.py``).
"""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from congso.dossiers import services as dossier_services
from congso.dossiers.models import Dossier, DossierPaper, PaperStage, Status
from congso.portal.views import my_dossiers as my_dossiers_views
from tests.samples import HTML_BYTES, PDF_BYTES, pdf
from tests.support.html import has_link, one, select, texts

from .dossier_world import (
    build_world,
    drive,
    page,
    submit,
    without_tokens,
)

# --- Fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def as_an(client, world):
    client.force_login(world.an)
    return client


def url(name, dossier=None, **kwargs):
    if dossier is not None:
        kwargs["public_id"] = dossier.public_id
    return reverse(f"portal:{name}", kwargs=kwargs or None)


# --- The list -----------------------------------------------------------------------------------------


def test_my_dossiers_requires_sign_in(client, world):
    response = client.get(url("my-dossiers"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_list_shows_own_dossiers_newest_first_with_the_status_name(as_an, world):
    older = drive(world, Status.SUPPLEMENT_REQUESTED)
    newer = drive(world, Status.SUBMITTED)
    binh_dossier = drive(world, Status.SUBMITTED, world.binh)
    response = as_an.get(url("my-dossiers"))
    assert response.status_code == 200
    html = page(response)
    assert html.index(newer.code) < html.index(older.code)
    assert binh_dossier.code not in html
    # One name per status on every page: the national one, as on the receipt (not a sentence).
    statuses = texts(html, 'td[data-label="Tình trạng"]')
    assert "Mới đăng ký" in statuses
    assert any(status.startswith("Yêu cầu bổ sung giấy tờ ") for status in statuses)
    assert "Hồ sơ đã được gửi, đang chờ Bộ phận Một cửa kiểm tra và tiếp nhận" not in html
    assert "Cần bạn thực hiện" in html
    assert world.version.procedure.name in html
    assert timezone.localtime(newer.due_at).strftime("%d/%m/%Y") in html
    assert url("my-dossier", newer) in html


def test_list_marks_dossiers_submitted_for_someone_else(as_an, world):
    submit(world, acting_for={"relation": "parent_guardian", "full_name": "Nguyễn Văn Bé"})
    html = page(as_an.get(url("my-dossiers")))
    assert "Nộp thay cho Nguyễn Văn Bé" in html


def test_list_flags_an_open_dossier_past_its_appointment(as_an, world):
    dossier = drive(world, Status.IN_PROCESSING)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() - timedelta(days=1))
    html = page(as_an.get(url("my-dossiers")))
    assert texts(html, "span.tag.tag--late") == ["Quá hạn"]


def test_list_is_paginated(as_an, world, monkeypatch):
    monkeypatch.setattr(my_dossiers_views, "PER_PAGE", 2)
    codes = [drive(world, Status.SUBMITTED).code for _ in range(3)]
    first = page(as_an.get(url("my-dossiers")))
    assert codes[2] in first and codes[1] in first and codes[0] not in first
    assert "Trang 1 trên 2" in first and has_link(first, "?trang=2")
    second = page(as_an.get(url("my-dossiers") + "?trang=2"))
    assert codes[0] in second and codes[2] not in second


def test_empty_list_says_so(as_an, world):
    assert "Bạn chưa có hồ sơ nào." in page(as_an.get(url("my-dossiers")))


def test_navigation_shows_my_dossiers_and_lookup(client, world):
    html = page(client.get(url("home")))
    assert has_link(html, url("my-dossiers"))
    assert has_link(html, url("dossier-lookup"))


# --- The dossier page ------------------------------------------------------------------------------------


def test_a_role_stored_as_the_receiving_unit_is_shown_in_the_readers_language(as_an, world):
    dossier = drive(world, Status.ACCEPTED)
    # Stored as the words of the moment (a process's step for a role writes the role's name).
    dossier_services.hand_over(
        dossier,
        to_agency=world.agency,
        to_unit_label="Chuyên viên",
        step_name="Thẩm định",
        given_by=world.one_stop,
        allotted_working_hours=8,
    )
    assert "Chuyển đến: Chuyên viên" in page(as_an.get(url("my-dossier", dossier)))
    as_an.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = page(as_an.get(url("my-dossier", dossier)))
    assert "Passed to: Specialist" in html and "Chuyên viên" not in html


def test_dossier_page_shows_timeline_messages_and_what_is_asked(as_an, world):
    dossier = drive(world, Status.SUPPLEMENT_REQUESTED)
    response = as_an.get(url("my-dossier", dossier))
    assert response.status_code == 200
    html = page(response)
    assert "Tình trạng: <strong>Yêu cầu bổ sung giấy tờ</strong>" in html
    assert "Cơ quan cần bạn bổ sung giấy tờ" in html
    assert "Việc bạn cần làm" in html
    assert "Bản sao Giấy chứng sinh" in html and "Tờ khai có chữ ký của người đi khai" in html
    assert "Tờ khai chưa ký" in html
    assert url("my-dossier-supplement", dossier) in html
    # The history: submission, reception, processing, the supplement request — newest first.
    assert html.index("Yêu cầu bổ sung, hoàn thiện hồ sơ trong quá trình giải quyết") < html.index(
        "Nộp hồ sơ trực tuyến"
    )
    assert "Tiếp nhận hồ sơ" in html
    # The receipt and the withdrawal.
    assert reverse("portal:receipt", kwargs={"dossier_id": dossier.public_id}) in html
    assert url("my-dossier-withdraw", dossier) in html
    # No officer's name is shown to the applicant.
    assert world.specialist.full_name not in html


def test_dossier_page_asks_for_payment_with_the_online_payment_button(as_an, world):
    dossier = drive(world, Status.AWAITING_PAYMENT)
    html = page(as_an.get(url("my-dossier", dossier)))
    assert "Cơ quan yêu cầu bạn nộp 50.000 đồng phí, lệ phí hoặc thuế" in html
    assert "Lệ phí đăng ký muộn" in html
    assert reverse("payments:pay", kwargs={"public_id": dossier.public_id}) in html
    assert "Cổng chưa nhận thanh toán trực tuyến cho hồ sơ này" not in html
    # In English the thousands are grouped with commas: "50.000 VND" reads as fifty dong.
    as_an.cookies["congso_language"] = "en"
    english = page(as_an.get(url("my-dossier", dossier)))
    assert "The agency asks you to pay 50,000 VND in fees" in english


def test_dossier_page_asks_for_payment_in_words_when_no_provider_is_offered(as_an, world, settings):
    settings.CONGSO_PAYMENTS_PROVIDERS = []
    dossier = drive(world, Status.AWAITING_PAYMENT)
    html = page(as_an.get(url("my-dossier", dossier)))
    assert "Cổng chưa nhận thanh toán trực tuyến cho hồ sơ này" in html
    assert "thanh-toan" not in html


def test_dossier_page_shows_refusal_reasons_of_a_stopped_dossier_and_no_withdrawal(as_an, world):
    dossier = drive(world, Status.STOPPED)
    html = page(as_an.get(url("my-dossier", dossier)))
    assert "Cơ quan đã dừng giải quyết hồ sơ" in html
    assert "Người yêu cầu không đủ điều kiện" in html
    assert url("my-dossier-withdraw", dossier) not in html


def test_dossier_page_of_a_finished_dossier_offers_the_result_and_the_rating(as_an, world):
    dossier = drive(world, Status.RESULT_READY, result_file=True)
    html = page(as_an.get(url("my-dossier", dossier)))
    result = dossier.papers.get(stage=PaperStage.RESULT)
    assert "Giấy khai sinh số 12/2026" in html
    assert url("my-dossier-paper", dossier, paper_id=result.pk) in html
    assert url("my-dossier-feedback", dossier) in html


def test_dossier_page_can_be_opened_by_code_path_only_by_uuid(as_an, world):
    dossier = drive(world, Status.SUBMITTED)
    response = as_an.get(f"/ho-so-cua-toi/{dossier.code}/")
    assert response.status_code == 404


# --- Someone else's dossier: 404, never 403, nothing leaked ---------------------------------------


@pytest.mark.parametrize(
    "name, extra",
    [
        ("my-dossier", {}),
        ("my-dossier-supplement", {}),
        ("my-dossier-withdraw", {}),
        ("my-dossier-feedback", {}),
        ("my-dossier-paper", {"paper_id": 1}),
    ],
)
def test_another_citizens_dossier_is_a_404_like_a_dossier_that_does_not_exist(client, world, name, extra):
    theirs = drive(world, Status.SUPPLEMENT_REQUESTED, world.binh)
    if "paper_id" in extra:
        extra = {"paper_id": theirs.papers.first().pk}
    client.force_login(world.an)
    response = client.get(url(name, theirs, **extra))
    unknown_id = uuid.uuid4()
    missing = client.get(reverse(f"portal:{name}", kwargs={"public_id": unknown_id, **extra}))
    assert response.status_code == 404
    assert missing.status_code == 404
    # The same page, but for the address itself (the language switch sends the visitor back to it).
    same = without_tokens(page(response)).replace(str(theirs.public_id), "ID")
    assert same == without_tokens(page(missing)).replace(str(unknown_id), "ID")
    assert theirs.code not in page(response)
    post = client.post(url(name, theirs, **extra), {"reason": "Không cần nữa", "confirm": "true"})
    assert post.status_code in (404, 405)
    theirs.refresh_from_db()
    assert theirs.status == Status.SUPPLEMENT_REQUESTED


def test_officers_do_not_see_dossiers_here(client, world):
    dossier = drive(world, Status.SUBMITTED)
    client.force_login(world.one_stop)
    assert client.get(url("my-dossier", dossier)).status_code == 404
    assert dossier.code not in page(client.get(url("my-dossiers")))


# --- Supplement ----------------------------------------------------------------------------------------


def test_supplement_page_lists_each_requested_item_with_a_file_field(as_an, world):
    dossier = drive(world, Status.SUPPLEMENT_REQUESTED)
    html = page(as_an.get(url("my-dossier-supplement", dossier)))
    assert "1. Bản sao Giấy chứng sinh" in texts(html, 'label[for="tep-1"]')
    assert "2. Tờ khai có chữ ký của người đi khai" in texts(html, 'label[for="tep-2"]')
    assert one(html, "form[enctype]")["enctype"] == "multipart/form-data"


def test_supplement_upload_sends_the_papers_and_returns_the_dossier_to_processing(as_an, world):
    dossier = drive(world, Status.SUPPLEMENT_REQUESTED)
    response = as_an.post(
        url("my-dossier-supplement", dossier),
        {"file-1": pdf("giay-chung-sinh.pdf"), "file-2": pdf("to-khai-da-ky.pdf"), "note": "Đã ký tờ khai"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("my-dossier", dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING
    supplied = list(dossier.papers.filter(stage=PaperStage.SUPPLEMENT).order_by("id"))
    assert [p.name for p in supplied] == ["Bản sao Giấy chứng sinh", "Tờ khai có chữ ký của người đi khai"]
    assert [p.original_name for p in supplied] == ["giay-chung-sinh.pdf", "to-khai-da-ky.pdf"]
    request_row = dossier.supplement_request
    assert request_row.provided_by == world.an and request_row.note == "Đã ký tờ khai"
    assert "Đã gửi giấy tờ bổ sung cho hồ sơ" in page(as_an.get(response["Location"]))


def test_supplement_with_one_file_input_left_empty_as_browsers_send_it(as_an, world):
    # A browser posts an empty file input as a part with filename="", which Django reads as a text
    # field with an empty value: it must count as "no file", not as an unknown field.
    dossier = drive(world, Status.SUPPLEMENT_REQUESTED)
    response = as_an.post(
        url("my-dossier-supplement", dossier), {"file-1": pdf("giay-chung-sinh.pdf"), "file-2": ""}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING
    assert dossier.papers.filter(stage=PaperStage.SUPPLEMENT).count() == 1


def test_supplement_with_a_file_of_the_wrong_type_is_refused_and_nothing_changes(as_an, world):
    dossier = drive(world, Status.SUPPLEMENT_REQUESTED)
    response = as_an.post(
        url("my-dossier-supplement", dossier),
        {"file-1": pdf("giay-chung-sinh.pdf"), "file-2": pdf("to-khai.pdf", HTML_BYTES)},
    )
    assert response.status_code == 400
    html = page(response)
    assert "Nội dung tệp không đúng định dạng cho phép" in html
    assert has_link(html, "#tep-2")
    assert select(html, "#tep-2-error")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert not dossier.papers.filter(stage=PaperStage.SUPPLEMENT).exists()
    assert dossier.supplement_request.provided_at is None


def test_supplement_with_nothing_to_send_is_refused(as_an, world):
    dossier = drive(world, Status.SUPPLEMENT_REQUESTED)
    response = as_an.post(url("my-dossier-supplement", dossier), {"note": "  "})
    assert response.status_code == 400
    assert "Vui lòng tải lên giấy tờ bổ sung hoặc ghi nội dung bổ sung." in page(response)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED


def test_supplement_with_an_unknown_file_field_is_refused(as_an, world):
    dossier = drive(world, Status.SUPPLEMENT_REQUESTED)
    response = as_an.post(url("my-dossier-supplement", dossier), {"file-9": pdf("giay-chung-sinh.pdf")})
    assert response.status_code == 400
    assert "Biểu mẫu gửi lên có mục không thuộc trang này" in page(response)
    assert not DossierPaper.objects.filter(stage=PaperStage.SUPPLEMENT).exists()


def test_supplement_page_of_a_dossier_not_waiting_for_one_goes_back_to_the_dossier(as_an, world):
    dossier = drive(world, Status.IN_PROCESSING)
    response = as_an.get(url("my-dossier-supplement", dossier))
    assert response.status_code == 302
    assert response["Location"] == url("my-dossier", dossier)
    response = as_an.post(url("my-dossier-supplement", dossier), {"file-1": pdf("giay-chung-sinh.pdf")})
    assert response.status_code == 302
    assert not DossierPaper.objects.filter(stage=PaperStage.SUPPLEMENT).exists()


# --- Withdrawal -------------------------------------------------------------------------------------------


def test_withdraw_needs_a_reason_and_a_confirmation(as_an, world):
    dossier = drive(world, Status.ACCEPTED)
    response = as_an.post(url("my-dossier-withdraw", dossier), {"reason": ""})
    assert response.status_code == 400
    html = page(response)
    assert "Vui lòng nêu lý do rút hồ sơ." in html
    assert "Vui lòng đánh dấu xác nhận bạn muốn rút hồ sơ." in html
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED


def test_withdraw_with_reason_and_confirmation_withdraws_the_dossier(as_an, world):
    dossier = drive(world, Status.IN_PROCESSING)
    assert "Rút hồ sơ?" in page(as_an.get(url("my-dossier-withdraw", dossier)))
    response = as_an.post(
        url("my-dossier-withdraw", dossier), {"reason": "Đã làm thủ tục ở nơi khác", "confirm": "true"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    change = dossier.status_changes.get(to_status=Status.WITHDRAWN)
    assert change.reason == "Đã làm thủ tục ở nơi khác" and change.by == world.an
    html = page(as_an.get(url("my-dossier", dossier)))
    assert "Đã rút hồ sơ" in html
    assert "Hồ sơ đã được rút theo yêu cầu của người nộp" in html
    assert url("my-dossier-withdraw", dossier) not in html


def test_a_finished_dossier_cannot_be_withdrawn(as_an, world):
    dossier = drive(world, Status.RESULT_READY)
    response = as_an.post(url("my-dossier-withdraw", dossier), {"reason": "Không cần", "confirm": "true"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


# --- Papers and results to download ------------------------------------------------------------------------


def test_result_is_downloaded_as_an_attachment_with_nosniff(as_an, world):
    dossier = drive(world, Status.RESULT_RETURNED, result_file=True)
    result = dossier.papers.get(stage=PaperStage.RESULT)
    response = as_an.get(url("my-dossier-paper", dossier, paper_id=result.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_paper_uploaded_as_hta_is_served_with_the_detected_extension(as_an, world):
    dossier = drive(world, Status.RESULT_RETURNED, result_file=True)
    result = dossier.papers.get(stage=PaperStage.RESULT)
    type(result).objects.filter(pk=result.pk).update(original_name="ket-qua.hta")
    response = as_an.get(url("my-dossier-paper", dossier, paper_id=result.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua.pdf"'


def test_a_paper_is_served_only_through_its_own_dossier_and_owner(client, world):
    mine = drive(world, Status.RESULT_READY, result_file=True)
    theirs = drive(world, Status.SUBMITTED, world.binh)
    result = mine.papers.get(stage=PaperStage.RESULT)
    client.force_login(world.binh)
    assert client.get(url("my-dossier-paper", mine, paper_id=result.pk)).status_code == 404
    # Their own dossier's address with my paper's id does not reach my paper either.
    assert client.get(url("my-dossier-paper", theirs, paper_id=result.pk)).status_code == 404
    client.force_login(world.an)
    assert client.get(url("my-dossier-paper", mine, paper_id=result.pk)).status_code == 200


# --- The receipt ---------------------------------------------------------------------------------------


def test_receipt_pdf_is_downloaded_by_its_owner_only(client, world):
    dossier = drive(world, Status.ACCEPTED)
    client.force_login(world.an)
    html = page(client.get(url("my-dossier", dossier)))
    assert url("my-dossier-receipt", dossier) in html
    response = client.get(url("my-dossier-receipt", dossier))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    client.force_login(world.binh)
    assert client.get(url("my-dossier-receipt", dossier)).status_code == 404


def test_confirmation_of_submission_at_once_and_form_01_only_once_accepted(client, world):
    dossier = drive(world, Status.SUBMITTED)
    client.force_login(world.an)
    html = page(client.get(url("my-dossier", dossier)))
    # Awaiting reception: the confirmation of submission, not form 01.
    assert url("my-dossier-submission", dossier) in html
    assert "Tải giấy xác nhận đã nộp hồ sơ (PDF)" in html
    assert url("my-dossier-receipt", dossier) not in html
    response = client.get(url("my-dossier-submission", dossier))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"xac-nhan-nop-ho-so-{dossier.code}.pdf" in response["Content-Disposition"]
    refused = client.get(url("my-dossier-receipt", dossier))
    assert refused.status_code == 302
    assert "chưa được tiếp nhận" in page(client.get(refused["Location"]))
    # Accepted: form 01 too, named for what it is.
    dossier_services.accept(dossier, world.one_stop)
    html = page(client.get(url("my-dossier", dossier)))
    assert url("my-dossier-receipt", dossier) in html
    assert "Tải Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)" in html
    response = client.get(url("my-dossier-receipt", dossier))
    assert response.status_code == 200
    assert f"giay-tiep-nhan-{dossier.code}.pdf" in response["Content-Disposition"]
    client.force_login(world.binh)
    assert client.get(url("my-dossier-submission", dossier)).status_code == 404


def test_a_dossier_refused_at_reception_has_no_receipt(as_an, world):
    dossier = submit(world)
    dossier_services.refuse(dossier, world.one_stop, "Không thuộc thẩm quyền của phường")
    html = page(as_an.get(url("my-dossier", dossier)))
    assert url("my-dossier-receipt", dossier) not in html
    assert "Không thuộc thẩm quyền của phường" in html
    response = as_an.get(url("my-dossier-receipt", dossier))
    assert response.status_code == 302
    assert "không có Giấy tiếp nhận hồ sơ" in page(as_an.get(response["Location"]))
