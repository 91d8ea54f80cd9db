"""Who sees which indicators: the one rule of the reporting block.

A leader oversees the agencies they lead and, for a province-level agency, every agency under it; a
leader of the provincial People's Committee and a platform administrator the whole province
(``agencies.services.oversight_for``, the rule the workflow monitoring follows too). Indicators that
exist only province-wide (the catalogue's, the LGSP's, e-ID) are shown to everyone who may open the
dashboard. The public page shows the province's headline figures to anyone, signed in or not.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from congso.agencies import services as agency_services
from congso.core import request_cache

from .indicators import Scope


def dashboard_scope(user) -> Scope | None:
    """The scope of ``user``'s dashboard, or None when they may not open it. Reads only."""
    oversight = agency_services.oversight_for(user)
    if oversight is None:
        return None
    return Scope(None if oversight.everything else frozenset(oversight.agency_ids))


def may_open_dashboard(user) -> bool:
    return dashboard_scope(user) is not None


def narrowed(scope: Scope, agency_id: int | None) -> Scope | None:
    """``scope`` narrowed to one agency it covers, or None when it does not cover it."""
    if agency_id is None:
        return scope
    if scope.is_province or agency_id in scope.agency_ids:
        return Scope(frozenset({agency_id}))
    return None


# --- Periodic IT-application reports ------------------------------------------------------------------

FILLING_ROLES = ("leader", "agency_admin", "clerk", "specialist")
COORDINATING_ROLES = ("leader", "specialist")


def coordinator_agency():
    """The coordinating department that collects the reports (``CONGSO_REPORTING_COORDINATOR_CODE``, the
    Department of Science and Technology since March 2025 [verify per province]); read once per request,
    since every workspace page asks (its navigation)."""
    agency = _coordinator_or_none()
    if agency is None:
        raise ObjectDoesNotExist(settings.CONGSO_REPORTING_COORDINATOR_CODE)
    return agency


def _coordinator_or_none():
    code = settings.CONGSO_REPORTING_COORDINATOR_CODE

    def find():
        try:
            return agency_services.get_agency_by_code(code)
        except ObjectDoesNotExist:  # not registered (a fresh install): nobody coordinates but the platform
            return None

    return request_cache.remember(("reporting.coordinator", code), find)


def is_coordinator(user) -> bool:
    """A platform administrator, or a leader or specialist of the coordinating department."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if agency_services.is_platform_admin(user):
        return True
    # The memberships (read once per request, their agencies loaded) name the agency by its code.
    code = settings.CONGSO_REPORTING_COORDINATOR_CODE
    return any(
        m.agency.code == code and m.role in COORDINATING_ROLES for m in agency_services.memberships_for(user)
    )


def may_fill(user, report) -> bool:
    """Whether ``user`` prepares and sends ``report``: a leader, administrator, clerk or specialist of the
    reporting agency."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(agency_services.roles_for(user, report.agency) & set(FILLING_ROLES))


def may_see_report(user, report) -> bool:
    return may_fill(user, report) or is_coordinator(user)


def may_use_it_reports(user) -> bool:
    """Whether the periodic reports' entry shows in the workspace: the coordinating department's staff,
    and the staff who fill their agency's reports."""
    if is_coordinator(user):
        return True
    return any(m.role in FILLING_ROLES for m in agency_services.memberships_for(user))
