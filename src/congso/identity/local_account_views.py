"""Pages of local accounts (``local_accounts``): register with a phone or e-mail, enter the code, reset a
forgotten password with a code. Plain forms, no JavaScript needed.

The address being verified stays in the session, never in the URL, with the token of the registration
attempt (``local_accounts``): the code works only in the browser that registered. Every page that follows
a request for a code reads the same whether or not an account has the address.
"""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import local_accounts, one_time_codes
from .assurance import prepare_sign_in
from .forms import CodeEntryForm, CodeResetForm, CodeResetRequestForm, RegistrationForm
from .models import CodePurpose
from .services import client_address, default_home_url

PENDING_KEY = "congso.local_account.pending"
BACKEND = "congso.identity.backends.UsernameOrNationalIdBackend"
METHOD = "local_account"
# The page where the code of each purpose is typed.
CODE_ENTRY_PAGES = {
    CodePurpose.SIGN_UP: "identity:register-verify",
    CodePurpose.PASSWORD_RESET: "identity:password-reset-code",
}

_OUTCOME_MESSAGES = {
    "wrong": lambda: _("Mã xác minh không đúng. Kiểm tra lại tin nhắn hoặc email mới nhất."),
    "expired": lambda: _("Mã xác minh đã hết hạn. Hãy yêu cầu gửi mã mới."),
    "too_many": lambda: _("Bạn đã nhập sai quá nhiều lần. Hãy yêu cầu gửi mã mới."),
    "address_taken": lambda: _(
        "Địa chỉ này vừa được xác minh cho một tài khoản khác. Hãy đăng nhập hoặc đăng ký lại."
    ),
    "superseded": lambda: _(
        "Địa chỉ này vừa được dùng cho một lần đăng ký mới hơn (có thể trên trình duyệt hoặc thiết bị "
        "khác), nên lần đăng ký trên trình duyệt này không còn hiệu lực và mã của nó không dùng được nữa. "
        "Nếu bạn vẫn muốn đăng ký, hãy đăng ký lại."
    ),
    "earlier_attempt": lambda: _(
        "Mã này được gửi cho một lần đăng ký trước với địa chỉ này và không còn dùng được: lần đăng ký "
        "này đã thay thế lần đó. Hãy nhập mã gửi cho lần đăng ký này; nếu chưa nhận được, bấm “Gửi lại mã”."
    ),
}


def _refused_message(error: one_time_codes.SendRefused) -> str:
    if error.reason == "cool_down":
        return _("Mã vừa được gửi. Vui lòng đợi %(seconds)s giây trước khi yêu cầu mã mới.") % {
            "seconds": error.wait_seconds or settings.CONGSO_ONE_TIME_CODE_RESEND_SECONDS
        }
    return _("Bạn đã yêu cầu gửi mã quá nhiều lần. Vui lòng thử lại sau một giờ.")


def _remember(
    request,
    purpose: str,
    contact: local_accounts.Contact,
    attempt: str = "",
    code_sent: bool = True,
    answers: str = "",
) -> None:
    request.session[PENDING_KEY] = {
        "purpose": purpose,
        "channel": contact.channel,
        "address": contact.address,
        "attempt": attempt,
        "code_sent": code_sent,
        "answers": answers,
    }


def _answers(attempt: str, cleaned: dict) -> str:
    """A keyed digest of what a registration was sent with (never the password itself), to know the same
    form sent twice."""
    text = "\n".join([attempt, cleaned["full_name"], cleaned["password1"]])
    return salted_hmac("congso.identity.registration.answers", text, algorithm="sha256").hexdigest()


def _sent_again(request, contact: local_accounts.Contact, cleaned: dict) -> bool:
    """The same browser sending the same registration again (a double click, the form resent) while its
    attempt still stands. A new attempt would retire the code just sent, and the person would wait out the
    resend cool-down for another: the attempt is kept instead. Different answers, another address, or an
    attempt replaced, used or expired make a new attempt, as before."""
    pending = request.session.get(PENDING_KEY) or {}
    attempt = pending.get("attempt") or ""
    if pending.get("purpose") != CodePurpose.SIGN_UP or not attempt or not pending.get("answers"):
        return False
    if (pending.get("channel"), pending.get("address")) != (contact.channel, contact.address):
        return False
    if not constant_time_compare(pending["answers"], _answers(attempt, cleaned)):
        return False
    return local_accounts.attempt_stands(contact, attempt)


def _pending(request, purpose: str) -> local_accounts.Contact | None:
    pending = request.session.get(PENDING_KEY) or {}
    if pending.get("purpose") != purpose:
        return None
    if purpose == CodePurpose.SIGN_UP and not pending.get("attempt"):
        return None  # begun before attempts were kept: registering again is the way on
    return local_accounts.Contact(pending["channel"], pending["address"])


def _attempt(request) -> str:
    return request.session[PENDING_KEY].get("attempt", "")


