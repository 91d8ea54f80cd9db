"""How a service acts on an existing dossier: lock its row, find the transition from its status, check
who may make it (an officer, or the process's authority), and the small formats its audit entries and
events share."""

from decimal import Decimal

from .. import permissions, states
from ..models import Dossier, hours_text


def _lock(dossier) -> Dossier:
    """Lock the dossier's row for this transaction and reload it, so the checks see the latest status."""
    Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True).first()
    dossier.refresh_from_db()
    return dossier


def _transition_for(dossier, name, target=None):
    return states.find(name, dossier.status, target)


def _act(dossier, user, name, authority=None):
    """Lock, find the transition from the current status, check its permission — the officer's, or the
    process authority when one is given (then ``user`` must be ``None``). Returns the transition."""
    if authority is not None and user is not None:
        raise TypeError("Give either an officer or a process authority, not both.")
    _lock(dossier)
    transition = _transition_for(dossier, name)
    if authority is not None:
        permissions.require_process_authority(authority, dossier)
    else:
        permissions.require(user, transition.permission, dossier)
    return transition


def _authority_extra(authority) -> dict:
    """What a change made on a process's authority records about it (status change and audit)."""
    if authority is None:
        return {}
    officer = authority.step_completed_by
    return {
        "process": authority.label,
        "step_completed_by": officer.pk if officer is not None else None,
    }


def _event_process(extra: dict) -> dict:
    return {"process": extra["process"]} if extra else {}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _hours_json(hours: Decimal | None) -> str | None:
    """Allotted hours for an audit entry (JSON): ``"8"`` or ``"0.5"``."""
    return hours_text(hours) if hours is not None else None
