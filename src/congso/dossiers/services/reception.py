"""Reception at the one-stop desk: accept an online dossier (1→2), refuse it (form 03), ask once for a
supplement (form 02) and record the supplement handed in."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import stored_files

from .. import deadlines, permissions, states
from ..errors import IllegalTransition, InvalidDossierInput, SupplementAlreadyRequested
from ..files import PaperUpload
from ..models import Dossier, PaperStage, Status, SupplementRequest
from .acting import _act, _authority_extra, _event_process, _iso, _lock, _transition_for
from .checks import _text
from .papers import _check_papers_or_note, _store_papers
from .routing import _close_open_hand_overs


def accept(dossier, officer, note: str = "") -> Dossier:
    """Accept an online dossier at the one-stop desk (1→2, form 01).

    Inputs: the dossier; ``officer`` with RECEIVE at its receiving agency; an optional note.
    Effects: status 2, ``received_at`` now (the appointment computed at submission stays), status
    change, audit ``dossiers.accept``, event ``dossier.accepted`` (with ``due_at``).
    Errors: ``PermissionDenied``, ``IllegalTransition``.
    """
    with transaction.atomic():
        transition = _act(dossier, officer, "accept")
        dossier.received_at = timezone.now()
        states.apply(
            dossier,
            transition,
            by=officer,
            reason=_text(note),
            at=dossier.received_at,
            update_fields=["received_at"],
            event_extra={"due_at": _iso(dossier.due_at)},
        )
    return dossier


def refuse(dossier, officer, reasons) -> Dossier:
    """Refuse to receive a dossier (1→3, or 5→3 when the supplement asked at reception never came;
    form 03).

    Inputs: ``reasons``, a text or a list of texts (at least one, each stated on form 03).
    Effects: status 3, status change with the reasons, audit ``dossiers.refuse``, event
    ``dossier.refused``. Errors: ``InvalidDossierInput`` (no reason), ``PermissionDenied``,
    ``IllegalTransition`` (also for a dossier whose supplement was asked during processing — stop it).
    """
    items = [reasons] if isinstance(reasons, str) else list(reasons or ())
    items = [str(r).strip() for r in items if str(r or "").strip()]
    if not items:
        raise InvalidDossierInput(_("Vui lòng nêu rõ lý do từ chối tiếp nhận hồ sơ."), code="reason_required")
    with transaction.atomic():
        transition = _act(dossier, officer, "refuse")
        if (
            dossier.status == Status.SUPPLEMENT_REQUESTED
            and dossier.supplement_request.from_status != Status.SUBMITTED
        ):
            raise IllegalTransition(
                _(
                    "Hồ sơ đã được tiếp nhận và đang giải quyết nên không thể từ chối tiếp nhận; "
                    "hãy dừng giải quyết hồ sơ (mẫu 05)."
                ),
                code="illegal_transition",
            )
        _close_open_hand_overs(dossier, timezone.now())
        states.apply(dossier, transition, by=officer, reason="\n".join(items), extra={"reasons": items})
    return dossier


def request_supplement(
    dossier, officer, items: list[str], reason: str = "", *, authority=None
) -> SupplementRequest:
    """Ask the applicant, once and in writing (form 02), for everything still needed.

    From status 1 (at reception; RECEIVE) or 4 (during processing; PROCESS) to 5.
    Inputs: ``items``: the non-empty list of papers or corrections needed; ``reason``; for a step of the
    dossier's process, ``officer=None`` and the engine's ``authority`` (the request then names no
    officer; the status change names the process).
    Effects: the ``SupplementRequest``; the clock per the version's rule (pause and restart stop it from
    now, continue leaves it running); status change (form 02), audit ``dossiers.request_supplement``,
    event ``dossier.supplement_requested`` (with the number of items).
    Errors: ``InvalidDossierInput`` (empty list or an empty item), ``SupplementAlreadyRequested``
    (a second request), ``PermissionDenied``, ``IllegalTransition``.
    """
    if isinstance(items, str) or not items:
        raise InvalidDossierInput(
            _("Vui lòng liệt kê đầy đủ các giấy tờ, nội dung cần bổ sung."), code="items_required"
        )
    cleaned = [str(item or "").strip() for item in items]
    if not all(cleaned):
        raise InvalidDossierInput(
            _("Mỗi nội dung cần bổ sung phải được ghi rõ, không để trống."), code="items_required"
        )
    with transaction.atomic():
        transition = _act(dossier, officer, "request_supplement", authority)
        if SupplementRequest.objects.filter(dossier=dossier).exists():
            raise SupplementAlreadyRequested(
                _(
                    "Hồ sơ {code} đã được yêu cầu bổ sung một lần. "
                    "Theo quy định chỉ yêu cầu bổ sung một lần, nêu đầy đủ các nội dung cần bổ sung."
                ).format(code=dossier.code),
                code="supplement_once",
            )
        now = timezone.now()
        request = SupplementRequest.objects.create(
            dossier=dossier,
            items=cleaned,
            reason=_text(reason),
            from_status=dossier.status,
            clock_rule=dossier.procedure_version.supplement_clock_rule,
            requested_by=officer,
            requested_at=now,
        )
        changed = deadlines.pause_for_supplement(dossier, request, now)
        extra = _authority_extra(authority)
        states.apply(
            dossier,
            transition,
            by=officer,
            reason=request.reason,
            at=now,
            update_fields=changed,
            extra={"items": cleaned, "clock_rule": request.clock_rule, **extra},
            event_extra={"items": len(cleaned), "clock_rule": request.clock_rule, **_event_process(extra)},
        )
    return request


def provide_supplement(dossier, applicant_user, papers: list[PaperUpload] = (), note: str = "") -> Dossier:
    """Hand in the supplement: the dossier returns to where it was asked from (5→1 or 5→4).

    Inputs: ``applicant_user``: the applicant (online) or a one-stop officer recording what was brought
    to the counter (SUPPLY); ``papers`` and/or ``note`` (at least one).
    Effects: the papers (stage "supplement"), the appointment adjusted by the version's clock rule
    (``deadlines.resume_after_supplement``), the request marked provided, status change, audit
    ``dossiers.provide_supplement``, event ``dossier.supplemented`` (with the new ``due_at``).
    Errors: ``InvalidDossierInput`` (nothing handed in), ``UploadRejected``, ``PermissionDenied``,
    ``IllegalTransition``.
    """
    note = _text(note)
    checked = _check_papers_or_note(
        dossier.procedure_version,
        papers,
        note,
        _("Vui lòng tải lên giấy tờ bổ sung hoặc ghi nội dung bổ sung."),
        "supplement_empty",
    )
    with stored_files.discard_on_rollback() as stored, transaction.atomic():
        _lock(dossier)
        if dossier.status != Status.SUPPLEMENT_REQUESTED:
            states.find("provide_supplement", dossier.status)  # raises the Vietnamese message
        request = dossier.supplement_request
        transition = _transition_for(dossier, "provide_supplement", request.from_status)
        permissions.require(applicant_user, transition.permission, dossier)
        now = timezone.now()
        _store_papers(dossier, checked, stage=PaperStage.SUPPLEMENT, by=applicant_user, at=now, stored=stored)
        request.provided_by, request.provided_at, request.note = applicant_user, now, note
        request.save(update_fields=["provided_by", "provided_at", "note"])
        changed = deadlines.resume_after_supplement(dossier, request, now)
        states.apply(
            dossier,
            transition,
            by=applicant_user,
            reason=note,
            at=now,
            update_fields=changed,
            extra={"papers": len(checked), "due_at": _iso(dossier.due_at)},
            event_extra={"due_at": _iso(dossier.due_at)},
        )
    return dossier
