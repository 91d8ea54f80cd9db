"""Signature provider ``pkcs11``: keys that never leave a PKCS#11 device (an HSM in the server room, or a
USB token of the government CA plugged into the signing server), through ``pyhanko.sign.pkcs11``.

The server signs on the signer's recorded decision (``services.sign``), as with every provider: the
device holds the keys of the leaders who sign and of each agency's seal, each found by its label.

Settings (a Django setting, else the environment variable of the same name):

- ``CONGSO_PKCS11_MODULE`` — the device's PKCS#11 library (``/usr/lib/softhsm/libsofthsm2.so``, the CA's
  token driver, …);
- ``CONGSO_PKCS11_TOKEN_LABEL`` — the token's label;
- ``CONGSO_PKCS11_SIGNER_KEYS`` — ``username=label`` pairs separated by commas: the key (and the
  certificate of the same label) each signer signs with;
- ``CONGSO_PKCS11_SEAL_KEYS`` — ``agency code=label`` pairs: each agency's seal key and certificate;
- ``CONGSO_SEAL_IMAGE_DIR`` — the agencies' seal images (``<agency code>.png``, ``seal_images``);
- ``CONGSO_PKCS11_CA_CHAIN`` — PEM files of the issuing CA's certificates, embedded in the signature so
  a validator can build the chain (the token often holds only the end certificates).

The user PIN is read **only from the environment** (``CONGSO_PKCS11_PIN``), never from a settings file,
so it does not end up in a repository or a settings dump.
"""

import os
import threading

from django.utils.translation import gettext as _

from .errors import SigningError
from .provider_settings import pairs as _pairs
from .provider_settings import setting as _setting
from .seal_images import seal_image_path

_sessions: dict[tuple[str, str], object] = {}
_sessions_lock = threading.Lock()


def _session(module: str, token_label: str):
    """One open session per device and token in this process: opening one logs in, which is slow on a
    real token and may count against its PIN retry limit if repeated."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as hanko_pkcs11

    key = (module, token_label)
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            pin = os.environ.get("CONGSO_PKCS11_PIN") or None
            session = hanko_pkcs11.open_pkcs11_session(
                module, token_criteria=TokenCriteria(label=token_label), user_pin=pin
            )
            _sessions[key] = session
        return session


def close_sessions() -> None:
    """Close every session this process opened (tests, and a token replaced while running)."""
    with _sessions_lock:
        for session in _sessions.values():
            try:
                session.close()
            except Exception:  # noqa: S110 - a session already gone with its device is closed enough
                pass
        _sessions.clear()


class Pkcs11Provider:
    """Keys on a PKCS#11 device, found by label (see the module's settings)."""

    label = _("Thiết bị ký số PKCS#11 (HSM / token)")

    def __init__(self):
        self.module = str(_setting("CONGSO_PKCS11_MODULE"))
        self.token_label = str(_setting("CONGSO_PKCS11_TOKEN_LABEL"))
        if not self.module or not self.token_label:
            raise SigningError(
                _("Chưa cấu hình thiết bị ký số PKCS#11 (CONGSO_PKCS11_MODULE, CONGSO_PKCS11_TOKEN_LABEL).")
            )
        self.signer_keys = _pairs(_setting("CONGSO_PKCS11_SIGNER_KEYS"))
        self.seal_keys = _pairs(_setting("CONGSO_PKCS11_SEAL_KEYS"))

    def _ca_chain(self):
        from pyhanko.keys import load_certs_from_pemder

        files = _setting("CONGSO_PKCS11_CA_CHAIN") or []
        if isinstance(files, str):
            files = [f.strip() for f in files.split(",") if f.strip()]
        return list(load_certs_from_pemder(files)) if files else []

    def _signer(self, label: str):
        from pyhanko.sign import pkcs11 as hanko_pkcs11

        try:
            session = _session(self.module, self.token_label)
        except Exception as exc:
            raise SigningError(
                _("Không mở được thiết bị ký số PKCS#11 “%(token)s”: %(error)s")
                % {"token": self.token_label, "error": exc}
            ) from exc
        # The raw mechanism (the digest computed here, only the signature on the device: CKM_ECDSA,
        # CKM_RSA_PKCS with the DigestInfo) is what every token offers; hash-and-sign mechanisms such as
        # CKM_ECDSA_SHA256 are missing from SoftHSM2 and from many CA tokens.
        return hanko_pkcs11.PKCS11Signer(
            session,
            cert_label=label,
            key_label=label,
            ca_chain=self._ca_chain(),
            use_raw_mechanism=True,
        )

    def signer_for(self, user, agency):
        label = self.signer_keys.get(user.get_username())
        if not label:
            raise SigningError(
                _("Thiết bị ký số chưa có khóa của người ký %(user)s (CONGSO_PKCS11_SIGNER_KEYS).")
                % {"user": user.get_username()}
            )
        return self._signer(label)

    def seal_for(self, agency):
        label = self.seal_keys.get(agency.code)
        if not label:
            raise SigningError(
                _("Thiết bị ký số chưa có khóa con dấu của cơ quan %(code)s (CONGSO_PKCS11_SEAL_KEYS).")
                % {"code": agency.code}
            )
        return self._signer(label), seal_image_path(agency)

    def trusted_root_paths(self):
        # Production's roots are the government CA's, named by CONGSO_TRUSTED_ROOTS.
        return []
