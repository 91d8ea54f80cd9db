"""Routing a dossier between units — the one seam that writes the control sheet (form 06): officers'
``hand_over`` for a procedure without a process, and the process's side (``attach_process``,
``hand_over_by_process``, ``release_process``), called by the workflow engine only."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.agencies import services as agency_services
from congso.core import audit, events, timeliness

from .. import deadlines, permissions, states
from ..errors import IllegalTransition, InvalidDossierInput
from ..models import Dossier, HandOver, Status
from .acting import (
    _authority_extra,
    _event_process,
    _hours_json,
    _iso,
    _lock,
    refuse_by_hand_while_process_drives,
)
from .checks import _allotted_hours, _check_agency_in_force, _check_step_input, _text

HAND_OVER_STATUSES = frozenset({Status.ACCEPTED, Status.IN_PROCESSING, Status.RESULT_READY})


# A process may also open steps while the applicant supplements or pays (its next step waits for them).
PROCESS_HAND_OVER_STATUSES = HAND_OVER_STATUSES | {Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT}


def _close_row(row: HandOver, at) -> HandOver:
    row.completed_at = at
    row.result = timeliness.classify(at, row.due_at)
    row.save(update_fields=["completed_at", "result"])
    return row


def _close_open_hand_overs(dossier, at, *, keep=()) -> list[HandOver]:
    """Close and classify every open hand-over of ``dossier`` (except the ids in ``keep``), oldest first."""
    rows = dossier.hand_overs.filter(completed_at__isnull=True).exclude(pk__in=list(keep))
    return [_close_row(row, at) for row in rows.order_by("handed_at", "id")]


def _refuse_hand_over_in(dossier, statuses) -> None:
    if dossier.status not in statuses:
        raise IllegalTransition(
            _("Không thể bàn giao hồ sơ khi hồ sơ ở trạng thái “{status}”.").format(
                status=states.status_label(dossier.status)
            ),
            code="illegal_transition",
        )


def _record_hand_over(dossier, row: HandOver, previous: HandOver | None, *, actor, extra: dict) -> None:
    """The audit entry and the event of a new control-sheet row."""
    audit.record(
        "dossiers.hand_over",
        dossier,
        actor=actor,
        label=extra.get("process", ""),
        changes={
            "step_name": row.step_name,
            "from_agency": row.from_agency.code if row.from_agency else None,
            "to_agency": row.to_agency.code,
            "to_unit": row.to_unit_label,
            "due_at": _iso(row.due_at),
            "previous_result": previous.result if previous else None,
            "branch": row.is_branch,
            **extra,
        },
    )
    events.publish(
        "dossier.handed_over",
        states.event_payload(
            dossier,
            form_code="06",
            step_name=row.step_name,
            hand_over_id=row.pk,
            from_agency_code=row.from_agency.code if row.from_agency else None,
            to_agency_code=row.to_agency.code,
            previous_result=previous.result if previous else None,
            step_due_at=_iso(row.due_at),
            branch=row.is_branch,
            # Internal (notifications tell the named receiver); LGSP's projection leaves it out.
            received_by_id=row.received_by_id,
            **_event_process(extra),
        ),
        aggregate=dossier,
    )


def hand_over_receiver_roles() -> list[str]:
    """The roles whose holders at a unit can take a dossier handed over to that unit: those that may
    process it or pass it on there (``ROLE_GRANTS`` at the current agency), not clerks or admins."""
    current = permissions.CURRENT
    return sorted(
        set(permissions.roles_granting(permissions.PROCESS, current))
        | set(permissions.roles_granting(permissions.HAND_OVER, current))
    )


def hand_over_receivers(unit) -> list:
    """The people a dossier may be handed over to by name at ``unit`` (an agency or department of the
    agency tree): its staff in force today in one of ``hand_over_receiver_roles``, by name. Reads only."""
    return agency_services.staff_of(unit, hand_over_receiver_roles())


def in_charge_of(dossier) -> list:
    """The officers a dossier's deadline concerns now: the people named on its open hand-overs (form
    06), or, where a row names nobody, every person who may take it at that row's unit
    (``hand_over_receivers``); before any hand-over, those of its current agency. Active accounts,
    each once. Reads only."""
    rows = list(
        dossier.hand_overs.filter(completed_at__isnull=True).select_related("received_by", "to_agency")
    )
    people = {}
    for row in rows:
        if row.received_by is not None and row.received_by.is_active:
            people.setdefault(row.received_by.pk, row.received_by)
    for unit in [
        row.to_agency for row in rows if row.received_by is None or not row.received_by.is_active
    ] or ([] if rows else [dossier.current_agency]):
        for person in hand_over_receivers(unit):
            people.setdefault(person.pk, person)
    return list(people.values())


def _check_receiver(received_by, to_agency) -> None:
    """A person named as receiver must work at the receiving unit in a role that takes hand-overs."""
    if received_by is None:
        return
    if received_by.pk not in {person.pk for person in hand_over_receivers(to_agency)}:
        raise InvalidDossierInput(
            _(
                "{person} không phải cán bộ xử lý hồ sơ của {unit}. Hãy chọn một người của đơn vị nhận, "
                "hoặc giao vào hàng chờ của đơn vị."
            ).format(person=received_by.get_full_name(), unit=to_agency.name),
            code="received_by",
        )


def hand_over(
    dossier,
    *,
    to_agency,
    to_unit_label: str = "",
    step_name: str,
    given_by,
    received_by=None,
    allotted_working_hours: int | float | Decimal | None = None,
    note: str = "",
) -> HandOver:
    """An officer hands the dossier to the next unit or agency — one row of the control sheet (form 06).

    This is how officers route a dossier whose procedure has no BPMN process; while a process drives the
    dossier (``routed_by_process``), its steps are handed over by the engine (``hand_over_by_process``)
    and this function refuses.
    Inputs: ``to_agency``, the receiving unit — an agency or a department of the agency tree — and
    optionally ``to_unit_label``, a part of it that the tree does not hold (e.g. "Bộ phận Một cửa");
    ``step_name``; ``given_by`` with HAND_OVER at the current agency; ``received_by``, a person of
    ``to_agency`` in one of ``hand_over_receiver_roles`` (None: the unit's queue, every such person there
    sees it in their to-do);
    ``allotted_working_hours`` for the step, more than 0 with at most two decimals (``0.5`` = 30 working
    minutes; its deadline counts in working time from now; without it the step's deadline is the
    dossier's appointment); ``note``.
    Allowed in status 2 (it then starts processing, 2→4, recorded as ``start_processing``), 4, and 9
    (bringing the result to the return desk).
    Effects: the open hand-over closed and classified early / on time / late; a new open one;
    ``current_agency`` set and ``to_agency`` added to ``processing_agencies``; audit
    ``dossiers.hand_over``, event ``dossier.handed_over``.
    Errors: ``InvalidDossierInput`` (no step name, bad hours, dossier routed by its process, a receiver
    who does not work at the receiving unit),
    ``PermissionDenied``, ``IllegalTransition``.
    """
    step_name, allotted_working_hours = _check_step_input(step_name, allotted_working_hours)
    with transaction.atomic():
        _lock(dossier)
        _refuse_hand_over_in(dossier, HAND_OVER_STATUSES)
        permissions.require(given_by, permissions.HAND_OVER, dossier)
        refuse_by_hand_while_process_drives(dossier)
        now = timezone.now()
        _check_agency_in_force(to_agency, timezone.localdate(now))
        _check_receiver(received_by, to_agency)
        closed = _close_open_hand_overs(dossier, now)
        previous = closed[-1] if closed else None
        _start_processing_if_accepted(dossier, by=given_by, at=now, step_name=step_name)
        row = HandOver.objects.create(
            dossier=dossier,
            step_name=step_name,
            from_agency=previous.to_agency if previous else dossier.current_agency,
            from_unit_label=previous.to_unit_label if previous else "",
            to_agency=to_agency,
            to_unit_label=_text(to_unit_label, 200, _("Bộ phận nhận")),
            given_by=given_by,
            received_by=received_by,
            handed_at=now,
            allotted_hours=allotted_working_hours,
            due_at=deadlines.step_due(now, allotted_working_hours, dossier.due_at, cap=dossier.due_at),
            note=_text(note),
        )
        dossier.current_agency = to_agency
        dossier.save(update_fields=["current_agency"])
        dossier.processing_agencies.add(to_agency)
        _record_hand_over(dossier, row, previous, actor=given_by, extra={})
    return row


PROCESS_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
    }
)


def attach_process(dossier, *, authority) -> Dossier:
    """Bind ``dossier`` to the process that ``authority`` stands for: from now on the process routes it.

    Called by the workflow engine when it starts the dossier's process, before anything else, so the
    dossier row stays locked while the process is created (a withdrawal at the same moment waits, then
    cancels it). Allowed while the dossier is open (statuses 1, 2, 4, 5, 6).
    Effects: ``routed_by_process`` set to the process's label; audit ``dossiers.attach_process``.
    Errors: ``PermissionDenied`` (not the engine's token for this dossier), ``IllegalTransition``
    (the dossier is finished or closed).
    """
    with transaction.atomic():
        _lock(dossier)
        permissions.require_process_authority(authority, dossier)
        if dossier.status not in PROCESS_STATUSES:
            raise IllegalTransition(
                _("Không thể bắt đầu quy trình xử lý khi hồ sơ ở trạng thái “{status}”.").format(
                    status=states.status_label(dossier.status)
                ),
                code="illegal_transition",
            )
        dossier.routed_by_process = authority.label
        dossier.save(update_fields=["routed_by_process"])
        audit.record(
            "dossiers.attach_process",
            dossier,
            label=authority.label,
            changes={"process": authority.label, "process_ref": authority.process_ref},
        )
    return dossier


def release_process(dossier, *, authority, reason: str = "") -> Dossier:
    """The process that ``authority`` stands for no longer routes ``dossier`` (it ended or was cancelled).

    Effects: the open hand-overs of the process's steps closed and classified; ``routed_by_process``
    cleared (officers may route the dossier again with ``hand_over`` if it is still open); audit
    ``dossiers.release_process``. Releasing a dossier not bound to this process changes nothing.
    Errors: ``PermissionDenied`` (not the engine's token for this dossier).
    """
    with transaction.atomic():
        _lock(dossier)
        permissions.require_process_authority(authority, dossier)
        if dossier.routed_by_process != authority.label:
            return dossier
        now = timezone.now()
        closed = [
            _close_row(row, now)
            for row in dossier.hand_overs.filter(completed_at__isnull=True).exclude(step_ref="")
        ]
        dossier.routed_by_process = ""
        dossier.save(update_fields=["routed_by_process"])
        audit.record(
            "dossiers.release_process",
            dossier,
            label=authority.label,
            changes={"process": authority.label, "reason": _text(reason), "closed_steps": len(closed)},
        )
    return dossier


@dataclass(frozen=True)
class ProcessStep:
    """A step the process opened, as ``hand_over_by_process`` writes it on the control sheet.

    ``ref``: the engine's reference of the step (unique per dossier, at most 100 characters);
    ``step_name``, ``to_agency``, ``to_unit_label``, ``allotted_working_hours`` and ``received_by`` as
    for ``hand_over``; ``from_agency`` and ``from_unit_label``: the unit the dossier comes from (the unit
    of the step that led here; the current agency when not given); ``continues``: the ``ref`` of the
    step just finished when the same unit does this one too — consecutive steps of one unit are one
    hand-over, so its open row is kept, its allotted time grows by this step's, and it takes this step's
    ``ref`` (when that step had no row, or another opened step already carries it on, this one gets
    none); ``branch``: one of parallel branches (the row does not move ``current_agency``).
    """

    ref: str
    step_name: str
    to_agency: object
    to_unit_label: str = ""
    allotted_working_hours: int | float | Decimal | None = None
    received_by: object | None = None
    from_agency: object | None = None
    from_unit_label: str = ""
    continues: str = ""
    branch: bool = False


def step_deadline(dossier, start, allotted_hours):
    """The deadline of a step of ``dossier`` opened at ``start`` with ``allotted_hours`` working hours
    (None: the dossier's appointment), capped at the appointment (``deadlines.step_due``). The workflow
    gives its work items the same, so a process step and its control sheet row agree."""
    return deadlines.step_due(start, allotted_hours, dossier.due_at, cap=dossier.due_at)


def _check_process_step(step: ProcessStep) -> None:
    _check_step_input(step.step_name, step.allotted_working_hours)
    if not step.ref or len(step.ref) > 100:
        raise InvalidDossierInput(_("Mã bước của quy trình không hợp lệ."), code="step_ref")


def _continue_row(row: HandOver, step: ProcessStep, authority, now) -> HandOver:
    """The unit of ``row`` also does ``step``: its allotted time is the sum of its steps' (counted from
    when it received the dossier), and the row now answers to the new step."""
    hours = _allotted_hours(step.allotted_working_hours)
    if row.allotted_hours and hours:
        row.allotted_hours += hours
        row.due_at = deadlines.step_due(row.handed_at, row.allotted_hours, row.due_at, cap=row.dossier.due_at)
    row.step_ref = step.ref
    row.save(update_fields=["allotted_hours", "due_at", "step_ref"])
    audit.record(
        "dossiers.hand_over.continue",
        row.dossier,
        label=authority.label,
        changes={
            "hand_over": row.pk,
            "step_name": _text(step.step_name, 200),
            "allotted_hours": _hours_json(row.allotted_hours),
            "due_at": _iso(row.due_at),
            **_authority_extra(authority),
        },
    )
    return row


def _start_processing_if_accepted(dossier, *, by, at, step_name: str, **audit) -> None:
    """The first hand-over of an accepted dossier starts its processing (``audit``: the process's
    ``extra`` and ``event_extra`` when the process hands over)."""
    if dossier.status == Status.ACCEPTED:
        states.apply(
            dossier, states.find("start_processing", Status.ACCEPTED), by=by, at=at, reason=step_name, **audit
        )


def _open_process_row(dossier, step: ProcessStep, authority, now, closed: list) -> HandOver:
    step_name = _text(step.step_name, 200)
    _check_agency_in_force(step.to_agency, timezone.localdate(now))
    extra = _authority_extra(authority)
    if not step.branch:
        # The lead line moves: whatever lead row is still open ends here.
        closed.extend(
            _close_row(row, now)
            for row in dossier.hand_overs.filter(completed_at__isnull=True, is_branch=False)
        )
    _start_processing_if_accepted(
        dossier, by=None, at=now, step_name=step_name, extra=extra, event_extra=_event_process(extra)
    )
    from_agency = step.from_agency or dossier.current_agency
    row = HandOver.objects.create(
        dossier=dossier,
        step_name=step_name,
        from_agency=from_agency,
        from_unit_label=_text(step.from_unit_label, 200),
        to_agency=step.to_agency,
        to_unit_label=_text(step.to_unit_label, 200),
        given_by=None,
        given_by_label=authority.label,
        step_completed_by=authority.step_completed_by,
        received_by=step.received_by,
        step_ref=step.ref,
        is_branch=step.branch,
        handed_at=now,
        allotted_hours=_allotted_hours(step.allotted_working_hours),
        due_at=step_deadline(dossier, now, _allotted_hours(step.allotted_working_hours)),
    )
    dossier.processing_agencies.add(step.to_agency)
    if not step.branch and dossier.current_agency_id != step.to_agency.pk:
        dossier.current_agency = step.to_agency
        dossier.save(update_fields=["current_agency"])
    _record_hand_over(dossier, row, closed[-1] if closed else None, actor=None, extra=extra)
    return row


def hand_over_by_process(
    dossier,
    *,
    authority,
    finished: Sequence[str] = (),
    opened: Sequence[ProcessStep] = (),
) -> list[HandOver]:
    """Write on the control sheet (form 06) what the dossier's process just did: the steps that ended
    and the steps that opened. Called by the workflow engine, on the process's ``authority``, each time
    it moves; never by a view.

    Inputs: ``finished``: the ``ref`` of every step that ended (done, or cancelled by a timer or an end
    event); ``opened``: a ``ProcessStep`` for every step that opened in another unit, or continues in the
    same one (see ``ProcessStep``).
    Effects, in one transaction: the open rows of the finished steps closed and classified early / on
    time / late against their deadlines (not those continued); for each opened step a new open row —
    given by the process (``given_by`` empty, ``given_by_label`` the process, ``step_completed_by`` the
    officer whose step led here), its deadline from its allotted working hours — its agency added to
    ``processing_agencies`` and, unless it is a parallel branch, made the ``current_agency`` (any other
    open lead row is closed: the lead line is in one place). The first row of an accepted dossier starts
    processing (2→4, on the process's authority). Audit ``dossiers.hand_over`` and event
    ``dossier.handed_over`` per new row. Returns the rows opened or continued.
    Allowed to open rows in statuses 2, 4, 5, 6 and 9; closing is allowed in any status.
    Errors: ``PermissionDenied`` (not the engine's token for this dossier), ``IllegalTransition``,
    ``InvalidDossierInput`` (bad step name, hours or ref; an agency no longer in force).
    """
    for step in opened:
        _check_process_step(step)
    with transaction.atomic():
        _lock(dossier)
        permissions.require_process_authority(authority, dossier)
        now = timezone.now()
        open_rows = {
            row.step_ref: row
            for row in dossier.hand_overs.filter(completed_at__isnull=True).exclude(step_ref="")
        }
        continuing = {step.continues for step in opened if step.continues in open_rows}
        if any(not step.continues for step in opened):
            _refuse_hand_over_in(dossier, PROCESS_HAND_OVER_STATUSES)
        closed = [
            _close_row(open_rows[ref], now) for ref in finished if ref in open_rows and ref not in continuing
        ]
        touched = []
        for step in opened:
            if step.continues:
                # Only the first of several parallel steps of the same unit carries its row on.
                if step.continues in continuing:
                    continuing.discard(step.continues)
                    touched.append(_continue_row(open_rows[step.continues], step, authority, now))
                continue
            touched.append(_open_process_row(dossier, step, authority, now, closed))
    return touched
