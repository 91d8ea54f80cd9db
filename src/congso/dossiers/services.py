"""The public API of the dossier block: what the portal, the officers' workspace, the workflow engine and
the payments block call. Nothing else writes dossiers.

Every function runs in one database transaction: the change, its ``StatusChange`` row, the audit entry
and the outbox event commit together or not at all. Officer actions lock the dossier row first, so two
officers acting at once are serialised and the second sees the first one's status.

Errors: ``PermissionDenied`` (Django) when the acting user may not do it (``permissions.py``);
``IllegalTransition`` when the status machine forbids it (``states.py``); ``VersionNotInForce``,
``SupplementAlreadyRequested``, ``InvalidDossierInput`` and ``files.UploadRejected`` for bad input —
all ``ValidationError`` subclasses with a Vietnamese message. When one is raised nothing was changed.

Choices documented here:

- **Appointment of an online dossier** is computed from the submission time (the 15:00 rule and
  non-working days applied to it) and shown on the receipt (form 01). Accepting it later does not move
  it: the applicant must not lose processing time because the one-stop desk took a day to check.
- **Accepting does not start processing.** ``start_processing`` does, or the first ``hand_over`` of an
  accepted dossier (the usual way: the one-stop desk routes it to the specialist unit).
- **Counter intake** creates the dossier already accepted (status 2) and publishes both
  ``dossier.submitted`` (a dossier entered the system, whatever the channel) and ``dossier.accepted``
  (form 01 is due).
- **Timeliness** is measured against the statutory deadline (``statutory_due_at``): an extension moves
  the appointment (``due_at``) but a dossier finished after the statutory deadline is still late —
  form 04 is the apology for being late, not a waiver. See ``core.timeliness.classify``.
- **Waiting for payment** does not pause the clock (no rule says so in general; a procedure whose tax
  time is excluded should model it in its process).
- **Routing: one seam.** The steps inside "in processing" are driven by the procedure's BPMN process
  when it has one (the ``workflow`` block starts it when the dossier is accepted): the engine binds the
  dossier (``attach_process``), records every hand-over with ``hand_over_by_process`` and calls the
  status services with its ``permissions.ProcessAuthority`` instead of an officer; while it is bound,
  officers route the dossier by doing their work items and ``hand_over`` refuses. A procedure without a
  process is routed by officers with ``hand_over``. Both write the same control sheet (form 06).
- **Parallel branches and the current agency.** ``current_agency`` is where the lead line of the
  dossier is: the agency of the one open non-branch hand-over. When a process splits into parallel
  branches (liên thông: police and social insurance at once), each branch gets its own open row
  (``is_branch``) and its agency joins ``processing_agencies`` (its officers may then view the
  dossier), while ``current_agency`` stays with the agency that sent the dossier into the branches —
  the one that gets it back at the join (in the liên thông process, the receiving commune).
"""

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import audit, events, timeliness

from . import codes, deadlines, permissions, states
from .errors import (
    DossierError,
    IllegalTransition,
    InvalidDossierInput,
    SupplementAlreadyRequested,
    VersionNotInForce,
)
from .files import PaperUpload, UploadRejected, validate_upload
from .models import (
    Channel,
    Dossier,
    DossierPaper,
    Extension,
    HandOver,
    PaperStage,
    ReturnMethod,
    Status,
    SupplementRequest,
    hours_text,
)

__all__ = [
    "DossierError",
    "IllegalTransition",
    "InvalidDossierInput",
    "PaperUpload",
    "PermissionDenied",
    "ProcessStep",
    "SupplementAlreadyRequested",
    "TimelineEntry",
    "UploadRejected",
    "VersionNotInForce",
    "accept",
    "attach_process",
    "can",
    "extend",
    "find_by_code",
    "get_for_applicant",
    "get_visible",
    "hand_over",
    "hand_over_by_process",
    "mark_result_ready",
    "permissions_for",
    "provide_supplement",
    "receive_at_counter",
    "record_payment",
    "refuse",
    "release_process",
    "request_payment",
    "request_supplement",
    "return_result",
    "start_processing",
    "stop",
    "submit_online",
    "timeline",
    "visible_to",
    "withdraw",
]

