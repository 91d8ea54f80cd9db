"""Levels of assurance of a sign-in (Decree 69/2024: level 1 and level 2), kept on the session.

Each sign-in method sets the level it proved: the password method level 1 (``signals.on_logged_in``
sets it for every sign-in, as the floor), the national e-ID method the level the provider asserted in
``acr`` (``vneid``). Other blocks read it through ``services.session_assurance_level``.
"""

from .models import AssuranceLevel

SESSION_KEY = "congso.assurance_level"
SESSION_METHOD_KEY = "congso.sign_in_method"
# Set on the request by a sign-in method just before ``login()`` (``prepare_sign_in``); read by the
# ``user_logged_in`` receiver, which stores them on the session and in the audit entry of the sign-in.
METHOD_ATTRIBUTE = "congso_sign_in_method"
LEVEL_ATTRIBUTE = "congso_assurance_level"

# ``acr`` values as the national providers send them: "LoA1"/"LoA2" (DVCQG, acr_values) or "1"/"2"
# (VNeID's Keycloak tokens, STANDARDS.md §8.5).
_ACR_LEVELS = {
    "loa1": AssuranceLevel.LEVEL_1,
    "loa2": AssuranceLevel.LEVEL_2,
    "1": AssuranceLevel.LEVEL_1,
    "2": AssuranceLevel.LEVEL_2,
}


def level_from_acr(acr) -> int:
    """The level of assurance an ``acr`` claim states; ``NONE`` (0) for a missing or unknown value."""
    return int(_ACR_LEVELS.get(str(acr or "").strip().casefold(), AssuranceLevel.NONE))


def acr_for_level(level: int) -> str:
    """The ``acr_values`` to ask an upstream provider for, for ``level`` (1 or 2)."""
    return "LoA2" if level >= AssuranceLevel.LEVEL_2 else "LoA1"


def prepare_sign_in(request, *, method: str, level: int) -> None:
    """Say, before calling ``django.contrib.auth.login``, which method signed the person in and at what
    level (methods other than the password)."""
    setattr(request, METHOD_ATTRIBUTE, method)
    setattr(request, LEVEL_ATTRIBUTE, int(level))


def set_session_level(request, level: int, method: str) -> None:
    request.session[SESSION_KEY] = int(level)
    request.session[SESSION_METHOD_KEY] = method


def session_level(request) -> int:
    """The level of assurance of the current sign-in; 0 when nobody is signed in."""
    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        return int(AssuranceLevel.NONE)
    # A session from before levels were recorded was a password sign-in: level 1.
    return int(request.session.get(SESSION_KEY, AssuranceLevel.LEVEL_1))


def session_method(request) -> str:
    return request.session.get(SESSION_METHOD_KEY, "") if hasattr(request, "session") else ""
