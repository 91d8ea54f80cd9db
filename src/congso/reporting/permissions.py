"""Who sees which indicators: the one rule of the reporting block.

A leader oversees the agencies they lead and, for a province-level agency, every agency under it; a
leader of the provincial People's Committee and a platform administrator the whole province
(``agencies.services.oversight_for``, the rule the workflow monitoring follows too). Indicators that
exist only province-wide (the catalogue's, the LGSP's, e-ID) are shown to everyone who may open the
dashboard. The public page shows the province's headline figures to anyone, signed in or not.
"""

from congso.agencies import services as agency_services

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
