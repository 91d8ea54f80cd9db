"""congso as an OpenID Connect relying party of the national e-ID (VNeID): the protocol and the accounts.

The flow (authorization code + PKCE S256, STANDARDS.md §6 and §8.5):

1. ``begin(request, level, next_url)`` keeps a fresh ``state``, ``nonce`` and PKCE verifier in the
   session and returns the provider's authorization URL (``acr_values`` ``LoA1`` or ``LoA2``).
2. The provider sends the browser back to ``callback_url``; ``complete(request)`` checks the ``state``
   against the session (once only), exchanges the code at the token endpoint with the client's secret
   and the verifier, validates the ID token (signature against the provider's JWKS, issuer, audience,
   expiry, nonce), reads the level from ``acr`` and the person from userinfo (``SoDinhDanh``,
   ``HoVaTen``, ``NgayThangNamSinh``), whose ``sub`` must be the token's.
3. ``account_for(person)`` finds or creates the account keyed on the 12-digit national ID.

The provider's discovery document and keys are fetched over HTTP (httpx) and cached for
``CONGSO_VNEID_METADATA_CACHE_SECONDS``; a token signed with a key not in the cached set makes one fresh
fetch (the provider rotated its keys). Settings: ``CONGSO_VNEID_ISSUER``, ``CONGSO_VNEID_CLIENT_ID``,
``CONGSO_VNEID_CLIENT_SECRET`` (from the environment; docs/identity.md).
"""

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

import httpx
import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from congso.core import audit

from .assurance import acr_for_level, level_from_acr
from .models import AssuranceLevel, UserKind
from .validators import NATIONAL_ID_RE

PENDING_KEY = "congso.vneid.pending"
MAX_PENDING = 5  # sign-ins started in other tabs that are still accepted
PENDING_LIFETIME = 900  # seconds between leaving for the provider and coming back
CLOCK_LEEWAY = 60  # seconds of clock difference accepted on exp/iat
MAX_ID_TOKEN_AGE = 600  # seconds: an ID token issued longer ago than this is a replay, not a fresh answer
ID_TOKEN_KEY = "congso.vneid.id_token"  # noqa: S105 — the session's ID token: the ``id_token_hint`` of the logout
LOGOUT_STATE_KEY = "congso.vneid.logout"
ALGORITHMS = ["RS256", "ES256"]


class VneidError(Exception):
    """A sign-in that must not go on. ``message`` is for the person (translated); ``reason`` is the
    short code recorded in the audit log."""

    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class VneidPerson:
    """Who the provider says signed in."""

    subject: str
    national_id: str
    full_name: str
    date_of_birth: date | None
    level: int
    id_token: str = ""  # kept in the session as the ``id_token_hint`` of the upstream logout


def is_configured() -> bool:
    return bool(settings.CONGSO_VNEID_ISSUER and settings.CONGSO_VNEID_CLIENT_ID)


def _issuer() -> str:
    return settings.CONGSO_VNEID_ISSUER.rstrip("/")


def _unreachable() -> VneidError:
    return VneidError(
        "provider_unreachable",
        _("Không kết nối được với hệ thống định danh điện tử VNeID. Vui lòng thử lại sau."),
    )


def _rejected(reason: str) -> VneidError:
    return VneidError(reason, _("Không xác nhận được kết quả đăng nhập từ VNeID. Vui lòng đăng nhập lại."))


def _http() -> httpx.Client:
    return httpx.Client(timeout=settings.CONGSO_VNEID_HTTP_TIMEOUT_SECONDS, follow_redirects=False)


def _get_json(url: str, **kwargs) -> dict:
    try:
        with _http() as client:
            response = client.get(url, **kwargs)
    except httpx.HTTPError as error:
        raise _unreachable() from error
    if response.status_code != 200:
        raise _unreachable()
    try:
        data = response.json()
    except ValueError as error:
        raise _unreachable() from error
    if not isinstance(data, dict):
        raise _unreachable()
    return data


def _cache_key(kind: str) -> str:
    digest = hashlib.sha256(_issuer().encode()).hexdigest()[:16]
    return f"congso.vneid.{kind}.{digest}"


def provider_metadata() -> dict:
    """The provider's discovery document (cached); its ``issuer`` must be the configured one."""
    key = _cache_key("metadata")
    metadata = cache.get(key)
    if metadata is None:
        metadata = _get_json(f"{_issuer()}/.well-known/openid-configuration")
        if str(metadata.get("issuer", "")).rstrip("/") != _issuer():
            raise _rejected("issuer_mismatch")
        needed = ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint")
        if not all(isinstance(metadata.get(name), str) for name in needed):
            raise _unreachable()
        cache.set(key, metadata, settings.CONGSO_VNEID_METADATA_CACHE_SECONDS)
    return metadata


