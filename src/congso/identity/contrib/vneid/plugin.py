"""The national e-ID (VNeID) sign-in method: leave for the provider, come back to ``callback``."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from congso.core import audit
from congso.identity import vneid
from congso.identity.assurance import prepare_sign_in
from congso.identity.base import SignInMethod
from congso.identity.models import AssuranceLevel
from congso.identity.registry import sign_in_methods
from congso.identity.services import ANONYMOUS_ACTOR_LABEL, default_home_url, safe_next_url

BACKEND = "congso.identity.backends.UsernameOrNationalIdBackend"


@sign_in_methods("vneid")
class VneidSignIn(SignInMethod):
    name = "vneid"
    label = _("VNeID")
    description = _(
        "Dùng tài khoản định danh điện tử VNeID của Bộ Công an. Lần đầu đăng nhập, cổng tạo tài khoản theo "
        "số định danh cá nhân của bạn."
    )
    order = 10

    def is_available(self, request):
        return vneid.is_configured()

    def start(self, request):
        level = AssuranceLevel.LEVEL_2 if request.GET.get("muc") == "2" else AssuranceLevel.LEVEL_1
        try:
            url = vneid.begin(request, level=level, next_url=safe_next_url(request))
        except vneid.VneidError as error:
            return _failed(request, error)
        return HttpResponseRedirect(url)


def _failed(request, error: vneid.VneidError):
    audit.record(
        "identity.login.failed",
        changes={"method": VneidSignIn.name, "reason": error.reason},
        label=ANONYMOUS_ACTOR_LABEL,
    )
    return render(request, "identity/vneid_failed.html", {"message": error.message}, status=400)


@never_cache
def callback(request):
    """Where the provider sends the browser back: check everything, then sign the person in."""
    try:
        person, next_url = vneid.complete(request)
        user, created = vneid.account_for(person, signed_in=request.user)
    except vneid.VneidError as error:
        return _failed(request, error)
    prepare_sign_in(request, method=VneidSignIn.name, level=person.level)
    login(request, user, backend=BACKEND)
    request.session[vneid.ID_TOKEN_KEY] = person.id_token
    if created:
        messages.success(request, _("Đã tạo tài khoản của bạn trên cổng từ định danh điện tử VNeID."))
    return HttpResponseRedirect(next_url or default_home_url(user))


@never_cache
def logged_out(request):
    """Where the provider sends the browser back after ending its own session (RP-initiated logout).
    A ``state`` that is not the one sent changes nothing and leads home: nothing here is acted upon."""
    next_url = vneid.finish_logout(request, request.GET.get("state", ""))
    if next_url is None:
        return HttpResponseRedirect(default_home_url(request.user))
    messages.info(request, _("Bạn cũng đã đăng xuất khỏi VNeID."))
    return HttpResponseRedirect(next_url or default_home_url(request.user))
