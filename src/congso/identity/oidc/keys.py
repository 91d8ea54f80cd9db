"""The OpenID Connect signing key outside production, and how rotated keys are read from settings.

Imported by ``settings.py`` before Django is set up: it uses only the standard library and
``cryptography``. Production takes its key from ``CONGSO_OIDC_PRIVATE_KEY`` (docs/sso.md, "Key rotation").
"""

import os
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_PEM_RE = re.compile(r"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.DOTALL)


def generate_private_key_pem() -> str:
    """A new 2048-bit RSA private key, PKCS#8 PEM (for ``CONGSO_OIDC_PRIVATE_KEY``)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def demo_private_key(path: Path) -> str:
    """The demo's and the tests' signing key: read from ``path``, created there (mode 0600) the first
    time."""
    path = Path(path)
    try:
        return path.read_text(encoding="ascii")
    except FileNotFoundError:
        pass
    pem = generate_private_key_pem()
    # Written aside, then linked into place: a process reading the key never sees half a file, and of
    # two processes starting together the second to link reads the first one's key.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(pem)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pem = path.read_text(encoding="ascii")
    finally:
        temporary.unlink(missing_ok=True)
    return pem


def split_pems(text: str) -> list[str]:
    """Every PEM block in ``text`` (the retired keys of ``CONGSO_OIDC_PRIVATE_KEYS_INACTIVE``)."""
    return _PEM_RE.findall(text or "")
