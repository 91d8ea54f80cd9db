"""The identity block's public functions: how a sign-in identifier is read, where a user lands after
signing in, the state of the sign-in lockout, and the rate limits of password-reset requests.

Other blocks call these instead of reaching into the user model or django-axes.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.db.models import Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from congso.core import audit, net, ratelimit

from .models import UserKind
from .validators import NATIONAL_ID_RE, normalise_phone

# Actor label of audit entries written for someone not signed in (a failed sign-in, a reset request).
ANONYMOUS_ACTOR_LABEL = "anonymous"

# People copy their national ID from the card or VNeID with spaces, dots or dashes between groups.
_ID_SEPARATORS_RE = re.compile(r"[\s.\-]")


def normalise_sign_in_identifier(raw: str | None) -> str:
    """Return what a person typed as a sign-in identifier, in the form accounts are stored in.

    Input: the raw text of the "user name or national ID" box (may be ``None``).
    Effect: none. Full-width digits and other compatibility characters become their plain form
    (NFKC), surrounding whitespace goes, and a national ID typed with separators
    (``"074 090 000 001"``) becomes its 12 digits. Anything else is returned stripped, otherwise as typed.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    compact = _ID_SEPARATORS_RE.sub("", text)
    if NATIONAL_ID_RE.fullmatch(compact):
        return compact
    return text


def canonical_sign_in_name(raw: str | None) -> str:
    """Return the one name under which sign-in attempts for ``raw`` are counted and checked.

    Input: what the person typed (user name in any letter case, national ID, or the verified phone or
    e-mail of a local account). Effect: one database query. When exactly one account has that user name
    (ignoring case), national ID, verified phone or verified e-mail, its exact user name is returned,
    so "Alice", "alice" and Alice's national ID share a single failure counter and a single lockout.
    Otherwise the normalised identifier, case-folded, is returned; the caller must never show the
    result to the person (it would reveal that the account exists and its user name).
    """
    identifier = normalise_sign_in_identifier(raw)
    if not identifier:
        return ""
    match = Q(username__iexact=identifier)
    if NATIONAL_ID_RE.fullmatch(identifier):
        match |= Q(national_id=identifier)
    # A local account signs in with its verified phone or e-mail (local_accounts), in any usual spelling.
    phone = normalise_phone(identifier)
    if phone:
        match |= Q(phone=phone, phone_verified_at__isnull=False)
    if "@" in identifier:
        match |= Q(email__iexact=identifier, email_verified_at__isnull=False)
    names = list(get_user_model().objects.filter(match).values_list("username", flat=True)[:2])
    if len(names) == 1:
        return names[0]
    return identifier.casefold()


def find_by_username(username: str):
    """Return the account whose user name is exactly ``username``, or ``None``. One query."""
    return get_user_model().objects.filter(username=username).first()


def user_exists(username: str) -> bool:
    """Return whether an account has exactly the user name ``username``. One query."""
    return get_user_model().objects.filter(username=username).exists()


def safe_next_url(request, field_name: str = REDIRECT_FIELD_NAME) -> str:
    """Return the page a person asked to go to after signing in, or ``""`` when it is not safe.

    Input: the request; the page is read from POST, else GET, under ``field_name`` (``next``).
    Only a path on this site, or a URL on this very host, is accepted (over HTTPS when the request
    is), so a link such as ``?next=https://evil.example/`` cannot send someone elsewhere after they
    signed in. No effect.
    """
    candidate = request.POST.get(field_name, request.GET.get(field_name, ""))
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def default_home_url(user) -> str:
    """Return the page a user lands on after signing in when no (safe) ``next`` page was asked for.

    Each person goes where their work is: officials and superusers (the platform's administrators, whom
    the workspace admits) to the workspace; other accounts the Django admin admits
    (``agencies.services.may_enter_admin``: staff with an administrative role) to the admin; citizens,
    business representatives, system accounts, staff without such a role and anyone not signed in to
    the portal's home page. No effect.
    """
    from congso.agencies import services as agency_services

    if not getattr(user, "is_authenticated", False):
        return reverse("portal:home")
    if user.kind == UserKind.OFFICIAL or user.is_superuser:
        return reverse("workspace:home")
    if agency_services.may_enter_admin(user):
        return reverse("admin:index")
    return reverse("portal:home")


