"""Signature provider ``csc``: a remote signing service speaking the Cloud Signature Consortium API v2
(CSC v2), the model of remote signing services such as Vietnamese CAs' (VNPT SmartCA, Viettel MySign
… [verify] each one's exact profile before production).

The keys stay at the service; congso computes each digest and asks the service to sign it:

1. ``POST {base}/csc/v2/info`` — once per process: the service must offer ``oauth2client`` and
   ``signatures/signHash``;
2. ``POST {base}/csc/v2/oauth2/token`` — OAuth 2.0 client credentials (``grant_type=client_credentials``),
   the access token cached until 30 s before it expires;
3. ``credentials/list`` (``userID``: the signer's username, or the agency's code for its seal) when the
   credential is not configured, then ``credentials/info`` (``certificates=chain``): the certificate and
   its chain, the key's algorithms;
4. ``credentials/authorize`` — the credential's PIN and the digest (``hashes``,
   ``hashAlgorithmOID``): the Signature Activation Data (SAD), bound to that digest;
5. ``signatures/signHash`` — the SAD, the digest, ``signAlgo``: the signature value.

Steps 4–5 are ``CscSigner.async_sign_raw``, the one method pyHanko's ``Signer`` asks for, so the same
signer serves the PDF signatures (``signing.sign_document``) and the edXML envelope
(``envelope_signature``).

Settings (a Django setting, else the environment variable of the same name): ``CONGSO_CSC_URL`` (the
part before ``/csc/v2``), ``CONGSO_CSC_CLIENT_ID``, ``CONGSO_CSC_SIGNER_CREDENTIALS``
(``username=credentialID,…``) and ``CONGSO_CSC_SEAL_CREDENTIALS`` (``agency code=credentialID,…``),
both optional (``credentials/list`` otherwise), ``CONGSO_CSC_TIMEOUT_SECONDS`` (10). The client secret
and the credentials' PIN are read **only from the environment**: ``CONGSO_CSC_CLIENT_SECRET``,
``CONGSO_CSC_PIN``.
"""

import asyncio
import base64
import hashlib
import os
import threading
import time

from django.utils.translation import gettext as _

from .errors import SigningError
from .provider_settings import pairs as _pairs
from .provider_settings import setting as _setting
from .seal_images import seal_image_path

API = "csc/v2"
HASH_OIDS = {"sha256": "2.16.840.1.101.3.4.2.1"}
_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_checked_services: set[str] = set()
_lock = threading.Lock()


