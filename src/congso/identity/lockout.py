"""Glue between django-axes (lockout after repeated failed sign-ins) and this block.

Two functions are meant for settings, so that every sign-in entry point (the admin's own login page
too, not only congso's sign-in page) behaves like the sign-in page:

- ``lockout_username`` for ``AXES_USERNAME_CALLABLE``: axes counts every spelling of an account (user
  name in any letter case, national ID with or without separators) under one name;
- ``lockout_response`` for ``AXES_LOCKOUT_CALLABLE``: the lockout answer is always the HTML page,
  with ``Retry-After``. Axes's own answer to a request marked ``X-Requested-With: XMLHttpRequest`` is
  JSON carrying the user name it counted under, which would tell anyone the account behind a national ID.
"""

from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render

from .backends import CREDENTIALS_CHECKED_ATTR
from .services import canonical_sign_in_name

_CACHE_ATTR = "identity_canonical_names"


def lockout_username(request, credentials=None) -> str | None:
    """Return the name axes counts a sign-in attempt under (``AXES_USERNAME_CALLABLE``).

    Axes asks several times per attempt, so the answer is kept on the request.
    """
    field = axes_settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field)
    else:
        raw = getattr(request, "data", request.POST).get(field) if request is not None else None
    if not raw:
        return None
    cache = getattr(request, _CACHE_ATTR, None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            setattr(request, _CACHE_ATTR, cache)
    if raw not in cache:
        cache[raw] = canonical_sign_in_name(raw)
    return cache[raw]


def refused_by_lockout(request) -> bool:
    """Tell whether a failed sign-in was refused by the lockout before any password was checked.

    Valid inside a ``user_login_failed`` receiver that runs after axes's own (see ``signals.py``).
    """
    if request is None:
        return False
    return bool(getattr(request, "axes_locked_out", False)) and not getattr(
        request, CREDENTIALS_CHECKED_ATTR, False
    )


def caused_lockout(request) -> bool:
    """Tell whether the attempt that axes just reported as locked out is the one that locked it.

    Axes also reports every attempt refused during a lockout; only the failure that reached the limit
    had its password checked.
    """
    return request is not None and bool(getattr(request, CREDENTIALS_CHECKED_ATTR, False))


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked-out sign-in attempt (``AXES_LOCKOUT_CALLABLE``).

    Renders ``AXES_LOCKOUT_TEMPLATE`` with ``AXES_HTTP_RESPONSE_CODE`` (429) whatever the request asks
    for, with ``failure_limit`` and ``cooloff_timedelta`` but never the user name, and tells clients
    when to come back in ``Retry-After`` (seconds).
    """
    context = {"failure_limit": get_failure_limit(request, credentials)}
    cool_off = get_cool_off(request)
    if cool_off:
        context["cooloff_timedelta"] = cool_off
    response = render(
        request,
        axes_settings.AXES_LOCKOUT_TEMPLATE or "identity/locked_out.html",
        context,
        status=axes_settings.AXES_HTTP_RESPONSE_CODE,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
