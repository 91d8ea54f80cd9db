"""Simulator of the national e-ID (VNeID) single sign-on: a real OpenID Connect provider under
``/sandbox/vneid/`` (STANDARDS.md §6 and §8.5), with fake accounts. Never the real VNeID.

What it speaks: discovery (``/.well-known/openid-configuration``), JWKS, the authorization endpoint
(authorization code flow only; PKCE S256 required; ``acr_values`` ``LoA1``/``LoA2``), the token endpoint
(form POST, client authentication ``client_secret_basic`` or ``client_secret_post``), an RS256 ID token
carrying the nonce and ``acr``, and userinfo (Bearer) with the attribute names the national systems use:
``SoDinhDanh``, ``HoVaTen``, ``NgayThangNamSinh`` (yyyymmdd), ``LoaiTaiKhoan``, ``loginIdp`` ("BCA"),
``TechID``, ``loAs``, ``IAL``.

Like the real one, it keeps its own session: once a citizen signed in, the next authorization request
from that browser is answered at once (single sign-on) unless it says ``prompt=login``. The ID token
carries that session's ``sid``; RP-initiated logout (``/sandbox/vneid/logout``, OpenID Connect
RP-Initiated Logout 1.0: ``id_token_hint``, ``post_logout_redirect_uri``, ``state``) ends it and sends
the browser back to the relying party. The session is a signed cookie on the provider's own path, never
congso's session, so signing out of congso alone does not end it.

Who has an account: every citizen of the simulated population database (``models.Citizen``). The demo's
own people (``is_generated=False``) are level-2 accounts (verified in person), generated ones level 1.
Everyone signs in with the published demo password ``DEMO_PASSWORD``. The one client it knows is
configured by ``CONGSO_SANDBOX_VNEID_*`` settings (docs/identity.md).
"""

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from congso.core import ratelimit
from congso.core.net import client_address

from . import api
from .models import Citizen, VneidGrant, VneidSigningKey

DEMO_PASSWORD = "vneid-demo"  # noqa: S105 — published on purpose: the simulator's one password
LEVEL_ACR = {1: "LoA1", 2: "LoA2"}
ACR_LEVEL = {"LoA1": 1, "LoA2": 2}
CODE_LIFETIME = timedelta(minutes=2)
ACCESS_LIFETIME = timedelta(seconds=1800)  # as observed on VNeID's access tokens
ID_TOKEN_LIFETIME = timedelta(minutes=10)
SCOPES = ("openid", "profile")
# The namespace of the stable account identifiers (``sub``/``TechID``) of this simulator.
SUBJECT_NAMESPACE = uuid.UUID("9a4f2c1e-3d7b-4e61-9f0a-6c2b8d5e7a13")
LOGIN_LIMIT = 20  # password attempts per client address and window
LOGIN_WINDOW = 300
SSO_COOKIE = "sandbox_vneid_sso"
SSO_SALT = "congso.sandbox.vneid.sso"
SSO_LIFETIME = 8 * 3600  # seconds a provider session lasts
SAMPLE_LEVEL_2 = 6
SAMPLE_LEVEL_1 = 2


# --- Accounts and keys ------------------------------------------------------------------------------


def account_level(citizen: Citizen) -> int:
    """The simulated VNeID level of ``citizen``: 2 for the demo's own people, 1 for generated ones."""
    return 1 if citizen.is_generated else 2


def subject_of(national_id: str) -> str:
    """The stable account identifier (``sub`` and ``TechID``) of the account of ``national_id``."""
    return str(uuid.uuid5(SUBJECT_NAMESPACE, national_id))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signing_key() -> VneidSigningKey:
    """The provider's signing key, made (RSA 2048) the first time it is needed."""
    key = VneidSigningKey.objects.first()
    if key is not None:
        return key
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    try:
        with transaction.atomic():
            return VneidSigningKey.objects.create(kid=secrets.token_hex(8), private_pem=pem)
    except IntegrityError:  # pragma: no cover — two first requests at once: keep the one stored
        return VneidSigningKey.objects.first()