def provider_keys(*, refresh: bool = False) -> dict:
    """The provider's JWKS (cached; ``refresh`` fetches it again)."""
    key = _cache_key("jwks")
    keys = None if refresh else cache.get(key)
    if keys is None:
        keys = _get_json(provider_metadata()["jwks_uri"])
        if not isinstance(keys.get("keys"), list):
            raise _unreachable()
        cache.set(key, keys, settings.CONGSO_VNEID_METADATA_CACHE_SECONDS)
    return keys


def _signing_key(kid: str | None):
    for refresh in (False, True):
        candidates = [
            jwk
            for jwk in provider_keys(refresh=refresh)["keys"]
            if isinstance(jwk, dict)
            and jwk.get("use", "sig") == "sig"
            and (kid is None or jwk.get("kid") == kid)
        ]
        if len(candidates) == 1 or (candidates and kid is not None):
            try:
                return jwt.PyJWK(candidates[0]).key
            except jwt.PyJWTError as error:
                raise _rejected("bad_jwk") from error
    raise _rejected("unknown_signing_key")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def callback_url(request) -> str:
    return request.build_absolute_uri(reverse("identity:vneid-callback"))


def begin(request, *, level: int = AssuranceLevel.LEVEL_1, next_url: str = "") -> str:
    """Start a sign-in: remember ``state``, ``nonce`` and the PKCE verifier in the session and return the
    provider's authorization URL, asking for ``level``."""
    metadata = provider_metadata()
    state = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    redirect_uri = callback_url(request)
    pending = {
        s: entry
        for s, entry in request.session.get(PENDING_KEY, {}).items()
        if entry.get("started", 0) > time.time() - PENDING_LIFETIME
    }
    pending[state] = {
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "level": int(level),
        "redirect_uri": redirect_uri,
        "started": time.time(),
    }
    newest = sorted(pending.items(), key=lambda item: item[1]["started"])[-MAX_PENDING:]
    request.session[PENDING_KEY] = dict(newest)
    query = {
        "response_type": "code",
        "client_id": settings.CONGSO_VNEID_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": "openid profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": _b64url(hashlib.sha256(verifier.encode()).digest()),
        "code_challenge_method": "S256",
        "acr_values": acr_for_level(level),
    }
    return f"{metadata['authorization_endpoint']}?{urlencode(query)}"


def _take_pending(request, state: str) -> dict:
    pending = dict(request.session.get(PENDING_KEY, {}))
    entry = pending.pop(state, None) if state else None
    request.session[PENDING_KEY] = pending
    if entry is None or entry.get("started", 0) <= time.time() - PENDING_LIFETIME:
        raise VneidError(
            "state_mismatch",
            _("Phiên đăng nhập bằng VNeID không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại."),
        )
    return entry


def _exchange_code(code: str, pending: dict) -> dict:
    metadata = provider_metadata()
    try:
        with _http() as client:
            response = client.post(
                metadata["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": pending["redirect_uri"],
                    "code_verifier": pending["verifier"],
                },
                auth=(settings.CONGSO_VNEID_CLIENT_ID, settings.CONGSO_VNEID_CLIENT_SECRET),
                headers={"Accept": "application/json"},
            )
    except httpx.HTTPError as error:
        raise _unreachable() from error
    if response.status_code != 200:
        raise _rejected("token_refused")
    try:
        tokens = response.json()
    except ValueError as error:
        raise _rejected("token_refused") from error
    if not isinstance(tokens, dict) or not tokens.get("id_token") or not tokens.get("access_token"):
        raise _rejected("token_refused")
    return tokens


