"""The second-factor pages: verify at sign-in, enrol an authenticator (QR code), recovery codes shown
once, and the account's security page with its recent sign-ins (``second_factor`` holds the rules)."""

import io

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import second_factor
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
    if second_factor.confirmed_device(request.user) is None:
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
        {"form": form, "next": safe_next_url(request), "demo_key": _demo_key(request.user)},
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
    if not second_factor.requires_second_factor(request.user):
        raise Http404
    device = second_factor.pending_device(request.user)
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
        },
    )


@never_cache
@login_required
@require_POST
def regenerate_recovery_codes(request):
    if second_factor.confirmed_device(request.user) is None:
        raise Http404
    return _show_codes(request, second_factor.new_recovery_codes(request.user))
