"""Processing a received dossier: start it, ask for and record payment, mark the result ready (the
dossier is classified early / on time / late), return the result, withdraw or stop it, and extend its
appointment (form 04)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import audit, events, stored_files, timeliness

from .. import deadlines, permissions, states
from ..errors import InvalidDossierInput
from ..files import PaperUpload
from ..models import Dossier, Extension, PaperStage, ReturnMethod
from .acting import _act, _authority_extra, _event_process, _iso, _lock, _transition_for
from .checks import _require_reason, _text
from .papers import _check_papers_or_note, _store_papers
from .routing import _close_open_hand_overs


def start_processing(dossier, officer=None, *, authority=None) -> Dossier:
    """Start processing an accepted dossier (2→4). ``officer`` needs PROCESS at the current agency; or,
    for a step of the dossier's process, no officer and the engine's ``authority``.
    Effects: status change (the process named in it when on its authority), audit
    ``dossiers.start_processing``, event ``dossier.processing_started``.
    Errors: ``PermissionDenied``, ``IllegalTransition``."""
    with transaction.atomic():
        transition = _act(dossier, officer, "start_processing", authority)
        extra = _authority_extra(authority)
        states.apply(dossier, transition, by=officer, extra=extra, event_extra=_event_process(extra))
    return dossier


def _check_amount(amount) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidDossierInput(_("Số tiền phải là số nguyên dương (đồng)."), code="amount")


def request_payment(dossier, officer, *, amount: int, note: str = "") -> Dossier:
    """Ask the applicant to pay fees or taxes (4→6). ``amount`` in đồng, positive.
    Effects: status change (amount in ``extra``), audit, event ``dossier.payment_requested`` (with amount).
    Errors: ``InvalidDossierInput`` (amount), ``PermissionDenied`` (PROCESS), ``IllegalTransition``."""
    _check_amount(amount)
    with transaction.atomic():
        transition = _act(dossier, officer, "request_payment")
        states.apply(
            dossier,
            transition,
            by=officer,
            reason=_text(note),
            extra={"amount": amount},
            event_extra={"amount": amount},
        )
    return dossier


def record_payment(
    dossier,
    officer=None,
    *,
    reference: str = "",
    amount: int | None = None,
    confirmed_by_provider: bool = False,
) -> Dossier:
    """Record that the financial obligation was met (6→4).

    Inputs: ``officer`` with COLLECT_PAYMENT (one-stop officer at the receiving agency, specialist or
    leader at the current one); or ``confirmed_by_provider=True`` with no officer, for the payments
    block once a provider's callback has been verified — never set it from a view.
    ``reference``: receipt or transaction number; ``amount`` paid in đồng.
    Effects: status change, audit ``dossiers.record_payment``, event ``dossier.paid``.
    Errors: ``InvalidDossierInput`` (amount), ``PermissionDenied``, ``IllegalTransition``.
    """
    reference = _text(reference, 200, _("Số biên lai, mã giao dịch"))
    if amount is not None:
        _check_amount(amount)
    with transaction.atomic():
        _lock(dossier)
        transition = _transition_for(dossier, "record_payment")
        if not (confirmed_by_provider and officer is None):
            permissions.require(officer, transition.permission, dossier)
        states.apply(
            dossier,
            transition,
            by=officer,
            reason=reference,
            extra={
                "reference": reference,
                "amount": amount,
                "confirmed_by_provider": confirmed_by_provider,
            },
            event_extra={"amount": amount},
        )
    return dossier


def mark_result_ready(
    dossier,
    officer=None,
    *,
    result_files: list[PaperUpload] = (),
    result_note: str = "",
    authority=None,
) -> Dossier:
    """The dossier has its result (4→9): it is finished and classified early / on time / late.

    Inputs: ``officer`` with PROCESS at the current agency — or, for a step of the dossier's process
    (a service task, possibly on a timer path), no officer and the engine's ``authority``;
    ``result_files`` (the signed result) and/or ``result_note`` (at least one).
    Effects: result papers (stage "result"), ``finished_at``, ``timeliness`` (``core.timeliness.classify``
    against the statutory deadline), every open hand-over closed, status change, audit, event
    ``dossier.result_ready`` (with timeliness).
    Errors: ``InvalidDossierInput``, ``UploadRejected``, ``PermissionDenied``, ``IllegalTransition``.
    """
    result_note = _text(result_note)
    checked = _check_papers_or_note(
        dossier.procedure_version,
        result_files,
        result_note,
        _("Vui lòng đính kèm kết quả giải quyết hoặc ghi nội dung kết quả."),
        "result_empty",
    )
    with stored_files.discard_on_rollback() as stored, transaction.atomic():
        transition = _act(dossier, officer, "mark_result_ready", authority)
        now = timezone.now()
        _store_papers(dossier, checked, stage=PaperStage.RESULT, by=officer, at=now, stored=stored)
        _close_open_hand_overs(dossier, now)
        dossier.finished_at = now
        dossier.result_note = result_note
        dossier.timeliness = timeliness.classify(now, dossier.statutory_due_at)
        extra = _authority_extra(authority)
        states.apply(
            dossier,
            transition,
            by=officer,
            reason=result_note,
            at=now,
            update_fields=["finished_at", "result_note", "timeliness"],
            extra={"files": len(checked), "timeliness": dossier.timeliness, **extra},
            event_extra={"timeliness": dossier.timeliness, **_event_process(extra)},
        )
    return dossier


def return_result(dossier, officer, how: str, note: str = "") -> Dossier:
    """Hand the result back to the applicant (9→10).

    Inputs: ``officer`` with RETURN_RESULT (one-stop officer at the receiving agency); ``how``: one of
    ``ReturnMethod`` (counter, electronic, postal) — electronic needs a result file.
    Effects: ``returned_at``, ``return_method``, every open hand-over closed, status change, audit,
    event ``dossier.result_returned``.
    Errors: ``InvalidDossierInput``, ``PermissionDenied``, ``IllegalTransition``.
    """
    if how not in ReturnMethod.values:
        raise InvalidDossierInput(_("Hình thức trả kết quả không hợp lệ."), code="return_method")
    with transaction.atomic():
        transition = _act(dossier, officer, "return_result")
        if how == ReturnMethod.ELECTRONIC and not dossier.papers.filter(stage=PaperStage.RESULT).exists():
            raise InvalidDossierInput(
                _("Hồ sơ chưa có tệp kết quả điện tử nên không thể trả kết quả trực tuyến."),
                code="no_result_file",
            )
        now = timezone.now()
        _close_open_hand_overs(dossier, now)
        dossier.returned_at, dossier.return_method = now, how
        states.apply(
            dossier,
            transition,
            by=officer,
            reason=_text(note),
            at=now,
            update_fields=["returned_at", "return_method"],
            extra={"how": how},
            event_extra={"how": how},
        )
    return dossier


def _end_early(dossier, user, action: str, reason: str) -> Dossier:
    """End the dossier before its result (withdrawn, stopped): every open hand-over closed, then the
    ``action`` transition with ``reason``."""
    with transaction.atomic():
        transition = _act(dossier, user, action)
        _close_open_hand_overs(dossier, timezone.now())
        states.apply(dossier, transition, by=user, reason=reason)
    return dossier


def withdraw(dossier, applicant_user, reason: str) -> Dossier:
    """Withdraw the dossier at the applicant's request (1, 2, 4, 5, 6 → 7).

    Inputs: ``applicant_user``: the applicant, or a one-stop officer recording a written request
    (WITHDRAW); ``reason`` required.
    Effects: every open hand-over closed, status change, audit, event ``dossier.withdrawn``.
    Errors: ``InvalidDossierInput``, ``PermissionDenied``, ``IllegalTransition``.
    """
    reason = _require_reason(reason, _("Vui lòng nêu lý do rút hồ sơ."))
    return _end_early(dossier, applicant_user, "withdraw", reason)


def stop(dossier, officer, reason: str) -> Dossier:
    """Stop processing the dossier (2, 4, 5, 6 → 8) with a stop notice (form 05).

    Inputs: ``officer`` with STOP (leader at the current agency); ``reason`` required (stated on form 05).
    Effects: every open hand-over closed, status change, audit, event ``dossier.stopped``.
    Errors: ``InvalidDossierInput``, ``PermissionDenied``, ``IllegalTransition``.
    """
    reason = _require_reason(reason, _("Vui lòng nêu lý do dừng giải quyết hồ sơ."))
    return _end_early(dossier, officer, "stop", reason)


def extend(dossier, officer, new_due_at, reason: str) -> Extension:
    """Issue the apology and extension letter (form 04): the appointment moves to ``new_due_at``.

    Inputs: ``officer`` with EXTEND (leader at the current agency); ``new_due_at``: a working day
    (``date``, meaning the end of that working day) or an aware ``datetime``, later than the current
    appointment; ``reason`` for the delay (stated on form 04).
    Effects: an ``Extension`` row (old and new appointment, whether issued before the deadline),
    ``due_at`` moved (the statutory deadline is not), audit ``dossiers.extend``, event
    ``dossier.extended`` (with both dates). The status does not change.
    Errors: ``InvalidDossierInput`` (no reason, date not later or not a working day, dossier without
    an appointment or no longer open), ``PermissionDenied``.
    """
    reason = _require_reason(reason, _("Vui lòng nêu lý do chậm giải quyết hồ sơ."))
    with transaction.atomic():
        _lock(dossier)
        permissions.require(officer, permissions.EXTEND, dossier)
        if not dossier.is_open or dossier.due_at is None:
            raise InvalidDossierInput(
                _("Chỉ gia hạn được hồ sơ đang giải quyết và đã có ngày hẹn trả."), code="not_open"
            )
        new_due = deadlines.as_due_at(new_due_at)
        if new_due <= dossier.due_at:
            raise InvalidDossierInput(
                _("Ngày hẹn trả mới phải sau ngày hẹn hiện tại ({due}).").format(
                    due=timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y")
                ),
                code="not_later",
            )
        now = timezone.now()
        extension = Extension.objects.create(
            dossier=dossier,
            old_due_at=dossier.due_at,
            new_due_at=new_due,
            reason=reason,
            extended_by=officer,
            extended_at=now,
            before_deadline=now <= dossier.due_at,
        )
        dossier.due_at = new_due
        dossier.save(update_fields=["due_at"])
        audit.record(
            "dossiers.extend",
            dossier,
            actor=officer,
            changes={
                "old_due_at": _iso(extension.old_due_at),
                "new_due_at": _iso(new_due),
                "reason": reason,
                "before_deadline": extension.before_deadline,
                "form_code": extension.form_code,
            },
        )
        events.publish(
            "dossier.extended",
            states.event_payload(
                dossier,
                form_code=extension.form_code,
                old_due_at=_iso(extension.old_due_at),
                due_at=_iso(new_due),
                before_deadline=extension.before_deadline,
            ),
            aggregate=dossier,
        )
    return extension
