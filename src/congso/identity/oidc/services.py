"""The OpenID Connect provider's rules: scopes and who may ask for them, the claims a client receives,
consent, the sessions opened at clients, registering clients, and what signing out of congso ends.

The toolkit's views and validator (``views``, ``validators``) call these; so do the admin, the demo
seeding and the worker (back-channel logout).
"""

import hashlib
import json
import logging
import time
import uuid

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from jwcrypto import jwk, jwt
from oauth2_provider.models import get_access_token_model, get_application_model, get_refresh_token_model
from oauth2_provider.settings import oauth2_settings

from congso.core import audit, events

from ..models import UserKind
from .models import ClientProfile, RelyingPartySession

logger = logging.getLogger(__name__)

# The session key under which the sign-in methods record the level of assurance of the congso session
# (1 or 2; absent means 1). Agreed with the national e-ID sign-in method.
SESSION_LOA_KEY = "congso_loa"

# Event names (core.events). The LGSP registers each client as a system; the worker POSTs logout tokens.
CLIENT_REGISTERED = "identity.oidc_client_registered"
BACKCHANNEL_LOGOUT = "identity.oidc_backchannel_logout"

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"

SCOPES = {
    "openid": _("Đăng nhập bằng tài khoản congso (mã định danh tài khoản, mức độ xác thực)"),
    "profile": _("Họ và tên, ngày sinh"),
    "national_id": _("Số định danh cá nhân (12 chữ số)"),
    "official": _("Cơ quan công tác và vai trò của cán bộ, công chức"),
    "business": _("Mã số thuế, tên doanh nghiệp và phạm vi được ủy quyền"),
}
# Scopes that release personal data: a third-party client asking for one of them needs consent.
PERSONAL_SCOPES = frozenset({"profile", "national_id", "official", "business"})
DEFAULT_SCOPES = ["openid"]

# Which claim each scope releases (also what discovery advertises).
CLAIMS_BY_SCOPE = {
    "openid": ["sub", "acr", "sid"],
    "profile": ["name", "birthdate"],
    "national_id": ["national_id"],
    "official": ["agencies"],
    "business": ["tax_code", "organisation_name", "represents"],
}


class ScopeRefused(Exception):
    """The signed-in person may not release these scopes (e.g. a citizen asked for ``official``)."""

    def __init__(self, scopes):
        self.scopes = sorted(scopes)
        super().__init__(" ".join(self.scopes))


# --- Clients ---------------------------------------------------------------------------------


def profile_of(application) -> ClientProfile | None:
    """The client's profile, or ``None`` when the administrator gave it none. One query at most."""
    try:
        return application.congso_profile
    except ClientProfile.DoesNotExist:
        return None


def is_first_party(application) -> bool:
    """A part of congso or a system the province trusts as its own: the administrator ticked the
    toolkit's "skip authorization". No consent page; its tokens end when the person signs out."""
    return bool(application.skip_authorization)


def may_receive_national_id(application) -> bool:
    profile = profile_of(application)
    return bool(profile and profile.may_receive_national_id)


def available_scopes(application=None) -> list[str]:
    """The scopes ``application`` may ask for: all but ``national_id`` unless it is entitled to it."""
    scopes = list(SCOPES)
    if application is None or not may_receive_national_id(application):
        scopes.remove("national_id")
    return scopes


def scopes_for_user(user) -> set[str]:
    """The scopes whose claims exist for ``user``: ``official`` only for officials, ``business`` only for
    business representatives, ``national_id`` only for someone who has one."""
    allowed = {"openid", "profile"}
    if user.national_id:
        allowed.add("national_id")
    if user.kind == UserKind.OFFICIAL:
        allowed.add("official")
    if user.kind == UserKind.BUSINESS or _represented_businesses(user):
        allowed.add("business")
    return allowed


