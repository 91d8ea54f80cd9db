"""Search of official documents: number, symbol, summary, issuer and the full text of attachments,
with or without diacritics, on the database the suite runs on; results only among what the reader may
see; the text read by the worker's subscriber after upload."""

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from congso.core import pdf as core_pdf
from congso.core.events import subscriptions
from congso.core.models import OutboxEvent
from congso.documents import ocr, search, services
from congso.documents.models import Attachment, AttachmentText, IncomingDocument

pytestmark = pytest.mark.django_db

BODY = (
    "<html><body><p>Kế hoạch chuyển đổi số năm 2026: nâng cấp đường truyền cho các xã, "
    "phường và đào tạo cán bộ về chữ ký số.</p></body></html>"
)


@pytest.fixture(scope="module")
def text_pdf(django_db_blocker):
    return core_pdf.render_html(BODY)


def _with_text(incoming, text_pdf, **overrides):
    """An incoming document whose scan has a text layer, its text read as the worker would."""
    document = incoming(
        scan=SimpleUploadedFile("kh.pdf", text_pdf, content_type="application/pdf"), **overrides
    )
    event = OutboxEvent.objects.filter(name="documents.attachment_stored").latest("occurred_at")
    from congso.documents.subscribers import extract_text

    extract_text(event)
    return document


def _find(user, agency, text, model="incoming"):
    qs = services.incoming_for(user, agency) if model == "incoming" else services.outgoing_for(user, agency)
    return list(services.search(qs, text=text))


def test_extract_text_subscriber_is_registered():
    assert "documents.extract_text" in {
        s.name for s in subscriptions() if s.wants("documents.attachment_stored")
    }


def test_full_text_of_attachments_with_or_without_diacritics(cast, agency_a, incoming, text_pdf):
    document = _with_text(incoming, text_pdf, summary="Về việc triển khai kế hoạch năm")
    text = AttachmentText.objects.get(attachment__incoming=document)
    assert text.pages == 1 and not text.error and "chuyen doi so" in text.folded
    for query in ("chuyển đổi số", "chuyen doi so", "CHỮ KÝ SỐ", "duong truyen xa"):
        assert _find(cast.clerk, agency_a, query) == [document], query
    assert _find(cast.clerk, agency_a, "chuyển đổi khí hậu") == []


def test_metadata_without_diacritics(cast, agency_a, incoming):
    document = incoming(summary="Đề nghị báo cáo tình hình đăng ký hộ tịch", sender_name="Sở Tư pháp")
    assert _find(cast.clerk, agency_a, "dang ky ho tich") == [document]
    assert _find(cast.clerk, agency_a, "so tu phap") == [document]
    assert _find(cast.clerk, agency_a, "125/STP-HCTP") == [document]
    document.summary = "Về việc khác hẳn"
    services.IncomingDocument.save(document)
    assert _find(cast.clerk, agency_a, "ho tich") == []


def test_results_respect_who_may_see_what(cast, agency_a, agency_b, incoming, text_pdf):
    mine = _with_text(incoming, text_pdf)
    _with_text(incoming, text_pdf, agency=agency_b, by=cast.clerk_b)
    assert _find(cast.clerk, agency_a, "chuyen doi so") == [mine]
    assert _find(cast.specialist, agency_a, "chuyen doi so") == []
    services.assign(mine, by=cast.leader, assignee=cast.specialist)
    assert _find(cast.specialist, agency_a, "chuyen doi so") == [mine]


def test_outgoing_found_by_content_and_number(cast, agency_a, signed_draft):
    document = services.issue(signed_draft(summary="Về việc công nhận tổ dân phố văn hóa"), by=cast.clerk)
    assert _find(cast.clerk, agency_a, "to dan pho van hoa", "outgoing") == [document]
    assert _find(cast.clerk, agency_a, document.number_symbol, "outgoing") == [document]


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


def test_unreadable_pdf_keeps_the_reason(cast, incoming):
    document = incoming()  # the sample PDF is a minimal file without a cross-reference table
    attachment = Attachment.objects.get(incoming=document)
    row = search.extract(attachment.pk)
    assert row.folded == "" and row.error.startswith("unreadable")
    scan = incoming(number_symbol="2/X", scan=SimpleUploadedFile("scan.pdf", _blank_pdf()))
    blank = search.extract(Attachment.objects.get(incoming=scan).pk)
    assert (blank.folded, blank.pages) == ("", 1) and blank.error.startswith("no text layer")
    assert search.extract(attachment.pk).pk == row.pk  # at least once: the same row
    assert search.extract(10**9) is None


