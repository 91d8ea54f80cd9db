"""HTML → PDF rendering with embedded Noto Sans, the resource policy, QR codes and the PDF response."""

import base64
import io
import unicodedata

import pytest
from pypdf import PdfReader

from congso.core import pdf

VIETNAMESE = "Cộng hòa xã hội chủ nghĩa Việt Nam — Độc lập - Tự do - Hạnh phúc: ỹ ữ ợ ặ ẫ ề Đ đ ₫"
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def fonts_of(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    return {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }


def images_of(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def test_vietnamese_text_comes_out_with_its_diacritics():
    data = pdf.render_html(f"<p>{VIETNAMESE}</p>")

    assert data.startswith(b"%PDF-")
    assert VIETNAMESE in text_of(data)


def test_the_four_faces_are_embedded_and_bold_is_a_real_bold_face():
    html = "<p>thường <b>đậm</b> <i>nghiêng</i> <b><i>đậm nghiêng</i></b></p>"

    data = pdf.render_html(html)

    assert fonts_of(data) >= {"NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSans-BoldItalic"}


def test_static_faces_are_distinct_instances_with_their_own_names():
    from fontTools.ttLib import TTFont

    files = pdf.font_files()

    assert files.static
    names = {
        TTFont(path)["name"].getDebugName(6)
        for path in (files.regular, files.bold, files.italic, files.bold_italic)
    }
    assert names == {"NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSans-BoldItalic"}
    assert TTFont(files.bold)["OS/2"].usWeightClass == 700
    assert "fvar" not in TTFont(files.bold)  # a static face, not the variable font


def test_font_cache_is_built_where_configured_and_reused(settings, tmp_path, monkeypatch):
    settings.CONGSO_PDF_FONT_DIR = str(tmp_path / "fonts")
    monkeypatch.setattr(pdf, "_font_files", None)

    files = pdf.font_files()

    assert files.regular.parent == tmp_path / "fonts"
    assert sorted(p.name.split("-")[1] for p in (tmp_path / "fonts").glob("*.ttf")) == [
        "Bold",
        "BoldItalic",
        "Italic",
        "Regular",
    ]
    assert not list((tmp_path / "fonts").glob("*.tmp"))
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "fonts").iterdir()}
    monkeypatch.setattr(pdf, "_font_files", None)
    pdf.font_files()
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "fonts").iterdir()} == before
    monkeypatch.setattr(pdf, "_font_files", None)  # the next test finds the default cache again


def test_text_in_decomposed_form_is_composed_before_rendering():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ")
    assert decomposed != "Nguyễn Thị Thuỷ"

    assert "Nguyễn Thị Thuỷ" in text_of(pdf.render_html(f"<p>{decomposed}</p>"))


def test_inline_images_are_drawn_but_local_files_are_not_read(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG_1X1)
    inline = "data:image/png;base64," + base64.b64encode(PNG_1X1).decode()

    allowed = pdf.render_html(f'<p><img src="{inline}" width="20" height="20"></p>')
    refused = pdf.render_html(f'<p>x<img src="{secret}" width="20" height="20"></p>')
    remote = pdf.render_html('<p>x<img src="http://169.254.169.254/latest/meta-data/x.png"></p>')

    assert images_of(allowed) == 1
    assert images_of(refused) == 0
    assert images_of(remote) == 0


def test_a_render_over_its_time_limit_is_an_error(settings):
    settings.CONGSO_PDF_MAX_SECONDS = 0.000001

    with pytest.raises(pdf.PdfRenderError):
        pdf.render_html("<table>" + "<tr><td>ô</td></tr>" * 2000 + "</table>")


def test_metadata_carries_the_title():
    data = pdf.render_html("<p>x</p>", title="Giấy tiếp nhận hồ sơ", author="UBND phường Thủ Dầu Một")

    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata.title == "Giấy tiếp nhận hồ sơ"
    assert metadata.author == "UBND phường Thủ Dầu Một"


def test_render_template_tries_names_in_order(settings, tmp_path):
    (tmp_path / "mine.html").write_text("<p>Mẫu của tôi: {{ value }}</p>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    data = pdf.render_template(["missing.html", "mine.html"], {"value": "<b>đậm</b>"})

    assert "Mẫu của tôi: <b>đậm</b>" in text_of(data)  # escaped: printed, not interpreted


def test_qr_png_data_uri_is_a_png_image():
    uri = pdf.qr_png_data_uri("https://dichvucong.example.vn/tra-cuu/000.01.12.H08-260310-0001/")

    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    png = base64.b64decode(uri[len(prefix) :])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_qr_code_drawn_in_a_pdf():
    uri = pdf.qr_png_data_uri("000.01.12.H08-260310-0001")

    assert images_of(pdf.render_html(f'<p><img src="{uri}" width="80" height="80"></p>')) == 1


def test_qr_svg_is_inline_markup_with_an_escaped_title():
    svg = pdf.qr_svg("https://example.vn/tra-cuu/X/", title="Mã QR <tra cứu>")

    assert svg.startswith("<svg") and 'class="qr"' in svg
    assert "<title>Mã QR &lt;tra cứu&gt;</title>" in svg


def test_pdf_response_headers():
    response = pdf.pdf_response(b"%PDF-1.4", "Giấy tiếp nhận 000.01.12.H08.pdf", attachment=True)

    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Giay_tiep_nhan_000.01.12.H08.pdf"')
    assert "filename*=UTF-8''Gi%E1%BA%A5y%20ti%E1%BA%BFp%20nh%E1%BA%ADn%20000.01.12.H08.pdf" in disposition
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == b"%PDF-1.4"


def test_without_fonttools_the_variable_files_are_used(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_fonttools(name, *args, **kwargs):
        if name == "fontTools" or name.startswith("fontTools."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fonttools)
    files = pdf._build_font_files()

    assert not files.static
    assert files.bold == files.regular and files.regular.name == "NotoSans[wdth,wght].ttf"