def _represented_businesses(user) -> list[dict]:
    """The businesses ``user`` may act for today: as legal representative (every procedure) or by a
    mandate in force (its procedures; ``"*"`` for all)."""
    from ..mandates import services as mandate_services
    from ..mandates.models import Mandate

    entries = [
        {"tax_code": b.tax_code, "name": b.name, "role": "legal_representative", "procedures": "*"}
        for b in mandate_services.businesses_represented_by(user)
        if b.is_active
    ]
    for mandate in Mandate.objects.in_force().filter(agent=user).select_related("business"):
        if not mandate.business.is_active:
            continue
        entries.append(
            {
                "tax_code": mandate.business.tax_code,
                "name": mandate.business.name,
                "role": "mandate",
                "procedures": mandate.procedure_codes or "*",
                "valid_until": mandate.valid_until.isoformat() if mandate.valid_until else None,
            }
        )
    return entries


def check_scopes_for_user(user, scopes) -> None:
    """Raise ``ScopeRefused`` when ``user`` cannot release one of ``scopes``. No effect."""
    refused = set(scopes) - scopes_for_user(user)
    if refused:
        raise ScopeRefused(refused)


def needs_consent(application, scopes) -> bool:
    """Whether the person must be asked: a third-party client asking for personal data."""
    return not is_first_party(application) and bool(set(scopes) & PERSONAL_SCOPES)


def has_consented(user, application, scopes) -> bool:
    """Whether ``user`` already consented to ``scopes`` for ``application``: an access token still
    valid that covers them (the toolkit's "auto" approval rule)."""
    from django.utils import timezone as tz

    tokens = get_access_token_model().objects.filter(user=user, application=application, expires__gt=tz.now())
    return any(token.allow_scopes(scopes) for token in tokens)


def scope_descriptions(scopes) -> list[tuple[str, str]]:
    return [(scope, SCOPES[scope]) for scope in scopes if scope in SCOPES]


@transaction.atomic
def register_client(
    *,
    name: str,
    redirect_uris: list[str],
    client_type: str,
    post_logout_redirect_uris: list[str] = (),
    first_party: bool = False,
    may_receive_national_id: bool = False,
    backchannel_logout_uri: str = "",
    owner_agency=None,
    system_code: str = "",
    client_id: str | None = None,
    client_secret: str | None = None,
    by=None,
):
    """Register an OpenID Connect client (authorization code, RS256 ID tokens) with its profile, and
    announce it so that the LGSP registers it as a system. Returns the ``Application``.

    ``client_secret`` is stored hashed; a confidential client's caller must keep the plain secret it
    passed (or read ``application.client_secret`` before saving is impossible: the hash is stored).
    """
    Application = get_application_model()
    fields = {
        "name": name,
        "redirect_uris": " ".join(redirect_uris),
        "post_logout_redirect_uris": " ".join(post_logout_redirect_uris),
        "client_type": client_type,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "algorithm": Application.RS256_ALGORITHM,
        "skip_authorization": first_party,
    }
    if client_id:
        fields["client_id"] = client_id
    if client_secret is not None:
        fields["client_secret"] = client_secret
    application = Application(**fields)
    application.full_clean()
    application.save()
    profile = ClientProfile(
        application=application,
        owner_agency=owner_agency,
        system_code=system_code,
        may_receive_national_id=may_receive_national_id,
        backchannel_logout_uri=backchannel_logout_uri,
    )
    profile.full_clean()
    profile.save()
    client_registered(application, by=by)
    return application


def client_registered(application, by=None) -> None:
    """Record and announce a newly registered client (the admin calls this after saving one)."""
    audit.record(
        "identity.oidc.client.register",
        application,
        changes={"client_id": application.client_id, "client_type": application.client_type},
        actor=by,
    )
    events.publish(CLIENT_REGISTERED, {"application_id": application.pk}, aggregate=application)


def registry_entry(application_id: int) -> dict | None:
    """What the LGSP needs to list a client as a system: code, name, owner agency (or ``None``), whether
    it serves the public. ``None`` when the client no longer exists."""
    application = get_application_model().objects.filter(pk=application_id).first()
    if application is None:
        return None
    profile = profile_of(application)
    return {
        "code": (profile.system_code if profile and profile.system_code else application.client_id)[:50],
        "name": application.name or application.client_id,
        "owner_agency": profile.owner_agency if profile else None,
        "description": str(_("Ứng dụng đăng nhập một lần qua congso (OpenID Connect)")),
    }


