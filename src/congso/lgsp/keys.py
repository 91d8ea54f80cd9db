"""Token-signing keys and access tokens, without the database: Ed25519 key pairs, the encryption of a
private key (or a webhook secret) at rest, JWK export, and signing and verifying JWTs (EdDSA, PyJWT).

The gateway verifies tokens with ``verify_token`` over the public keys of its snapshot.
"""

import base64
import hashlib
import os
import secrets
from functools import lru_cache

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ALGORITHM = "EdDSA"
_ENVELOPE = "v1"
_SALT = b"congso-lgsp-signing-keys"


class KeyDecryptionError(Exception):
    """A stored private key cannot be decrypted (the secret changed or the row was altered)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_kid() -> str:
    return secrets.token_hex(8)


def _wrapping_key(secret: str, kid: str) -> bytes:
    # One derived key per signing key: the kid is the HKDF "info", and also the AEAD's associated data,
    # so a ciphertext moved to another row does not decrypt.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=kid.encode()).derive(secret.encode())


def generate_key_pair(kid: str, secret: str) -> tuple[str, str]:
    """A new Ed25519 key pair: (public key PEM, private key encrypted for storage)."""
    private = Ed25519PrivateKey.generate()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    nonce = os.urandom(12)
    sealed = AESGCM(_wrapping_key(secret, kid)).encrypt(nonce, raw, kid.encode())
    return public_pem.decode("ascii"), f"{_ENVELOPE}.{_b64(nonce)}.{_b64(sealed)}"


def decrypt_private_key(kid: str, envelope: str, secret: str) -> Ed25519PrivateKey:
    try:
        version, nonce, sealed = envelope.split(".")
        if version != _ENVELOPE:
            raise ValueError(version)
        raw = AESGCM(_wrapping_key(secret, kid)).decrypt(_unb64(nonce), _unb64(sealed), kid.encode())
    except Exception as exc:  # noqa: BLE001 — every failure means the same: this key cannot sign
        raise KeyDecryptionError(f"The private key {kid} cannot be decrypted.") from exc
    return Ed25519PrivateKey.from_private_bytes(raw)


def seal(plaintext: str, context: str, secret: str) -> str:
    """Encrypt a small secret for storage (a webhook signing secret), bound to ``context`` (its row's
    identifier) the same way a private key is bound to its kid."""
    nonce = os.urandom(12)
    sealed = AESGCM(_wrapping_key(secret, context)).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{_ENVELOPE}.{_b64(nonce)}.{_b64(sealed)}"


def unseal(envelope: str, context: str, secret: str) -> str:
    try:
        version, nonce, sealed = envelope.split(".")
        if version != _ENVELOPE:
            raise ValueError(version)
        raw = AESGCM(_wrapping_key(secret, context)).decrypt(_unb64(nonce), _unb64(sealed), context.encode())
    except Exception as exc:  # noqa: BLE001 — every failure means the same: this secret is unreadable
        raise KeyDecryptionError(f"The secret of {context} cannot be decrypted.") from exc
    return raw.decode()


def public_jwk(kid: str, public_pem: str) -> dict:
    """The JWK (RFC 8037, OKP/Ed25519) of a public key."""
    public = serialization.load_pem_public_key(public_pem.encode("ascii"))
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw), "kid": kid, "alg": ALGORITHM, "use": "sig"}


def sign_token(claims: dict, kid: str, private_key: Ed25519PrivateKey) -> str:
    return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid, "typ": "at+jwt"})


class InvalidToken(Exception):
    """The token is malformed, expired, for another audience or issuer, or signed by an unknown key.
    ``reason`` names which, as one of ``TOKEN_REASONS``: the message is the token library's English, for
    logs; callers that answer integrators word the reason themselves."""

    def __init__(self, message: str, reason: str = "malformed"):
        super().__init__(message)
        self.reason = reason


# The token library's failures by reason, the most specific first (a bad signature is a DecodeError too).
TOKEN_REASONS = (
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "not-yet-valid"),  # iat or nbf in the future
    (jwt.InvalidSignatureError, "bad-signature"),
    (jwt.InvalidAudienceError, "wrong-audience"),
    (jwt.InvalidIssuerError, "wrong-issuer"),
    (jwt.MissingRequiredClaimError, "missing-claim"),
)


def _invalid(exc: jwt.PyJWTError) -> InvalidToken:
    reason = next((name for kind, name in TOKEN_REASONS if isinstance(exc, kind)), "malformed")
    return InvalidToken(str(exc), reason)


@lru_cache(maxsize=64)
def _verification_key(kid: str, x: str) -> jwt.PyJWK:
    # Parsing a JWK costs more than checking a signature: the gateway verifies every request.
    return jwt.PyJWK({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid}, algorithm=ALGORITHM)


def verify_token(token: str, jwks: dict, *, audience: str, issuer: str, leeway: int = 0) -> dict:
    """The claims of ``token`` if one of ``jwks``'s keys (``{"keys": [...]}``) signed it and its ``aud``,
    ``iss`` and ``exp`` hold; else ``InvalidToken``."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise _invalid(exc) from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("unexpected algorithm", "bad-signature")
    jwk = next((k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")), None)
    if jwk is None:
        # Signed by a key the gateway does not publish (withdrawn, or never ours): as good as forged.
        raise InvalidToken("unknown key", "bad-signature")
    key = _verification_key(jwk.get("kid", ""), jwk.get("x", ""))
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise _invalid(exc) from exc


def hash_secret(secret: str) -> str:
    return "sha256$" + hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored: str) -> bool:
    return secrets.compare_digest(hash_secret(secret), stored)


def certificate_thumbprint(fingerprint_hex: str) -> str:
    """RFC 8705 ``x5t#S256`` (base64url of the SHA-256 digest) from a hex fingerprint."""
    return _b64(bytes.fromhex(fingerprint_hex))


def normalise_fingerprint(text: str) -> str:
    """A SHA-256 fingerprint as 64 lowercase hex digits ("AB:CD:…" accepted); "" when blank; ValueError
    when it is not one."""
    cleaned = (text or "").replace(":", "").replace(" ", "").strip().lower()
    if not cleaned:
        return ""
    if len(cleaned) != 64 or any(c not in "0123456789abcdef" for c in cleaned):
        raise ValueError(text)
    return cleaned
