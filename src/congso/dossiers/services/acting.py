"""How a service acts on an existing dossier: lock its row, find the transition from its status, check
who may make it (an officer, or the process's authority), and the small formats its audit entries and
events share."""

from decimal import Decimal

from django.utils.translation import gettext as _

from .. import extensions, permissions, states
from ..errors import InvalidDossierInput
from ..models import Dossier, hours_text


def _lock(dossier) -> Dossier:
    """Lock the dossier's row for this transaction and reload it, so the checks see the latest status."""
    Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True).first()
    dossier.refresh_from_db()
    return dossier


def _transition_for(dossier, name, target=None):
    return states.find(name, dossier.status, target)


# What a dossier's BPMN process does itself (its service tasks) once it drives the dossier: an officer
# doing it by hand — on the page, through the open API, anywhere — would skip the process's own steps
# (the leader's approval) and leave its next step to fail on a dossier already moved.
PROCESS_DRIVEN = frozenset({"start_processing", "mark_result_ready"})


def refuse_by_hand_while_process_drives(dossier) -> None:
    """Raise ``InvalidDossierInput`` (code ``routed_by_process`` or ``process_starting``) when a process
    routes ``dossier`` or is being started for it. Asked under the dossier's lock: the process's start
    locks it too, so it cannot slip in between this check and the change."""
    if dossier.routed_by_process:
        raise InvalidDossierInput(
            _(
                "Hồ sơ {code} đang được chuyển bước theo {process}; hãy xử lý bước của bạn trong "
                "danh sách công việc."
            ).format(code=dossier.code, process=dossier.routed_by_process),
            code="routed_by_process",
        )
    if extensions.process_start_pending(dossier):
        raise InvalidDossierInput(
            _(
                "Hồ sơ {code} đang khởi tạo quy trình xử lý; hồ sơ sẽ được chuyển theo quy trình, "
                "vui lòng tải lại trang sau ít phút."
            ).format(code=dossier.code),
            code="process_starting",
        )


def _act(dossier, user, name, authority=None):
    """Lock, find the transition from the current status, check its permission — the officer's, or the
    process authority when one is given (then ``user`` must be ``None``) — and, for an officer, that no
    process drives what the transition does (``PROCESS_DRIVEN``). Returns the transition."""
    if authority is not None and user is not None:
        raise TypeError("Give either an officer or a process authority, not both.")
    _lock(dossier)
    transition = _transition_for(dossier, name)
    if authority is not None:
        permissions.require_process_authority(authority, dossier)
    else:
        permissions.require(user, transition.permission, dossier)
        if name in PROCESS_DRIVEN:
            refuse_by_hand_while_process_drives(dossier)
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