def public_jwks() -> dict:
    keys = []
    for key in VneidSigningKey.objects.all():
        private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
        jwk.update({"kid": key.kid, "use": "sig", "alg": "RS256"})
        keys.append(jwk)
    return {"keys": keys}


# --- Where things are -------------------------------------------------------------------------------


def issuer(request) -> str:
    """The provider's issuer: its base address as the caller reached it (no trailing slash)."""
    return request.build_absolute_uri(reverse("sandbox:vneid-root")).rstrip("/")


def _endpoint(request, name: str) -> str:
    return request.build_absolute_uri(reverse(f"sandbox:vneid-{name}"))


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return api.labelled(response)


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return _json({"error": error, "error_description": description}, status=status)


@api.document
def discovery(request):
    return _json(
        {
            "issuer": issuer(request),
            "authorization_endpoint": _endpoint(request, "authorize"),
            "token_endpoint": _endpoint(request, "token"),
            "userinfo_endpoint": _endpoint(request, "userinfo"),
            "jwks_uri": _endpoint(request, "jwks"),
            "end_session_endpoint": _endpoint(request, "logout"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": list(SCOPES),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": list(ACR_LEVEL),
            "claims_supported": [
                "sub",
                "acr",
                "preferred_username",
                "SoDinhDanh",
                "HoVaTen",
                "NgayThangNamSinh",
                "LoaiTaiKhoan",
                "loginIdp",
                "TechID",
                "loAs",
                "IAL",
            ],
            "simulator": True,
            "notice": api.NOTICE,
        }
    )


@api.document
def jwks(request):
    signing_key()
    return _json(public_jwks())


# --- Authorization endpoint ---------------------------------------------------------------------------


def redirect_uri_allowed(request, redirect_uri: str) -> bool:
    """Whether the client may be sent back to ``redirect_uri``: an exact member of
    ``CONGSO_SANDBOX_VNEID_REDIRECT_URIS``, or, when that list is empty, any address on the provider's
    own origin (the demo runs the relying party and the simulator on one server)."""
    allowed = settings.CONGSO_SANDBOX_VNEID_REDIRECT_URIS
    if allowed:
        return redirect_uri in allowed
    parts = urlsplit(redirect_uri)
    own = urlsplit(request.build_absolute_uri("/"))
    return (parts.scheme, parts.netloc) == (own.scheme, own.netloc) and not parts.fragment


class _AuthorizationRequest:
    """The parameters of an authorization request, checked. ``fatal`` is an error that must be shown on
    the page (bad client or redirect URI: never redirect there); ``error`` one that goes back to the
    client."""

    def __init__(self, request, params):
        self.params = params
        self.client_id = params.get("client_id", "")
        self.redirect_uri = params.get("redirect_uri", "")
        self.state = params.get("state", "")
        self.nonce = params.get("nonce", "")
        self.scope = params.get("scope", "")
        self.code_challenge = params.get("code_challenge", "")
        self.fatal = ""
        self.error = ("", "")
        acr_values = params.get("acr_values", "").split()
        self.required_level = max((ACR_LEVEL[v] for v in acr_values if v in ACR_LEVEL), default=1)
        if self.client_id != settings.CONGSO_SANDBOX_VNEID_CLIENT_ID:
            self.fatal = _("Ứng dụng (client_id) chưa đăng ký.")
        elif not self.redirect_uri or not redirect_uri_allowed(request, self.redirect_uri):
            self.fatal = _("Địa chỉ quay về (redirect_uri) không hợp lệ.")
        elif params.get("response_type") != "code":
            self.error = ("unsupported_response_type", "Only response_type=code is supported.")
        elif "openid" not in self.scope.split():
            self.error = ("invalid_scope", "The scope must include openid.")
        elif not self.code_challenge or params.get("code_challenge_method") != "S256":
            self.error = ("invalid_request", "PKCE with code_challenge_method=S256 is required.")

    def back(self, **values) -> HttpResponseRedirect:
        if self.state:
            values["state"] = self.state
        separator = "&" if "?" in self.redirect_uri else "?"
        return HttpResponseRedirect(f"{self.redirect_uri}{separator}{urlencode(values)}")

    def hidden_fields(self) -> dict:
        names = (
            "client_id",
            "redirect_uri",
            "state",
            "nonce",
            "scope",
            "response_type",
            "code_challenge",
            "code_challenge_method",
            "acr_values",
        )
        return {name: self.params.get(name, "") for name in names if name in self.params}


class SignInForm(forms.Form):
    national_id = forms.RegexField(regex=r"^\d{12}$", max_length=12)
    password = forms.CharField(max_length=128)


def _samples():
    demo = Citizen.objects.filter(is_generated=False).order_by("national_id")[:SAMPLE_LEVEL_2]
    generated = Citizen.objects.filter(is_generated=True).order_by("national_id")[:SAMPLE_LEVEL_1]
    return [(citizen, account_level(citizen)) for citizen in [*demo, *generated]]


@never_cache
@api.document
def authorize(request):
    """The VNeID sign-in page: choose a demo citizen or type a national ID, give the demo password."""
    params = request.POST if request.method == "POST" else request.GET
    auth = _AuthorizationRequest(request, params)
    if auth.fatal:
        return render(request, "sandbox/vneid_error.html", {"message": auth.fatal}, status=400)
    if auth.error[0]:
        return auth.back(error=auth.error[0], error_description=auth.error[1])
    context = {"auth": auth, "hidden": auth.hidden_fields(), "samples": _samples()}
    context["demo_password"] = DEMO_PASSWORD
    context["required_acr"] = LEVEL_ACR[auth.required_level]
    if request.method != "POST":
        session = provider_session(request)
        if session and params.get("prompt") != "login" and session["level"] >= auth.required_level:
            citizen = Citizen.objects.filter(national_id=session["national_id"]).first()
            if citizen is not None:
                return _grant(auth, citizen, session["level"], session["sid"], session["at"])
        return render(request, "sandbox/vneid_authorize.html", context)
    if "cancel" in request.POST:
        return auth.back(error="access_denied", error_description="The citizen cancelled the sign-in.")
    form = SignInForm(request.POST)
    context["form"] = form
    if not ratelimit.take(
        "sandbox.vneid.login", client_address(request) or "unknown", limit=LOGIN_LIMIT, window=LOGIN_WINDOW
    ):
        context["error"] = _("Quá nhiều lần thử, hãy đợi ít phút.")
        return render(request, "sandbox/vneid_authorize.html", context, status=429)
    citizen = None
    if form.is_valid():
        citizen = Citizen.objects.filter(national_id=form.cleaned_data["national_id"]).first()
    password_ok = form.is_valid() and hmac.compare_digest(  # as bytes: a str must be ASCII
        form.cleaned_data["password"].encode(), DEMO_PASSWORD.encode()
    )
    if citizen is None or not password_ok:
        context["error"] = _("Số định danh hoặc mật khẩu không đúng.")
        return render(request, "sandbox/vneid_authorize.html", context, status=400)
    level = account_level(citizen)
    if level < auth.required_level:
        context["error"] = _(
            "Tài khoản định danh điện tử này mới ở mức 1; dịch vụ yêu cầu mức 2 (kích hoạt tại cơ quan "
            "công an)."
        )
        return render(request, "sandbox/vneid_authorize.html", context, status=403)
    now = timezone.now()
    sid = secrets.token_urlsafe(16)
    response = _grant(auth, citizen, level, sid, int(now.timestamp()))
    value = signing.dumps(
        {"national_id": citizen.national_id, "level": level, "sid": sid, "at": int(now.timestamp())},
        salt=SSO_SALT,
    )
    response.set_cookie(
        SSO_COOKIE,
        value,
        max_age=SSO_LIFETIME,
        path=reverse("sandbox:vneid-root"),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


def provider_session(request) -> dict | None:
    """The citizen signed in at this provider in this browser (``national_id``, ``level``, ``sid``,
    ``at``), or ``None``."""
    try:
        return signing.loads(request.COOKIES.get(SSO_COOKIE, ""), salt=SSO_SALT, max_age=SSO_LIFETIME)
    except signing.BadSignature:
        return None


def _grant(auth: _AuthorizationRequest, citizen: Citizen, level: int, sid: str, authenticated_at: int):
    """Issue an authorization code for ``citizen`` and send the browser back to the client with it."""
    code = secrets.token_urlsafe(32)
    now = timezone.now()
    VneidGrant.objects.create(
        code_hash=_digest(code),
        client_id=auth.client_id,
        redirect_uri=auth.redirect_uri,
        national_id=citizen.national_id,
        level=level,
        nonce=auth.nonce,
        code_challenge=auth.code_challenge,
        scope=auth.scope,
        session_id=sid,
        authenticated_at=datetime.fromtimestamp(authenticated_at, tz=UTC),
        code_expires_at=now + CODE_LIFETIME,
    )
    return auth.back(code=code)


# --- Token and userinfo endpoints ---------------------------------------------------------------------


def _client_credentials(request) -> tuple[str, str]:
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return "", ""
        client_id, _colon, secret = decoded.partition(":")
        return unquote_plus(client_id), unquote_plus(secret)
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _client_is_authenticated(client_id: str, secret: str) -> bool:
    expected_secret = settings.CONGSO_SANDBOX_VNEID_CLIENT_SECRET
    return (
        bool(client_id)
        and client_id == settings.CONGSO_SANDBOX_VNEID_CLIENT_ID
        and bool(expected_secret)
        and hmac.compare_digest(secret.encode(), expected_secret.encode())
    )


def _id_token(request, grant: VneidGrant, client_id: str) -> str:
    key = signing_key()
    now = timezone.now()
    claims = {
        "iss": issuer(request),
        "sub": subject_of(grant.national_id),
        "aud": client_id,
        "azp": client_id,
        "iat": int(now.timestamp()),
        "exp": int((now + ID_TOKEN_LIFETIME).timestamp()),
        "auth_time": int(grant.authenticated_at.timestamp()),
        "acr": LEVEL_ACR[grant.level],
        "preferred_username": grant.national_id,
    }
    if grant.session_id:
        claims["sid"] = grant.session_id
    if grant.nonce:
        claims["nonce"] = grant.nonce
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


@csrf_exempt  # called by the relying party's server with its client credentials, never by a browser
@never_cache
@api.document
def token(request):
    if request.method != "POST":
        response = _oauth_error("invalid_request", "Use POST.", status=405)
        response["Allow"] = "POST"
        return response
    client_id, secret = _client_credentials(request)
    if not _client_is_authenticated(client_id, secret):
        response = _oauth_error("invalid_client", "Client authentication failed.", status=401)
        response["WWW-Authenticate"] = 'Basic realm="sandbox-vneid"'
        return response
    if request.POST.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "Only authorization_code is supported.")
    code = request.POST.get("code", "")
    now = timezone.now()
    with transaction.atomic():
        grant = (
            VneidGrant.objects.select_for_update().filter(code_hash=_digest(code)).first() if code else None
        )
        if grant is None or grant.client_id != client_id:
            return _oauth_error("invalid_grant", "Unknown authorization code.")
        if grant.code_used_at is not None:
            # A code presented twice: it may have been stolen. Revoke what it gave (RFC 6749 §4.1.2).
            grant.revoked = True
            grant.save(update_fields=["revoked"])
            return _oauth_error("invalid_grant", "The authorization code was already used.")
        grant.code_used_at = now
        grant.save(update_fields=["code_used_at"])
    if grant.code_expires_at < now:
        return _oauth_error("invalid_grant", "The authorization code has expired.")
    if request.POST.get("redirect_uri", "") != grant.redirect_uri:
        return _oauth_error("invalid_grant", "redirect_uri does not match the authorization request.")
    verifier = request.POST.get("code_verifier", "")
    if not verifier or not hmac.compare_digest(
        _b64url(hashlib.sha256(verifier.encode()).digest()), grant.code_challenge
    ):
        return _oauth_error("invalid_grant", "PKCE verification failed.")
    access_token = secrets.token_urlsafe(32)
    grant.access_token_hash = _digest(access_token)
    grant.access_expires_at = now + ACCESS_LIFETIME
    grant.save(update_fields=["access_token_hash", "access_expires_at"])
    return _json(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": int(ACCESS_LIFETIME.total_seconds()),
            "scope": grant.scope,
            "id_token": _id_token(request, grant, client_id),
        }
    )


