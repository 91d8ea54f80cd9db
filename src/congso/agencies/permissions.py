"""Who may administer what in the admin (/quan-tri/) — decided here and nowhere else.

Three kinds of administrator, each with an ``AdminScope``:

- a **superuser** administers everything and is the only one who may grant the platform-administrator
  role or make an account a superuser or staff (those flags, groups and model permissions are theirs);
- a **platform administrator** (``platform_admin`` membership in force today) administers every agency and
  may grant every role except ``platform_admin``;
- an **agency administrator** (``agency_admin`` membership in force today) administers the agencies where
  they hold that role and every agency below them in the tree, and may grant there the officer roles
  only (one-stop officer, specialist, leader, clerk): the administrative roles are granted from above,
  so that nobody can raise their own reach.

Anyone else — even with ``is_staff`` and model permissions — does not enter the admin. Admin pages are
platform-only unless they declare themselves agency-scoped (``congso.agencies.admin_site``), and the
scoped ones (agencies, memberships, user accounts) use the functions below for every list, form and
permission check, so a page can never grant more than this module says.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from congso.core import request_cache

from .models import Agency, Role, StaffMembership

# The roles an agency administrator may grant: officers' roles, never an administrative one.
OFFICER_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK})
ADMINISTRATIVE_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN})
# The fields of a user account that only a superuser may see or change.
SUPERUSER_ONLY_USER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
# The account kind an agency administrator may create and manage: officials, never citizens.
OFFICIAL_KIND = "official"


@dataclass(frozen=True)
class AdminScope:
    """What one person may administer. ``agency_ids`` is None when every agency is in scope."""

    is_superuser: bool = False
    is_platform_admin: bool = False
    agency_ids: frozenset[int] | None = frozenset()
    grantable_roles: frozenset[str] = frozenset()

    @property
    def is_admin(self) -> bool:
        """Whether the person administers anything at all (may enter the admin)."""
        return self.is_superuser or self.is_platform_admin or bool(self.agency_ids)

    @property
    def is_platform(self) -> bool:
        """Whether the person administers the whole platform (superuser or platform administrator)."""
        return self.is_superuser or self.is_platform_admin

    def covers(self, agency) -> bool:
        """Whether ``agency`` (an Agency, its id or None) is one this person administers."""
        if self.agency_ids is None:
            return True
        agency_id = getattr(agency, "pk", agency)
        return agency_id is not None and agency_id in self.agency_ids

    def may_grant(self, role: str, agency) -> bool:
        """Whether this person may give (or keep editing) ``role`` at ``agency``."""
        return role in self.grantable_roles and self.covers(agency)


NO_SCOPE = AdminScope()


def _active(user) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and user.pk is not None
    )


ADMIN_SCOPE_MEMO = "agencies.admin_scope"


def admin_scope(user) -> AdminScope:
    """The ``AdminScope`` of ``user`` today, computed once per request (``core.request_cache``: the
    workspace navigation alone asks for it several times a page; a membership or agency saved during the
    request drops it, with the memberships). Reads only; raises nothing."""
    if not _active(user):
        return NO_SCOPE
    return request_cache.remember((ADMIN_SCOPE_MEMO, user.pk, user.is_superuser), lambda: _admin_scope(user))


def _admin_scope(user) -> AdminScope:
    from . import services

    if user.is_superuser:
        return AdminScope(is_superuser=True, agency_ids=None, grantable_roles=frozenset(Role.values))
    # Today's memberships, already read for this request (with their agencies): most officers administer
    # nothing, and for them no query is built at all.
    memberships = services.memberships_for(user)
    if any(m.role == Role.PLATFORM_ADMIN for m in memberships):
        return AdminScope(
            is_platform_admin=True,
            agency_ids=None,
            grantable_roles=frozenset(Role.values) - {Role.PLATFORM_ADMIN},
        )
    administered = {m.agency_id: m.agency for m in memberships if m.role == Role.AGENCY_ADMIN}
    if not administered:
        return NO_SCOPE
    ids = set(administered)
    for agency in administered.values():
        ids.update(child.pk for child in services.agency_descendants(agency))
    return AdminScope(agency_ids=frozenset(ids), grantable_roles=OFFICER_ROLES)


def admin_scope_for_request(request) -> AdminScope:
    """``admin_scope(request.user)``, computed once per request (the admin asks many times a page)."""
    scope = getattr(request, "_congso_admin_scope", None)
    if scope is None:
        scope = admin_scope(request.user)
        request._congso_admin_scope = scope
    return scope


def may_enter_admin(user) -> bool:
    """Whether ``user`` may use the admin at all: an active staff account that administers something."""
    return _active(user) and user.is_staff and admin_scope(user).is_admin


def agencies_in_scope(scope: AdminScope, queryset: QuerySet[Agency] | None = None) -> QuerySet[Agency]:
    """``queryset`` (every agency by default) narrowed to the agencies ``scope`` administers."""
    queryset = Agency.objects.all() if queryset is None else queryset
    if scope.agency_ids is None:
        return queryset
    return queryset.filter(pk__in=scope.agency_ids)


def memberships_in_scope(
    scope: AdminScope, queryset: QuerySet[StaffMembership] | None = None
) -> QuerySet[StaffMembership]:
    """``queryset`` narrowed to the memberships held in an agency ``scope`` administers."""
    queryset = StaffMembership.objects.all() if queryset is None else queryset
    if scope.agency_ids is None:
        return queryset
    return queryset.filter(agency_id__in=scope.agency_ids)


def may_manage_membership(scope: AdminScope, membership: StaffMembership) -> bool:
    """Whether ``scope`` may change or delete ``membership`` as it stands: it must be at an administered
    agency and in a role they may grant (an agency administrator cannot edit a platform administrator's
    membership, e.g. to put their own account on it)."""
    return scope.may_grant(membership.role, membership.agency_id)


def users_in_scope(scope: AdminScope, queryset: QuerySet) -> QuerySet:
    """``queryset`` of user accounts narrowed to those ``scope`` may see and manage.

    A superuser: all. A platform administrator: all but superusers (taking over a superuser's account
    would make them one). An agency administrator: officials who are neither superusers nor staff, whose
    every membership (past, present or future) is at an administered agency in a role they may grant —
    so also officials not yet assigned anywhere, whom they are about to assign.
    """
    if scope.is_superuser:
        return queryset
    if scope.is_platform_admin:
        return queryset.filter(is_superuser=False)
    if not scope.agency_ids:
        return queryset.none()
    outside = StaffMembership.objects.filter(
        ~Q(agency_id__in=scope.agency_ids) | ~Q(role__in=scope.grantable_roles)
    ).values("user_id")
    return queryset.filter(kind=OFFICIAL_KIND, is_superuser=False, is_staff=False).exclude(pk__in=outside)
