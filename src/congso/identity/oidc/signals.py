"""Signing out of congso (any way: the sign-out page, RP-initiated logout, the admin) ends the
person's sessions at clients (``services.end_sessions_at_sign_out``). Connected by ``IdentityConfig``."""

from django.contrib.auth.signals import user_logged_out
from django.core.exceptions import DisallowedHost
from oauth2_provider.settings import oauth2_settings

from . import services


def _issuer(request) -> str:
    """The issuer the ID tokens named, from the request when it is not configured ("" when the request
    cannot tell, e.g. a test client's bare request: the worker then uses ``services.issuer()``)."""
    if not oauth2_settings.OIDC_ENABLED:
        return ""
    try:
        return oauth2_settings.oidc_issuer(request)
    except (KeyError, DisallowedHost):
        return ""


def on_logged_out(sender, request, user, **kwargs):
    if user is None or request is None or not hasattr(request, "session"):
        return
    services.end_sessions_at_sign_out(user, request.session.session_key, iss=lambda: _issuer(request))


def connect() -> None:
    user_logged_out.connect(on_logged_out, dispatch_uid="congso.identity.oidc.sign_out")