def _lifetime_minutes() -> int:
    return int(one_time_codes.lifetime().total_seconds() // 60)


@never_cache
@sensitive_post_parameters("password1", "password2")
def register(request):
    """Register with a phone or e-mail and a password; a code goes there."""
    if request.user.is_authenticated:
        return HttpResponseRedirect(default_home_url(request.user))
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        if _sent_again(request, contact, form.cleaned_data):
            messages.info(
                request,
                _("Bạn đã gửi đăng ký này rồi. Nhập mã đã gửi đến %(address)s; không cần đăng ký lại.")
                % {"address": contact.masked},
            )
            return HttpResponseRedirect(reverse("identity:register-verify"))
        attempt = secrets.token_urlsafe(24)
        answers = _answers(attempt, form.cleaned_data)
        try:
            local_accounts.register(
                contact,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                client=client_address(request),
                attempt=attempt,
            )
        except one_time_codes.SendRefused as error:
            if error.reason != "cool_down":
                form.add_error(None, _refused_message(error))
                return render(request, "identity/register.html", {"form": form})
            # Recorded all the same, without its code yet: the code page says when it can be sent.
            _remember(request, CodePurpose.SIGN_UP, contact, attempt, code_sent=False, answers=answers)
            messages.warning(
                request,
                _("Đã ghi nhận lần đăng ký này. Các mã đã gửi trước đó đến địa chỉ này không còn dùng được."),
            )
        else:
            _remember(request, CodePurpose.SIGN_UP, contact, attempt, answers=answers)
        return HttpResponseRedirect(reverse("identity:register-verify"))
    return render(request, "identity/register.html", {"form": form})


def _code_entry_after(request, error, purpose: str, contact: local_accounts.Contact) -> str:
    """Where to type the code already sent to ``contact`` when a new password-reset code is refused for
    being asked too soon (the page gives a way forward, not only "wait"); "" otherwise. Said the same
    whether or not an account has the address: the cool-down counts both alike."""
    if error.reason != "cool_down":
        return ""
    _remember(request, purpose, contact)
    return reverse(CODE_ENTRY_PAGES[purpose])


@never_cache
def register_verify(request):
    """Enter the code that activates the account; then the person is signed in (level 1)."""
    contact = _pending(request, CodePurpose.SIGN_UP)
    if contact is None:
        return HttpResponseRedirect(reverse("identity:register"))
    form = CodeEntryForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        form = CodeEntryForm()
        _resend(request, CodePurpose.SIGN_UP, contact)
    elif request.method == "POST" and form.is_valid():
        try:
            user = local_accounts.activate(contact, form.cleaned_data["code"], attempt=_attempt(request))
        except local_accounts.CodeRefused as refused:
            form.add_error("code", _OUTCOME_MESSAGES[refused.outcome]())
        else:
            request.session.pop(PENDING_KEY, None)
            prepare_sign_in(request, method=METHOD, level=user.assurance_level)
            login(request, user, backend=BACKEND)
            messages.success(
                request, _("Tài khoản của bạn đã được kích hoạt. Chào mừng bạn đến với cổng dịch vụ công.")
            )
            return HttpResponseRedirect(default_home_url(user))
    code_sent = request.session[PENDING_KEY].get("code_sent", True)
    return render(
        request,
        "identity/register_verify.html",
        {
            "form": form,
            "masked": contact.masked,
            "channel": contact.channel,
            "minutes": _lifetime_minutes(),
            "code_sent": code_sent,
            "wait_seconds": (
                0 if code_sent else one_time_codes.resend_wait_seconds(CodePurpose.SIGN_UP, contact.address)
            ),
        },
    )


def _resend(request, purpose: str, contact: local_accounts.Contact) -> None:
    try:
        local_accounts.resend(purpose, contact, client=client_address(request), attempt=_attempt(request))
    except one_time_codes.SendRefused as error:
        messages.error(request, _refused_message(error))
    except local_accounts.CodeRefused as refused:
        messages.error(request, _OUTCOME_MESSAGES[refused.outcome]())
    else:
        request.session[PENDING_KEY] = {**request.session[PENDING_KEY], "code_sent": True}
        messages.info(request, _("Đã gửi mã mới. Mã cũ không còn dùng được."))


@never_cache
def reset_request(request):
    """Ask for a password-reset code by phone or e-mail."""
    form = CodeResetRequestForm(request.POST or None)
    code_entry_url = ""
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        try:
            local_accounts.request_password_reset(contact, client=client_address(request))
        except one_time_codes.SendRefused as error:
            form.add_error(None, _refused_message(error))
            code_entry_url = _code_entry_after(request, error, CodePurpose.PASSWORD_RESET, contact)
        else:
            _remember(request, CodePurpose.PASSWORD_RESET, contact)
            return HttpResponseRedirect(reverse("identity:password-reset-code"))
    return render(
        request, "identity/reset_code_request.html", {"form": form, "code_entry_url": code_entry_url}
    )


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def reset_with_code(request):
    """Enter the reset code and the new password."""
    contact = _pending(request, CodePurpose.PASSWORD_RESET)
    if contact is None:
        return HttpResponseRedirect(reverse("identity:password-reset-by-code"))
    form = CodeResetForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        form = CodeResetForm()
        _resend(request, CodePurpose.PASSWORD_RESET, contact)
    elif request.method == "POST" and form.is_valid():
        try:
            user = local_accounts.check_reset_code(contact, form.cleaned_data["code"])
        except local_accounts.CodeRefused as refused:
            form.add_error("code", _OUTCOME_MESSAGES[refused.outcome]())
        else:
            local_accounts.set_new_password(user, form.cleaned_data["new_password1"])
            request.session.pop(PENDING_KEY, None)
            return HttpResponseRedirect(reverse("identity:password-reset-complete"))
    return render(
        request,
        "identity/reset_code_confirm.html",
        {"form": form, "masked": contact.masked, "channel": contact.channel, "minutes": _lifetime_minutes()},
    )
