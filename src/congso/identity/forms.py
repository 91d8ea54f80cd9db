"""Forms of the sign-in journey: sign in with a password, ask for a password reset, set a new password.

All of them render with the GOV.UK pattern used across congso (label, hint, error next to the field and
an error summary above the form): every input points at its hint and errors with ``aria-describedby``.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    SetPasswordMixin,
    UsernameField,
)
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from congso.core import audit

from .services import (
    ANONYMOUS_ACTOR_LABEL,
    canonical_sign_in_name,
    client_address,
    password_reset_allowed_for,
    password_reset_allowed_from,
)


class AccessibleBoundField(BoundField):
    """A field that also points assistive technology at the form-wide error, when there is one.

    Django already marks a field with its own errors (``aria-invalid``) and links its hint and error
    (``aria-describedby``); a form-wide error such as "wrong user name or password" concerns every field,
    so each field is marked invalid and linked to it too.
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        form_error_id = getattr(self.form, "form_error_id", "")
        if widget.is_hidden or not form_error_id or not self.form.non_field_errors():
            return attrs
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = " ".join(filter(None, [attrs.get("aria-describedby"), form_error_id]))
        return attrs


class AccessibleFormMixin:
    """Render with ``AccessibleBoundField``; the template shows form-wide errors under ``form_error_id``."""

    bound_field_class = AccessibleBoundField
    form_error_id = "form-error"


class SignInForm(AccessibleFormMixin, AuthenticationForm):
    """Sign in with a user name or national ID number and a password.

    What people type is normalised (whitespace, full-width digits, a national ID with separators) and
    resolved to the account's exact user name before authenticating, so every spelling of an account
    shares one lockout counter. A wrong password, an unknown account and an inactive account get the
    same message, so the form does not reveal which accounts exist.
    """

    username = UsernameField(
        label=_("Tên đăng nhập hoặc số định danh cá nhân"),
        help_text=_("Công dân có thể dùng số định danh cá nhân gồm 12 chữ số (số căn cước công dân)."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={"required": _("Nhập tên đăng nhập hoặc số định danh cá nhân.")},
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Nhập mật khẩu.")},
    )

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        # Same text on purpose: saying "inactive" would confirm that the password was right.
        "inactive": _("Tên đăng nhập hoặc mật khẩu không đúng."),
    }

    def clean_username(self):
        return canonical_sign_in_name(self.cleaned_data["username"])


class PasswordResetRequestForm(AccessibleFormMixin, PasswordResetForm):
    """Ask for a password reset link by e-mail; records the request in the audit log.

    The page that follows is the same whether or not an account has that address, and whether or not a
    rate limit held the mail back (``identity.services``: per client address, then per account); a
    request held back is audited as ``identity.password_reset.throttled``.
    """

    email = forms.EmailField(
        label=_("Địa chỉ thư điện tử (email)"),
        help_text=_(
            "Địa chỉ email bạn đã đăng ký cho tài khoản. Chúng tôi gửi vào đó liên kết để đặt mật khẩu mới."
        ),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Nhập địa chỉ email."),
            "invalid": _("Nhập địa chỉ email đúng định dạng, ví dụ ten@example.vn."),
        },
    )

    def save(self, *args, **kwargs):
        self._reset_sent_to = []
        self._held_back = False
        request = kwargs.get("request")
        address = client_address(request) if request is not None else "unknown"
        if not password_reset_allowed_from(address):
            self._record_throttled(None, "address")
            return
        super().save(*args, **kwargs)
        if not self._reset_sent_to and not self._held_back:
            audit.record(
                "identity.password_reset.request",
                changes={"email": self.cleaned_data["email"], "account_found": False},
                label=ANONYMOUS_ACTOR_LABEL,
            )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        if not password_reset_allowed_for(user):
            self._held_back = True
            self._record_throttled(user, "account")
            return
        self._reset_sent_to.append(user.pk)
        audit.record(
            "identity.password_reset.request",
            user,
            changes={"email": context["email"], "account_found": True},
            label=ANONYMOUS_ACTOR_LABEL,
        )
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)

    def _record_throttled(self, user, limit: str) -> None:
        audit.record(
            "identity.password_reset.throttled",
            user,
            changes={"email": self.cleaned_data["email"], "limit": limit},
            label=ANONYMOUS_ACTOR_LABEL,
        )


