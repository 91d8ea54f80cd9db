"""The XML-DSig signature of edXML packages: the sender signs the envelope with the agency's seal key
from the signature provider; the receiver verifies it (signxml, independent of the signing code)
against the trusted roots, refuses a package whose signature is present and broken (a changed byte,
another key, a certificate outside the trusted roots) with the reason and nothing stored, and shows
"Đã xác thực chữ ký" on the received document."""

import base64

import pytest
from django.test import Client
from lxml import etree

from congso.documents import devpki, edxml, envelope_signature, exchange, services, signing
from congso.documents.models import Attachment, IncomingDocument
from tests.documents.exchange_helpers import GATEWAY_TOKEN, PACKAGE, XXE

pytestmark = pytest.mark.django_db

DS = "{http://www.w3.org/2000/09/xmldsig#}"


@pytest.fixture
def package_for_b(agency_a, agency_b):
    """PACKAGE as sent from agency A to agency B."""
    return edxml.Package(
        **{
            **PACKAGE.__dict__,
            "from_code": agency_a.code,
            "from_name": agency_a.name,
            "to_code": agency_b.code,
            "to_name": agency_b.name,
            "attachments": list(PACKAGE.attachments),
        }
    )


def _seal_signer(agency):
    signer, _image = signing.provider().seal_for(agency)
    return signer


def _signed(package, agency) -> bytes:
    return envelope_signature.sign(edxml.build(package), _seal_signer(agency))