def _at_hash(access_token: str, alg: str) -> str:
    """OpenID Connect Core §3.1.3.6: the left half of the access token's hash (SHA-256 for RS256/ES256)."""
    digest = hashlib.sha256(access_token.encode()).digest()
    return _b64url(digest[: len(digest) // 2])


def validate_id_token(id_token: str, nonce: str, access_token: str | None = None) -> dict:
    """The ID token's claims once its signature (provider's JWKS), issuer, audience and authorized
    party, expiry and age, ``nonce`` and, when the token carries one, the ``at_hash`` of
    ``access_token`` are checked; ``VneidError`` otherwise."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as error:
        raise _rejected("malformed_id_token") from error
    if header.get("alg") not in ALGORITHMS:
        raise _rejected("bad_algorithm")
    key = _signing_key(header.get("kid"))
    try:
        claims = jwt.decode(
            id_token,
            key,
            algorithms=ALGORITHMS,
            audience=settings.CONGSO_VNEID_CLIENT_ID,
            issuer=_issuer(),
            leeway=CLOCK_LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise _rejected("expired_id_token") from error
    except jwt.InvalidAudienceError as error:
        raise _rejected("wrong_audience") from error
    except jwt.InvalidIssuerError as error:
        raise _rejected("wrong_issuer") from error
    except jwt.PyJWTError as error:
        raise _rejected("invalid_id_token") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.CONGSO_VNEID_CLIENT_ID:
        raise _rejected("wrong_audience")
    if "azp" in claims and claims["azp"] != settings.CONGSO_VNEID_CLIENT_ID:
        raise _rejected("wrong_authorized_party")
    if (
        not isinstance(claims["iat"], int | float)
        or claims["iat"] < time.time() - MAX_ID_TOKEN_AGE - CLOCK_LEEWAY
    ):
        raise _rejected("stale_id_token")
    if not nonce or not _same(str(claims.get("nonce", "")), nonce):
        raise _rejected("nonce_mismatch")
    if access_token is not None and "at_hash" in claims:
        if not _same(str(claims["at_hash"]), _at_hash(access_token, header["alg"])):
            raise _rejected("at_hash_mismatch")
    return claims


def _userinfo(access_token: str) -> dict:
    return _get_json(
        provider_metadata()["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
    )


def _birth_date(value) -> date | None:
    try:
        return datetime.strptime(str(value or ""), "%Y%m%d").date()
    except ValueError:
        return None


def complete(request) -> tuple[VneidPerson, str]:
    """Finish a sign-in from the provider's answer in ``request.GET``: the person and the ``next`` page.

    Raises ``VneidError`` for a refused or cancelled sign-in, a state, nonce, signature, audience,
    issuer or expiry that does not check, a level lower than asked, or an answer without a valid
    national ID. The ``state`` is used up in every case.
    """
    pending = _take_pending(request, request.GET.get("state", ""))
    if request.GET.get("error"):
        reason = "cancelled" if request.GET["error"] == "access_denied" else "provider_error"
        raise VneidError(reason, _("Đăng nhập bằng VNeID chưa hoàn tất. Bạn có thể thử lại."))
    code = request.GET.get("code", "")
    if not code:
        raise _rejected("missing_code")
    tokens = _exchange_code(code, pending)
    claims = validate_id_token(tokens["id_token"], pending["nonce"], tokens["access_token"])
    level = level_from_acr(claims.get("acr"))
    if level < AssuranceLevel.LEVEL_1:
        raise _rejected("unknown_acr")
    if level < pending["level"]:
        raise VneidError(
            "level_too_low",
            _(
                "Tài khoản định danh điện tử của bạn chưa đạt mức 2. Hãy kích hoạt mức 2 tại cơ quan công "
                "an rồi đăng nhập lại."
            ),
        )
    info = _userinfo(tokens["access_token"])
    if info.get("sub") != claims["sub"]:
        raise _rejected("userinfo_subject_mismatch")
    national_id = str(info.get("SoDinhDanh") or claims.get("preferred_username") or "")
    if not NATIONAL_ID_RE.fullmatch(national_id):
        raise _rejected("no_national_id")
    person = VneidPerson(
        subject=claims["sub"],
        national_id=national_id,
        full_name=str(info.get("HoVaTen") or "")[:200],
        date_of_birth=_birth_date(info.get("NgayThangNamSinh")),
        level=level,
        id_token=tokens["id_token"],
    )
    return person, pending["next"]


def account_for(person: VneidPerson, signed_in=None):
    """The account of ``person``, keyed on the national ID: linked to an existing account carrying the
    same *verified* number (its ``assurance_level`` at least 1), else, when ``signed_in`` is a local
    account (phone or e-mail, no national ID yet) of the person now signing in, that account receives
    the number, else created (a citizen, no password).

    Never a second account for one number, also when two first sign-ins race: the number is unique in
    the database, and the loser of the race links to the winner's account. Raises ``VneidError`` when
    the number belongs to an inactive account or to one whose number was never verified (someone typed
    it in; it is not linked to whoever signs in with the e-ID).
    """
    User = get_user_model()
    for _attempt in range(3):
        existing = User.objects.filter(national_id=person.national_id).first()
        if existing is not None:
            return _link(existing, person), False
        if _may_receive_national_id(signed_in):
            try:
                return _verify_local_account(signed_in, person), False
            except IntegrityError:
                continue  # the number was taken meanwhile: link to that account instead
        username = person.national_id
        if User.objects.filter(username=username).exists():
            username = f"vneid-{person.national_id}"
        try:
            with transaction.atomic():
                user = User(
                    username=username,
                    kind=UserKind.CITIZEN,
                    national_id=person.national_id,
                    full_name=person.full_name,
                    date_of_birth=person.date_of_birth,
                    assurance_level=person.level,
                )
                user.set_unusable_password()
                user.save()
                audit.record(
                    "identity.vneid.account_created",
                    user,
                    actor=user,
                    changes={"assurance_level": person.level},
                )
            return user, True
        except IntegrityError:
            continue  # another first sign-in of the same person created it: link to that one
    raise _rejected("account_conflict")


def _may_receive_national_id(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.kind == UserKind.CITIZEN
        and not user.national_id
        and user.is_local_account
    )


def _verify_local_account(user, person: VneidPerson):
    """Give the signed-in local account ``user`` the national ID the e-ID just proved, and its level."""
    with transaction.atomic():
        updated = (
            type(user)
            .objects.filter(pk=user.pk, national_id=None)
            .update(
                national_id=person.national_id,
                assurance_level=max(user.assurance_level, person.level),
                full_name=person.full_name or user.full_name,
                date_of_birth=person.date_of_birth or user.date_of_birth,
            )
        )
        if not updated:
            raise IntegrityError("the account received a national ID meanwhile")
        audit.record(
            "identity.vneid.local_account_verified",
            user,
            actor=user,
            changes={"assurance_level": [user.assurance_level, max(user.assurance_level, person.level)]},
        )
    user.refresh_from_db()
    return user


def end_session_url(request, id_token: str, next_url: str = "") -> str:
    """Where to send the browser so that the provider ends its own session too (OpenID Connect
    RP-Initiated Logout): ``id_token`` (the signed-out session's) as ``id_token_hint``, back to
    ``logout_return_url`` with a fresh ``state`` kept in ``request.session`` beside the safe ``next_url``.
    ``""`` when there is no ID token or the provider has no such endpoint (or cannot be reached). Call
    after signing out of congso, on the new session."""
    if not id_token or not is_configured():
        return ""
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except VneidError:
        return ""
    if not isinstance(endpoint, str) or not endpoint:
        return ""
    state = secrets.token_urlsafe(24)
    request.session[LOGOUT_STATE_KEY] = {"state": state, "next": next_url}
    query = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": logout_return_url(request),
        "client_id": settings.CONGSO_VNEID_CLIENT_ID,
        "state": state,
    }
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(query)}"


def logout_return_url(request) -> str:
    return request.build_absolute_uri(reverse("identity:vneid-logged-out"))


def finish_logout(request, state: str) -> str | None:
    """The ``next`` page kept for the upstream logout whose ``state`` came back, or ``None`` when
    ``state`` is not the one sent (used up either way)."""
    expected = request.session.pop(LOGOUT_STATE_KEY, None) or {}
    if not expected.get("state") or not state or not _same(expected["state"], state):
        return None
    return expected.get("next", "")


def _link(user, person: VneidPerson):
    if not user.is_active:
        raise VneidError("inactive_account", _("Tài khoản của bạn đã bị khóa. Hãy liên hệ bộ phận một cửa."))
    if user.assurance_level < AssuranceLevel.LEVEL_1:
        raise VneidError(
            "unverified_local_account",
            _(
                "Số định danh này đã được khai cho một tài khoản chưa được xác thực. Hãy liên hệ bộ phận một "
                "cửa để xác minh trước khi đăng nhập bằng VNeID."
            ),
        )
    if person.level > user.assurance_level:
        with transaction.atomic():
            type(user).objects.filter(pk=user.pk).update(assurance_level=person.level)
            audit.record(
                "identity.vneid.level_raised",
                user,
                actor=user,
                changes={"assurance_level": [user.assurance_level, person.level]},
            )
        user.assurance_level = person.level
    return user


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison as bytes: ``compare_digest`` raises TypeError on a str with non-ASCII
    characters, and ``state`` comes from the browser's query string."""
    return secrets.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))
