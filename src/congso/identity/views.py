"""Sign-in, sign-out and password reset pages (Django's auth views with congso's forms and templates)."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from congso.core import audit
from congso.core.context_processors import platform

from . import vneid
from .contrib.password.plugin import PasswordSignIn
from .forms import NewPasswordForm, PasswordResetRequestForm, SignInForm
from .registry import available_sign_in_methods, get_available_sign_in_method
from .services import clear_sign_in_failures, default_home_url, safe_next_url
from .templatetags.identity_tags import format_duration


class PlatformNameMixin:
    """Keep the platform's name, in the visitor's language, in ``site_name``: Django's auth views replace
    it with the host name."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["site_name"] = platform(self.request)["site_name"]
        return context


class SignInView(PlatformNameMixin, auth_views.LoginView):
    """The sign-in page: every available sign-in method, the password form among them.

    A POST is the password method; django-axes counts its failures and, past the limit, the
    ``AxesMiddleware`` replaces the response with the lockout page.
    """

    form_class = SignInForm
    template_name = "identity/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if get_available_sign_in_method(request, PasswordSignIn.name) is None:
            raise PermissionDenied
        # This page is a plain form. Without the XHR marker axes answers a lockout with the HTML page,
        # never with its JSON, which names the account (see lockout.lockout_response).
        request.META.pop("HTTP_X_REQUESTED_WITH", None)
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self):
        next_url = safe_next_url(self.request, self.redirect_field_name)
        path = urlsplit(next_url).path
        # Back to this very page would loop (Django refuses it with an error) for a signed-in person.
        # "Back to the portal's home" (what the header link carries from the home page) asks for no page
        # in particular: each person then goes to where their work is (default_home_url).
        if path in (self.request.path, reverse("portal:home")):
            return ""
        return next_url

    def get_default_redirect_url(self):
        return default_home_url(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sign_in_methods"] = available_sign_in_methods(self.request)
        return context


def start_sign_in(request, method):
    """Begin signing in with the method registered as ``method`` (404 when unknown or unavailable)."""
    sign_in_method = get_available_sign_in_method(request, method)
    if sign_in_method is None:
        raise Http404(_("Không có cách đăng nhập này."))
    return sign_in_method.start(request)


class SignOutView(PlatformNameMixin, auth_views.LogoutView):
    """Sign out with a POST (CSRF-protected); a GET only asks for confirmation, so it works without JS."""

    http_method_names = ["get", "post", "options"]
    template_name = "identity/logout_confirm.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(self.get_default_redirect_url())
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        # Signed in with the national e-ID: end the provider's session too (RP-initiated logout), so
        # the next person at this computer is asked for their own VNeID password.
        id_token = request.session.get(vneid.ID_TOKEN_KEY, "")
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, _("Bạn đã đăng xuất."))
        upstream = vneid.end_session_url(request, id_token, next_url=self.get_redirect_url())
        return HttpResponseRedirect(upstream) if upstream else response

    def get_redirect_url(self):
        return safe_next_url(self.request, self.redirect_field_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.get_redirect_url()
        context["home_url"] = default_home_url(self.request.user)
        return context


def after_login(request):
    """Send a signed-in person to their home: officials to the workspace, everyone else to the portal."""
    return HttpResponseRedirect(default_home_url(request.user))


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Ask for a reset link; the next page is the same whether or not the address has an account."""

    form_class = PasswordResetRequestForm
    template_name = "identity/password_reset_form.html"
    email_template_name = "identity/password_reset_email.txt"
    subject_template_name = "identity/password_reset_subject.txt"
    success_url = reverse_lazy("identity:password-reset-sent")

    @property
    def extra_email_context(self):
        return {
            "site_name": settings.CONGSO_SITE_NAME,
            "valid_for": format_duration(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)),
        }


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "identity/password_reset_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["valid_for"] = format_duration(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))
        return context


class NewPasswordView(auth_views.PasswordResetConfirmView):
    """Set a new password from a reset link, then clear the account's failed sign-ins.

    Proving control of the account's e-mail is enough to lift a lockout of that account: the lockout
    page tells people to reset their password, and they must then be able to sign in at once.
    """

    form_class = NewPasswordForm
    template_name = "identity/password_reset_confirm.html"
    reset_url_token = "dat-mat-khau-moi"  # noqa: S105 (a URL segment, not a secret)
    success_url = reverse_lazy("identity:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        removed = clear_sign_in_failures(user.get_username())
        audit.record(
            "identity.password_reset.complete", user, actor=user, changes={"failed_sign_ins_cleared": removed}
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "identity/password_reset_complete.html"
