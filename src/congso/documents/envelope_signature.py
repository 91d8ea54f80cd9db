"""The XML-DSig signature of an edXML package (STANDARDS §5: the header's DigitalSignature).

**Signing** (``sign``): an enveloped signature over the whole ``edXML:edXMLEnvelope`` (Reference
``URI=""``, transforms enveloped-signature then exclusive canonicalisation, SHA-256), placed as the last
child of ``edXML:edXMLHeader``, with the agency's seal certificate in ``KeyInfo/X509Data``. RSA keys sign
RSA-SHA256 (PKCS#1 v1.5), EC keys ECDSA-SHA256 (the development PKI's keys are P-256). The key is the
agency's seal key *from the signature provider* (``signing.provider().seal_for``), through pyHanko's
``Signer.async_sign_raw``: the same call whether the key is a file, on a PKCS#11 device or at a remote
signing service, so this module builds the ``SignedInfo`` itself and asks the provider only for the
signature value.

**Verification** (``verify``), by the receiver before anything is stored, on bytes ``edxml.parse`` has
already accepted (size limit, no DTD, no entity: the hardened parse runs first, and the parser given to
signxml here refuses entities and the network too):

- no signature: the package is accepted as unsigned (``None``): the national axis and older systems send
  packages without one;
- a signature that is present must be exactly one ``ds:Signature`` in ``edXMLHeader``, with one
  reference to the whole envelope; its value must verify (``signxml``, an implementation independent of
  the signing side) with the certificate it carries, and that certificate must chain to a trusted root
  (``signing.trusted_roots``: ``CONGSO_TRUSTED_ROOTS`` and the provider's roots) for digital signature.
  Anything else is ``EnvelopeSignatureError`` with the reason: the package is refused.
"""

import asyncio
import base64
import concurrent.futures
import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import SigningError

DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"


class EnvelopeSignatureError(Exception):
    """The package's signature is present and does not hold; the message is the reason."""


@dataclass(frozen=True)
class EnvelopeSigner:
    """Who signed a package whose signature verified."""

    common_name: str
    organisation: str
    organ_code: str  # the certificate's organizationalUnitName (the agency's code in the dev PKI)

    def __str__(self) -> str:
        parts = [self.common_name, self.organisation if self.organisation != self.common_name else ""]
        return " — ".join(p for p in parts if p)


