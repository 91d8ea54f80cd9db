"""Who may do what with the national portal link — decided here and nowhere else.

- **Superuser, platform administrator**: the link's pages for every agency; retry any dossier's
  reports; retry a national dossier not taken; the catalogue comparison and "pull now".
- **Agency administrator**: the link's pages for the dossiers received by agencies they administer, and
  retry those dossiers' reports; not the national dossiers not taken (their agency may be unknown), not
  the catalogue (it is the province's).
- **Other officers, citizens, anonymous**: nothing.

The sync panel on a dossier's page is shown to whoever may see the dossier (the dossier page checks
that); its "send now" button only to those who may retry that dossier.
"""

from congso.agencies.permissions import admin_scope
from congso.workspace.permissions import can_enter_workspace


def _scope(user):
    if not getattr(user, "is_authenticated", False) or not can_enter_workspace(user):
        return None
    scope = admin_scope(user)
    return scope if scope.is_admin else None


def can_operate(user) -> bool:
    """May open the link's pages (the failures of their scope)."""
    return _scope(user) is not None


def agency_scope(user):
    """The agency ids whose dossiers ``user`` operates, None for every agency; raises nothing (callers
    check ``can_operate`` first)."""
    scope = _scope(user)
    return scope.agency_ids if scope is not None else frozenset()


def is_province_wide(user) -> bool:
    scope = _scope(user)
    return scope is not None and scope.agency_ids is None


def can_retry(user, dossier) -> bool:
    scope = _scope(user)
    if scope is None:
        return False
    return scope.agency_ids is None or dossier.receiving_agency_id in scope.agency_ids


def can_retry_incoming(user) -> bool:
    return is_province_wide(user)


def can_manage_catalogue(user) -> bool:
    return is_province_wide(user)
