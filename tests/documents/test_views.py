"""The documents pages through HTTP: the main journey (clerk registers, leader assigns, specialist
drafts the reply, leader approves and signs, clerk issues with the next number and sends), search,
permissions on pages and files, and the public verification page."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from congso.core.models import AuditEntry
from congso.documents.models import Attachment, IncomingDocument, OutgoingDocument, OutgoingStatus
from tests.samples import PDF_BYTES, pdf

pytestmark = pytest.mark.django_db


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_main_journey(cast, agency_a, agency_b):
    clerk, leader, specialist = _as(cast.clerk), _as(cast.leader), _as(cast.specialist)

    response = clerk.post(
        "/can-bo/van-ban/den/vao-so/",
        {
            "sender_name": "Sở Tư pháp",
            "number_symbol": "125/STP-HCTP",
            "document_type": "CV",
            "issued_on": "2026-03-02",
            "summary": "Đề nghị báo cáo hộ tịch",
            "scan": pdf("cv125.pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    incoming = IncomingDocument.objects.get()
    assert "Sở Tư pháp" in clerk.get("/can-bo/van-ban/den/").content.decode()

    response = leader.post(
        f"/can-bo/van-ban/den/{incoming.pk}/phan-cong/",
        {"assignee": cast.specialist.pk, "opinion": "Tham mưu trả lời"},
        follow=True,
    )
    assert "Đã phân công" in _messages(response)

    page = specialist.get(f"/can-bo/van-ban/den/{incoming.pk}/").content.decode()
    assert "Soạn văn bản trả lời" in page
    for bad in ("2026-02-30", "²", "99999999999999999999"):  # no document's id: 404, never a 500
        assert specialist.get(f"/can-bo/van-ban/di/soan/?tra_loi={bad}").status_code == 404
    response = specialist.post(
        f"/can-bo/van-ban/di/soan/?tra_loi={incoming.pk}",
        {"document_type": "CV", "summary": "Báo cáo hộ tịch quý I", "drafting_unit": "VP"},
    )
    reply = OutgoingDocument.objects.get()
    assert response.status_code == 302 and reply.reply_to == incoming
    specialist.post(
        f"/can-bo/van-ban/di/{reply.pk}/noi-nhan/", {"agencies": [agency_b.pk], "others": "Lưu VT"}
    )
    specialist.post(f"/can-bo/van-ban/di/{reply.pk}/trinh/", {"signer": cast.leader.pk})
    leader.post(f"/can-bo/van-ban/di/{reply.pk}/duyet/", {"decision": "approve"})
    leader.post(f"/can-bo/van-ban/di/{reply.pk}/ky/")
    reply.refresh_from_db()
    assert reply.status == OutgoingStatus.SIGNED

    response = clerk.post(f"/can-bo/van-ban/di/{reply.pk}/ban-hanh/", follow=True)
    reply.refresh_from_db()
    assert reply.number == 1 and re.match(r"01/[^-]+-VP$", reply.number_symbol), reply.number_symbol
    assert reply.number_symbol in _messages(response)
    clerk.post(f"/can-bo/van-ban/di/{reply.pk}/gui/")
    reply.refresh_from_db()
    assert reply.status == OutgoingStatus.DISPATCHED
    page = clerk.get(f"/can-bo/van-ban/di/{reply.pk}/").content.decode()
    assert "Đã gửi" in page
    # The handling log names each action (it showed the stored codes: "drafted", "signed", …).
    for action in ("Soạn dự thảo", "Trình duyệt", "Duyệt", "Ký số", "Ban hành", "Phát hành"):
        assert f": {action}" in page, action
    assert ": drafted" not in page and ": signed" not in page
    clerk.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = clerk.get(f"/can-bo/van-ban/di/{reply.pk}/").content.decode()
    assert ": Drafted" in page and ": Digitally signed" in page and ": Ký số" not in page
    clerk.post("/i18n/setlang/", {"language": "vi", "next": "/"})

    signed = reply.attachments.get(kind=Attachment.Kind.SIGNED)
    download = clerk.get(f"/can-bo/van-ban/tep/{signed.pk}/")
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    assert AuditEntry.objects.filter(action="documents.attachment.read").exists()

    # Anyone, signed in or not, can verify the issued PDF.
    upload = pdf("CongVan_NguyenVanAn_079203001234.pdf", data)
    result = Client().post("/xac-minh-chu-ky-so/", {"file": upload}).content.decode()
    assert result.count("Hợp lệ") == 2 and "Lê Văn Lãnh Đạo" in result
    assert "NguyenVanAn" not in result  # the uploaded file's name (personal data) is never shown


def test_refusals_show_a_message_and_change_nothing(cast, incoming):
    document = incoming()
    response = _as(cast.specialist).post(
        f"/can-bo/van-ban/den/{document.pk}/phan-cong/", {"assignee": cast.specialist.pk}, follow=True
    )
    assert response.status_code == 404  # a specialist not assigned does not even see the document
    response = _as(cast.leader).post(
        f"/can-bo/van-ban/den/{document.pk}/phan-cong/",
        {"assignee": cast.specialist.pk, "deadline": "2020-01-01"},
        follow=True,
    )
    assert "Hạn xử lý không được trước" in _messages(response)
    assert not document.assignments.exists()


def test_register_form_refuses_a_non_pdf(cast):
    response = _as(cast.clerk).post(
        "/can-bo/van-ban/den/vao-so/",
        {
            "sender_name": "Sở Tư pháp",
            "number_symbol": "1/STP",
            "document_type": "CV",
            "issued_on": "2026-03-02",
            "summary": "X",
            "scan": pdf("x.pdf", b"MZ not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "không phải là tệp PDF" in response.content.decode()
    assert not IncomingDocument.objects.exists()


def test_an_empty_register_form_names_each_missing_field_in_the_error_summary(cast):
    """The summary listed "Trường này là bắt buộc." five times, without saying which fields."""
    from tests.support.html import one, select

    client = _as(cast.clerk)
    response = client.post("/can-bo/van-ban/den/vao-so/", {"document_type": "CV"})
    assert response.status_code == 200
    summary = [item.text for item in select(one(response.content.decode(), ".error-summary"), "li")]
    assert "“Cơ quan ban hành” là bắt buộc." in summary
    assert "“Số, ký hiệu” là bắt buộc." in summary
    assert "Trường này là bắt buộc." not in summary
    client.cookies["congso_language"] = "en"
    response = client.post("/can-bo/van-ban/den/vao-so/", {"document_type": "CV"})
    summary = [item.text for item in select(one(response.content.decode(), ".error-summary"), "li")]
    assert "“Issuing agency” is required." in summary
    assert not IncomingDocument.objects.exists()


@pytest.mark.parametrize("address", ["/can-bo/van-ban/den/vao-so/", "/can-bo/van-ban/di/soan/"])
def test_the_document_type_starts_on_a_prompt_and_must_be_chosen(cast, address):
    """A preselected type was registered whenever the clerk forgot to choose one."""
    from tests.support.html import one, select

    client = _as(cast.clerk)
    page = client.get(address).content.decode()
    first = select(page, "#id_document_type option")[0]
    assert (first["value"], first.text) == ("", "— Chọn loại văn bản —")
    assert all(option["value"] == "" for option in select(page, "#id_document_type option[selected]"))
    response = client.post(address, {"document_type": "", "summary": "Về việc báo cáo"})
    assert response.status_code == 200
    summary = [item.text for item in select(one(response.content.decode(), ".error-summary"), "li")]
    assert "Vui lòng chọn loại văn bản." in summary
    client.cookies["congso_language"] = "en"
    page = client.post(address, {"summary": "Về việc báo cáo"}).content.decode()
    assert "Choose the document type." in [item.text for item in select(one(page, ".error-summary"), "li")]
    assert select(page, "#id_document_type option")[0].text == "— Choose the document type —"
    assert not IncomingDocument.objects.exists() and not OutgoingDocument.objects.exists()


def test_pages_need_a_documents_role(cast, officer, agency_a):
    one_stop = officer("one_stop_officer", agency_a, "motcua")
    assert _as(one_stop).get("/can-bo/van-ban/den/").status_code == 403
    assert _as(cast.specialist).get("/can-bo/van-ban/den/vao-so/").status_code == 403
    assert Client().get("/can-bo/van-ban/den/").status_code == 302  # to sign-in


def test_the_documents_address_leads_to_the_incoming_register_with_the_same_checks(cast, officer, agency_a):
    """/can-bo/van-ban/ is the parent of the documents pages: not a dead end, and no way around their
    checks."""
    response = _as(cast.clerk).get("/can-bo/van-ban/")
    assert response.status_code == 302 and response["Location"] == "/can-bo/van-ban/den/"
    one_stop = officer("one_stop_officer", agency_a, "motcua")
    assert _as(one_stop).get("/can-bo/van-ban/").status_code == 403
    anonymous = Client().get("/can-bo/van-ban/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("identity:login"))


def test_files_of_other_agencies_are_not_served(cast, incoming):
    document = incoming()
    attachment = document.attachments.get()
    assert _as(cast.clerk).get(f"/can-bo/van-ban/tep/{attachment.pk}/").status_code == 200
    assert _as(cast.clerk_b).get(f"/can-bo/van-ban/tep/{attachment.pk}/").status_code == 404


def test_register_search(cast, incoming):
    incoming(summary="Về lịch tiếp công dân")
    incoming(summary="Về phòng chống thiên tai", number_symbol="9/UBND-VP")
    page = _as(cast.clerk).get("/can-bo/van-ban/den/", {"q": "thiên tai"}).content.decode()
    assert "phòng chống thiên tai" in page and "tiếp công dân" not in page


def test_verification_page_explains_bad_files(db):
    page = Client().post("/xac-minh-chu-ky-so/", {"file": pdf("x.pdf", PDF_BYTES)}).content.decode()
    assert "không có chữ ký số" in page or "Không đọc được" in page
    page = Client().post("/xac-minh-chu-ky-so/", {"file": pdf("x.pdf", b"hello")}).content.decode()
    assert "không phải là tệp PDF" in page
    for content in (PDF_BYTES, b"hello", b""):
        page = Client().post("/xac-minh-chu-ky-so/", {"file": pdf("HoTen_NguyenVanAn.pdf", content)})
        assert "NguyenVanAn" not in page.content.decode()  # nor in an error about the file


def test_navigation_and_todo(cast, incoming):
    from congso.documents.workspace_entries import todo_count_for

    incoming()
    assert todo_count_for(cast.leader) == 1  # one document to assign
    assert todo_count_for(cast.specialist) == 0
    home = _as(cast.clerk).get("/can-bo/").content.decode()
    assert "/can-bo/van-ban/den/" in home


@pytest.mark.parametrize(
    ("sent_as", "content_type", "saved_as"),
    [
        ("lich-hop.hta", "application/pdf", "lich-hop.pdf"),  # declared a PDF: opened by a PDF reader
        ("lich-hop.hta", "application/octet-stream", "lich-hop.bin"),  # a program's extension is not kept
        ("cai-dat.EXE", "application/octet-stream", "cai-dat.bin"),
        ("bao-cao.docx", "application/octet-stream", "bao-cao.docx"),  # a document format is kept
        ("Bảng số liệu.XLSX", "application/octet-stream", "Bảng số liệu.xlsx"),
    ],
)
def test_an_attachment_is_saved_under_a_name_no_program_runs(cast, incoming, sent_as, content_type, saved_as):
    document = incoming(files=((sent_as, b"MZ\x90\x00 bytes", content_type),))
    attachment = document.attachments.get(kind=Attachment.Kind.ATTACHMENT)
    response = _as(cast.clerk).get(reverse("documents:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (f'filename="{saved_as}"' in disposition) or (quote(saved_as) in disposition), disposition
