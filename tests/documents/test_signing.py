"""Signed PDFs made by congso verify with independent validators (poppler's pdfsig, and pyHanko's own
validation against the generated root), and a one-byte change is detected."""

import shutil
import subprocess

import pytest
from cryptography import x509
from django.utils import translation

from congso.documents import devpki, rendering, signing
from congso.documents.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued_pdf(signed_draft, cast):
    from congso.documents import services

    document = services.issue(signed_draft(), by=cast.clerk)
    return document, document.attachments.get(kind=Attachment.Kind.SIGNED).file.read()


def _flip_one_byte_inside_the_signed_content(data: bytes) -> bytes:
    """Change one byte inside the first content stream (covered by every signature)."""
    start = data.index(b"stream", data.index(b"/Length")) + len(b"stream\n") + 5
    changed = bytearray(data)
    changed[start] ^= 0x01
    return bytes(changed)


def test_signer_and_seal_verify_with_pyhanko_against_the_dev_root(issued_pdf, cast):
    document, data = issued_pdf
    reports = signing.verify_pdf(data)
    assert [r.field for r in reports] == ["Signer", "Seal"]
    signer, seal = reports
    assert signer.ok and seal.ok, (signer.problem, seal.problem)
    assert signer.signer == "Lê Văn Lãnh Đạo"
    assert seal.signer == document.agency.name
    assert seal.covers_whole and not signer.covers_whole  # the seal came after the signature


def test_the_seal_lies_over_the_left_third_of_the_signature(issued_pdf):
    _document, data = issued_pdf
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(data))
    boxes = {}
    for sig in reader.embedded_signatures:
        boxes[sig.field_name] = [float(v) for v in sig.sig_field["/Rect"]]
    sx1, sy1, sx2, sy2 = boxes["Signer"]
    cx = (boxes["Seal"][0] + boxes["Seal"][2]) / 2
    assert sx1 <= cx <= sx1 + (sx2 - sx1) / 2
    assert sy1 <= (boxes["Seal"][1] + boxes["Seal"][3]) / 2 <= sy2


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) is not installed")
def test_pdfsig_validates_both_signatures(issued_pdf, tmp_path):
    _document, data = issued_pdf
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    output = result.stdout
    assert output.count("Signature Validation: Signature is Valid.") == 2, output
    assert "Total document signed" in output
    # pdfsig trusts its NSS database, not the development root ("issuer isn't Trusted"): that the
    # chain reaches our root is checked with pyHanko above.

    changed = tmp_path / "changed.pdf"
    changed.write_bytes(_flip_one_byte_inside_the_signed_content(data))
    broken = subprocess.run(["pdfsig", str(changed)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid." not in broken, broken


def test_one_changed_byte_is_detected(issued_pdf):
    _document, data = issued_pdf
    reports = signing.verify_pdf(_flip_one_byte_inside_the_signed_content(data))
    assert reports and not any(r.ok for r in reports)
    assert all(not r.intact for r in reports)


def test_bytes_appended_after_the_seal_are_reported(issued_pdf):
    _document, data = issued_pdf
    tampered = data + b"\n1 0 obj (added later) endobj\n"
    reports = signing.verify_pdf(tampered)
    assert not reports[-1].covers_whole


def test_a_signature_from_an_untrusted_root_is_not_trusted(issued_pdf, settings, tmp_path):
    _document, data = issued_pdf
    settings.CONGSO_DOCUMENTS_PKI_DIR = str(tmp_path / "another-pki")  # a new root, not the signer's
    reports = signing.verify_pdf(data)
    assert all(r.intact and not r.trusted and not r.ok for r in reports)


@pytest.mark.parametrize(
    "data, message",
    [(b"hello", "không phải là tệp PDF"), (b"%PDF-1.4\n%%EOF", "Không đọc được|không có chữ ký số")],
)
def test_unreadable_or_unsigned_files_are_refused_with_a_reason(data, message):
    with pytest.raises(signing.VerificationError, match=message):
        signing.verify_pdf(data)


def test_dev_certificates_chain_to_the_dev_root(cast, agency_a):
    root = x509.load_pem_x509_certificate(devpki.ensure_root().cert_path.read_bytes())
    seal = x509.load_pem_x509_certificate(devpki.ensure_agency_seal(agency_a).cert_path.read_bytes())
    seal.verify_directly_issued_by(root)
    assert agency_a.code in seal.subject.rfc4514_string()


def test_signature_box_follows_the_rendered_signature_block(signed_draft):
    document = signed_draft()
    document.content = "\n".join(f"Điều {i}. Nội dung dài để sang trang." for i in range(1, 80))
    box = rendering.signature_box(rendering.render_pdf(document))
    assert box is not None
    page, (x1, y1, x2, y2) = box
    assert page >= 1  # the long content pushed the signature block to a later page
    assert x2 - x1 == pytest.approx(150, abs=1) and y2 - y1 == pytest.approx(60, abs=1)


def test_devpki_command_creates_root_seals_and_signers(cast, agency_a, settings):
    from django.core.management import call_command

    call_command("documents", "devpki", "--agency", agency_a.code)
    base = devpki.pki_dir()
    assert (base / "root.pem").exists()
    assert (base / "agencies" / f"{agency_a.code}.png").exists()
    assert (base / "signers" / f"{cast.leader.username}.pem").exists()
    before = (base / "root.pem").read_bytes()
    call_command("documents", "devpki", "--agency", agency_a.code)  # again: files are kept
    assert (base / "root.pem").read_bytes() == before


def test_devpki_command_checks_every_agency_code_before_creating_anything(agency_a):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as refused:
        call_command("documents", "devpki", "--agency", agency_a.code, "--agency", "999.99.99.H99")
    message = str(refused.value)
    assert "Không tìm thấy cơ quan có mã định danh điện tử 999.99.99.H99." in message
    assert "Chưa tạo gì." in message and "Nothing was created." in message
    assert "999.99.99.H99" in message.split("/")[1]
    with pytest.raises(CommandError, match="BAD"):
        call_command("documents", "devpki", "--agency", "BAD")
    base = devpki.pki_dir()
    assert not base.exists() or not any(base.iterdir())  # no root CA, no seal of the good code


def test_devpki_command_is_refused_in_production(settings):
    from django.core.management import CommandError, call_command

    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="môi trường vận hành"):
        call_command("documents", "devpki")
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="development PKI is refused in production"),
    ):
        call_command("documents", "devpki")
    with pytest.raises(signing.SigningError):
        signing.DevPkiProvider()


def test_the_development_keys_never_sign_in_production(settings):
    # Settings refuse devpki at start-up in production; the provider refuses it too if they changed since.
    settings.CONGSO_SIGNATURE_PROVIDER = "devpki"
    settings.IS_PRODUCTION = True
    with pytest.raises(signing.SigningError) as caught:
        signing.provider()
    assert "devpki" in str(caught.value)
