"""Audit of sign-in events: Django's and django-axes's signals become ``core.audit`` entries.

Connected by ``IdentityConfig.ready`` through ``connect()``. The client address and browser come from
the request context that ``core.middleware.RequestContextMiddleware`` binds. Passwords are never
recorded: Django masks them in the credentials it sends, and only the user name is kept.

Actions: ``identity.login``, ``identity.login.failed`` (reason ``invalid_credentials`` or
``locked_out``), ``identity.lockout`` (the failure that reached the limit), ``identity.logout``.
Password resets and unlocks are recorded where they happen (``forms``, ``views``, ``services``).
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from congso.core import audit

from . import second_factor
from .assurance import LEVEL_ATTRIBUTE, METHOD_ATTRIBUTE, set_session_level
from .lockout import caused_lockout, refused_by_lockout
from .models import AssuranceLevel
from .services import ANONYMOUS_ACTOR_LABEL


def on_logged_in(sender, request, user, **kwargs):
    # The method and level a sign-in method proved (``assurance.prepare_sign_in``); a password: level 1.
    method = getattr(request, METHOD_ATTRIBUTE, "password")
    level = getattr(request, LEVEL_ATTRIBUTE, AssuranceLevel.LEVEL_1)
    if request is not None and hasattr(request, "session"):
        set_session_level(request, level, method)
        second_factor.signed_in(request)
    # The request context still holds the anonymous user of the start of the request: name the actor.
    audit.record(
        "identity.login",
        user,
        actor=user,
        changes={"backend": getattr(user, "backend", ""), "method": method, "assurance_level": int(level)},
    )


def on_logged_out(sender, request, user, **kwargs):
    if user is None:  # signing out without being signed in changes nothing
        return
    audit.record("identity.logout", user, actor=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")[:150]
    reason = "locked_out" if refused_by_lockout(request) else "invalid_credentials"
    audit.record(
        "identity.login.failed",
        changes={"username": username, "reason": reason},
        label=ANONYMOUS_ACTOR_LABEL,
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    # Axes sends this for the failure that reaches the limit and again for every attempt refused
    # during the lockout; those are already recorded as failures with reason "locked_out".
    if not caused_lockout(request):
        return
    audit.record(
        "identity.lockout",
        changes={
            "username": str(username or "")[:150],
            "failures": getattr(request, "axes_failures_since_start", None),
        },
        label=ANONYMOUS_ACTOR_LABEL,
    )


def connect() -> None:
    """Connect the audit receivers (idempotent).

    Importing ``axes.signals`` first connects axes's own receivers before ours, so that when ours run
    axes has already counted the failure and flagged a lockout on the request.
    """
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="congso.identity.audit.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="congso.identity.audit.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="congso.identity.audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="congso.identity.audit.locked_out")