def userinfo_claims(citizen: Citizen, level: int) -> dict:
    """The userinfo answer for ``citizen``, in the national systems' attribute names."""
    subject = subject_of(citizen.national_id)
    return {
        "sub": subject,
        "TechID": subject,
        "preferred_username": citizen.national_id,
        "SoDinhDanh": citizen.national_id,
        "HoVaTen": citizen.full_name,
        "NgayThangNamSinh": citizen.date_of_birth.strftime("%Y%m%d"),
        "LoaiTaiKhoan": 1,
        "loginIdp": "BCA",
        "loAs": [LEVEL_ACR[n] for n in range(1, level + 1)],
        "IAL": level,
        "simulator": True,
    }


@csrf_exempt  # Bearer-authenticated, never cookie-authenticated
@never_cache
@api.document
def userinfo(request):
    if request.method not in ("GET", "POST"):
        raise Http404
    token_value = api.bearer_token(request)
    grant = (
        VneidGrant.objects.filter(access_token_hash=_digest(token_value), revoked=False).first()
        if token_value
        else None
    )
    if grant is None or grant.access_expires_at is None or grant.access_expires_at < timezone.now():
        response = _oauth_error("invalid_token", "The access token is invalid or expired.", status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    citizen = Citizen.objects.filter(national_id=grant.national_id).first()
    if citizen is None:
        return _oauth_error("invalid_token", "The account no longer exists.", status=401)
    return _json(userinfo_claims(citizen, grant.level))


# --- RP-initiated logout ------------------------------------------------------------------------------


def _hinted_client(request, hint: str) -> str:
    """The client an ``id_token_hint`` was issued to, once its signature and issuer check (it may have
    expired: a logout comes after the token's life). ``""`` when it does not check."""
    public_key = serialization.load_pem_private_key(
        signing_key().private_pem.encode(), password=None
    ).public_key()
    try:
        claims = jwt.decode(
            hint,
            public_key,
            algorithms=["RS256"],
            issuer=issuer(request),
            options={"verify_exp": False, "verify_aud": False, "require": ["iss", "aud", "sub"]},
        )
    except jwt.PyJWTError:
        return ""
    audience = claims["aud"] if isinstance(claims["aud"], str) else (claims["aud"] or [""])[0]
    return audience


@never_cache
@api.document
def logout(request):
    """End this browser's session at the provider, then go back to the client's
    ``post_logout_redirect_uri`` (with ``state``) when the ``id_token_hint`` names an allowed client and
    the address is one of its redirect addresses; otherwise show that the session ended."""
    params = request.POST if request.method == "POST" else request.GET
    redirect_uri = params.get("post_logout_redirect_uri", "")
    client_id = (
        _hinted_client(request, params.get("id_token_hint", "")) if params.get("id_token_hint") else ""
    )
    if redirect_uri and (
        client_id != settings.CONGSO_SANDBOX_VNEID_CLIENT_ID
        or not redirect_uri_allowed(request, redirect_uri)
    ):
        return render(
            request,
            "sandbox/vneid_error.html",
            {"message": _("Địa chỉ quay về sau đăng xuất (post_logout_redirect_uri) không hợp lệ.")},
            status=400,
        )
    if redirect_uri:
        query = {"state": params["state"]} if params.get("state") else {}
        separator = "&" if "?" in redirect_uri else "?"
        response = HttpResponseRedirect(
            f"{redirect_uri}{separator}{urlencode(query)}" if query else redirect_uri
        )
    else:
        response = render(request, "sandbox/vneid_logged_out.html")
    response.delete_cookie(SSO_COOKIE, path=reverse("sandbox:vneid-root"))
    return response


@api.document
def root(request):
    """The provider's base address: where its discovery document is."""
    return HttpResponseRedirect(reverse("sandbox:vneid-discovery"))
