"""The status machine of the dossier: every allowed move between the 10 national statuses, in one table.

Each row of ``TRANSITIONS`` is one edge: the action's name, the status it leaves (``None`` for the
creation of the dossier), the status it reaches, its Vietnamese name, the permission an officer needs
(``permissions.py``), the standard form it produces, and the outbox event it publishes.

===================================  =======  ====  =====  ==============================  ===================
action (tên thao tác)                from     to    form   event                           permission
===================================  =======  ====  =====  ==============================  ===================
submit_online (Nộp trực tuyến)       —        1     —      dossier.submitted               applicant
receive_at_counter (Tiếp nhận        —        2     01     dossier.submitted +             RECEIVE
  trực tiếp)                                               dossier.accepted
accept (Tiếp nhận hồ sơ)             1        2     01     dossier.accepted                RECEIVE
refuse (Từ chối tiếp nhận)           1        3     03     dossier.refused                 RECEIVE
refuse (…after a supplement asked    5        3     03     dossier.refused                 RECEIVE
  at reception, never supplied)
request_supplement (Yêu cầu bổ sung) 1        5     02     dossier.supplement_requested    RECEIVE
request_supplement (…during          4        5     02     dossier.supplement_requested    PROCESS
  processing)
provide_supplement (Bổ sung hồ sơ)   5        1|4   —      dossier.supplemented            SUPPLY
  back to where it was asked
start_processing (Chuyển xử lý)      2        4     —      dossier.processing_started      PROCESS (HAND_OVER
                                                                                           when a hand-over
                                                                                           starts it)
request_payment (Yêu cầu thực hiện   4        6     —      dossier.payment_requested       PROCESS
  nghĩa vụ tài chính)
record_payment (Đã thực hiện nghĩa   6        4     —      dossier.paid                    COLLECT_PAYMENT
  vụ tài chính)
mark_result_ready (Có kết quả)       4        9     —      dossier.result_ready            PROCESS
return_result (Trả kết quả)          9        10    —      dossier.result_returned         RETURN_RESULT
withdraw (Rút hồ sơ)                 1,2,4,   7     —      dossier.withdrawn               WITHDRAW
                                     5,6
stop (Dừng giải quyết)               2,4,5,6  8     05     dossier.stopped                 STOP
===================================  =======  ====  =====  ==============================  ===================

Not status changes, so not in the table: the extension (form 04, event ``dossier.extended``, EXTEND) and
the hand-over (form 06 row, event ``dossier.handed_over``, HAND_OVER) — see ``services``.

Statuses 3, 7, 8 and 10 are final. A supplement is requested once per dossier
(``SupplementRequest`` is one-to-one with the dossier); the applicant's answer returns the dossier to
the status it was asked from: 1 at reception, 4 during processing.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import permissions as perms
from .errors import IllegalTransition
from .models import FormCode, Status, StatusChange

OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
    }
)
FINAL_STATUSES = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RESULT_RETURNED})


@dataclass(frozen=True)
class Transition:
    name: str
    source: int | None
    target: int
    label: str
    permission: perms.Permission | None
    form_code: str
    event: str


def _t(name, source, target, label, permission, event, form_code=""):
    return Transition(name, source, target, label, permission, str(form_code), event)


TRANSITIONS: tuple[Transition, ...] = (
    _t("submit_online", None, Status.SUBMITTED, _("Nộp hồ sơ trực tuyến"), None, "dossier.submitted"),
    _t(
        "receive_from_national_portal",
        None,
        Status.SUBMITTED,
        _("Nhận hồ sơ nộp trên Cổng Dịch vụ công quốc gia"),
        None,
        "dossier.submitted",
    ),
    _t(
        "receive_at_counter",
        None,
        Status.ACCEPTED,
        _("Tiếp nhận hồ sơ trực tiếp"),
        perms.RECEIVE,
        "dossier.accepted",
        FormCode.RECEIPT,
    ),
    _t(
        "accept",
        Status.SUBMITTED,
        Status.ACCEPTED,
        _("Tiếp nhận hồ sơ"),
        perms.RECEIVE,
        "dossier.accepted",
        FormCode.RECEIPT,
    ),
    _t(
        "refuse",
        Status.SUBMITTED,
        Status.REFUSED,
        _("Từ chối tiếp nhận hồ sơ"),
        perms.RECEIVE,
        "dossier.refused",
        FormCode.REFUSAL,
    ),
    _t(
        "refuse",
        Status.SUPPLEMENT_REQUESTED,
        Status.REFUSED,
        _("Từ chối tiếp nhận hồ sơ"),
        perms.RECEIVE,
        "dossier.refused",
        FormCode.REFUSAL,
    ),
    _t(
        "request_supplement",
        Status.SUBMITTED,
        Status.SUPPLEMENT_REQUESTED,
        _("Yêu cầu bổ sung, hoàn thiện hồ sơ khi tiếp nhận"),
        perms.RECEIVE,
        "dossier.supplement_requested",
        FormCode.SUPPLEMENT_REQUEST,
    ),
    _t(
        "request_supplement",
        Status.IN_PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        _("Yêu cầu bổ sung, hoàn thiện hồ sơ trong quá trình giải quyết"),
        perms.PROCESS,
        "dossier.supplement_requested",
        FormCode.SUPPLEMENT_REQUEST,
    ),
    _t(
        "provide_supplement",
        Status.SUPPLEMENT_REQUESTED,
        Status.SUBMITTED,
        _("Bổ sung hồ sơ"),
        perms.SUPPLY,
        "dossier.supplemented",
    ),
    _t(
        "provide_supplement",
        Status.SUPPLEMENT_REQUESTED,
        Status.IN_PROCESSING,
        _("Bổ sung hồ sơ"),
        perms.SUPPLY,
        "dossier.supplemented",
    ),
    _t(
        "start_processing",
        Status.ACCEPTED,
        Status.IN_PROCESSING,
        _("Chuyển xử lý"),
        perms.PROCESS,
        "dossier.processing_started",
    ),
    _t(
        "request_payment",
        Status.IN_PROCESSING,
        Status.AWAITING_PAYMENT,
        _("Yêu cầu thực hiện nghĩa vụ tài chính"),
        perms.PROCESS,
        "dossier.payment_requested",
    ),
    _t(
        "record_payment",
        Status.AWAITING_PAYMENT,
        Status.IN_PROCESSING,
        _("Đã thực hiện nghĩa vụ tài chính"),
        perms.COLLECT_PAYMENT,
        "dossier.paid",
    ),
    _t(
        "mark_result_ready",
        Status.IN_PROCESSING,
        Status.RESULT_READY,
        _("Đã có kết quả giải quyết"),
        perms.PROCESS,
        "dossier.result_ready",
    ),
    _t(
        "return_result",
        Status.RESULT_READY,
        Status.RESULT_RETURNED,
        _("Trả kết quả"),
        perms.RETURN_RESULT,
        "dossier.result_returned",
    ),
    *(
        _t(
            "withdraw",
            source,
            Status.WITHDRAWN,
            _("Rút hồ sơ theo yêu cầu của người nộp"),
            perms.WITHDRAW,
            "dossier.withdrawn",
        )
        for source in (
            Status.SUBMITTED,
            Status.ACCEPTED,
            Status.IN_PROCESSING,
            Status.SUPPLEMENT_REQUESTED,
            Status.AWAITING_PAYMENT,
        )
    ),
    *(
        _t(
            "stop",
            source,
            Status.STOPPED,
            _("Dừng giải quyết hồ sơ"),
            perms.STOP,
            "dossier.stopped",
            FormCode.STOP_NOTICE,
        )
        for source in (
            Status.ACCEPTED,
            Status.IN_PROCESSING,
            Status.SUPPLEMENT_REQUESTED,
            Status.AWAITING_PAYMENT,
        )
    ),
)

ACTIONS = tuple(dict.fromkeys(t.name for t in TRANSITIONS))


def edges() -> set[tuple[int | None, int]]:
    """Every allowed (from, to) pair, for tests and diagrams."""
    return {(t.source, t.target) for t in TRANSITIONS}


def transitions_of(name: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.name == name]


def status_label(status) -> str:
    return gettext("(chưa có)") if status is None else str(Status(status).label)


def illegal(source, target, action: str | None = None) -> IllegalTransition:
    """The error for a move the table does not allow, in Vietnamese: it names both statuses, or — when
    the action has no single outcome or would not change the status — the action and the status."""
    if action is not None and (target is None or target == source):
        message = gettext(
            "Không thể thực hiện thao tác “{action}” khi hồ sơ ở trạng thái “{source}”."
        ).format(action=action, source=status_label(source))
    else:
        message = gettext("Không thể chuyển hồ sơ từ trạng thái “{source}” sang “{target}”.").format(
            source=status_label(source), target=status_label(target)
        )
    return IllegalTransition(message, code="illegal_transition")


def find(name: str, source, target=None) -> Transition:
    """The transition ``name`` from ``source`` (to ``target`` when the action has several outcomes).

    Errors: ``IllegalTransition`` with a Vietnamese message (see ``illegal``); ``ValueError`` for an
    action name the table does not know (a programming error).
    """
    edges_of_action = transitions_of(name)
    if not edges_of_action:
        raise ValueError(f"Unknown dossier action {name!r}")
    candidates = [t for t in edges_of_action if t.source == source and (target is None or t.target == target)]
    if len(candidates) == 1:
        return candidates[0]
    targets = {t.target for t in edges_of_action} if target is None else {target}
    only_target = next(iter(targets)) if len(targets) == 1 else None
    return_label = str(edges_of_action[0].label)
    raise illegal(source, only_target, return_label)


def label_of(change) -> str:
    """The Vietnamese name of the action a ``StatusChange`` recorded."""
    for t in transitions_of(change.transition):
        if t.source == change.from_status and t.target == change.to_status:
            return str(t.label)
    return status_label(change.to_status)


def allowed_actions(status) -> list[str]:
    """Actions the machine allows from ``status`` (permissions not considered)."""
    return list(dict.fromkeys(t.name for t in TRANSITIONS if t.source == status))


def event_payload(dossier, **extra) -> dict:
    """The payload of every dossier event: identifiers and codes only, never personal data."""
    payload = {
        "dossier_id": dossier.pk,
        "public_id": str(dossier.public_id),
        "code": dossier.code,
        "status": int(dossier.status),
        "channel": dossier.channel,
        "agency_code": dossier.receiving_agency.code,
        "current_agency_code": dossier.current_agency.code,
        "procedure_code": dossier.procedure_version.procedure.code,
    }
    payload.update(extra)
    return payload


def record(
    dossier,
    transition: Transition,
    *,
    by,
    reason: str = "",
    extra: dict | None = None,
    at=None,
    event_extra: dict | None = None,
    events_before=(),
    rows=(),
) -> StatusChange:
    """Record that ``dossier`` (already saved in ``transition.target``) went along ``transition``: a
    ``StatusChange``, an audit entry ``dossiers.<action>`` and the outbox event, in the caller's
    transaction. ``extra`` goes to the status change and the audit entry; ``event_extra`` to the event
    payload (identifiers only, no personal data); ``events_before``, ``(name, payload)`` pairs published
    just before the transition's own event, in the same statements; ``rows``, unsaved rows of the same
    change written first with them (a new dossier's processing agency and papers)."""
    from congso.core import audit, events

    # Written with the audit entry, the events, their deliveries and task: one statement on PostgreSQL.
    change = StatusChange(
        dossier=dossier,
        transition=transition.name,
        from_status=transition.source,
        to_status=transition.target,
        at=at or timezone.now(),
        by=by,
        reason=reason,
        form_code=transition.form_code,
        extra=extra or {},
    )
    entry = audit.unsaved_entry(
        f"dossiers.{transition.name}",
        dossier,
        actor=by,
        # A change made on the dossier's process's authority names the process (``services``).
        label=(extra or {}).get("process", ""),
        changes={
            "from_status": transition.source,
            "to_status": int(transition.target),
            "reason": reason,
            "form_code": transition.form_code,
            **(extra or {}),
        },
    )
    payload = event_payload(
        dossier, from_status=transition.source, form_code=transition.form_code, **(event_extra or {})
    )
    named = [*events_before, (transition.event, payload)]
    events.publish_many(named, aggregate=dossier, rows=[*rows, change, entry])
    return change


def apply(
    dossier,
    transition: Transition,
    *,
    by,
    reason: str = "",
    extra: dict | None = None,
    at=None,
    update_fields=(),
    event_extra: dict | None = None,
) -> StatusChange:
    """Move a saved ``dossier`` along ``transition``: save its status (and ``update_fields`` the caller
    changed on the instance), then ``record`` it. The caller has checked permission and locked the row.

    Errors: ``IllegalTransition`` if the dossier is not in the transition's source status.
    """
    if transition.source != dossier.status:
        raise illegal(dossier.status, transition.target, str(transition.label))
    dossier.status = transition.target
    dossier.save(update_fields=sorted({"status", *update_fields}))
    return record(dossier, transition, by=by, reason=reason, extra=extra, at=at, event_extra=event_extra)
