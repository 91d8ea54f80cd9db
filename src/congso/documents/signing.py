"""PAdES signatures with pyHanko: the signer's signature, then the agency's seal, and verification.

Where keys live is a signature provider's business (``providers``, a ``core.registry.Registry``): the
setting ``CONGSO_SIGNATURE_PROVIDER`` names the one in use. ``devpki`` (``DevPkiProvider``) reads the
development PKI's files (``documents.devpki``); a PKCS#11 token or a remote signing service is one more
class with the same two methods returning a pyHanko ``Signer``.

Layout (Decree 30/2020, STANDARDS §5): the signer's signature is a visible field in the signature block
at the end of the last page; the agency's seal is a second signature whose appearance is the red seal
image, placed over the left third of the signer's signature image. When ``CONGSO_TSA_URL`` is set both
carry an RFC 3161 timestamp from that authority.

Verification (``verify_pdf``) answers, for every signature of any PDF: who signed (the certificate's
subject), when (the signing time the signer claims and, if present, the timestamp), whether the
document changed since (the signature's digest, and whether what follows it is only further signatures
or form filling), and whether the certificate chains to a root we trust (``trusted_roots``: the files of
``CONGSO_TRUSTED_ROOTS`` and, while the dev provider is in use, the development root).

Providers: ``devpki`` (here), ``pkcs11`` (``provider_pkcs11``: keys on a PKCS#11 device) and ``csc``
(``provider_csc``: a remote signing service speaking the Cloud Signature Consortium API v2).
"""

import io
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from congso.core.registry import Registry

from . import devpki
from .errors import SigningError

logger = logging.getLogger(__name__)

providers = Registry("signature providers (documents.signing)")

# Where the signature goes on the last page (PDF points from the bottom left, A4: 595 × 842) of a PDF
# without the rendering's signature marker (documents.rendering.signature_box).
SIGNER_BOX = (340, 520, 540, 600)
# The seal overlaps the left third of the signer's box (Decree 30/2020, Appendix I).
SEAL_SIZE = 75


class DevPkiProvider:
    """The development PKI's key files (development only; see ``documents.devpki``)."""

    label = _("Hạ tầng khóa thử nghiệm (chỉ dùng phát triển)")

    def __init__(self):
        if getattr(settings, "IS_PRODUCTION", False):
            raise SigningError(_("Hạ tầng khóa thử nghiệm không được dùng trong môi trường vận hành."))

    def signer_for(self, user, agency):
        cred = devpki.ensure_signer(user, agency)
        return _file_signer(cred)

    def seal_for(self, agency):
        cred = devpki.ensure_agency_seal(agency)
        return _file_signer(cred), cred.image_path

    def trusted_root_paths(self):
        return [devpki.ensure_root().cert_path]


providers.add("devpki", DevPkiProvider)


def _pkcs11_provider():
    from .provider_pkcs11 import Pkcs11Provider

    return Pkcs11Provider()


def _csc_provider():
    from .provider_csc import CscProvider

    return CscProvider()


# Imported when chosen: python-pkcs11 loads a C extension a development machine need not load.
providers.add("pkcs11", _pkcs11_provider)
providers.add("csc", _csc_provider)


def _file_signer(cred):
    from pyhanko.sign import signers

    root = devpki.ensure_root()
    return signers.SimpleSigner.load(
        key_file=str(cred.key_path), cert_file=str(cred.cert_path), ca_chain_files=(str(root.cert_path),)
    )


def provider():
    name = getattr(settings, "CONGSO_SIGNATURE_PROVIDER", "")
    if not name:
        raise SigningError(_("Chưa cấu hình nhà cung cấp chữ ký số (CONGSO_SIGNATURE_PROVIDER)."))
    if name not in providers:
        raise SigningError(_("Chưa cấu hình nhà cung cấp chữ ký số “%(name)s”.") % {"name": name})
    if name == "devpki" and getattr(settings, "IS_PRODUCTION", False):
        # Settings refuse it at start-up already; this holds if they were changed in the running process.
        raise SigningError(_("Hệ thống chính thức không ký bằng khóa thử nghiệm (devpki)."))
    return providers[name]()


def _timestamper():
    url = getattr(settings, "CONGSO_TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


def _sign_field(pdf: bytes, signer, *, field: str, box, page: int, reason: str, location: str, style):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(field, on_page=page, box=box))
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, timestamper=_timestamper())
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


