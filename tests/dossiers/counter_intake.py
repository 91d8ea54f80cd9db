"""The counter intake form as an officer posts it: its address and a complete post (a birth registration
with its two papers), keyword arguments replacing fields (``None`` leaves a field out)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.samples import PNG_BYTES, pdf


def intake_url(version):
    return reverse("dossiers:intake_form", args=[version.procedure.code])


def intake_post(version, **overrides):
    data = {
        "version_id": str(version.pk),
        "idempotency_key": "key-quay-1",
        "name": "Nguyễn Văn An",
        "national_id": "074 090 000 001",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "address": "Phường Thủ Dầu Một",
        "relation": "parent_guardian",
        "representative_name": "Nguyễn Thị Na",
        "representative_national_id": "",
        "ho_ten_tre": "Nguyễn Thị Na",
        "ngay_sinh": "01/03/2026",
        "file-to-khai": pdf("to-khai.pdf"),
        "file-chung-sinh": SimpleUploadedFile("chung-sinh.png", PNG_BYTES, content_type="image/png"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