class CscClient:
    """The calls of CSC v2 congso makes, each raising ``SigningError`` with the service's reason."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, timeout: float = 10):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout

    def _url(self, endpoint: str) -> str:
        return f"{self.base_url}/{API}/{endpoint}"

    def _post(self, endpoint: str, *, json=None, data=None, headers=None) -> dict:
        import httpx

        try:
            response = httpx.post(
                self._url(endpoint), json=json, data=data, headers=headers or {}, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise SigningError(
                _("Không kết nối được dịch vụ ký số từ xa (%(endpoint)s): %(error)s")
                % {"endpoint": endpoint, "error": exc}
            ) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body, dict):
            reason = body.get("error_description") or body.get("error") if isinstance(body, dict) else ""
            raise SigningError(
                _("Dịch vụ ký số từ xa từ chối %(endpoint)s (HTTP %(status)s): %(reason)s")
                % {"endpoint": endpoint, "status": response.status_code, "reason": reason or "—"}
            )
        return body

    def info(self) -> dict:
        return self._post("info", json={"lang": "vi"})

    def check_service(self) -> None:
        """The service must let congso in with client credentials and sign hashes (once per process)."""
        if self.base_url in _checked_services:
            return
        info = self.info()
        if "oauth2client" not in (info.get("authType") or []):
            raise SigningError(_("Dịch vụ ký số từ xa không hỗ trợ xác thực oauth2client."))
        if "signatures/signHash" not in (info.get("methods") or []):
            raise SigningError(_("Dịch vụ ký số từ xa không hỗ trợ signatures/signHash."))
        _checked_services.add(self.base_url)

    def _access_token(self) -> str:
        key = (self.base_url, self.client_id)
        with _lock:
            token, expires = _tokens.get(key, ("", 0.0))
            if token and expires - 30 > time.monotonic():
                return token
        body = self._post(
            "oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            },
        )
        token = str(body.get("access_token") or "")
        if not token:
            raise SigningError(_("Dịch vụ ký số từ xa không cấp mã truy cập."))
        with _lock:
            _tokens[key] = (token, time.monotonic() + float(body.get("expires_in") or 3600))
        return token

    def call(self, endpoint: str, body: dict) -> dict:
        return self._post(endpoint, json=body, headers={"Authorization": f"Bearer {self._access_token()}"})

    def credential_for(self, user_id: str) -> str:
        ids = self.call("credentials/list", {"userID": user_id}).get("credentialIDs") or []
        if not ids:
            raise SigningError(
                _("Dịch vụ ký số từ xa không có chứng thư số của %(user)s.") % {"user": user_id}
            )
        return str(ids[0])

    def credential_info(self, credential_id: str) -> dict:
        return self.call(
            "credentials/info", {"credentialID": credential_id, "certificates": "chain", "certInfo": False}
        )

    def sign_hashes(self, credential_id: str, hashes: list[str], hash_oid: str, sign_algo: str, pin: str):
        sad = self.call(
            "credentials/authorize",
            {
                "credentialID": credential_id,
                "numSignatures": len(hashes),
                "hashes": hashes,
                "hashAlgorithmOID": hash_oid,
                "PIN": pin,
            },
        ).get("SAD")
        if not sad:
            raise SigningError(_("Dịch vụ ký số từ xa không cấp dữ liệu kích hoạt chữ ký (SAD)."))
        signatures = self.call(
            "signatures/signHash",
            {
                "credentialID": credential_id,
                "SAD": sad,
                "hashes": hashes,
                "hashAlgorithmOID": hash_oid,
                "signAlgo": sign_algo,
            },
        ).get("signatures")
        if not isinstance(signatures, list) or len(signatures) != len(hashes):
            raise SigningError(_("Dịch vụ ký số từ xa trả về số chữ ký không khớp."))
        return [base64.b64decode(s) for s in signatures]


def _signer_class():
    from pyhanko.sign.signers import Signer

    class CscSigner(Signer):
        """A pyHanko ``Signer`` whose raw signatures come from ``signatures/signHash``."""

        # Room reserved in the PDF for a signature value before it is known (RSA 4096 fits).
        RESERVED_BYTES = 512

        def __init__(self, client: CscClient, credential_id: str, signing_cert, chain, pin: str):
            from pyhanko_certvalidator.registry import SimpleCertificateStore

            super().__init__(
                signing_cert=signing_cert,
                cert_registry=SimpleCertificateStore.from_certs([signing_cert, *chain]),
            )
            self.client = client
            self.credential_id = credential_id
            self.pin = pin

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
            if dry_run:
                return bytes(self.RESERVED_BYTES)
            hash_oid = HASH_OIDS.get(digest_algorithm)
            if hash_oid is None:
                raise SigningError(
                    _("Thuật toán băm %(name)s không được hỗ trợ.") % {"name": digest_algorithm}
                )
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            digest = base64.b64encode(hashlib.new(digest_algorithm, data).digest()).decode("ascii")
            (signature,) = await asyncio.to_thread(
                self.client.sign_hashes,
                self.credential_id,
                [digest],
                hash_oid,
                mechanism["algorithm"].dotted,
                self.pin,
            )
            return signature

    return CscSigner


class CscProvider:
    """Keys at a remote signing service (CSC API v2)."""

    label = _("Dịch vụ ký số từ xa (CSC API v2)")

    def __init__(self):
        base_url = str(_setting("CONGSO_CSC_URL"))
        client_id = str(_setting("CONGSO_CSC_CLIENT_ID"))
        if not base_url or not client_id:
            raise SigningError(_("Chưa cấu hình dịch vụ ký số từ xa (CONGSO_CSC_URL, CONGSO_CSC_CLIENT_ID)."))
        self.client = CscClient(
            base_url,
            client_id,
            os.environ.get("CONGSO_CSC_CLIENT_SECRET", ""),
            timeout=float(_setting("CONGSO_CSC_TIMEOUT_SECONDS", 10) or 10),
        )
        self.signer_credentials = _pairs(_setting("CONGSO_CSC_SIGNER_CREDENTIALS"))
        self.seal_credentials = _pairs(_setting("CONGSO_CSC_SEAL_CREDENTIALS"))

    def _signer(self, credential_id: str):
        from asn1crypto import x509

        info = self.client.credential_info(credential_id)
        try:
            certs = [x509.Certificate.load(base64.b64decode(c)) for c in info["cert"]["certificates"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise SigningError(_("Dịch vụ ký số từ xa không trả về chứng thư số hợp lệ.")) from exc
        if not certs:
            raise SigningError(_("Dịch vụ ký số từ xa không trả về chứng thư số hợp lệ."))
        return _signer_class()(
            self.client, credential_id, certs[0], certs[1:], os.environ.get("CONGSO_CSC_PIN", "")
        )

    def signer_for(self, user, agency):
        self.client.check_service()
        username = user.get_username()
        return self._signer(self.signer_credentials.get(username) or self.client.credential_for(username))

    def seal_for(self, agency):
        self.client.check_service()
        credential = self.seal_credentials.get(agency.code) or self.client.credential_for(agency.code)
        return self._signer(credential), seal_image_path(agency)

    def trusted_root_paths(self):
        # Production's roots are the CA's, named by CONGSO_TRUSTED_ROOTS.
        return []


def forget_tokens() -> None:
    """Drop cached access tokens and service checks (tests; a rotated client secret)."""
    with _lock:
        _tokens.clear()
        _checked_services.clear()
