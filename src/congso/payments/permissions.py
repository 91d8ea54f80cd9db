"""Who may do what with payments — the one place for the payments block's object-level rules.

- pay, see one's payment page, download one's receipts and results: the dossier's applicant (the
  dossier block's rule ``is_applicant``: its own account or the account that submitted it);
- see the payment panel of a dossier: whoever may view the dossier (``dossiers.permissions.VIEW``);
- ask for a refund: whoever may record payments on it (``COLLECT_PAYMENT``);
- approve or reject a refund: a leader (lãnh đạo) of the receiving agency who did not ask for it;
- the reconciliation page and resolving mismatches (the finance officer): a leader of any agency sees the
  mismatches of its dossiers and, of each reconciliation run, only how many of them are its own (a run
  covers every agency: its statement and match counts would tell one agency another's takings); a
  mismatch of another agency is answered as missing, not forbidden, so its existence is not revealed;
  a platform administrator sees all, including payments congso cannot match, and the runs' totals.
"""

from congso.agencies import services as agency_services
from congso.agencies.models import Role
from congso.dossiers import permissions as dossier_perms


def can_pay(user, dossier) -> bool:
    return dossier_perms.is_applicant(user, dossier)


def can_view(user, dossier) -> bool:
    return dossier_perms.can(user, dossier_perms.VIEW, dossier)


def can_request_refund(user, dossier) -> bool:
    return dossier_perms.can(user, dossier_perms.COLLECT_PAYMENT, dossier)


def can_decide_refund(user, refund) -> bool:
    dossier = refund.intent.dossier
    return (
        getattr(user, "is_authenticated", False)
        and user.pk != refund.requested_by_id
        and agency_services.has_role(user, Role.LEADER, dossier.receiving_agency)
    )


def finance_agency_ids(user) -> set[int] | None:
    """The agencies whose mismatches ``user`` may see and resolve; ``None`` means all of them (platform
    administrator); an empty set means the reconciliation page is closed to them."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if agency_services.is_platform_admin(user):
        return None
    # From the memberships read once per request: every workspace page asks (its navigation entry).
    return {m.agency_id for m in agency_services.memberships_for(user) if m.role == Role.LEADER}


def can_reconcile(user) -> bool:
    ids = finance_agency_ids(user)
    return ids is None or bool(ids)


def sees_run_totals(user) -> bool:
    """Whether the reconciliation runs' provider-wide counts (statement rows, matched) may be shown."""
    return finance_agency_ids(user) is None


def scope_mismatches(user, rows):
    """``rows`` (a queryset of mismatches) narrowed to those ``user`` may see and resolve."""
    ids = finance_agency_ids(user)
    if ids is None:
        return rows
    return rows.filter(intent__dossier__receiving_agency_id__in=ids)


def can_resolve(user, mismatch) -> bool:
    ids = finance_agency_ids(user)
    if ids is None:
        return True
    intent = mismatch.intent
    return intent is not None and intent.dossier.receiving_agency_id in ids