def _scanned(text_pdf: bytes, tmp_path) -> bytes:
    """``text_pdf`` as a scanner makes it: each page an image, no text layer."""
    from PIL import Image

    source = tmp_path / "source.pdf"
    source.write_bytes(text_pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(source), str(tmp_path / "page")],
        check=True,
    )
    buffer = io.BytesIO()
    Image.open(tmp_path / "page.png").save(buffer, "PDF", resolution=200)
    return buffer.getvalue()


@pytest.mark.skipif(
    not ocr.available(), reason="OCR needs tesseract-ocr, tesseract-ocr-vie and poppler-utils"
)
def test_a_scan_without_a_text_layer_is_read_by_ocr(cast, agency_a, incoming, text_pdf, tmp_path):
    scanned = _scanned(text_pdf, tmp_path)
    assert search._read_pdf(scanned)[2] == search.NO_TEXT_LAYER  # no words without OCR
    document = incoming(scan=SimpleUploadedFile("ban-quet.pdf", scanned, content_type="application/pdf"))
    row = search.extract(Attachment.objects.get(incoming=document).pk)
    assert row.error == "" and row.pages == 1
    assert "chuyen doi so" in row.folded and "dao tao can bo" in row.folded
    found = search.narrow(IncomingDocument.objects.filter(agency=agency_a), "đường truyền chữ ký số")
    assert list(found) == [document]


@pytest.mark.skipif(not ocr.available(), reason="OCR needs tesseract-ocr, tesseract-ocr-vie, poppler-utils")
def test_a_page_claiming_to_be_metres_wide_is_drawn_at_a_bounded_size(cast, incoming):
    """5 m × 5 m at 300 dpi would be a 59,000-pixel square; the page is drawn 3,508 pixels long."""
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=14_400, height=14_400)
    writer.write(buffer)
    document = incoming(scan=SimpleUploadedFile("to-lon.pdf", buffer.getvalue()))
    row = search.extract(Attachment.objects.get(incoming=document).pk)
    assert row.error == "no text layer; OCR read no words"


def test_without_ocr_a_scan_keeps_the_reason(cast, incoming, text_pdf, tmp_path, settings):
    settings.CONGSO_DOCUMENTS_OCR = False
    scanned = _scanned(text_pdf, tmp_path) if shutil.which("pdftoppm") else _blank_pdf()
    document = incoming(scan=SimpleUploadedFile("ban-quet.pdf", scanned, content_type="application/pdf"))
    row = search.extract(Attachment.objects.get(incoming=document).pk)
    assert row.folded == "" and row.error == "no text layer; OCR not installed or switched off"


def test_search_page_finds_attachment_text(cast, agency_a, incoming, text_pdf):
    document = _with_text(incoming, text_pdf)
    client = Client()
    client.force_login(cast.clerk)
    page = client.get(
        "/can-bo/van-ban/den/", {"q": "dao tao can bo", "co_quan": agency_a.pk}
    ).content.decode()
    assert f"/can-bo/van-ban/den/{document.pk}/" in page
    empty = client.get("/can-bo/van-ban/den/", {"q": "khong co dau", "co_quan": agency_a.pk}).content.decode()
    assert f"/can-bo/van-ban/den/{document.pk}/" not in empty


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_postgresql_uses_the_gin_index(cast, agency_a, incoming):
    incoming()
    queryset = search.matching_entries("ho tich")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "documents_search_fulltext" in plan
    assert IncomingDocument.objects.count() == 1


def test_reindex_command_reads_what_was_not_read(cast, agency_a, incoming, text_pdf):
    from django.core.management import call_command

    document = incoming(scan=SimpleUploadedFile("kh.pdf", text_pdf, content_type="application/pdf"))
    assert _find(cast.clerk, agency_a, "duong truyen") == []  # the worker has not read it yet
    out = io.StringIO()
    call_command("documents", "reindex", stdout=out)
    assert "Đã đọc 1 tệp đính kèm" in out.getvalue()
    assert _find(cast.clerk, agency_a, "duong truyen") == [document]