# --- Sessions at clients, claims ----------------------------------------------------------------


def _session_hash(session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()


def session_loa(session) -> int:
    """The level of assurance of a congso session: 2 only when a sign-in method recorded 2."""
    try:
        return 2 if int(session.get(SESSION_LOA_KEY, 1)) >= 2 else 1
    except (TypeError, ValueError):
        return 1


def open_rp_session(request, application) -> RelyingPartySession:
    """Record that the signed-in person started a session at ``application`` from this browser session
    (called when an authorization code is issued). Returns it."""
    if not request.session.session_key:
        request.session.save()
    return RelyingPartySession.objects.create(
        user=request.user,
        application=application,
        session_key_hash=_session_hash(request.session.session_key),
        acr=session_loa(request.session),
    )


def current_rp_session(user, application) -> RelyingPartySession | None:
    """The person's latest session at ``application`` that has not ended."""
    return (
        RelyingPartySession.objects.filter(user=user, application=application, ended_at__isnull=True)
        .order_by("-started_at", "-pk")
        .first()
    )


def claims_for(user, application, scopes) -> dict:
    """The claims ``application`` receives about ``user`` for the granted ``scopes`` (ID token and
    userinfo). ``sub`` is the account's stable number; ``acr`` the level of assurance ("1" or "2")."""
    scopes = set(scopes)
    claims = {"sub": str(user.pk)}
    session = current_rp_session(user, application)
    if session is not None:
        claims["acr"] = str(session.acr)
        claims["sid"] = str(session.sid)
    else:
        claims["acr"] = "1"
    if "profile" in scopes:
        claims["name"] = user.get_full_name()
        if user.date_of_birth:
            claims["birthdate"] = user.date_of_birth.isoformat()
    if "national_id" in scopes and user.national_id and may_receive_national_id(application):
        claims["national_id"] = user.national_id
        audit.record(
            "identity.oidc.national_id.release",
            user,
            changes={"client_id": application.client_id},
            actor=user,
        )
    if "official" in scopes and user.kind == UserKind.OFFICIAL:
        claims["agencies"] = _agencies_claim(user)
    if "business" in scopes:
        if user.kind == UserKind.BUSINESS:
            claims["tax_code"] = user.tax_code
            claims["organisation_name"] = user.organisation_name
        claims["represents"] = _represented_businesses(user)
    return claims


def _agencies_claim(user) -> list[dict]:
    from congso.agencies import services as agency_services

    by_agency: dict[str, dict] = {}
    for membership in agency_services.memberships_for(user):
        entry = by_agency.setdefault(
            membership.agency.code,
            {"code": membership.agency.code, "name": membership.agency.name, "roles": []},
        )
        if membership.role not in entry["roles"]:
            entry["roles"].append(membership.role)
    return [by_agency[code] for code in sorted(by_agency)]


# --- Signing out --------------------------------------------------------------------------------


def end_sessions_at_sign_out(user, session_key: str | None, iss="") -> int:
    """What signing out of congso ends (called from the ``user_logged_out`` signal, in the request):

    - every session at a client opened from this browser session is marked ended, and each client
      with a back-channel logout URI is sent a logout token by the worker (an outbox event each);
    - the person's access and refresh tokens at first-party clients are revoked, so no congso part keeps
      acting for someone who signed out. Third-party clients keep theirs until they expire, or until they
      act on the logout token.

    ``iss`` is the issuer the ID tokens named (derived from the request when not configured), or a
    function returning it, called only when a logout token is to be sent.
    Returns the number of client sessions ended.
    """
    now = timezone.now()
    with transaction.atomic():
        sessions = list(
            RelyingPartySession.objects.select_for_update(of=("self",))
            .select_related("application__congso_profile")
            .filter(user=user, session_key_hash=_session_hash(session_key), ended_at__isnull=True)
        )
        for session in sessions:
            session.ended_at = now
            session.save(update_fields=["ended_at"])
            profile = profile_of(session.application)
            if profile is not None and profile.backchannel_logout_uri:
                if callable(iss):
                    iss = iss()
                events.publish(
                    BACKCHANNEL_LOGOUT,
                    {
                        "application_id": session.application_id,
                        "sub": str(user.pk),
                        "sid": str(session.sid),
                        "iss": iss,
                    },
                    aggregate=session,
                )
        revoked = revoke_first_party_tokens(user)
        if sessions or revoked:
            audit.record(
                "identity.oidc.sign_out",
                user,
                changes={"client_sessions": len(sessions), "tokens_revoked": revoked},
                actor=user,
            )
    return len(sessions)


def revoke_first_party_tokens(user) -> int:
    """Revoke the person's access tokens (with their refresh and ID tokens) at first-party clients.
    Returns how many access tokens were revoked."""
    AccessToken = get_access_token_model()
    RefreshToken = get_refresh_token_model()
    tokens = list(
        AccessToken.objects.select_related("id_token").filter(user=user, application__skip_authorization=True)
    )
    refresh_tokens = list(RefreshToken.objects.filter(access_token__in=tokens))
    for token in tokens:
        if token.id_token:
            token.id_token.revoke()
        token.revoke()
    for refresh_token in refresh_tokens:
        refresh_token.revoke()
    # Refresh tokens already used for rotation keep no access token; revoke those of the person too.
    for refresh_token in RefreshToken.objects.filter(
        user=user, application__skip_authorization=True, revoked__isnull=True
    ):
        refresh_token.revoke()
    return len(tokens)


def _signing_key() -> jwk.JWK:
    return jwk.JWK.from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY.encode("utf8"))


