"""Signing out of congso (any way: the sign-out page, RP-initiated logout, the admin) ends the
person's sessions at clients (``services.end_sessions_at_sign_out``). Connected by ``IdentityConfig``."""

from django.contrib.auth.signals import user_logged_out
from oauth2_provider.settings import oauth2_settings

from . import services


def on_logged_out(sender, request, user, **kwargs):
    if user is None or request is None:
        return
    iss = oauth2_settings.oidc_issuer(request) if oauth2_settings.OIDC_ENABLED else ""
    services.end_sessions_at_sign_out(user, request.session.session_key, iss=iss)


def connect() -> None:
    user_logged_out.connect(on_logged_out, dispatch_uid="congso.identity.oidc.sign_out")