def _run(make_coroutine):
    """Run ``make_coroutine()`` to completion from synchronous code. pyHanko's signers and validators are
    asynchronous; when this thread already runs an event loop (a test driving a browser, an async
    worker) ``asyncio.run`` is refused there, so the coroutine runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def _parser():
    from lxml import etree

    # Entities, DTDs and the network refused here too, even though edxml.parse has already refused them.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
    )


def _c14n(element) -> bytes:
    from lxml import etree

    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def _ds(parent, name: str, text: str | None = None, **attributes):
    from lxml import etree

    element = etree.SubElement(parent, f"{{{DS}}}{name}", **attributes)
    if text is not None:
        element.text = text
    return element


async def _prepared(signer):
    # A PKCS#11 signer reads its certificate from the device only when first used.
    loader = getattr(signer, "ensure_objects_loaded", None)
    if loader is not None:
        await loader()
    return signer.signing_cert


def _raw_ecdsa(der: bytes, size: int) -> bytes:
    """XML-DSig's ECDSA value is r ‖ s, each of the key's size; CMS (and pyHanko) give DER."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    r, s = decode_dss_signature(der)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def sign(data: bytes, signer) -> bytes:
    """``data`` (an edXML package this installation built) with its enveloped signature by ``signer``
    (a pyHanko ``Signer``: the agency's seal key from the signature provider)."""
    from lxml import etree

    from . import edxml

    root = etree.fromstring(data, parser=_parser())
    header = root.find(f"{{{edxml.NS}}}edXMLHeader")
    if header is None:
        raise SigningError(_("Gói tin không có edXMLHeader để đặt chữ ký số."))
    cert = _run(lambda: _prepared(signer))
    is_ec = cert.public_key.algorithm == "ec"
    digest = base64.b64encode(hashlib.sha256(_c14n(root)).digest()).decode("ascii")

    signature = etree.SubElement(header, f"{{{DS}}}Signature", nsmap={"ds": DS})
    signed_info = _ds(signature, "SignedInfo")
    _ds(signed_info, "CanonicalizationMethod", Algorithm=EXC_C14N)
    _ds(signed_info, "SignatureMethod", Algorithm=ECDSA_SHA256 if is_ec else RSA_SHA256)
    reference = _ds(signed_info, "Reference", URI="")
    transforms = _ds(reference, "Transforms")
    _ds(transforms, "Transform", Algorithm=ENVELOPED)
    _ds(transforms, "Transform", Algorithm=EXC_C14N)
    _ds(reference, "DigestMethod", Algorithm=SHA256)
    _ds(reference, "DigestValue", digest)

    to_sign = _c14n(signed_info)
    value = _run(lambda: signer.async_sign_raw(to_sign, "sha256"))
    if is_ec:
        value = _raw_ecdsa(value, (cert.public_key.bit_size + 7) // 8)
    _ds(signature, "SignatureValue", base64.b64encode(value).decode("ascii"))
    key_info = _ds(signature, "KeyInfo")
    x509_data = _ds(key_info, "X509Data")
    _ds(x509_data, "X509Certificate", base64.b64encode(cert.dump()).decode("ascii"))
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _certificates(signature):
    from asn1crypto import x509 as asn1_x509

    found = signature.findall(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    if not found:
        raise EnvelopeSignatureError(_("Chữ ký số của gói tin không kèm chứng thư số (X509Certificate)."))
    try:
        return [asn1_x509.Certificate.load(base64.b64decode((c.text or "").strip())) for c in found]
    except Exception as exc:
        raise EnvelopeSignatureError(_("Chứng thư số kèm theo gói tin không đọc được.")) from exc


def _not_the_whole_package() -> str:
    return _("Chữ ký số phải ký toàn bộ gói tin (một tham chiếu tới cả tài liệu, URI rỗng).")


def _chain_is_trusted(cert, others) -> None:
    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    from . import signing

    context = ValidationContext(
        trust_roots=signing.trusted_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )
    validator = CertificateValidator(cert, intermediate_certs=others, validation_context=context)
    try:
        _run(lambda: validator.async_validate_usage({"digital_signature"}))
    except Exception as exc:
        raise EnvelopeSignatureError(
            _("Chứng thư số ký gói tin không thuộc chuỗi tin cậy: %(error)s") % {"error": exc}
        ) from exc


def verify(data: bytes) -> EnvelopeSigner | None:
    """Who signed the package, ``None`` when it carries no signature, or ``EnvelopeSignatureError``."""
    from lxml import etree
    from signxml import InvalidInput, InvalidSignature, SignatureConfiguration, XMLVerifier
    from signxml.algorithms import DigestAlgorithm, SignatureMethod

    from . import edxml

    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise EnvelopeSignatureError(_("Gói tin không phải XML hợp lệ: %(error)s") % {"error": exc}) from exc
    signatures = root.findall(f".//{{{DS}}}Signature")
    if not signatures:
        return None
    header = root.find(f"{{{edxml.NS}}}edXMLHeader")
    if len(signatures) != 1 or signatures[0].getparent() is not header:
        raise EnvelopeSignatureError(_("Gói tin phải có đúng một chữ ký số, đặt trong edXMLHeader."))
    signature = signatures[0]
    references = signature.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    if len(references) != 1 or references[0].get("URI") != "":
        raise EnvelopeSignatureError(_not_the_whole_package())
    cert, *others = _certificates(signature)
    config = SignatureConfiguration(
        location=f"./{{{edxml.NS}}}edXMLHeader/",
        signature_methods=frozenset({SignatureMethod.RSA_SHA256, SignatureMethod.ECDSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    )
    try:
        from cryptography import x509

        result = XMLVerifier().verify(
            data,
            x509_cert=x509.load_der_x509_certificate(cert.dump()),
            parser=_parser(),
            expect_config=config,
        )
    except (InvalidSignature, InvalidInput, ValueError) as exc:
        raise EnvelopeSignatureError(
            _("Chữ ký số của gói tin không hợp lệ (gói tin đã bị thay đổi hoặc ký bằng khóa khác): %(error)s")
            % {"error": exc}
        ) from exc
    if result.signed_xml is None or result.signed_xml.tag != root.tag:
        raise EnvelopeSignatureError(_not_the_whole_package())
    _chain_is_trusted(cert, others)
    subject = cert.subject.native
    signer = EnvelopeSigner(
        common_name=str(subject.get("common_name", "")),
        organisation=str(subject.get("organization_name", "")),
        organ_code=str(subject.get("organizational_unit_name", "")),
    )
    _certificate_names_the_sender(signer, root)
    return signer


def _certificate_names_the_sender(signer: EnvelopeSigner, root) -> None:
    """A certificate that carries an agency's electronic identifier code (the development PKI puts it in
    the OU) must carry the sender's: one agency's seal cannot speak for another. Certificates naming no
    code pass (how the government CA's seal certificates name the agency is [verify])."""
    from congso.agencies.validators import AGENCY_CODE_RE

    from . import edxml

    path = "/".join(f"{{{edxml.NS}}}{part}" for part in ("edXMLHeader", "MessageHeader", "From", "OrganId"))
    sender = (root.findtext(path) or "").strip()
    if AGENCY_CODE_RE.fullmatch(signer.organ_code) and signer.organ_code != sender:
        raise EnvelopeSignatureError(
            _("Gói tin gửi từ %(sender)s nhưng được ký bằng chứng thư số của cơ quan %(code)s.")
            % {"sender": sender, "code": signer.organ_code}
        )