can = permissions.can
permissions_for = permissions.permissions_for

_PIN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed from paper
HAND_OVER_STATUSES = frozenset({Status.ACCEPTED, Status.IN_PROCESSING, Status.RESULT_READY})
# A process may also open steps while the applicant supplements or pays (its next step waits for them).
PROCESS_HAND_OVER_STATUSES = HAND_OVER_STATUSES | {Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT}


def visible_to(user):
    """The dossiers ``user`` may see (``Dossier.objects.visible_to``), for lists and searches."""
    return Dossier.objects.visible_to(user)


# --- Input checks (before anything is written) ---------------------------------------------------


def _text(value, limit: int | None = None, label: str = "") -> str:
    """``value`` as stripped text; longer than ``limit`` → ``InvalidDossierInput`` naming ``label``
    (nothing is cut silently)."""
    text = str(value or "").strip()
    if limit is not None and len(text) > limit:
        raise InvalidDossierInput(
            _("“{label}” quá dài (tối đa {limit} ký tự).").format(label=label, limit=limit), code="too_long"
        )
    return text


def _check_acting_for(acting_for) -> dict:
    if acting_for is None:
        return {}
    if not isinstance(acting_for, dict):
        raise InvalidDossierInput(
            _("Thông tin người được đại diện (nộp thay) không hợp lệ."), code="acting_for"
        )
    return acting_for


