"""Who may enter the officers' workspace — decided here and nowhere else.

An officer is an authenticated account of kind ``official`` that holds at least one staff membership
valid today (``agencies.services.is_staff_member``). A superuser may also enter, to set the platform
up before any agency exists. Everybody else is turned away: an anonymous visitor to the sign-in page
(coming back afterwards), a signed-in citizen or a former officer to a 403 page that says why.

Every workspace view uses ``workspace_required`` (function views) or ``WorkspaceRequiredMixin``
(class-based views). Besides guarding the view, it puts ``request.officer`` (an ``Officer``) on the
request; ``workspace/base.html`` reads it to show the officer's agencies and roles.
"""

from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from congso.agencies import services as agency_services

OFFICIAL_KIND = "official"
# Roles whose holders administer agencies or the platform through the Django admin (/quan-tri/).
ADMIN_ROLES = frozenset({"platform_admin", "agency_admin"})

NOT_SIGNED_IN = _("Bạn cần đăng nhập bằng tài khoản cán bộ để vào không gian làm việc.")
NOT_AN_OFFICIAL = _(
    "Không gian làm việc chỉ dành cho cán bộ, công chức. Tài khoản bạn đang dùng là tài khoản "
    "của người dân hoặc doanh nghiệp."
)
NO_MEMBERSHIP = _(
    "Tài khoản của bạn hiện chưa được phân công vào cơ quan nào, hoặc việc phân công đã hết hiệu lực. "
    "Hãy liên hệ người quản trị của cơ quan bạn để được phân công."
)


def can_enter_workspace(user) -> bool:
    """True when ``user`` may use the workspace: a superuser, or an official with a valid membership."""
    return refusal_reason(user) is None


def refusal_reason(user):
    """Why ``user`` may not enter the workspace (a translated message), or None when they may.

    Reads only. Anonymous users get a reason too, but ``workspace_required`` sends them to sign in.
    """
    if not user.is_authenticated or not user.is_active:
        return NOT_SIGNED_IN
    if user.is_superuser:
        return None
    if user.kind != OFFICIAL_KIND:
        return NOT_AN_OFFICIAL
    if not agency_services.is_staff_member(user):
        return NO_MEMBERSHIP
    return None


@dataclass
class AgencyRoles:
    """One agency and the memberships the officer holds in it (several roles are possible)."""

    agency: object
    memberships: list = field(default_factory=list)

    @property
    def role_labels(self) -> list[str]:
        return [m.get_role_display() for m in self.memberships]


@dataclass
class Officer:
    """The signed-in officer as the workspace shows them: memberships grouped by agency."""

    user: object
    memberships: list

    @property
    def agencies(self) -> list[AgencyRoles]:
        grouped: dict[object, AgencyRoles] = {}
        for membership in self.memberships:
            entry = grouped.setdefault(membership.agency, AgencyRoles(agency=membership.agency))
            entry.memberships.append(membership)
        return list(grouped.values())

    @property
    def can_open_admin(self) -> bool:
        """Whether to offer the link to /quan-tri/: the Django admin admits only ``is_staff`` accounts,
        and among them it is meant for superusers and platform or agency administrators."""
        if not (self.user.is_active and self.user.is_staff):
            return False
        return self.user.is_superuser or any(m.role in ADMIN_ROLES for m in self.memberships)


def _gate(request):
    """Return the response that turns ``request`` away, or None and attach ``request.officer``."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    reason = refusal_reason(user)
    if reason is not None:
        return render(request, "403.html", {"reason": reason}, status=403)
    request.officer = Officer(user=user, memberships=list(agency_services.memberships_for(user)))
    return None


def _private(response):
    # Officers' pages show personal data and are often opened on shared counter computers.
    add_never_cache_headers(response)
    return response


def workspace_required(view):
    """Decorator for a workspace function view: sign-in redirect, 403 or the view with ``request.officer``."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refusal = _gate(request)
        if refusal is not None:
            return _private(refusal)
        return _private(view(request, *args, **kwargs))

    return wrapped


class WorkspaceRequiredMixin:
    """The same guard for class-based views; put it first among the bases."""

    def dispatch(self, request, *args, **kwargs):
        refusal = _gate(request)
        if refusal is not None:
            return _private(refusal)
        return _private(super().dispatch(request, *args, **kwargs))
