"""A simulated remote signing service speaking the Cloud Signature Consortium API v2 (CSC v2), the
shape of the remote signing services of Vietnamese CAs (VNPT SmartCA, Viettel MySign … [verify]).

**A simulator**: its keys are the development PKI's files (``CONGSO_DOCUMENTS_PKI_DIR``, default
``<CONGSO_VAR_DIR>/pki``: ``signers/<username>.key|.pem``, ``agencies/<code>.key|.pem``, ``root.pem``),
read from disk (the sandbox sits below ``documents`` and does not import it); every answer carries the
``X-Congso-Sandbox: simulator`` header and ``"simulator": true``. Mounted at
``/sandbox/ky-so-tu-xa/csc/v2/``, only while the sandbox is on.

- ``info`` — the service's description (no authentication);
- ``oauth2/token`` — OAuth 2.0 client credentials (form fields ``client_id``, ``client_secret``: the
  secret is the sandbox's token ``CONGSO_SANDBOX_TOKEN``): an access token valid one hour;
- ``credentials/list`` (``userID``: a username or an agency code) — ``signer:<name>`` and
  ``seal:<code>`` credentials whose files exist;
- ``credentials/info`` — the key's algorithms, the certificate and the chain (``certificates``:
  ``single`` / ``chain``), ``authMode`` explicit, ``SCAL`` 2 (the SAD is bound to the digests),
  ``multisign`` 1;
- ``credentials/authorize`` — the PIN (``CONGSO_SANDBOX_CSC_PIN``, default ``DEMO_PIN``) and the
  digests: a SAD valid five minutes, good for those digests and used once;
- ``signatures/signHash`` — each digest signed with the credential's key (ECDSA: DER; RSA: PKCS#1 v1.5).

Errors are CSC's: HTTP 400 ``{"error": "invalid_request", "error_description": …}``, 401
``invalid_token`` / ``invalid_client``. Nothing is written to the database (tokens and SADs are signed
values, a used SAD is remembered in the cache): a signature is asked for inside the issuing transaction,
which on SQLite holds the write lock.
"""

import base64
import json
import re
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from . import api

DEMO_CLIENT_ID = "congso-ky-so"
DEMO_PIN = "123456"  # published on purpose: the simulator's credentials' PIN
TOKEN_SECONDS = 3600
SAD_SECONDS = 300
_TOKEN_SALT = "sandbox.csc.token"  # noqa: S105 - a salt, not a secret
_SAD_SALT = "sandbox.csc.sad"
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_HASH_OIDS = {"2.16.840.1.101.3.4.2.1": "sha256"}
_EC_ALGOS = ["1.2.840.10045.4.3.2", "1.2.840.10045.2.1"]
_RSA_ALGOS = ["1.2.840.113549.1.1.11", "1.2.840.113549.1.1.1"]
METHODS = [
    "oauth2/token",
    "credentials/list",
    "credentials/info",
    "credentials/authorize",
    "signatures/signHash",
]


class Refused(Exception):
    def __init__(self, description: str, *, error: str = "invalid_request", status: int = 400):
        super().__init__(description)
        self.error, self.status = error, status


def base_url(request=None) -> str:
    path = reverse("sandbox:index") + "ky-so-tu-xa"
    return request.build_absolute_uri(path) if request is not None else path


def _answer(body: dict, status: int = 200) -> JsonResponse:
    body = {**body, "simulator": True}
    return api.labelled(JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False}))


def _csc_endpoint(*, authenticated: bool = True):
    """POST only, sandbox on, a valid access token (except ``info`` and ``oauth2/token``)."""

    def decorate(view):
        @csrf_exempt  # called by systems, never by a browser with cookies
        @wraps(view)
        def wrapper(request):
            if not settings.CONGSO_SANDBOX_ENABLED:
                raise Http404
            if request.method != "POST":
                response = _answer({"error": "invalid_request", "error_description": "Chỉ nhận POST."}, 405)
                response["Allow"] = "POST"
                return response
            try:
                if authenticated:
                    _check_token(api.bearer_token(request))
                return _answer(view(request))
            except Refused as exc:
                return _answer({"error": exc.error, "error_description": str(exc)}, exc.status)

        return wrapper

    return decorate


def _check_token(token: str) -> None:
    try:
        signing.loads(token, salt=_TOKEN_SALT, max_age=TOKEN_SECONDS)
    except signing.BadSignature as exc:
        raise Refused("Mã truy cập không hợp lệ hoặc đã hết hạn.", error="invalid_token", status=401) from exc