def _clean_applicant(details: dict) -> dict:
    """Validate and normalise the applicant's details; raise ``InvalidDossierInput`` (Vietnamese)."""
    from congso.identity.validators import validate_national_id, validate_tax_code

    details = details or {}
    name = _text(details.get("name"), 200, _("Họ tên chủ hồ sơ"))
    if not name:
        raise InvalidDossierInput(_("Vui lòng nhập họ tên chủ hồ sơ."), code="applicant_name")
    national_id = _text(details.get("national_id"), 14, _("Số định danh / mã số thuế"))
    if national_id:
        try:
            (validate_tax_code if len(national_id) != 12 else validate_national_id)(national_id)
        except ValidationError:
            raise InvalidDossierInput(
                _("Số định danh cá nhân phải gồm đúng 12 chữ số; mã số thuế gồm 10 chữ số (hoặc kèm -NNN)."),
                code="applicant_national_id",
            ) from None
    email = _text(details.get("email"), 254, _("Thư điện tử"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidDossierInput(
                _("Địa chỉ thư điện tử không hợp lệ."), code="applicant_email"
            ) from None
    return {
        "applicant_name": name,
        "applicant_national_id": national_id,
        "applicant_phone": _text(details.get("phone"), 20, _("Số điện thoại")),
        "applicant_email": email,
        "applicant_address": _text(details.get("address"), 300, _("Địa chỉ")),
    }


def _check_in_force(version, day) -> None:
    from congso.catalog import services as catalog_services

    if not catalog_services.is_in_force(version, day):
        raise VersionNotInForce(
            _(
                "Thủ tục “{name}” (phiên bản {number}) không có hiệu lực vào ngày {day}; không thể nộp hồ sơ "
                "theo phiên bản này."
            ).format(name=version.procedure.name, number=version.number, day=day.strftime("%d/%m/%Y")),
            code="version_not_in_force",
        )


def _check_online(version) -> None:
    from congso.catalog.models import OnlineMode

    if version.online_mode not in (OnlineMode.PARTLY_ONLINE, OnlineMode.FULLY_ONLINE):
        raise InvalidDossierInput(
            _(
                "Thủ tục này chưa được cung cấp dịch vụ công trực tuyến; "
                "vui lòng nộp hồ sơ tại bộ phận một cửa."
            ),
            code="not_online",
        )


def _error_fields(error) -> list[str]:
    """The dotted names of the form fields a JSON Schema error is about."""
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        return [".".join([*path, name]) for name in error.validator_value if name not in error.instance]
    return [".".join(path) or _("(toàn bộ tờ khai)")]


def _check_form(version, form_data) -> None:
    """Validate the form against the version's JSON Schema, naming the fields in error."""
    import jsonschema

    if not isinstance(form_data, dict):
        raise InvalidDossierInput(_("Dữ liệu tờ khai không hợp lệ."), code="form_data")
    if not version.form_schema:
        return
    validator = jsonschema.Draft202012Validator(version.form_schema)
    fields = sorted({name for error in validator.iter_errors(form_data) for name in _error_fields(error)})
    if fields:
        raise InvalidDossierInput(
            _("Tờ khai chưa hợp lệ ở các mục: {fields}.").format(fields=", ".join(fields)), code="form_data"
        )


def _check_papers(version, papers, *, require_all: bool) -> list[tuple[PaperUpload, object]]:
    """Check each upload (type by content, size, malware) and the paper codes against the version.

    With ``require_all``, every required paper not available from the data store must be present.
    Returns (upload, checked) pairs. Errors: ``UploadRejected`` naming the paper, ``InvalidDossierInput``.
    """
    # A caller that prefetched the version's papers (the views do) reads them once for the checks and
    # for ``_store_papers``; the version object is the caller's, so no cache is added to it here.
    known = {paper.code: paper for paper in version.papers.all()}
    checked = []
    for upload in papers or ():
        if upload.required_paper_code and upload.required_paper_code not in known:
            raise InvalidDossierInput(
                _("Thành phần hồ sơ “{code}” không thuộc thủ tục này.").format(
                    code=upload.required_paper_code
                ),
                code="unknown_paper",
            )
        try:
            checked.append((upload, validate_upload(upload.fileobj)))
        except UploadRejected as exc:
            raise UploadRejected(
                _("{paper}: {reason}").format(
                    paper=upload.name or upload.required_paper_code, reason=" ".join(exc.messages)
                ),
                code=exc.code,
            ) from exc
    if require_all:
        given = {upload.required_paper_code for upload in papers or ()}
        missing = [
            paper.name
            for code, paper in known.items()
            if paper.is_required and not paper.from_data_store and code not in given
        ]
        if missing:
            raise InvalidDossierInput(
                _("Còn thiếu thành phần hồ sơ: {papers}.").format(papers="; ".join(missing)),
                code="missing_papers",
            )
    return checked


def _store_papers(dossier, checked, *, stage, by, at, stored: list) -> None:
    """Write the files and their rows; ``stored`` collects the storage names so the caller can remove
    them if the transaction fails (files are not transactional)."""
    known = {paper.code: paper.name for paper in dossier.procedure_version.papers.all()}
    for upload, info in checked:
        paper = DossierPaper(
            dossier=dossier,
            required_paper_code=upload.required_paper_code,
            name=_text(upload.name, 500, _("Tên giấy tờ"))
            or known.get(upload.required_paper_code, "")
            or info.original_name,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            scan_status=info.scan_status,
            uploaded_by=by,
            uploaded_at=at,
            stage=stage,
        )
        paper.file.save("upload", File(upload.fileobj), save=False)
        stored.append(paper.file.name)
        paper.save()


def _discard_files(names) -> None:
    """The error path of a transaction that wrote files; a crash that skips it is left to the sweep
    (``core.stored_files``)."""
    from congso.core import stored_files

    stored_files.discard(names)


def _lookup_pin() -> str:
    from . import conf

    return "".join(secrets.choice(_PIN_ALPHABET) for _i in range(conf.lookup_pin_length()))


def _lock(dossier) -> Dossier:
    """Lock the dossier's row for this transaction and reload it, so the checks see the latest status."""
    Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True).first()
    dossier.refresh_from_db()
    return dossier


def _require_reason(reason, message) -> str:
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidDossierInput(message, code="reason_required")
    return reason


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _hours_json(hours: Decimal | None) -> str | None:
    """Allotted hours for an audit entry (JSON): ``"8"`` or ``"0.5"``."""
    return hours_text(hours) if hours is not None else None


# --- Creation ----------------------------------------------------------------------------------


def _existing_for_key(key: str, *, submitted_by=None, counter_agency=None) -> Dossier | None:
    """The dossier already created with this idempotency key, if it is the same caller's: the same
    signed-in submitter (online) or the same receiving agency's counter. A key seen with anyone else is
    refused rather than answered, so a guessed key discloses nothing."""
    existing = Dossier.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if counter_agency is not None:
        same_caller = (
            existing.channel == Channel.COUNTER and existing.receiving_agency_id == counter_agency.pk
        )
    else:
        same_caller = existing.submitted_by_id is not None and existing.submitted_by_id == submitted_by.pk
    if not same_caller:
        raise InvalidDossierInput(
            _("Mã chống gửi trùng này đã được dùng cho một hồ sơ khác."), code="idempotency_conflict"
        )
    return existing


def _check_agency_in_force(agency, day) -> None:
    if (agency.valid_from and agency.valid_from > day) or (agency.valid_to and agency.valid_to < day):
        raise InvalidDossierInput(
            _("Cơ quan {agency} không còn hiệu lực vào ngày {day}.").format(
                agency=agency, day=day.strftime("%d/%m/%Y")
            ),
            code="agency_not_in_force",
        )


def _create(
    *,
    transition,
    version,
    receiving_agency,
    channel,
    applicant,
    submitted_by,
    applicant_fields,
    acting_for,
    form_data,
    idempotency_key,
    checked,
    by,
    now,
    received_at,
    extra_events=(),
) -> Dossier:
    stored: list[str] = []
    try:
        with transaction.atomic():
            due = deadlines.initial_due(version, now)
            dossier = Dossier(
                code=codes.assign_code(receiving_agency, now),
                procedure_version=version,
                receiving_agency=receiving_agency,
                current_agency=receiving_agency,
                channel=channel,
                status=transition.target,
                applicant=applicant,
                submitted_by=submitted_by,
                acting_for=acting_for,
                form_data=form_data or {},
                idempotency_key=idempotency_key,
                submitted_at=now,
                received_at=received_at,
                due_at=due,
                statutory_due_at=due,
                at_risk_hours=deadlines.at_risk_window(now, due),
                lookup_pin=_lookup_pin(),
                **applicant_fields,
            )
            dossier.save()
            dossier.processing_agencies.add(receiving_agency)
            _store_papers(dossier, checked, stage=PaperStage.SUBMISSION, by=by, at=now, stored=stored)
            for name in extra_events:
                events.publish(
                    name,
                    states.event_payload(dossier, from_status=None, form_code="", due_at=_iso(due)),
                    aggregate=dossier,
                )
            states.record(
                dossier,
                transition,
                by=by,
                at=now,
                event_extra={"due_at": _iso(due)},
                extra={"papers": len(checked), "due_at": _iso(due)},
            )
    except BaseException:
        _discard_files(stored)
        raise
    return dossier


def submit_online(
    *,
    version,
    applicant,
    receiving_agency,
    form_data,
    applicant_details: dict,
    acting_for: dict | None,
    submitted_by,
    idempotency_key: str,
    papers: list[PaperUpload],
) -> Dossier:
    """Submit a dossier through the portal (status 1, Mới đăng ký).

    Inputs: the ``ProcedureVersion`` applied for; ``applicant`` (the account the dossier belongs to, may
    be the same as ``submitted_by``, the signed-in person); ``receiving_agency``; ``form_data`` (checked
    against the version's JSON Schema); ``applicant_details`` (``name`` required, ``national_id``,
    ``phone``, ``email``, ``address``); ``acting_for`` (who is represented when submitting for someone
    else: relation, name, national ID) or None; ``idempotency_key`` from the form (required);
    ``papers``: every required paper of the version not obtainable from the data store.
    Effects (one transaction): the dossier with its code and appointment (computed from now, see the
    module docstring), the papers stored under random names, a ``StatusChange`` (—→1), the audit entry
    ``dossiers.submit_online`` and the event ``dossier.submitted``.
    Idempotent: the same key again returns the dossier already created and changes nothing.
    Errors: ``VersionNotInForce``; ``InvalidDossierInput`` (missing name, malformed identifier, form
    errors, missing or unknown papers, procedure not offered online, key used by someone else,
    no signed-in submitter); ``UploadRejected``.
    """
    key = _text(idempotency_key, 80, _("Mã chống gửi trùng"))
    if not key:
        raise InvalidDossierInput(
            _("Thiếu mã chống gửi trùng của biểu mẫu; vui lòng tải lại trang."), code="idempotency_key"
        )
    if submitted_by is None or not getattr(submitted_by, "is_authenticated", False):
        raise InvalidDossierInput(_("Vui lòng đăng nhập để nộp hồ sơ trực tuyến."), code="not_signed_in")
    existing = _existing_for_key(key, submitted_by=submitted_by)
    if existing is not None:
        return existing
    now = timezone.now()
    _check_in_force(version, timezone.localdate(now))
    _check_agency_in_force(receiving_agency, timezone.localdate(now))
    _check_online(version)
    applicant_fields = _clean_applicant(applicant_details)
    acting_for = _check_acting_for(acting_for)
    _check_form(version, form_data)
    checked = _check_papers(version, papers, require_all=True)
    try:
        return _create(
            transition=states.find("submit_online", None),
            version=version,
            receiving_agency=receiving_agency,
            channel=Channel.ONLINE,
            applicant=applicant or submitted_by,
            submitted_by=submitted_by,
            applicant_fields=applicant_fields,
            acting_for=acting_for,
            form_data=form_data,
            idempotency_key=key,
            checked=checked,
            by=submitted_by,
            now=now,
            received_at=None,
        )
    except IntegrityError:
        # The same key committed by a concurrent request between our check and our insert.
        existing = _existing_for_key(key, submitted_by=submitted_by)
        if existing is None:
            raise
        return existing


def receive_at_counter(
    *,
    version,
    receiving_agency,
    officer,
    applicant_details,
    form_data,
    acting_for=None,
    papers=(),
    idempotency_key=None,
    applicant=None,
) -> Dossier:
    """Receive a dossier handed in at the one-stop counter: created directly in status 2 (accepted),
    channel "counter", received now; form 01 is due.

    Inputs as ``submit_online``; ``officer`` must hold the RECEIVE permission at ``receiving_agency``;
    ``applicant`` is the applicant's account when they have one (optional); ``papers`` are the scans
    made at the counter (optional — paper originals may stay on paper); ``idempotency_key`` optional,
    protects against a double click.
    Effects (one transaction): the dossier, papers, ``StatusChange`` (—→2, form 01), audit entry
    ``dossiers.receive_at_counter``, events ``dossier.submitted`` then ``dossier.accepted``.
    Errors: ``PermissionDenied``; ``VersionNotInForce``; ``InvalidDossierInput``; ``UploadRejected``.
    """
    permissions.require_at(officer, permissions.RECEIVE, receiving_agency, permissions.RECEIVING)
    key = _text(idempotency_key, 80, _("Mã chống gửi trùng")) or None
    if key:
        existing = _existing_for_key(key, counter_agency=receiving_agency)
        if existing is not None:
            return existing
    now = timezone.now()
    _check_in_force(version, timezone.localdate(now))
    _check_agency_in_force(receiving_agency, timezone.localdate(now))
    applicant_fields = _clean_applicant(applicant_details)
    acting_for = _check_acting_for(acting_for)
    _check_form(version, form_data)
    checked = _check_papers(version, papers, require_all=False)
    try:
        return _create(
            transition=states.find("receive_at_counter", None),
            version=version,
            receiving_agency=receiving_agency,
            channel=Channel.COUNTER,
            applicant=applicant,
            submitted_by=None,
            applicant_fields=applicant_fields,
            acting_for=acting_for,
            form_data=form_data,
            idempotency_key=key,
            checked=checked,
            by=officer,
            now=now,
            received_at=now,
            extra_events=("dossier.submitted",),
        )
    except IntegrityError:
        existing = _existing_for_key(key, counter_agency=receiving_agency) if key else None
        if existing is None:
            raise
        return existing


# --- Reception --------------------------------------------------------------------------------


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
    if not papers and not note:
        raise InvalidDossierInput(
            _("Vui lòng tải lên giấy tờ bổ sung hoặc ghi nội dung bổ sung."), code="supplement_empty"
        )
    checked = _check_papers(dossier.procedure_version, papers, require_all=False)
    stored: list[str] = []
    try:
        with transaction.atomic():
            _lock(dossier)
            if dossier.status != Status.SUPPLEMENT_REQUESTED:
                states.find("provide_supplement", dossier.status)  # raises the Vietnamese message
            request = dossier.supplement_request
            transition = _transition_for(dossier, "provide_supplement", request.from_status)
            permissions.require(applicant_user, transition.permission, dossier)
            now = timezone.now()
            _store_papers(
                dossier, checked, stage=PaperStage.SUPPLEMENT, by=applicant_user, at=now, stored=stored
            )
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
    except BaseException:
        _discard_files(stored)
        raise
    return dossier


# --- Processing -------------------------------------------------------------------------------


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


def _event_process(extra: dict) -> dict:
    return {"process": extra["process"]} if extra else {}


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
    if not result_files and not result_note:
        raise InvalidDossierInput(
            _("Vui lòng đính kèm kết quả giải quyết hoặc ghi nội dung kết quả."), code="result_empty"
        )
    checked = _check_papers(dossier.procedure_version, result_files, require_all=False)
    stored: list[str] = []
    try:
        with transaction.atomic():
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
    except BaseException:
        _discard_files(stored)
        raise
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


def withdraw(dossier, applicant_user, reason: str) -> Dossier:
    """Withdraw the dossier at the applicant's request (1, 2, 4, 5, 6 → 7).

    Inputs: ``applicant_user``: the applicant, or a one-stop officer recording a written request
    (WITHDRAW); ``reason`` required.
    Effects: every open hand-over closed, status change, audit, event ``dossier.withdrawn``.
    Errors: ``InvalidDossierInput``, ``PermissionDenied``, ``IllegalTransition``.
    """
    reason = _require_reason(reason, _("Vui lòng nêu lý do rút hồ sơ."))
    with transaction.atomic():
        transition = _act(dossier, applicant_user, "withdraw")
        _close_open_hand_overs(dossier, timezone.now())
        states.apply(dossier, transition, by=applicant_user, reason=reason)
    return dossier


def stop(dossier, officer, reason: str) -> Dossier:
    """Stop processing the dossier (2, 4, 5, 6 → 8) with a stop notice (form 05).

    Inputs: ``officer`` with STOP (leader at the current agency); ``reason`` required (stated on form 05).
    Effects: every open hand-over closed, status change, audit, event ``dossier.stopped``.
    Errors: ``InvalidDossierInput``, ``PermissionDenied``, ``IllegalTransition``.
    """
    reason = _require_reason(reason, _("Vui lòng nêu lý do dừng giải quyết hồ sơ."))
    with transaction.atomic():
        transition = _act(dossier, officer, "stop")
        _close_open_hand_overs(dossier, timezone.now())
        states.apply(dossier, transition, by=officer, reason=reason)
    return dossier


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


# --- Hand-over: the one routing seam ------------------------------------------------------------


def _close_row(row: HandOver, at) -> HandOver:
    row.completed_at = at
    row.result = timeliness.classify(at, row.due_at)
    row.save(update_fields=["completed_at", "result"])
    return row


def _close_open_hand_overs(dossier, at, *, keep=()) -> list[HandOver]:
    """Close and classify every open hand-over of ``dossier`` (except the ids in ``keep``), oldest first."""
    rows = dossier.hand_overs.filter(completed_at__isnull=True).exclude(pk__in=list(keep))
    return [_close_row(row, at) for row in rows.order_by("handed_at", "id")]


def _check_step_input(step_name, allotted_working_hours) -> tuple[str, Decimal | None]:
    """The cleaned step name and allotted hours (``Decimal``), or ``InvalidDossierInput``."""
    step_name = _text(step_name, 200, _("Bước xử lý"))
    if not step_name:
        raise InvalidDossierInput(_("Vui lòng ghi tên bước xử lý."), code="step_name")
    return step_name, _allotted_hours(allotted_working_hours)


# HandOver.allotted_hours: DecimalField(max_digits=8, decimal_places=2).
_MAX_ALLOTTED_HOURS = Decimal("999999.99")


def _allotted_hours(value) -> Decimal | None:
    """``value`` (int, Decimal or float; None = no allotted time) as a Decimal of working hours: more than
    0, at most two decimals (``0.5`` is half an hour, as a process step may allot)."""
    if value is None:
        return None
    hours = None
    if not isinstance(value, bool) and isinstance(value, int | float | Decimal):
        # A float through str() so that 0.5 stays exactly 0.5 (and 0.1 is not 0.1000000000000000055…).
        hours = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if (
        hours is None
        or not hours.is_finite()
        or hours <= 0
        or hours > _MAX_ALLOTTED_HOURS
        or hours != hours.quantize(Decimal("0.01"))
    ):
        raise InvalidDossierInput(
            _(
                "Thời gian được giao phải là số giờ làm việc lớn hơn 0, tối đa hai chữ số thập phân "
                "(ví dụ 0,5 là nửa giờ)."
            ),
            code="allotted_hours",
        )
    return hours.quantize(Decimal("0.01"))


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
    from congso.agencies import services as agency_services

    return agency_services.staff_of(unit, hand_over_receiver_roles())


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
        if dossier.routed_by_process:
            raise InvalidDossierInput(
                _(
                    "Hồ sơ {code} đang được chuyển bước theo {process}; hãy xử lý bước của bạn trong "
                    "danh sách công việc."
                ).format(code=dossier.code, process=dossier.routed_by_process),
                code="routed_by_process",
            )
        now = timezone.now()
        _check_agency_in_force(to_agency, timezone.localdate(now))
        _check_receiver(received_by, to_agency)
        closed = _close_open_hand_overs(dossier, now)
        previous = closed[-1] if closed else None
        if dossier.status == Status.ACCEPTED:
            states.apply(
                dossier,
                states.find("start_processing", Status.ACCEPTED),
                by=given_by,
                at=now,
                reason=step_name,
            )
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
            due_at=deadlines.step_due(now, allotted_working_hours, dossier.due_at),
            note=_text(note),
        )
        dossier.current_agency = to_agency
        dossier.save(update_fields=["current_agency"])
        dossier.processing_agencies.add(to_agency)
        _record_hand_over(dossier, row, previous, actor=given_by, extra={})
    return row