@dataclass(frozen=True)
class SignInLock:
    """A lockout in force: the failures counted and when it ends at the latest (``None``: when an
    administrator lifts it, because no cool-off is configured)."""

    failures: int
    until: datetime | None


def sign_in_lock(username: str) -> SignInLock | None:
    """Return the lockout in force against ``username``, or ``None`` when it may sign in.

    Input: a canonical user name (see ``canonical_sign_in_name``). Effect: one query.
    Only failures counted against the name are considered, not those counted against a client's
    address and browser. ``until`` is the last failure plus the cool-off: when failures came from
    several places the lockout may end earlier, never later.
    """
    limit = axes_settings.AXES_FAILURE_LIMIT
    if not isinstance(limit, int):
        return None
    attempts = AccessAttempt.objects.filter(username=username)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    summary = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = summary["failures"] or 0
    if failures < limit:
        return None
    return SignInLock(failures=failures, until=summary["last"] + cool_off if cool_off is not None else None)


def clear_sign_in_failures(username: str) -> int:
    """Forget the failed sign-ins counted against one account name, without an audit entry.

    Input: the exact (canonical) user name. Effect: deletes the failed-attempt records of that name
    (what django-axes calls a reset) and returns how many there were. Failures recorded under other
    names from the same address and browser stay: lifting one account's lockout must not lift one
    that protects others. Callers record why they did it (``unlock_sign_in``, a password reset).
    """
    return AxesProxyHandler.reset_attempts(username=username)


def unlock_sign_in(username: str, *, subject=None, actor=None) -> int:
    """Lift the sign-in lockout of one account name and record who did it.

    Input: the exact (canonical) user name; ``subject`` is the user whose lockout is lifted, if known,
    and becomes the audit entry's object; ``actor`` is who lifts it (default: the signed-in user of the
    current request). Effect: ``clear_sign_in_failures`` plus an ``identity.unlock`` audit entry with
    the number of records removed, which is returned.
    """
    removed = clear_sign_in_failures(username)
    audit.record(
        "identity.unlock",
        subject,
        actor=actor,
        changes={"username": username, "attempts_removed": removed},
    )
    return removed


# --- Password-reset rate limits -----------------------------------------------------------------------


def client_address(request) -> str:
    """The address of the client that sent ``request``, as the password-reset limits count it: the
    proxy-aware ``core.net.client_address`` (``CONGSO_TRUSTED_PROXIES``), ``"unknown"`` without one."""
    return net.client_address(request) or "unknown"


def password_reset_allowed_from(address: str) -> bool:
    """Count one password-reset request from client ``address``; False once over
    ``CONGSO_PASSWORD_RESET_ADDRESS_LIMIT`` per ``CONGSO_PASSWORD_RESET_ADDRESS_WINDOW_SECONDS``."""
    return ratelimit.take(
        "identity.password_reset.address",
        address,
        limit=settings.CONGSO_PASSWORD_RESET_ADDRESS_LIMIT,
        window=settings.CONGSO_PASSWORD_RESET_ADDRESS_WINDOW_SECONDS,
    )


def password_reset_allowed_for(user) -> bool:
    """Count one password-reset mail for ``user``; False once over ``CONGSO_PASSWORD_RESET_ACCOUNT_LIMIT``
    per ``CONGSO_PASSWORD_RESET_ACCOUNT_WINDOW_SECONDS`` (so nobody floods a mailbox with reset links)."""
    return ratelimit.take(
        "identity.password_reset.account",
        str(user.pk),
        limit=settings.CONGSO_PASSWORD_RESET_ACCOUNT_LIMIT,
        window=settings.CONGSO_PASSWORD_RESET_ACCOUNT_WINDOW_SECONDS,
    )


def active_citizen_by_national_id(national_id: str):
    """The active citizen account carrying ``national_id`` (a counter dossier is attached to it), or None."""
    return (
        get_user_model()
        .objects.filter(national_id=national_id, is_active=True, kind=UserKind.CITIZEN)
        .first()
    )


# --- Levels of assurance (assurance.py) ------------------------------------------------------------------


def session_assurance_level(request) -> int:
    """The level of assurance (0, 1 or 2) the current sign-in proved: 1 for a password, the level the
    national e-ID asserted for VNeID; 0 when nobody is signed in. No effect."""
    from .assurance import session_level

    return session_level(request)