def _last_page_index(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return int(reader.root["/Pages"]["/Count"]) - 1


def sign_document(pdf: bytes, *, signer_user, signer_name: str, agency, location: str) -> bytes:
    """The signer's signature, then the agency's seal over the left third of it. Returns the new PDF."""
    from pyhanko import stamp
    from pyhanko.pdf_utils import images, text

    from . import rendering

    prov = provider()
    found = rendering.signature_box(pdf)
    page, box = found if found is not None else (_last_page_index(pdf), SIGNER_BOX)
    try:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

        from congso.core.pdf import font_files

        signer_style = stamp.TextStampStyle(
            stamp_text=_("Ký bởi: %(signer)s") % {"signer": "%(signer)s"}
            + "\n"
            + _("Ngày ký: %(ts)s") % {"ts": "%(ts)s"},
            text_box_style=text.TextBoxStyle(
                font=GlyphAccumulatorFactory(str(font_files().regular)), font_size=7
            ),
            border_width=0,
            timestamp_format="%d/%m/%Y %H:%M:%S %z",
        )
        signed = _sign_field(
            pdf,
            prov.signer_for(signer_user, agency),
            field="Signer",
            box=box,
            page=page,
            reason=_("Ký ban hành văn bản"),
            location=location,
            style=signer_style,
        )
        seal_signer, seal_image = prov.seal_for(agency)
        x1, y1, x2, y2 = box
        left_third = x1 + (x2 - x1) / 3
        seal_box = (
            left_third - SEAL_SIZE / 2,
            (y1 + y2) / 2 - SEAL_SIZE / 2,
            left_third + SEAL_SIZE / 2,
            (y1 + y2) / 2 + SEAL_SIZE / 2,
        )
        seal_style = stamp.TextStampStyle(
            stamp_text="",
            background=images.PdfImage(str(seal_image)),
            background_opacity=1,
            border_width=0,
        )
        return _sign_field(
            signed,
            seal_signer,
            field="Seal",
            box=seal_box,
            page=page,
            reason=_("Đóng dấu cơ quan"),
            location=location,
            style=seal_style,
        )
    except SigningError:
        raise
    except Exception as exc:
        logger.exception("Signing failed")
        raise SigningError(_("Không ký số được văn bản: %(error)s") % {"error": exc}) from exc


# --- Verification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str
    organisation: str
    signed_at: datetime | None
    timestamp_at: datetime | None
    intact: bool  # the digest matches: the signed bytes are unchanged
    valid: bool  # the cryptographic signature over them is correct
    trusted: bool  # the certificate chains to a trusted root
    covers_whole: bool  # nothing was appended after this signature
    changes_allowed: bool  # what was appended (if anything) is only signatures / form filling
    problem: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.changes_allowed


class VerificationError(Exception):
    """The file cannot be read as a signed PDF; the message is for the reader."""


def trusted_roots():
    """The certificates verification trusts: the files named by ``CONGSO_TRUSTED_ROOTS`` (PEM or DER,
    a list of paths) and those of the configured provider."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    paths = list(getattr(settings, "CONGSO_TRUSTED_ROOTS", []) or [])
    try:
        paths += [str(p) for p in provider().trusted_root_paths()]
    except SigningError:
        pass
    roots = []
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        if pem.detect(data):
            for _type, _headers, der in pem.unarmor(data, multiple=True):
                roots.append(asn1_x509.Certificate.load(der))
        else:
            roots.append(asn1_x509.Certificate.load(data))
    return roots


def _name_part(name, key: str) -> str:
    try:
        return str(name.native.get(key, ""))
    except Exception:
        return ""


def verify_pdf(data: bytes) -> list[SignatureReport]:
    """Verify every signature of ``data``. Raises ``VerificationError`` for an unreadable file or a PDF
    without signatures."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF-"):
        raise VerificationError(_("Tệp không phải là tệp PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        raise VerificationError(_("Không đọc được tệp PDF: %(error)s") % {"error": exc}) from exc
    if not signatures:
        raise VerificationError(_("Tệp PDF không có chữ ký số."))
    roots = trusted_roots()
    reports = []
    for sig in signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        problem = ""
        try:
            status = validate_pdf_signature(sig, context)
        except (SignatureValidationError, ValueError, KeyError, PdfReadError) as exc:
            # A damaged file: the signature cannot even be checked, so it is not valid.
            reports.append(
                SignatureReport(
                    field=sig.field_name,
                    signer="",
                    organisation="",
                    signed_at=None,
                    timestamp_at=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    covers_whole=False,
                    changes_allowed=False,
                    problem=str(exc),
                )
            )
            continue
        cert = status.signing_cert
        subject = cert.subject if cert is not None else None
        coverage = getattr(status, "coverage", None)
        covers_whole = coverage is not None and coverage.name == "ENTIRE_FILE"
        modification = getattr(status, "modification_level", None)
        changes_allowed = covers_whole or (
            modification is not None
            and modification.name in ("NONE", "LTA_UPDATES", "FORM_FILLING")
            and bool(getattr(status, "docmdp_ok", True))
        )
        if not status.intact:
            problem = _("Nội dung đã bị thay đổi sau khi ký.")
        elif not status.valid:
            problem = _("Chữ ký không hợp lệ.")
        elif not status.trusted:
            problem = _("Chứng thư số không thuộc chuỗi tin cậy.")
        elif not changes_allowed:
            problem = _("Tệp có thay đổi sau khi ký không phải là chữ ký tiếp theo.")
        timestamp = getattr(status, "timestamp_validity", None)
        reports.append(
            SignatureReport(
                field=sig.field_name,
                signer=_name_part(subject, "common_name") if subject is not None else "",
                organisation=_name_part(subject, "organization_name") if subject is not None else "",
                signed_at=getattr(status, "signer_reported_dt", None),
                timestamp_at=getattr(timestamp, "timestamp", None) if timestamp is not None else None,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                covers_whole=covers_whole,
                changes_allowed=changes_allowed,
                problem=problem,
            )
        )
    return reports
