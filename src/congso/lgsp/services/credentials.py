"""Consumer credentials (OAuth 2.0 client credentials), access tokens, and the keys that sign them.

Token flow: ``issue_token(client_id, secret, scope)`` checks the secret against its stored digest (and
the client certificate when the credential is bound to one), checks the requested scope against the
system's rights, and signs a short-lived JWT (EdDSA, Ed25519) with the **active** key. Keys rotate
without downtime: the **next** key is published in the JWKS before it signs; ``rotate_signing_key``
makes it active, retires the old one (still published for ``CONGSO_LGSP_KEY_OVERLAP_SECONDS``, longer
than any token it signed lives) and prepares a new next key.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import conf, keys
from ..models import AccessRight, ConsumerCredential, KeyState, SigningKey, System, SystemStatus
from .common import RegistryError, changed


@dataclass(frozen=True)
class IssuedCredential:
    """A credential and its secret in clear — the only time the secret is ever available."""

    credential: ConsumerCredential
    secret: str


def _fingerprint(text: str) -> str:
    try:
        return keys.normalise_fingerprint(text)
    except ValueError as exc:
        raise RegistryError(
            _("Vân tay chứng thư số phải là 64 chữ số thập lục phân (SHA-256)."),
            field="certificate_fingerprint",
        ) from exc


# A secret chosen by the caller (the demo's, from the environment) must be as strong as a generated one:
# only its fast digest is stored.
MIN_SECRET_LENGTH = 32


@transaction.atomic
def create_credential(
    system: System, *, certificate_fingerprint: str = "", client_id: str = "", secret: str = "", by=None
) -> IssuedCredential:
    """A new OAuth 2.0 client for ``system``. A system may hold several (switch clients without downtime:
    create the new one, move the consumer to it, deactivate the old). ``client_id`` and ``secret`` are
    generated unless given (the demo gives them)."""
    if secret and len(secret) < MIN_SECRET_LENGTH:
        raise RegistryError(_("Khóa bí mật phải dài ít nhất 32 ký tự."), field="secret")
    client_id = client_id or f"{system.code.lower()}-{secrets.token_hex(6)}"
    if ConsumerCredential.objects.filter(client_id=client_id).exists():
        raise RegistryError(
            _("Mã ứng dụng %(client_id)s đã được dùng.") % {"client_id": client_id}, field="client_id"
        )
    secret = secret or secrets.token_urlsafe(32)
    credential = ConsumerCredential.objects.create(
        system=system,
        client_id=client_id,
        secret_hash=keys.hash_secret(secret),
        certificate_fingerprint=_fingerprint(certificate_fingerprint),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    changed(
        "lgsp.credential.create",
        credential,
        changes={
            "system": system.identifier,
            "client_id": credential.client_id,
            "mtls": bool(credential.certificate_fingerprint),
        },
        by=by,
    )
    return IssuedCredential(credential, secret)


@transaction.atomic
def rotate_credential(credential: ConsumerCredential, by=None, *, secret: str = "") -> IssuedCredential:
    """A new secret for ``credential``; the old one stops working at once. The secret is generated
    unless given (the demo gives the one its settings hold for the platform's own systems)."""
    if secret and len(secret) < MIN_SECRET_LENGTH:
        raise RegistryError(_("Khóa bí mật phải dài ít nhất 32 ký tự."), field="secret")
    credential = ConsumerCredential.objects.select_for_update().get(pk=credential.pk)
    secret = secret or secrets.token_urlsafe(32)
    credential.secret_hash = keys.hash_secret(secret)
    credential.rotated_at = timezone.now()
    credential.save(update_fields=["secret_hash", "rotated_at"])
    changed("lgsp.credential.rotate", credential, changes={"client_id": credential.client_id}, by=by)
    return IssuedCredential(credential, secret)


def has_secret(credential: ConsumerCredential, secret: str) -> bool:
    """Whether ``secret`` is the one ``credential`` accepts (only its digest is stored)."""
    return bool(secret) and keys.secret_matches(secret, credential.secret_hash)


@transaction.atomic
def set_credential_active(credential: ConsumerCredential, active: bool, by=None) -> ConsumerCredential:
    credential = ConsumerCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.active != active:
        credential.active = active
        credential.save(update_fields=["active"])
        changed(
            "lgsp.credential.activate" if active else "lgsp.credential.deactivate",
            credential,
            changes={"client_id": credential.client_id},
            by=by,
        )
    return credential


# --- signing keys ---------------------------------------------------------------------------------


def _new_key(state: str, now: datetime) -> SigningKey:
    kid = keys.new_kid()
    public_pem, sealed = keys.generate_key_pair(kid, conf.key_secret())
    return SigningKey.objects.create(
        kid=kid,
        public_key=public_pem,
        private_key_encrypted=sealed,
        state=state,
        activated_at=now if state == KeyState.ACTIVE else None,
    )


def ensure_signing_keys() -> tuple[SigningKey, SigningKey]:
    """The active and the next signing key, made if missing (two racing first calls make one each)."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                now = timezone.now()
                active = SigningKey.objects.filter(state=KeyState.ACTIVE).first() or _new_key(
                    KeyState.ACTIVE, now
                )
                upcoming = SigningKey.objects.filter(state=KeyState.NEXT).first() or _new_key(
                    KeyState.NEXT, now
                )
                return active, upcoming
        except IntegrityError:
            continue  # another process made the missing key between our read and our insert
    raise RuntimeError("Could not establish the LGSP signing keys.")


@transaction.atomic
def rotate_signing_key(by=None) -> SigningKey:
    """Retire the active key, activate the next one (already published), publish a new next one.
    Returns the key now signing. Tokens signed by the retired key keep verifying during the overlap."""
    ensure_signing_keys()
    now = timezone.now()
    active = SigningKey.objects.select_for_update().get(state=KeyState.ACTIVE)
    upcoming = SigningKey.objects.select_for_update().get(state=KeyState.NEXT)
    active.state, active.retired_at = KeyState.RETIRED, now
    active.save(update_fields=["state", "retired_at"])
    upcoming.state, upcoming.activated_at = KeyState.ACTIVE, now
    upcoming.save(update_fields=["state", "activated_at"])
    new_next = _new_key(KeyState.NEXT, now)
    changed(
        "lgsp.signing_key.rotate",
        upcoming,
        changes={"retired": active.kid, "active": upcoming.kid, "next": new_next.kid},
        by=by,
    )
    return upcoming


def published_keys(now: datetime | None = None):
    """The keys a verifier must know: active, next, and those retired within the overlap."""
    now = now or timezone.now()
    overlap_start = now - timedelta(seconds=conf.key_overlap_seconds())
    return SigningKey.objects.filter(
        Q(state__in=[KeyState.ACTIVE, KeyState.NEXT])
        | Q(state=KeyState.RETIRED, retired_at__gt=overlap_start)
    ).order_by("-created_at")


def jwks(now: datetime | None = None) -> dict:
    """The JSON Web Key Set (RFC 7517) of ``published_keys``."""
    ensure_signing_keys()
    return {"keys": [keys.public_jwk(k.kid, k.public_key) for k in published_keys(now)]}


# --- tokens ---------------------------------------------------------------------------------------


class TokenError(Exception):
    """A refused token request, with its RFC 6749 §5.2 ``error`` code and HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str
    token_type: str = "Bearer"  # noqa: S105 — the RFC 6750 token type, not a secret

    def as_response(self) -> dict:
        """The RFC 6749 §5.1 response body."""
        body = {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
        }
        if self.scope:
            body["scope"] = self.scope
        return body


def _granted_services(system: System, now: datetime) -> set[str]:
    rights = AccessRight.objects.in_force(now).filter(Q(system=system) | Q(group__systems=system))
    return {
        f"{member}/{sys_code}/{code}"
        for member, sys_code, code in rights.values_list(
            "service__system__member__code", "service__system__code", "service__code"
        )
    }


def _authenticate(client_id: str, secret: str, certificate_fingerprint: str | None) -> ConsumerCredential:
    invalid = TokenError("invalid_client", _("Sai mã ứng dụng hoặc khóa bí mật."), status=401)
    credential = (
        ConsumerCredential.objects.select_related("system__member").filter(client_id=client_id).first()
        if client_id
        else None
    )
    if credential is None:
        keys.secret_matches(secret or "", keys.hash_secret("x"))  # same work whether or not the id exists
        raise invalid
    if not keys.secret_matches(secret or "", credential.secret_hash) or not credential.active:
        raise invalid
    if credential.certificate_fingerprint and not secrets.compare_digest(
        credential.certificate_fingerprint, (certificate_fingerprint or "").lower()
    ):
        raise TokenError(
            "invalid_client", _("Yêu cầu phải dùng đúng chứng thư số của hệ thống (TLS hai chiều)."), 401
        )
    if credential.system.status in (SystemStatus.SUSPENDED, SystemStatus.RETIRED):
        raise TokenError("unauthorized_client", _("Hệ thống đang tạm ngừng hoặc đã ngừng kết nối."), 400)
    return credential


def issue_token(
    client_id: str, secret: str, scope: str = "", *, certificate_fingerprint: str | None = None, now=None
) -> IssuedToken:
    """An access token for the system of ``client_id`` (OAuth 2.0 client credentials grant).

    ``scope`` is a space-separated list of service identifiers (``MEMBER/SYSTEM/SERVICE``); each must be
    one the system holds a right on, else ``invalid_scope``. Empty, the token names no service and the
    gateway decides each call by the rights alone. Claims: ``iss``, ``sub`` (the system's identifier),
    ``aud``, ``exp``, ``iat``, ``jti``, ``scope``, ``client_id`` and, for an mTLS-bound credential,
    ``cnf.x5t#S256`` (RFC 8705). Raises ``TokenError``.
    """
    credential = _authenticate(client_id, secret, certificate_fingerprint)
    now = now or timezone.now()
    requested = sorted(set(scope.split()))
    if requested:
        missing = set(requested) - _granted_services(credential.system, now)
        if missing:
            raise TokenError(
                "invalid_scope",
                _("Hệ thống chưa được cấp quyền gọi: %(services)s.")
                % {"services": ", ".join(sorted(missing))},
            )
    active, _next_key = ensure_signing_keys()
    lifetime = conf.token_seconds()
    claims = {
        "iss": conf.issuer(),
        "sub": credential.system.identifier,
        "aud": conf.audience(),
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + lifetime,
        "jti": uuid.uuid4().hex,
        "scope": " ".join(requested),
        "client_id": credential.client_id,
    }
    if credential.certificate_fingerprint:
        claims["cnf"] = {"x5t#S256": keys.certificate_thumbprint(credential.certificate_fingerprint)}
    private = keys.decrypt_private_key(active.kid, active.private_key_encrypted, conf.key_secret())
    return IssuedToken(keys.sign_token(claims, active.kid, private), lifetime, " ".join(requested))


def verify_token(token: str, *, audience: str | None = None) -> dict:
    """The claims of ``token`` checked against the published keys, issuer and audience (``keys.InvalidToken``
    otherwise). The gateway does the same with ``keys.verify_token`` over its snapshot's keys."""
    return keys.verify_token(token, jwks(), audience=audience or conf.audience(), issuer=conf.issuer())