def issuer() -> str:
    """The issuer named in logout tokens (the ID tokens' ``iss``): the configured one, else the public
    base URL with the provider's path."""
    if oauth2_settings.OIDC_ISS_ENDPOINT:
        return oauth2_settings.OIDC_ISS_ENDPOINT
    return settings.CONGSO_PUBLIC_BASE_URL.rstrip("/") + "/oidc"


def logout_token(application, sub: str, sid: str, iss: str | None = None) -> str:
    """A signed OpenID Connect back-channel logout token for ``application`` (RS256, ``kid`` as in the
    JWKS): no nonce, the back-channel logout event, ``sub`` and ``sid``."""
    key = _signing_key()
    now = int(time.time())
    claims = {
        "iss": iss or issuer(),
        "aud": application.client_id,
        "iat": now,
        "exp": now + 120,
        "jti": str(uuid.uuid4()),
        "sub": sub,
        "sid": sid,
        "events": {BACKCHANNEL_EVENT: {}},
    }
    token = jwt.JWT(
        header=json.dumps({"typ": "logout+jwt", "alg": "RS256", "kid": key.thumbprint()}),
        claims=json.dumps(claims),
    )
    token.make_signed_token(key)
    return token.serialize()


def send_backchannel_logout(payload: dict) -> None:
    """POST a logout token to the client's back-channel URI (the worker, from the outbox). Raises on a
    network error or an answer other than 200/204, so that the outbox retries; does nothing when the
    client or its URI is gone."""
    application = (
        get_application_model()
        .objects.select_related("congso_profile")
        .filter(pk=payload["application_id"])
        .first()
    )
    profile = profile_of(application) if application is not None else None
    if profile is None or not profile.backchannel_logout_uri:
        return
    iss = payload.get("iss") or None
    token = logout_token(application, payload["sub"], payload["sid"], iss=iss)
    response = httpx.post(
        profile.backchannel_logout_uri,
        data={"logout_token": token},
        timeout=settings.CONGSO_OIDC_BACKCHANNEL_TIMEOUT_SECONDS,
        follow_redirects=False,
    )
    if response.status_code not in (200, 204):
        raise RuntimeError(
            f"back-channel logout to {application.client_id} answered HTTP {response.status_code}"
        )
    logger.info("back-channel logout sent to %s", application.client_id)