class NewPasswordForm(AccessibleFormMixin, SetPasswordForm):
    """Choose a new password after following a reset link; the password validators from settings apply."""

    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1=_("Mật khẩu mới"), label2=_("Nhập lại mật khẩu mới")
    )

    error_messages = {
        "password_mismatch": _("Hai mật khẩu bạn nhập không giống nhau. Hãy nhập lại."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = _("Nhập mật khẩu mới.")
        self.fields["new_password2"].error_messages["required"] = _("Nhập lại mật khẩu mới.")
        self.fields["new_password2"].help_text = _("Nhập lại đúng mật khẩu ở trên để kiểm tra.")


# --- Local accounts (local_accounts) -------------------------------------------------------------------


class ContactField(forms.CharField):
    """A phone number or an e-mail address, cleaned to a ``local_accounts.Contact``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Số điện thoại hoặc địa chỉ email"))
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false", "inputmode": "email"}),
        )
        kwargs.setdefault("error_messages", {"required": _("Nhập số điện thoại hoặc địa chỉ email.")})
        super().__init__(**kwargs)

    def clean(self, value):
        from .local_accounts import parse_contact

        contact = parse_contact(super().clean(value))
        if contact is None:
            raise forms.ValidationError(
                _(
                    "Nhập số điện thoại Việt Nam gồm 10 chữ số (ví dụ 0912 345 678) hoặc địa chỉ email "
                    "(ví dụ ten@example.vn)."
                ),
                code="invalid_contact",
            )
        from .one_time_codes import channel_available

        if not channel_available(contact.channel):
            raise forms.ValidationError(
                _("Hiện chưa gửi được tin nhắn đến số điện thoại. Hãy dùng địa chỉ email."),
                code="channel_unavailable",
            )
        return contact


class RegistrationForm(AccessibleFormMixin, SetPasswordMixin, forms.Form):
    """Register a local account: full name, phone or e-mail, and a password (the validators from settings)."""

    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Nhập họ và tên.")},
    )
    contact = ContactField(
        help_text=_("Chúng tôi gửi mã kích hoạt gồm 6 chữ số đến số điện thoại hoặc email này."),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Mật khẩu"), label2=_("Nhập lại mật khẩu")
    )

    error_messages = {"password_mismatch": _("Hai mật khẩu bạn nhập không giống nhau. Hãy nhập lại.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].error_messages["required"] = _("Nhập mật khẩu.")
        self.fields["password2"].error_messages["required"] = _("Nhập lại mật khẩu.")
        self.fields["password2"].help_text = _("Nhập lại đúng mật khẩu ở trên để kiểm tra.")

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(get_user_model()(full_name=self.cleaned_data.get("full_name", "")))
        return super().clean()


class CodeEntryForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã xác minh"),
        max_length=12,
        help_text=_("Mã gồm 6 chữ số trong tin nhắn hoặc email chúng tôi vừa gửi."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Nhập mã xác minh.")},
    )


class CodeResetRequestForm(AccessibleFormMixin, forms.Form):
    contact = ContactField(help_text=_("Số điện thoại hoặc email bạn đã xác minh khi đăng ký tài khoản."))


class CodeResetForm(AccessibleFormMixin, SetPasswordMixin, forms.Form):
    """Enter the reset code and choose the new password on one page."""

    code = CodeEntryForm.base_fields["code"]
    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1=_("Mật khẩu mới"), label2=_("Nhập lại mật khẩu mới")
    )

    error_messages = {"password_mismatch": _("Hai mật khẩu bạn nhập không giống nhau. Hãy nhập lại.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = _("Nhập mật khẩu mới.")
        self.fields["new_password2"].error_messages["required"] = _("Nhập lại mật khẩu mới.")

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(get_user_model()(), "new_password2")
        return super().clean()