# --- The process's side of the seam (called by the workflow engine only) -----------------------------

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
        row.due_at = deadlines.step_due(row.handed_at, row.allotted_hours, row.due_at)
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
    if dossier.status == Status.ACCEPTED:
        states.apply(
            dossier,
            states.find("start_processing", Status.ACCEPTED),
            by=None,
            at=now,
            reason=step_name,
            extra=extra,
            event_extra=_event_process(extra),
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
        due_at=deadlines.step_due(now, _allotted_hours(step.allotted_working_hours), dossier.due_at),
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


# --- Reading ----------------------------------------------------------------------------------


def get_for_applicant(user, public_id_or_code) -> Dossier:
    """The dossier with this public id (UUID) or code, if it belongs to ``user`` (as applicant or as the
    person who submitted it). Raises ``Dossier.DoesNotExist`` otherwise — the same error whether it
    does not exist or is someone else's, so nothing leaks."""
    value = str(public_id_or_code or "").strip()
    condition = Q(code=value.upper())
    try:
        condition |= Q(public_id=uuid.UUID(value))
    except ValueError:
        pass
    return (
        Dossier.objects.of_applicant(user)
        .select_related("procedure_version__procedure", "receiving_agency", "current_agency")
        .get(condition)
    )


def get_visible(user, pk) -> Dossier:
    """The dossier with primary key ``pk`` if ``user`` may see it (``visible_to``). Raises
    ``Dossier.DoesNotExist`` otherwise — the same error whether it does not exist or is hidden."""
    return (
        visible_to(user)
        .select_related("procedure_version__procedure", "receiving_agency", "current_agency")
        .get(pk=pk)
    )


def find_by_code(code: str) -> Dossier:
    """The dossier with ``code`` (spaces ignored, case-insensitive). Raises ``Dossier.DoesNotExist``.

    It checks no permission: callers that show the dossier to a person must check
    ``can(user, VIEW, dossier)`` or, on the public status page, the lookup PIN."""
    return Dossier.objects.select_related(
        "procedure_version__procedure", "receiving_agency", "current_agency"
    ).get(code=str(code or "").strip().upper())


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a dossier's history as people see it. ``actor`` is the person who acted; when the
    dossier's process acted, ``actor`` is ``None`` and ``actor_label`` names the process."""

    at: datetime
    kind: str  # "status", "hand_over" or "extension"
    title: str
    actor: object | None = None
    form_code: str = ""
    detail: dict = field(default_factory=dict)
    actor_label: str = ""


def timeline(dossier) -> list[TimelineEntry]:
    """Status changes, hand-overs and extensions of ``dossier``, merged in time order (oldest first).
    Reads only; checks no permission (the caller has)."""
    entries = []
    for change in dossier.status_changes.select_related("by"):
        entries.append(
            TimelineEntry(
                at=change.at,
                kind="status",
                title=states.label_of(change),
                actor=change.by,
                form_code=change.form_code,
                actor_label=change.extra.get("process", "") if change.by_id is None else "",
                detail={
                    "transition": change.transition,
                    "from_status": change.from_status,
                    "to_status": change.to_status,
                    "reason": change.reason,
                    **change.extra,
                },
            )
        )
    for row in dossier.hand_overs.select_related(
        "from_agency", "to_agency", "given_by", "received_by", "step_completed_by"
    ):
        entries.append(
            TimelineEntry(
                at=row.handed_at,
                kind="hand_over",
                title=row.step_name,
                actor=row.given_by,
                form_code="06",
                actor_label=row.given_by_label if row.given_by_id is None else "",
                detail={
                    "from": row.from_unit_label or str(row.from_agency or ""),
                    "to": row.to_unit_label or str(row.to_agency),
                    "to_agency": str(row.to_agency),
                    "received_by": row.received_by,
                    "due_at": row.due_at,
                    "completed_at": row.completed_at,
                    "result": row.result,
                    "note": row.note,
                    "branch": row.is_branch,
                    "step_completed_by": row.step_completed_by,
                },
            )
        )
    for ext in dossier.extensions.select_related("extended_by"):
        entries.append(
            TimelineEntry(
                at=ext.extended_at,
                kind="extension",
                title=_("Gia hạn, hẹn lại ngày trả kết quả"),
                actor=ext.extended_by,
                form_code=ext.form_code,
                detail={
                    "old_due_at": ext.old_due_at,
                    "new_due_at": ext.new_due_at,
                    "reason": ext.reason,
                    "before_deadline": ext.before_deadline,
                },
            )
        )
    order = {"status": 0, "hand_over": 1, "extension": 2}
    return sorted(entries, key=lambda e: (e.at, order[e.kind]))


def can_receive_somewhere(user) -> bool:
    """Whether ``user`` may receive dossiers at the counter of at least one agency today (to offer the
    counter-intake page). Reads only; raises nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    held = permissions.held_roles(user)
    return bool(held) and bool(
        permissions.agency_ids_granting(held, permissions.RECEIVE, permissions.RECEIVING)
    )
