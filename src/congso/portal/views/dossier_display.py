"""How a dossier reads for its applicant, shared by "Hồ sơ của tôi" and the public status page: loading
the signed-in person's dossier (someone else's is a 404 that says nothing), whether it is on time, one
row of the list, and the history without officers' names.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.dossiers import services as dossier_services
from congso.dossiers.models import Dossier, Status, Timeliness

from .. import services

# Transitions whose reason is written for the applicant (forms 02, 03, 05; the payment request; the
# result); the reasons of other steps are officers' working notes and stay in the back office.
LETTER_STATUSES = frozenset(
    {
        Status.REFUSED,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
        Status.WITHDRAWN,
        Status.STOPPED,
        Status.RESULT_READY,
        Status.RESULT_RETURNED,
    }
)
ACTION_STATUSES = frozenset({Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT})
_TIMELINESS_TAGS = {Timeliness.EARLY: "early", Timeliness.ON_TIME: "ontime", Timeliness.LATE: "late"}


def owned(request, public_id) -> Dossier:
    """The signed-in person's dossier (as applicant or submitter); anything else is a 404 that says
    nothing about whether the dossier exists."""
    try:
        return dossier_services.get_for_applicant(request.user, public_id)
    except ObjectDoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None


@dataclass(frozen=True)
class DeadlineState:
    tag: str  # a congso.css tag modifier: late, ontime, early, warn
    label: str


def deadline_state(dossier, now=None) -> DeadlineState | None:
    """Whether the dossier is (or was) on time, as a tag: the classification once it is finished; for an
    open dossier, "Quá hạn" once the appointment has passed while the clock runs."""
    if dossier.timeliness:
        return DeadlineState(_TIMELINESS_TAGS[dossier.timeliness], str(Timeliness(dossier.timeliness).label))
    if not dossier.is_open or dossier.due_at is None:
        return None
    if dossier.paused_at is not None:
        return DeadlineState("warn", _("Tạm dừng tính thời hạn trong lúc chờ bổ sung"))
    if dossier.due_at < (now or timezone.now()):
        return DeadlineState("late", _("Quá hạn"))
    return None


def acting_for_name(dossier, user) -> str:
    """The person or organisation represented, when ``user`` submitted the dossier for someone else."""
    acting = dossier.acting_for or {}
    if dossier.submitted_by_id == user.pk and acting.get("full_name"):
        return str(acting["full_name"])
    return ""


@dataclass
class DossierRow:
    dossier: Dossier
    status_label: str
    sentence: str
    deadline: DeadlineState | None
    acting_for: str
    needs_action: bool


def dossier_row(dossier, user, now) -> DossierRow:
    return DossierRow(
        dossier=dossier,
        status_label=services.status_label(dossier.status),
        sentence=services.status_explanation(dossier.status),
        deadline=deadline_state(dossier, now),
        acting_for=acting_for_name(dossier, user),
        needs_action=dossier.status in ACTION_STATUSES,
    )


def supplement_request_of(dossier):
    """The dossier's supplement request (form 02), or None when none was made."""
    try:
        return dossier.supplement_request
    except ObjectDoesNotExist:
        return None


@dataclass
class HistoryLine:
    at: datetime
    title: str
    text: str = ""
    items: list = field(default_factory=list)
    due_at: datetime | None = None


def history_line(entry, *, with_text: bool) -> HistoryLine:
    """One timeline entry as the applicant reads it: no officer names; a hand-over names the receiving
    unit; a reason only where it was written for the applicant, and only ``with_text``."""
    detail = entry.detail
    line = HistoryLine(at=entry.at, title=entry.title)
    if entry.kind == "hand_over":
        line.text = _("Chuyển đến: %(unit)s") % {"unit": detail.get("to") or detail.get("to_agency")}
    elif entry.kind == "extension":
        line.due_at = detail.get("new_due_at")
        if with_text:
            line.text = detail.get("reason") or ""
    elif with_text and detail.get("to_status") in LETTER_STATUSES:
        reasons = [str(r) for r in detail.get("reasons") or []]
        if len(reasons) > 1:
            line.items = reasons
        else:
            line.text = detail.get("reason") or ""
        line.items = line.items or [str(i) for i in detail.get("items") or []]
    return line


def history(entries, *, with_text: bool) -> list[HistoryLine]:
    """The timeline, newest first."""
    return [history_line(entry, with_text=with_text) for entry in reversed(entries)]
