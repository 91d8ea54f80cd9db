"""A development PKI for the demo and the tests: a root CA, one seal certificate per agency and one
signing certificate per signer, as files under ``<CONGSO_VAR_DIR>/pki`` (``CONGSO_DOCUMENTS_PKI_DIR``).

**Development only.** Its root is trusted by nobody outside this installation; keys lie unencrypted on
disk, readable by the server. Production signs with the government CA's certificates through another
signature provider (``signing.providers``: a PKCS#11 token or a remote signing service).

Layout: ``root.pem`` / ``root.key``; ``agencies/<code>.pem|.key|.png`` (certificate, key, seal image);
``signers/<username>.pem|.key``. Keys are ECDSA P-256, certificates carry the agency's electronic
identifier code (organizationalUnitName) or the signer's name (commonName) and agency.
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

ROOT_NAME = "congso Development Root CA (KHÔNG dùng thật)"
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def pki_dir() -> Path:
    configured = getattr(settings, "CONGSO_DOCUMENTS_PKI_DIR", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "pki"


@dataclass(frozen=True)
class Credential:
    cert_path: Path
    key_path: Path
    image_path: Path | None = None


def _now():
    return datetime.datetime.now(datetime.UTC)


def _write_key(key, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)


def _write_cert(cert, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _load(cert_path: Path, key_path: Path):
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    return cert, key


def ensure_root() -> Credential:
    """The root CA, created on first use (ten years)."""
    base = pki_dir()
    cred = Credential(base / "root.pem", base / "root.key")
    if cred.cert_path.exists() and cred.key_path.exists():
        return cred
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "congso (development)"),
            x509.NameAttribute(NameOID.COMMON_NAME, ROOT_NAME),
        ]
    )
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_key(key, cred.key_path)
    _write_cert(cert, cred.cert_path)
    return cred


def _issue(subject: x509.Name, cred: Credential) -> Credential:
    root_cert, root_key = _load(*[ensure_root().cert_path, ensure_root().key_path])
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_cert.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    _write_key(key, cred.key_path)
    _write_cert(cert, cred.cert_path)
    return cred


def _safe(name: str) -> str:
    return _SAFE.sub("_", name) or "_"


def ensure_agency_seal(agency) -> Credential:
    """The agency's seal certificate, key and seal image, created on first use."""
    base = pki_dir() / "agencies"
    stem = _safe(agency.code)
    cred = Credential(base / f"{stem}.pem", base / f"{stem}.key", base / f"{stem}.png")
    if not (cred.cert_path.exists() and cred.key_path.exists()):
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name[:64]),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency.code),
                x509.NameAttribute(NameOID.COMMON_NAME, agency.name[:64]),
            ]
        )
        _issue(subject, cred)
    if not cred.image_path.exists():
        seal_image(agency.short_name or agency.code, agency.name, cred.image_path)
    return cred


def ensure_signer(user, agency) -> Credential:
    """The signer's certificate and key, created on first use."""
    base = pki_dir() / "signers"
    stem = _safe(user.get_username())
    cred = Credential(base / f"{stem}.pem", base / f"{stem}.key")
    if not (cred.cert_path.exists() and cred.key_path.exists()):
        full_name = (getattr(user, "full_name", "") or user.get_username())[:64]
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name[:64]),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency.code),
                x509.NameAttribute(NameOID.COMMON_NAME, full_name),
            ]
        )
        _issue(subject, cred)
    return cred


def seal_image(short_name: str, name: str, path: Path) -> None:
    """Draw a round red seal (two rings, the agency's short name and a star) as a transparent PNG."""
    from PIL import Image, ImageDraw, ImageFont

    size = 300
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 16, 46, 235)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=10)
    draw.ellipse((46, 46, size - 46, size - 46), outline=red, width=4)
    try:
        font = ImageFont.load_default(size=40)
    except TypeError:  # Pillow < 10.1
        font = ImageFont.load_default()
    text = short_name[:12]
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(((size - (box[2] - box[0])) / 2, size / 2 + 4), text, fill=red, font=font)
    cx, cy, r = size / 2, size / 2 - 30, 34
    import math

    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    draw.polygon(points, fill=red)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG")
