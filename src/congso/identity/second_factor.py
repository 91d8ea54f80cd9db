"""Officials' mandatory second factor: TOTP (django-otp) with one-time recovery codes, and the idle
timeout of officials' sessions.

Who must pass it: every active account that is staff, a superuser, an official, or holds an officer
role in force (``requires_second_factor``), whichever sign-in method they used. Until their session has
passed it, ``SecondFactorMiddleware`` answers every request — the workspace, the admin, the portal —
with a redirect to the second-factor pages (enrolment first when they have no authenticator yet); only
those pages, signing out and static files are reachable. Officials' sessions also end after
``CONGSO_OFFICIAL_IDLE_TIMEOUT_SECONDS`` without a request.

Recovery codes are shown once when made and stored only as a keyed hash (``RecoveryCode``); each works
once. Attempts are limited per account (``core.ratelimit``) on top of django-otp's own throttling.
"""

import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.core import audit, ratelimit

from .models import RecoveryCode, UserKind

VERIFIED_KEY = "congso.second_factor.verified_at"
ACTIVITY_KEY = "congso.last_activity"
REQUIRED_KEY = "congso.second_factor.required"
# Where officers work (workspace, LGSP console, admin): the second-factor rule is read afresh there.
OFFICER_AREAS = ("/can-bo/", "/quan-tri/", "/lgsp/")
RECOVERY_CODE_COUNT = 10
ATTEMPT_LIMIT = 5
ATTEMPT_WINDOW = 300
DEVICE_NAME = "Ứng dụng xác thực"
# Write the activity time to the session at most this often (seconds): not on every request.
ACTIVITY_RESOLUTION = 30


def requires_second_factor(user) -> bool:
    """Whether ``user`` must pass a second factor: staff, superusers, officials and anyone holding an
    officer role in force. Reads only."""
    from congso.agencies import services as agency_services

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser or user.kind == UserKind.OFFICIAL:
        return True
    return agency_services.is_staff_member(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def session_is_verified(request) -> bool:
    """Whether the current session has passed the second factor."""
    return bool(request.session.get(VERIFIED_KEY))


def mark_verified(request, method: str) -> None:
    """Record that the session passed the second factor with ``method`` (``totp`` or ``recovery_code``).
    The session key changes (a session fixed before this point is worth nothing after it)."""
    request.session.cycle_key()
    request.session[VERIFIED_KEY] = timezone.now().isoformat()
    audit.record(
        "identity.second_factor.verified", request.user, actor=request.user, changes={"method": method}
    )


# --- Enrolment and recovery codes ---------------------------------------------------------------------


def pending_device(user) -> TOTPDevice:
    """The authenticator being enrolled by ``user`` (unconfirmed), made when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The device's secret in the base32 form authenticator apps accept when typed in."""
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


def _normalise(token: str) -> str:
    return "".join((token or "").split()).replace("-", "").lower()


def _hash(code: str) -> str:
    return salted_hmac("congso.identity.recovery_code", _normalise(code)).hexdigest()


def new_recovery_codes(user) -> list[str]:
    """Replace ``user``'s recovery codes with ``RECOVERY_CODE_COUNT`` new ones and return them, to be
    shown once (only their hashes are kept)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(code)) for code in codes])
        audit.record("identity.second_factor.recovery_codes", user, changes={"count": len(codes)})
    return codes


def unused_recovery_codes(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


def confirm_enrolment(user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator ``device`` with a code it shows; return the new recovery codes, or
    ``None`` when the code is wrong."""
    token = _normalise(token)
    if not token.isdigit() or not device.verify_token(token):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record("identity.second_factor.enrolled", user, actor=user, changes={"device": device.name})
    return new_recovery_codes(user)


def attempt_allowed(user) -> bool:
    """Count one second-factor attempt of ``user``; False once over the limit."""
    return ratelimit.take("identity.second_factor", str(user.pk), limit=ATTEMPT_LIMIT, window=ATTEMPT_WINDOW)


def must_wait(user) -> bool:
    """Whether django-otp makes ``user`` wait before the next code (it does, longer each time, after
    wrong codes)."""
    device = confirmed_device(user)
    return device is not None and not device.verify_is_allowed()[0]


def verify(user, token: str) -> str | None:
    """Check a code from the authenticator or a recovery code; return how it passed (``totp`` or
    ``recovery_code``) or ``None``. A recovery code is used up."""
    token = _normalise(token)
    if not token:
        return None
    if token.isdigit():
        device = confirmed_device(user)
        if device is not None and device.verify_token(token):
            return "totp"
        return None
    used = RecoveryCode.objects.filter(user=user, code_hash=_hash(token), used_at=None).update(
        used_at=timezone.now()
    )
    return "recovery_code" if used else None


def recent_sign_ins(user, limit: int = 20):
    """The latest sign-ins, failed sign-ins, sign-outs and second-factor checks of ``user`` from the audit
    log, newest first."""
    from django.db.models import Q

    from congso.core.models import AuditEntry

    own = Q(
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        action__in=["identity.login", "identity.logout", "identity.second_factor.verified"],
    )
    # Failed attempts name the account only by the user name that was typed.
    failed = Q(action="identity.login.failed", changes__username=user.get_username())
    return AuditEntry.objects.filter(own | failed).order_by("-pk")[:limit]


def signed_in(request) -> None:
    """Start the idle clock of a new sign-in (called for every sign-in, by ``signals``)."""
    request.session[ACTIVITY_KEY] = time.time()
    request.session.pop(REQUIRED_KEY, None)


# --- The gate ---------------------------------------------------------------------------------------------


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("identity:second-factor"),
        reverse("identity:logout"),
        settings.STATIC_URL or "/static/",
        "/i18n/",
    )


class SecondFactorMiddleware:
    """Officials and staff reach nothing but the second-factor pages until their session passed it, and
    their session ends after ``CONGSO_OFFICIAL_IDLE_TIMEOUT_SECONDS`` without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._required(request, user):
            response = self._gate(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    @staticmethod
    def _required(request, user) -> bool:
        # Kind and staff flags cost nothing. Roles cost a query: read once per session (at the first
        # request after signing in), and again on every request to the officers' areas, so a role granted
        # during a session never opens them without the second factor.
        if user.is_staff or user.is_superuser or user.kind == UserKind.OFFICIAL:
            return True
        if REQUIRED_KEY not in request.session or request.path.startswith(OFFICER_AREAS):
            request.session[REQUIRED_KEY] = requires_second_factor(user)
        return request.session[REQUIRED_KEY]

    def _gate(self, request, user):
        now = time.time()
        last = request.session.get(ACTIVITY_KEY)
        if last is not None and now - last > settings.CONGSO_OFFICIAL_IDLE_TIMEOUT_SECONDS:
            logout(request)
            messages.info(
                request, _("Phiên làm việc đã hết hạn vì lâu không thao tác. Vui lòng đăng nhập lại.")
            )
            return HttpResponseRedirect(_with_next(reverse("identity:login"), request))
        if last is None or now - last >= ACTIVITY_RESOLUTION:
            request.session[ACTIVITY_KEY] = now
        if session_is_verified(request) or request.path.startswith(_exempt_prefixes()):
            return None
        return HttpResponseRedirect(_with_next(reverse("identity:second-factor"), request))


def _with_next(url: str, request) -> str:
    if request.method == "GET" and request.path != "/":
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url
