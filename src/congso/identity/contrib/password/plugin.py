"""The password sign-in method: its form is the sign-in page itself."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congso.identity.base import SignInMethod
from congso.identity.registry import sign_in_methods
from congso.identity.services import safe_next_url


@sign_in_methods("password")
class PasswordSignIn(SignInMethod):
    name = "password"
    label = _("Tên đăng nhập và mật khẩu")
    description = _(
        "Dùng tài khoản đã đăng ký trên cổng: tên đăng nhập hoặc số định danh cá nhân, và mật khẩu."
    )
    order = 50
    template_name = "identity/methods/password.html"

    def start(self, request):
        # Nothing to set up: send the person to the form, keeping a safe ``next``.
        url = reverse("identity:login")
        next_url = safe_next_url(request)
        if next_url:
            url = f"{url}?{urlencode({'next': next_url})}"
        return HttpResponseRedirect(f"{url}#{self.name}")
