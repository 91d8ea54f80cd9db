"""Sample files and applicant details shared by the tests: one PDF, one PNG, one JPEG, and uploads of them.

Each sample is a genuine file head (``filetype`` recognises it by its magic bytes); the PDF is a complete
one-page document, so a browser or a PDF reader accepts it as well as the upload checks do.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 64
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
# Files the upload checks must refuse: a web page and a Windows program.
HTML_BYTES = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"PE\x00\x00"
    + b"\x00" * 64
)

# The applicant details an officer types at the counter (or a citizen confirms online).
APPLICANT = {
    "name": "Nguyễn Văn An",
    "national_id": "074090000001",
    "phone": "0912345678",
    "email": "an@example.vn",
    "address": "Phường Thủ Dầu Một",
}


def pdf(name="to-khai.pdf", content=PDF_BYTES):
    """An uploaded PDF file, as a form post carries it."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def pdf_for_browser(name):
    """The PDF as Playwright's ``set_input_files`` takes it."""
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}