def _json(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise Refused("Nội dung không phải JSON.") from exc
    if not isinstance(body, dict):
        raise Refused("Nội dung phải là một đối tượng JSON.")
    return body


def _pki_dir() -> Path:
    configured = getattr(settings, "CONGSO_DOCUMENTS_PKI_DIR", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "pki"


def _files(credential_id: str) -> tuple[Path, Path]:
    """The certificate and key of ``signer:<name>`` or ``seal:<code>``; the name is checked against a
    strict pattern, so a credential ID cannot name a file elsewhere."""
    kind, _sep, name = str(credential_id).partition(":")
    folder = {"signer": "signers", "seal": "agencies"}.get(kind)
    if folder is None or not _NAME.match(name) or name in {".", ".."}:
        raise Refused("credentialID không hợp lệ.", error="invalid_request")
    base = _pki_dir() / folder
    cert, key = base / f"{name}.pem", base / f"{name}.key"
    if not (cert.exists() and key.exists()):
        raise Refused("Không có chứng thư số này.", error="invalid_request")
    return cert, key


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "_"


@_csc_endpoint(authenticated=False)
def info(request):
    return {
        "specs": "2.0.0.2",
        "name": "Dịch vụ ký số từ xa mô phỏng (congso sandbox) — KHÔNG phải dịch vụ thật",
        "logo": "",
        "region": "VN",
        "lang": "vi",
        "description": api.NOTICE,
        "authType": ["oauth2client"],
        "oauth2": base_url(request) + "/csc/v2",
        "methods": METHODS,
    }


@_csc_endpoint(authenticated=False)
def token(request):
    if request.POST.get("grant_type") != "client_credentials":
        raise Refused("Chỉ hỗ trợ grant_type=client_credentials.", error="unsupported_grant_type")
    client_id = request.POST.get("client_id", "")
    if client_id != DEMO_CLIENT_ID or not api.token_is_accepted(request.POST.get("client_secret", "")):
        raise Refused("Sai client_id hoặc client_secret.", error="invalid_client", status=401)
    return {
        "access_token": signing.dumps({"client": client_id}, salt=_TOKEN_SALT),
        "token_type": "Bearer",
        "expires_in": TOKEN_SECONDS,
    }


@_csc_endpoint()
def credentials_list(request):
    user_id = str(_json(request).get("userID") or "")
    if not user_id:
        raise Refused("Thiếu userID.")
    name = _safe(user_id)
    found = []
    for kind, folder in (("signer", "signers"), ("seal", "agencies")):
        base = _pki_dir() / folder
        if (base / f"{name}.pem").exists() and (base / f"{name}.key").exists():
            found.append(f"{kind}:{name}")
    return {"credentialIDs": found}


def _load(credential_id: str):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert_path, key_path = _files(credential_id)
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    return cert, key


@_csc_endpoint()
def credentials_info(request):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    body = _json(request)
    cert, key = _load(body.get("credentialID", ""))
    chain = [cert]
    root = _pki_dir() / "root.pem"
    if body.get("certificates", "single") == "chain" and root.exists():
        from cryptography import x509

        chain.append(x509.load_pem_x509_certificate(root.read_bytes()))
    is_ec = isinstance(key, ec.EllipticCurvePrivateKey)
    return {
        "description": "Chứng thư số thử nghiệm (mô phỏng)",
        "key": {"status": "enabled", "algo": _EC_ALGOS if is_ec else _RSA_ALGOS, "len": key.key_size},
        "cert": {
            "status": "valid",
            "certificates": [
                base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii") for c in chain
            ],
        },
        "authMode": "explicit",
        "SCAL": "2",
        "multisign": 1,
        "lang": "vi",
    }


def _hashes(body: dict) -> list[str]:
    hashes = body.get("hashes")
    if not isinstance(hashes, list) or not hashes or not all(isinstance(h, str) for h in hashes):
        raise Refused("Thiếu danh sách hashes.")
    if body.get("hashAlgorithmOID") not in _HASH_OIDS:
        raise Refused("hashAlgorithmOID không được hỗ trợ (chỉ SHA-256).")
    for value in hashes:
        try:
            if len(base64.b64decode(value, validate=True)) != 32:
                raise ValueError
        except ValueError as exc:
            raise Refused("Giá trị băm không hợp lệ.") from exc
    return hashes


def _pin() -> str:
    return str(getattr(settings, "CONGSO_SANDBOX_CSC_PIN", "") or DEMO_PIN)


@_csc_endpoint()
def credentials_authorize(request):
    import hmac
    import uuid

    body = _json(request)
    credential_id = str(body.get("credentialID", ""))
    _files(credential_id)
    hashes = _hashes(body)
    if body.get("numSignatures") != len(hashes):
        raise Refused("numSignatures phải bằng số giá trị băm.")
    if not hmac.compare_digest(str(body.get("PIN", "")).encode(), _pin().encode()):
        raise Refused("Sai mã PIN.", error="invalid_request")
    sad = signing.dumps({"c": credential_id, "h": hashes, "j": uuid.uuid4().hex}, salt=_SAD_SALT)
    return {"SAD": sad, "expiresIn": SAD_SECONDS}


@_csc_endpoint()
def sign_hash(request):
    from cryptography.hazmat.primitives import hashes as crypto_hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

    body = _json(request)
    credential_id = str(body.get("credentialID", ""))
    wanted = _hashes(body)
    try:
        sad = signing.loads(str(body.get("SAD", "")), salt=_SAD_SALT, max_age=SAD_SECONDS)
    except signing.BadSignature as exc:
        raise Refused("SAD không hợp lệ hoặc đã hết hạn.", error="invalid_request") from exc
    if sad.get("c") != credential_id or not set(wanted) <= set(sad.get("h") or []):
        raise Refused("SAD không cho phép ký các giá trị băm này bằng chứng thư này.")
    if not cache.add(f"sandbox-csc-sad:{sad.get('j')}", 1, SAD_SECONDS * 2):
        raise Refused("SAD đã được dùng.")
    _cert, key = _load(credential_id)
    prehashed = utils.Prehashed(crypto_hashes.SHA256())
    signatures = []
    for value in wanted:
        digest = base64.b64decode(value)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            signed = key.sign(digest, ec.ECDSA(prehashed))
        else:
            signed = key.sign(digest, padding.PKCS1v15(), prehashed)
        signatures.append(base64.b64encode(signed).decode("ascii"))
    return {"signatures": signatures}
