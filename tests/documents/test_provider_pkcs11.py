"""The ``pkcs11`` signature provider against a real PKCS#11 module (SoftHSM2): a token made in a
temporary directory holds the development PKI's signer and seal keys and certificates, a document is
issued through the usual path (``services.issue`` → ``signing.sign_document``), and the PDF verifies
with pyHanko against the development root and with poppler's ``pdfsig``."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from congso.documents import devpki, envelope_signature, provider_pkcs11, services, signing
from congso.documents.models import Attachment

pytestmark = pytest.mark.django_db

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
MODULE = next((m for m in MODULES if Path(m).exists()), "")
TOKEN = "congso-test"
PIN = "1234"

requires_softhsm = pytest.mark.skipif(
    not MODULE or shutil.which("softhsm2-util") is None,
    reason="SoftHSM2 is not installed (apt-get install softhsm2; .ci/run installs it)",
)


def _import(cred: devpki.Credential, label: str, object_id: str, env: dict) -> None:
    """The key with softhsm2-util, the certificate with python-pkcs11 (softhsm2-util imports keys only)."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    subprocess.run(
        [
            "softhsm2-util",
            "--import",
            str(cred.key_path),
            "--token",
            TOKEN,
            "--label",
            label,
            "--id",
            object_id,
            "--pin",
            PIN,
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    cert = x509.load_pem_x509_certificate(cred.cert_path.read_bytes())
    token = pkcs11.lib(MODULE).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.ID: bytes.fromhex(object_id),
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )


@pytest.fixture
def softhsm_token(tmp_path, monkeypatch, settings, cast, agency_a):
    """A SoftHSM2 token holding the leader's signing key and agency A's seal key, and the settings
    that point the ``pkcs11`` provider at it."""
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", "5678", "--pin", PIN],
        env=env,
        check=True,
        capture_output=True,
    )
    _import(devpki.ensure_signer(cast.leader, agency_a), "signer-lanhdao", "01", env)
    _import(devpki.ensure_agency_seal(agency_a), "seal-a", "02", env)
    monkeypatch.setenv("CONGSO_PKCS11_PIN", PIN)
    settings.CONGSO_SIGNATURE_PROVIDER = "pkcs11"
    settings.CONGSO_PKCS11_MODULE = MODULE
    settings.CONGSO_PKCS11_TOKEN_LABEL = TOKEN
    settings.CONGSO_PKCS11_SIGNER_KEYS = f"{cast.leader.get_username()}=signer-lanhdao"
    settings.CONGSO_PKCS11_SEAL_KEYS = {agency_a.code: "seal-a"}
    settings.CONGSO_PKCS11_CA_CHAIN = [str(devpki.ensure_root().cert_path)]
    settings.CONGSO_TRUSTED_ROOTS = [str(devpki.ensure_root().cert_path)]
    yield
    provider_pkcs11.close_sessions()


@requires_softhsm
def test_a_document_issued_with_keys_on_a_pkcs11_token_verifies(
    softhsm_token, signed_draft, cast, agency_a, tmp_path
):
    # The development keys are gone from disk: the signatures can only come from the token.
    devpki.ensure_signer(cast.leader, agency_a).key_path.unlink()
    devpki.ensure_agency_seal(agency_a).key_path.unlink()
    document = services.issue(signed_draft(), by=cast.clerk)
    data = document.attachments.get(kind=Attachment.Kind.SIGNED).file.read()

    reports = signing.verify_pdf(data)
    assert [r.field for r in reports] == ["Signer", "Seal"]
    assert all(r.ok for r in reports), [r.problem for r in reports]
    assert reports[0].signer == "Lê Văn Lãnh Đạo"
    assert reports[1].signer == document.agency.name

    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert output.count("Signature Validation: Signature is Valid.") == 2, output

    # The edXML envelope is signed with the seal key on the token too.
    package = services.package_for(document, document.recipients.get(electronic=True))
    assert envelope_signature.verify(package).organ_code == agency_a.code


@requires_softhsm
def test_a_signer_without_a_key_on_the_token_is_refused_and_nothing_is_issued(
    softhsm_token, signed_draft, cast, settings
):
    settings.CONGSO_PKCS11_SIGNER_KEYS = ""
    draft = signed_draft()
    with pytest.raises(services.DocumentError) as caught:
        services.issue(draft, by=cast.clerk)
    assert "CONGSO_PKCS11_SIGNER_KEYS" in str(caught.value)
    draft.refresh_from_db()
    assert draft.number is None


@requires_softhsm
def test_a_wrong_pin_is_a_clear_error(softhsm_token, signed_draft, cast, monkeypatch):
    provider_pkcs11.close_sessions()
    monkeypatch.setenv("CONGSO_PKCS11_PIN", "0000")
    with pytest.raises(services.DocumentError) as caught:
        services.issue(signed_draft(), by=cast.clerk)
    assert "PKCS#11" in str(caught.value)


def test_pkcs11_without_settings_says_what_is_missing(settings):
    settings.CONGSO_SIGNATURE_PROVIDER = "pkcs11"
    settings.CONGSO_PKCS11_MODULE = ""
    with pytest.raises(signing.SigningError) as caught:
        signing.provider()
    assert "CONGSO_PKCS11_MODULE" in str(caught.value)
