"""The second-factor pages: verify at sign-in, enrol an authenticator (QR code), recovery codes shown
once, and the account's security page with its recent sign-ins (``second_factor`` holds the rules)."""

import io
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from congso.core import audit

from . import second_factor, vneid, webauthn_keys
from .services import default_home_url, safe_next_url


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã xác thực"),
        max_length=32,
        help_text=gettext_lazy(
            "6 chữ số trên ứng dụng xác thực, hoặc một mã khôi phục (dạng xxxxx-xxxxx) nếu bạn mất "
            "điện thoại."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã 6 chữ số trên ứng dụng"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _done(request):
    return HttpResponseRedirect(safe_next_url(request) or default_home_url(request.user))


def _too_many(form):
    form.add_error(None, _("Bạn đã nhập sai quá nhiều lần. Vui lòng đợi ít phút rồi thử lại."))


@never_cache
@login_required
def verify(request):
    """Ask for the second factor (officials and staff; the middleware sends them here)."""
    if not second_factor.requires_second_factor(request.user) or second_factor.session_is_verified(request):
        return _done(request)
    has_keys = webauthn_keys.keys_of(request.user).exists()
    if second_factor.confirmed_device(request.user) is None and not has_keys:
        url = reverse("identity:second-factor-enrol")
        next_url = safe_next_url(request)
        return HttpResponseRedirect(f"{url}?next={next_url}" if next_url else url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not second_factor.attempt_allowed(request.user):
            _too_many(form)
        else:
            method = second_factor.verify(request.user, form.cleaned_data["code"])
            if method is not None:
                second_factor.mark_verified(request, method)
                if method == "recovery_code":
                    left = second_factor.unused_recovery_codes(request.user)
                    messages.warning(
                        request,
                        _(
                            "Bạn vừa dùng một mã khôi phục; còn %(left)s mã. Hãy tạo mã mới ở trang Bảo mật "
                            "tài khoản."
                        )
                        % {"left": left},
                    )
                return _done(request)
            if second_factor.must_wait(request.user):
                form.add_error("code", _("Mã xác thực không đúng. Vui lòng đợi vài giây rồi nhập mã mới."))
            else:
                form.add_error("code", _("Mã xác thực không đúng hoặc đã hết hạn."))
    return render(
        request,
        "identity/second_factor_verify.html",
        {
            "form": form,
            "next": safe_next_url(request),
            "demo_key": _demo_key(request.user),
            "has_keys": has_keys,
        },
    )


def _demo_key(user) -> str:
    """The published demo key, shown on the page to the demo's own officials outside production."""
    from .demo import DEMO_DEVICE_NAME, DEMO_TOTP_SECRET_BASE32

    if settings.IS_PRODUCTION:
        return ""
    device = second_factor.confirmed_device(user)
    return DEMO_TOTP_SECRET_BASE32 if device is not None and device.name == DEMO_DEVICE_NAME else ""


@never_cache
@login_required
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code it shows;
    the recovery codes are then shown once."""
    user = request.user
    if not second_factor.requires_second_factor(user):
        raise Http404
    if second_factor.confirmed_device(user) is not None and not second_factor.session_is_verified(request):
        # Replacing an authenticator needs the current one (or a recovery code) first.
        return HttpResponseRedirect(reverse("identity:second-factor"))
    device = second_factor.pending_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not second_factor.attempt_allowed(user):
            _too_many(form)
        else:
            codes = second_factor.confirm_enrolment(user, device, form.cleaned_data["code"])
            if codes is not None:
                if not second_factor.session_is_verified(request):
                    second_factor.mark_verified(request, "totp")
                return _show_codes(request, codes, enrolled=True)
            form.add_error("code", _("Mã không đúng. Kiểm tra giờ trên điện thoại rồi nhập mã đang hiện."))
    return render(
        request,
        "identity/second_factor_enrol.html",
        {"form": form, "secret": second_factor.secret_base32(device), "next": safe_next_url(request)},
    )


@never_cache
@login_required
def enrol_qr(request):
    """The QR code (SVG) of the authenticator being enrolled by the signed-in user."""
    user = request.user
    if not second_factor.requires_second_factor(user):
        raise Http404
    if second_factor.confirmed_device(user) is not None and not second_factor.session_is_verified(request):
        # The enrolment page's rule: the secret of a replacement is for whoever passed the current one.
        return HttpResponseRedirect(reverse("identity:second-factor"))
    device = second_factor.pending_device(user)
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, border=2, title=_("Mã QR để thêm vào ứng dụng xác thực")
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def _show_codes(request, codes, enrolled=False):
    response = render(
        request,
        "identity/recovery_codes.html",
        {
            "codes": codes,
            "enrolled": enrolled,
            "next": safe_next_url(request) or default_home_url(request.user),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def security(request):
    """The account's security page: second-factor state and the recent sign-ins."""
    user = request.user
    return render(
        request,
        "identity/security.html",
        {
            "requires_second_factor": second_factor.requires_second_factor(user),
            "device": second_factor.confirmed_device(user),
            "recovery_codes_left": second_factor.unused_recovery_codes(user),
            "sign_ins": second_factor.recent_sign_ins(user),
            "security_keys": webauthn_keys.keys_of(user),
            "may_add_keys": second_factor.requires_second_factor(user)
            and second_factor.session_is_verified(request),
            "key_form": SecurityKeyForm(),
            # A local account (phone or e-mail) reaches level 2 by one VNeID sign-in (vneid.account_for).
            "may_link_eid": user.is_local_account and not user.national_id and vneid.is_configured(),
        },
    )


@never_cache
@login_required
@require_POST
def regenerate_recovery_codes(request):
    if second_factor.confirmed_device(request.user) is None:
        raise Http404
    return _show_codes(request, second_factor.new_recovery_codes(request.user))


# --- Security keys (WebAuthn, webauthn_keys) -----------------------------------------------------------


class SecurityKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên khóa"),
        max_length=100,
        help_text=gettext_lazy(
            "Để bạn nhận ra khóa sau này, ví dụ “Khóa USB màu xanh” hoặc “Máy tính ở cơ quan”."
        ),
        error_messages={"required": gettext_lazy("Đặt tên cho khóa bảo mật.")},
    )
    credential = forms.CharField(widget=forms.HiddenInput, max_length=20000)


def _json(options: str) -> HttpResponse:
    response = HttpResponse(options, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _officer_with_verified_session(request):
    # Keys are added only from a session that already passed the second factor, like a new app.
    if not second_factor.requires_second_factor(request.user):
        raise Http404
    if not second_factor.session_is_verified(request):
        raise PermissionDenied


@never_cache
@login_required
@require_POST
def key_registration_options(request):
    _officer_with_verified_session(request)
    return _json(webauthn_keys.registration_options(request))


@never_cache
@login_required
@require_POST
def add_key(request):
    """Store the security key the browser created on the security page."""
    _officer_with_verified_session(request)
    form = SecurityKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chưa thêm được khóa bảo mật: hãy đặt tên cho khóa rồi thử lại."))
        return HttpResponseRedirect(reverse("identity:security"))
    try:
        key = webauthn_keys.register(request, form.cleaned_data["credential"], form.cleaned_data["name"])
    except webauthn_keys.KeyRefused:
        messages.error(request, _("Không xác nhận được khóa bảo mật. Hãy thử lại."))
    else:
        messages.success(request, _("Đã thêm khóa bảo mật “%(name)s”.") % {"name": key.name})
    return HttpResponseRedirect(reverse("identity:security"))


@never_cache
@login_required
@require_POST
def remove_key(request, key_id):
    _officer_with_verified_session(request)
    if not webauthn_keys.remove(request.user, key_id):
        raise Http404
    messages.success(request, _("Đã gỡ khóa bảo mật."))
    return HttpResponseRedirect(reverse("identity:security"))


@never_cache
@login_required
@require_POST
def key_authentication_options(request):
    if (
        not second_factor.requires_second_factor(request.user)
        or not webauthn_keys.keys_of(request.user).exists()
    ):
        raise Http404
    return _json(webauthn_keys.authentication_options(request))


@never_cache
@login_required
@require_POST
def verify_with_key(request):
    """Pass the second factor with a security key (the signed answer the browser posts)."""
    user = request.user
    if not second_factor.requires_second_factor(user) or second_factor.session_is_verified(request):
        return _done(request)
    credential = request.POST.get("credential", "")
    if credential and second_factor.attempt_allowed(user):
        try:
            webauthn_keys.authenticate(request, credential)
        except webauthn_keys.KeyRefused as refused:
            audit.record(
                "identity.second_factor.failed",
                user,
                actor=user,
                changes={"method": "webauthn", "reason": refused.reason},
            )
        else:
            second_factor.mark_verified(request, "webauthn")
            return _done(request)
    messages.error(
        request, _("Không xác thực được bằng khóa bảo mật. Hãy thử lại hoặc nhập mã từ ứng dụng xác thực.")
    )
    url = reverse("identity:second-factor")
    next_url = safe_next_url(request)
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