def sign_in_url_for_level(level: int, next_url: str = "") -> str:
    """Where to sign in to reach ``level``: the national e-ID method asking for that level, then back to
    ``next_url``. ``""`` when no sign-in method configured here can prove it. No effect."""
    from urllib.parse import urlencode

    from . import vneid

    if not vneid.is_configured():
        return ""
    query = {"muc": str(level)} if level >= 2 else {}
    if next_url:
        query["next"] = next_url
    url = reverse("identity:sign-in-method", args=["vneid"])
    return f"{url}?{urlencode(query)}" if query else url


# --- The e-ID share (the plan's target: 40% of users authenticated with an electronic identity) -------------

EID_SHARE_TARGET = 0.40
EID_METHODS = ("vneid",)


@dataclass(frozen=True)
class EidShare:
    """Active citizen and business accounts in a period (``active``: signed in at least once), those of
    them who signed in with the national e-ID at least once (``with_eid``), and the share (``None``
    when nobody was active)."""

    active: int
    with_eid: int
    share: float | None
    target: float = EID_SHARE_TARGET

    @property
    def meets_target(self) -> bool:
        return self.share is not None and self.share >= self.target


def _period_bounds(start, end) -> tuple[datetime, datetime]:
    """Dates are whole local days, both included; datetimes are used as given, ``end`` excluded."""
    from datetime import date, time, timedelta

    def bound(value, next_day=False):
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            day = value + timedelta(days=1) if next_day else value
            return timezone.make_aware(datetime.combine(day, time.min))
        raise TypeError(f"A period bound must be a date or a datetime, not {type(value).__name__}.")

    return bound(start), bound(end, next_day=True)


def eid_authenticated_share(start, end) -> EidShare:
    """Return the share of active citizens and businesses who signed in with the national e-ID in the
    period, for the reporting block (the plan's 40% target, ``EID_SHARE_TARGET``).

    Input: ``start`` and ``end`` as dates (whole days in the platform's time zone, both included) or
    aware datetimes (``end`` excluded). Counts distinct accounts of kind citizen or business from the
    audit log's ``identity.login`` entries: ``active`` those who signed in by any method, ``with_eid``
    those who signed in at least once with an e-ID method. Officials and system accounts are left
    out. Effect: two queries, reads only.
    """
    from django.db.models import BigIntegerField
    from django.db.models.functions import Cast

    from congso.core.models import AuditEntry

    since, until = _period_bounds(start, end)
    if until <= since:
        raise ValueError("The period's end must come after its start.")
    User = get_user_model()
    sign_ins = AuditEntry.objects.filter(
        action="identity.login",
        object_type=User._meta.label_lower,
        occurred_at__gte=since,
        occurred_at__lt=until,
    )

    def accounts(entries) -> int:
        signed_in = entries.annotate(account=Cast("object_id", BigIntegerField())).values("account")
        return User.objects.filter(kind__in=[UserKind.CITIZEN, UserKind.BUSINESS], pk__in=signed_in).count()

    active = accounts(sign_ins)
    with_eid = accounts(sign_ins.filter(changes__method__in=EID_METHODS))
    return EidShare(active=active, with_eid=with_eid, share=with_eid / active if active else None)


def may_act_for(person, principal, procedure_code: str, on=None) -> bool:
    """Whether ``person`` may submit ``procedure_code`` on behalf of ``principal`` (a business or its tax
    code, a person or their national ID) on ``on`` (today): the one rule of mandates, see
    ``identity.mandates.services.may_act_for``. No effect."""
    from .mandates import services as mandate_services

    return mandate_services.may_act_for(person, principal, procedure_code, on=on)


def record_act_for(person, principal: str, action: str, obj=None, **details) -> None:
    """Audit an act ``person`` did on behalf of ``principal`` (tax code or national ID), naming both
    (``identity.act_for``). Call inside the act's transaction."""
    from .mandates import services as mandate_services

    mandate_services.record_act_for(person, principal, action, obj, **details)


def active_accounts(ids) -> dict:
    """The active accounts among ``ids``, by id (what the notifications block needs to address people).
    Reads only."""
    wanted = {int(pk) for pk in ids if pk is not None}
    if not wanted:
        return {}
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=wanted, is_active=True)}