def test_round_trip_the_signature_covers_the_whole_envelope(package_for_b, agency_a):
    data = _signed(package_for_b, agency_a)
    root = etree.fromstring(data)
    (signature,) = root.findall(f".//{DS}Signature")
    assert signature.getparent().tag == f"{{{edxml.NS}}}edXMLHeader"
    assert signature.find(f"{DS}SignedInfo/{DS}Reference").get("URI") == ""
    assert signature.find(f"{DS}SignedInfo/{DS}SignatureMethod").get("Algorithm").endswith("ecdsa-sha256")
    carried = base64.b64decode(signature.find(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate").text)
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    seal_cert = x509.load_pem_x509_certificate(devpki.ensure_agency_seal(agency_a).cert_path.read_bytes())
    assert carried == seal_cert.public_bytes(serialization.Encoding.DER)

    signer = envelope_signature.verify(data)
    assert signer.organ_code == agency_a.code and signer.common_name == agency_a.name[:64]
    assert edxml.parse(data) == package_for_b  # the signature does not disturb the package


def test_an_unsigned_package_is_accepted_as_unsigned(package_for_b):
    assert envelope_signature.verify(edxml.build(package_for_b)) is None


def _tampered(data: bytes) -> bytes:
    """One byte of the subject changed (still well-formed XML)."""
    position = data.index("tổ dân phố".encode())
    changed = bytearray(data)
    changed[position] = ord("T")
    return bytes(changed)


def test_a_changed_byte_is_refused_and_nothing_is_stored(package_for_b, agency_a, agency_b):
    data = _tampered(_signed(package_for_b, agency_a))
    with pytest.raises(envelope_signature.EnvelopeSignatureError):
        envelope_signature.verify(data)
    with pytest.raises(services.DocumentError, match="không hợp lệ"):
        services.receive_package(agency_b, data)
    assert not IncomingDocument.objects.exists() and not Attachment.objects.exists()


def test_a_signature_by_another_key_than_the_certificate_is_refused(package_for_b, agency_a, agency_b):
    from pyhanko.sign import signers

    seal_a, seal_b = devpki.ensure_agency_seal(agency_a), devpki.ensure_agency_seal(agency_b)
    # Agency A's certificate, agency B's key: what someone holding another key would send.
    impostor = signers.SimpleSigner.load(key_file=str(seal_b.key_path), cert_file=str(seal_a.cert_path))
    data = envelope_signature.sign(edxml.build(package_for_b), impostor)
    with pytest.raises(envelope_signature.EnvelopeSignatureError, match="khóa khác"):
        envelope_signature.verify(data)
    with pytest.raises(services.DocumentError):
        services.receive_package(agency_b, data)
    assert not IncomingDocument.objects.exists()


def test_a_certificate_outside_the_trusted_roots_is_refused(
    package_for_b, agency_a, agency_b, settings, tmp_path
):
    trusted_pki = settings.CONGSO_DOCUMENTS_PKI_DIR
    settings.CONGSO_DOCUMENTS_PKI_DIR = str(tmp_path / "another-pki")  # another root, trusted by nobody
    data = _signed(package_for_b, agency_a)
    settings.CONGSO_DOCUMENTS_PKI_DIR = trusted_pki
    with pytest.raises(envelope_signature.EnvelopeSignatureError, match="chuỗi tin cậy"):
        envelope_signature.verify(data)
    assert not IncomingDocument.objects.exists()


def test_a_second_signature_or_one_elsewhere_is_refused(package_for_b, agency_a):
    root = etree.fromstring(_signed(package_for_b, agency_a))
    header = root.find(f"{{{edxml.NS}}}edXMLHeader")
    (signature,) = header.findall(f"{DS}Signature")
    root.find(f"{{{edxml.NS}}}edXMLManifest").append(signature)  # moved out of the header
    with pytest.raises(envelope_signature.EnvelopeSignatureError, match="edXMLHeader"):
        envelope_signature.verify(etree.tostring(root))


def test_hostile_xml_is_still_refused_before_the_signature_is_looked_at(agency_b):

    with pytest.raises(services.DocumentError, match="DTD"):
        services.receive_package(agency_b, XXE)


def test_sent_signed_received_verified_and_shown(signed_draft, cast, agency_a, agency_b):
    document = services.issue(signed_draft(), by=cast.clerk)
    services.dispatch(document, by=cast.clerk)
    (received,) = exchange.deliver_dispatched(document.pk)
    assert services.envelope_signer(received).startswith(agency_a.name[:64])

    client = Client()
    client.force_login(cast.clerk_b)
    page = client.get(f"/can-bo/van-ban/den/{received.pk}/").content.decode()
    assert "Đã xác thực chữ ký" in page and agency_a.name[:64] in page


def test_an_unsigned_package_is_shown_as_unsigned(package_for_b, cast, agency_b):
    received = services.receive_package(agency_b, edxml.build(package_for_b))
    assert services.envelope_signer(received) == ""
    client = Client()
    client.force_login(cast.clerk_b)
    page = client.get(f"/can-bo/van-ban/den/{received.pk}/").content.decode()
    assert "Gói tin không có chữ ký số" in page and "Đã xác thực chữ ký" not in page


def test_the_receiving_endpoint_refuses_a_broken_signature_with_the_reason(
    client,
    endpoint,
    cast,
    signed_draft,
    settings,  # noqa: F811
):
    settings.CONGSO_DOCUMENTS_AXIS_SERVICE = ""
    document = services.issue(signed_draft(), by=cast.clerk)
    data = services.package_for(document, document.recipients.get(electronic=True))
    changed = data.replace(document.summary.encode(), ("X" + document.summary[1:]).encode())
    answer = client.post(
        "/lien-thong-van-ban/goi-tin",
        changed,
        content_type="application/xml",
        HTTP_X_ROAD_CLIENT=endpoint,
        HTTP_X_ROAD_ID="m-1",
        HTTP_AUTHORIZATION=f"Bearer {GATEWAY_TOKEN}",
    )
    assert answer.status_code == 400 and "chữ ký số" in answer.json()["message"].lower()
    assert not IncomingDocument.objects.exists()


def test_a_local_recipient_refusing_a_broken_signature_is_shown_02_with_the_reason(
    signed_draft, cast, agency_b, monkeypatch
):
    from congso.documents.models import RecipientStatus

    document = services.issue(signed_draft(), by=cast.clerk)
    services.dispatch(document, by=cast.clerk)
    signed_package = services.package_for
    monkeypatch.setattr(services, "package_for", lambda d, r: _tampered_summary(signed_package(d, r), d))
    assert exchange.deliver_dispatched(document.pk) == []
    recipient = document.recipients.get(organ_code=agency_b.code)
    assert recipient.status == RecipientStatus.REFUSED and "chữ ký số" in recipient.status_note.lower()
    assert not IncomingDocument.objects.filter(agency=agency_b).exists()


def _tampered_summary(data: bytes, document) -> bytes:
    return data.replace(document.summary.encode(), ("X" + document.summary[1:]).encode())


def test_an_axis_package_with_a_broken_signature_is_answered_02_through_the_axis(
    package_for_b, agency_a, agency_b, settings, monkeypatch
):
    from congso.documents import transport

    settings.CONGSO_DOCUMENTS_AXIS_SERVICE = "NDXP/QUOCGIA/truc-van-ban"
    sent = []
    monkeypatch.setattr(transport, "send_status", lambda target, data: sent.append((target, data)))
    tampered = _tampered(_signed(package_for_b, agency_a))
    item = {"MessageId": "m-1", "Loai": "edXML", "NoiDung": base64.b64encode(tampered).decode()}

    assert transport._take(item) is True  # acknowledged: it would be refused again
    assert not IncomingDocument.objects.exists()
    ((target, data),) = sent
    assert target.kind == transport.AXIS
    answer = edxml.parse_status(data)
    assert answer.status == "02" and answer.response_for == package_for_b.document_id
    assert answer.from_code == agency_b.code and answer.to_code == agency_a.code
    assert "chữ ký số" in answer.description.lower()


def test_an_rsa_seal_key_signs_rsa_sha256(package_for_b, agency_a, tmp_path):
    """Government CA seal certificates are RSA: the envelope is then signed RSA-SHA256."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers

    root = devpki.ensure_root()
    root_cert = x509.load_pem_x509_certificate(root.cert_path.read_bytes())
    root_key = serialization.load_pem_private_key(root.key_path.read_bytes(), password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency_a.code),
                    x509.NameAttribute(NameOID.COMMON_NAME, "Con dấu RSA"),
                ]
            )
        )
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_cert.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    key_file, cert_file = tmp_path / "rsa.key", tmp_path / "rsa.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(key_file=str(key_file), cert_file=str(cert_file))

    data = envelope_signature.sign(edxml.build(package_for_b), signer)
    method = etree.fromstring(data).find(f".//{DS}SignatureMethod").get("Algorithm")
    assert method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    assert envelope_signature.verify(data).organ_code == agency_a.code
    with pytest.raises(envelope_signature.EnvelopeSignatureError):
        envelope_signature.verify(_tampered(data))


def test_another_agencys_valid_seal_cannot_sign_for_the_sender(package_for_b, agency_a, agency_b):
    data = _signed(package_for_b, agency_b)  # From: agency A, sealed by agency B
    with pytest.raises(envelope_signature.EnvelopeSignatureError, match=agency_b.code):
        envelope_signature.verify(data)
    with pytest.raises(services.DocumentError):
        services.receive_package(agency_b, data)
    assert not IncomingDocument.objects.exists()
