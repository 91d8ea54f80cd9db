"""Who may call the API, and for whom a system may act — decided here and nowhere else.

The rule for a system acting for an officer (``may_act_for``): an LGSP system whose owner agency is
``A`` may act for an officer who today holds a staff role in ``A`` itself or in an agency below ``A`` in
the agency tree (a department's land software acts for the department's and its sub-units' officers; the
service centre's one-stop software for the centre's). A system without an owner agency (an outside
organisation's, or the platform's) acts for nobody. The officer must be able to enter the workspace
(``workspace.permissions``: an official with a membership in force). Anything else is refused with 403,
the same answer whether the user name exists or not.

What the officer may then do is decided exactly as in the workspace: ``Dossier.objects.visible_to`` for
what they see (others' dossiers are 404) and ``dossiers.permissions`` inside ``dossiers.services`` for
each transition (403 when the role does not grant it). There is no second permission table here.

Dossier operations need a person: an acting officer, or the workspace's own session. A citizen's session
is refused (403) — the API is the agencies'; citizens use the portal. Procedures and agencies may be read
by any authenticated caller (they are public information).
"""

import time

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from congso.agencies import services as agency_services
from congso.workspace.permissions import can_enter_workspace

MANDATE_CACHE_SECONDS = 60.0
_mandates: dict[tuple, tuple[float, frozenset[int]]] = {}


def mandated_agency_ids(system) -> frozenset[int]:
    """The agencies whose officers ``system`` may act for: its owner agency and every agency below it in
    force today. Kept in the process for a minute per (system, owner agency, day): the agency tree changes
    rarely, and walking it costs a query per level on every call."""
    owner = getattr(system, "owner_agency", None)
    if owner is None:
        return frozenset()
    today = timezone.localdate()
    key = (system.pk, owner.pk, today)
    now = time.monotonic()
    cached = _mandates.get(key)
    if cached is not None and now - cached[0] < MANDATE_CACHE_SECONDS:
        return cached[1]
    found = frozenset({owner.pk} | {a.pk for a in agency_services.agency_descendants(owner, on=today)})
    if len(_mandates) > 10_000:
        _mandates.clear()
    _mandates[key] = (now, found)
    return found


def may_act_for(system, user) -> bool:
    """Whether ``system`` may act for ``user`` (see the module's rule). Reads only; never raises."""
    if user is None or not can_enter_workspace(user):
        return False
    mandated = mandated_agency_ids(system)
    if not mandated:
        return False
    return bool({m.agency_id for m in agency_services.memberships_for(user)} & mandated)


def is_authenticated_caller(request) -> bool:
    return request.auth is not None or bool(getattr(request.user, "is_authenticated", False))


class AuthenticatedCaller(BasePermission):
    """An LGSP system (with or without an acting officer) or a signed-in person."""

    message = _("Cần xác thực bằng token truy cập LGSP hoặc phiên đăng nhập.")

    def has_permission(self, request, view) -> bool:
        return is_authenticated_caller(request)


class ActingOfficer(BasePermission):
    """A person whose dossier permissions apply: the officer a system acts for, or a signed-in officer."""

    def has_permission(self, request, view) -> bool:
        if not is_authenticated_caller(request):
            return False
        user = request.user
        if not getattr(user, "is_authenticated", False):
            self.message = _(
                "Thao tác với hồ sơ cần nêu cán bộ mà hệ thống thực hiện thay "
                "(tiêu đề X-Congso-Acting-Officer)."
            )
            return False
        if not can_enter_workspace(user):
            self.message = _("API hồ sơ chỉ dành cho cán bộ, công chức của cơ quan đang giữ hồ sơ.")
            return False
        return True
