"""The only writer of official documents: registration, assignment and handling of incoming documents;
drafting, approval, signing, issuing and dispatch of outgoing ones.

Every write runs in one ``transaction.atomic()`` with an audit entry and a line in the document's
handling log; a refused action raises ``DocumentError`` with a message for the officer and changes
nothing. Permissions are checked here (``documents.permissions``), so a view cannot forget them.

Issuing (``issue``) takes the number from the register *inside* the transaction that renders, signs,
seals and stores the document: if any of that fails, the transaction rolls back and gives the number
back, so the register stays gap-free.

Signing. The leader's ``sign`` records the decision to sign the approved text (its SHA-256 is kept in
the log); the clerk's ``issue`` then renders the document with its number and date and applies, through
the signature provider, the signer's PAdES signature and the agency's seal over it. The number and the
date are part of the signed text, which is why the signature is applied at the moment of issue. With a
provider whose keys stay in the signer's hands (a PKCS#11 token), the number would be filled into a
form field after the signer's signature instead; that provider does not exist yet.
"""

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.agencies import services as agencies
from congso.core import audit, events
from congso.core.stored_files import discard_on_rollback

from . import numbering, permissions, rendering, signing, templates
from . import search as fulltext
from .models import (
    ApprovalStep,
    Assignment,
    Attachment,
    Direction,
    DocumentType,
    IncomingDocument,
    IncomingStatus,
    LogEntry,
    OutgoingDocument,
    OutgoingStatus,
    Recipient,
    RecipientStatus,
    Register,
    Secrecy,
    Source,
    Urgency,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class DocumentError(Exception):
    """An action on a document was refused; ``str(error)`` is the message for the officer."""


def _refuse(message: str):
    raise DocumentError(message)


# The handling log's action for a received package whose XML-DSig signature verified (note: who signed).
ENVELOPE_VERIFIED = "envelope_signature_verified"


def envelope_signer(document: IncomingDocument) -> str:
    """Who signed the edXML package ``document`` came in, when its signature verified; else ""."""
    entry = document.log.filter(action=ENVELOPE_VERIFIED).first()
    return entry.note if entry is not None else ""


def _log(document, actor, action: str, note: str = "") -> None:
    field = "incoming" if isinstance(document, IncomingDocument) else "outgoing"
    LogEntry.objects.create(**{field: document}, actor=actor, action=action, note=note)


def _today() -> date:
    return timezone.localdate()


# --- Registers --------------------------------------------------------------------------------


def register_for(agency, direction: str, document_type: str = "") -> Register:
    """The register a document of ``document_type`` goes into: the active register of ``agency`` and
    ``direction`` that lists the type, else the one that takes every type; created ("Sổ văn bản đến",
    "Sổ văn bản đi") when the agency has none."""
    registers = list(
        Register.objects.filter(agency=agency, direction=direction, is_active=True).order_by("pk")
    )
    for register in registers:
        if document_type and document_type in (register.document_types or []):
            return register
    for register in registers:
        if not register.document_types:
            return register
    name = _("Sổ văn bản đến") if direction == Direction.INCOMING else _("Sổ văn bản đi")
    register, _created = Register.objects.get_or_create(agency=agency, direction=direction, name=name)
    return register


# --- Files ------------------------------------------------------------------------------------


def _store(owner, kind: str, name: str, data: bytes, content_type: str, stored: list) -> Attachment:
    field = "incoming" if isinstance(owner, IncomingDocument) else "outgoing"
    attachment = Attachment(
        **{field: owner},
        kind=kind,
        name=name[:200],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    attachment.file.save(name, ContentFile(data), save=False)
    stored.append(attachment.file.name)
    attachment.save()
    fulltext.attachment_stored(attachment)
    return attachment


def _read_upload(upload) -> tuple[str, bytes]:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        _refuse(_("Tệp “%(name)s” vượt quá 20 MB.") % {"name": upload.name})
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        _refuse(_("Tệp “%(name)s” vượt quá 20 MB.") % {"name": upload.name})
    if not data.startswith(b"%PDF-"):
        _refuse(_("Tệp “%(name)s” không phải là tệp PDF.") % {"name": upload.name})
    return upload.name, data


# --- Incoming ---------------------------------------------------------------------------------


def _check_choice(value: str, choices, label: str) -> str:
    value = value or ""
    if value not in choices.values:
        _refuse(_("Giá trị “%(value)s” của %(label)s không hợp lệ.") % {"value": value, "label": label})
    return value


def register_incoming(
    *,
    agency,
    by,
    sender_name: str,
    number_symbol: str,
    document_type: str,
    issued_on: date,
    summary: str,
    sender_code: str = "",
    signer_name: str = "",
    urgency: str = "",
    secrecy: str = "",
    deadline: date | None = None,
    scan=None,
    files: tuple = (),
    source: str = Source.PAPER,
    exchange_id: str = "",
) -> IncomingDocument:
    """Enter a received document in ``agency``'s incoming register with the next arrival number.

    ``by`` is the clerk (``None`` only for an electronic document received by the system). ``scan`` is
    the uploaded scan of a paper document (PDF); ``files`` are ``(name, bytes, content_type)`` of an
    electronic one. An electronic document already registered (same ``exchange_id``) is returned as it
    is, so a package delivered twice is entered once.
    """
    if by is not None and not permissions.can_register_incoming(by, agency):
        _refuse(_("Chỉ văn thư của cơ quan được vào sổ văn bản đến."))
    sender_name, number_symbol, summary = (
        (sender_name or "").strip(),
        (number_symbol or "").strip(),
        (summary or "").strip(),
    )
    missing = [
        label
        for label, value in (
            (_("cơ quan ban hành"), sender_name),
            (_("số, ký hiệu"), number_symbol),
            (_("trích yếu"), summary),
            (_("ngày ban hành"), issued_on),
        )
        if not value
    ]
    if missing:
        _refuse(_("Còn thiếu: %(fields)s.") % {"fields": ", ".join(str(m) for m in missing)})
    _check_choice(document_type, DocumentType, _("loại văn bản"))
    _check_choice(urgency, Urgency, _("độ khẩn"))
    _check_choice(secrecy, Secrecy, _("độ mật"))
    if issued_on > _today():
        _refuse(_("Ngày ban hành không được sau ngày hôm nay."))
    if source == Source.PAPER and scan is None:
        _refuse(_("Văn bản giấy cần có bản quét (PDF)."))
    scanned = _read_upload(scan) if scan is not None else None
    now = timezone.now()
    with discard_on_rollback() as stored, transaction.atomic():
        if exchange_id:
            existing = IncomingDocument.objects.filter(agency=agency, exchange_id=exchange_id).first()
            if existing is not None:
                return existing
        register = register_for(agency, Direction.INCOMING)
        year = timezone.localtime(now).year
        document = IncomingDocument.objects.create(
            agency=agency,
            register=register,
            year=year,
            arrival_number=numbering.next_number(register, year),
            received_at=now,
            source=source,
            sender_name=sender_name[:300],
            sender_code=(sender_code or "")[:20],
            number_symbol=number_symbol[:100],
            document_type=document_type,
            issued_on=issued_on,
            summary=summary,
            signer_name=(signer_name or "")[:200],
            urgency=urgency or "",
            secrecy=secrecy or "",
            deadline=deadline,
            exchange_id=exchange_id,
            registered_by=by,
        )
        if scanned is not None:
            _store(document, Attachment.Kind.SCAN, scanned[0], scanned[1], "application/pdf", stored)
        for name, data, content_type in files:
            _store(document, Attachment.Kind.ATTACHMENT, name, data, content_type, stored)
        _log(document, by, "registered", _("Số đến %(number)s") % {"number": document.arrival_number})
        audit.record("documents.incoming.register", document, actor=by, label="documents")
        events.publish(
            "documents.incoming_registered",
            {"document_id": document.pk, "agency_code": agency.code, "exchange_id": exchange_id},
            aggregate=document,
        )
    return document


def assign(
    document: IncomingDocument,
    *,
    by,
    assignee=None,
    unit=None,
    deadline: date | None = None,
    opinion: str = "",
    cooperating=(),
) -> Assignment:
    """The leader assigns the document to ``assignee`` (and/or ``unit``) to handle, others to
    cooperate, with a deadline and an opinion. A new main assignment replaces the previous one."""
    if not permissions.can_assign(by, document):
        _refuse(_("Chỉ lãnh đạo cơ quan được phân công xử lý văn bản đến chưa hoàn thành."))
    if assignee is None and unit is None:
        _refuse(_("Cần chọn người hoặc đơn vị xử lý."))
    if deadline is not None and deadline < _today():
        _refuse(_("Hạn xử lý không được trước ngày hôm nay."))
    staff = {
        user.pk
        for user in agencies.staff_of(document.agency, ["specialist", "leader", "clerk", "one_stop_officer"])
    }
    for person in [assignee, *cooperating]:
        if person is not None and person.pk not in staff:
            _refuse(_("%(name)s không làm việc tại cơ quan nhận văn bản.") % {"name": person})
    with transaction.atomic():
        IncomingDocument.objects.select_for_update().filter(pk=document.pk).first()
        document.refresh_from_db()
        document.assignments.filter(is_main=True).update(is_main=False)
        main = Assignment.objects.create(
            document=document,
            assigned_by=by,
            assignee=assignee,
            unit=unit,
            is_main=True,
            deadline=deadline,
            opinion=(opinion or "").strip(),
        )
        for person in cooperating:
            Assignment.objects.create(
                document=document, assigned_by=by, assignee=person, is_main=False, deadline=deadline
            )
        document.status = IncomingStatus.ASSIGNED
        if deadline is not None:
            document.deadline = deadline
            document.reminded_on = None
        document.save(update_fields=["status", "deadline", "reminded_on"])
        _log(document, by, "assigned", main.opinion)
        audit.record(
            "documents.incoming.assign",
            document,
            actor=by,
            changes={"assignee": getattr(assignee, "pk", None), "unit": getattr(unit, "pk", None)},
        )
        _report_status(document, RecipientStatus.ASSIGNED)
    return main


def record_progress(document: IncomingDocument, *, by, note: str) -> IncomingDocument:
    if not permissions.can_handle(by, document):
        _refuse(_("Chỉ người chủ trì xử lý được cập nhật tiến độ văn bản này."))
    note = (note or "").strip()
    if not note:
        _refuse(_("Cần ghi nội dung xử lý."))
    with transaction.atomic():
        first = document.status == IncomingStatus.ASSIGNED
        document.status = IncomingStatus.IN_PROGRESS
        document.save(update_fields=["status"])
        _log(document, by, "progress", note)
        audit.record("documents.incoming.progress", document, actor=by)
        if first:
            _report_status(document, RecipientStatus.PROCESSING)
    return document


def complete(document: IncomingDocument, *, by, note: str = "") -> IncomingDocument:
    if not permissions.can_handle(by, document):
        _refuse(_("Chỉ người chủ trì xử lý được kết thúc văn bản này."))
    with transaction.atomic():
        document.status = IncomingStatus.DONE
        document.completed_at = timezone.now()
        document.save(update_fields=["status", "completed_at"])
        _log(document, by, "completed", (note or "").strip())
        audit.record("documents.incoming.complete", document, actor=by)
        _report_status(document, RecipientStatus.DONE)
    return document


def _report_status(document: IncomingDocument, status: str) -> None:
    """Tell the sender of an electronic document how it is being handled (an edXML status). The
    exchange block delivers it; nothing is sent for a paper document."""
    if document.source != Source.ELECTRONIC or not document.exchange_id:
        return
    events.publish(
        "documents.status_changed",
        {
            "document_id": document.pk,
            "exchange_id": document.exchange_id,
            "status": status,
            "from_code": document.agency.code,
            "to_code": document.sender_code,
        },
        aggregate=document,
    )


REMIND_DAYS_BEFORE = 1


def send_deadline_reminders(today: date | None = None) -> int:
    """Publish ``documents.deadline_near`` once for each incoming document being handled whose deadline
    is at most ``REMIND_DAYS_BEFORE`` days away (or passed), for the notifications block to tell the
    people in charge. Returns how many were sent."""
    from datetime import timedelta

    today = today or _today()
    due = IncomingDocument.objects.filter(
        status__in=(IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS),
        deadline__isnull=False,
        deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
        reminded_on__isnull=True,
    ).select_related("agency")
    sent = 0
    for document in due:
        with transaction.atomic():
            if (
                IncomingDocument.objects.filter(pk=document.pk, reminded_on__isnull=True).update(
                    reminded_on=today
                )
                != 1
            ):
                continue
            people = list(
                document.assignments.filter(assignee__isnull=False).values_list("assignee_id", flat=True)
            )
            events.publish(
                "documents.deadline_near",
                {
                    "document_id": document.pk,
                    "agency_code": document.agency.code,
                    "deadline": document.deadline.isoformat(),
                    "overdue": document.deadline < today,
                    "assignees": people,
                },
                aggregate=document,
            )
            _log(document, None, "reminded", document.deadline.strftime("%d/%m/%Y"))
        sent += 1
    return sent


# --- Outgoing ---------------------------------------------------------------------------------


def draft_outgoing(
    *,
    agency,
    by,
    document_type: str,
    summary: str,
    content: str = "",
    drafting_unit: str = "",
    urgency: str = "",
    secrecy: str = "",
    reply_to: IncomingDocument | None = None,
    dossier=None,
    requested_by_event: str = "",
) -> OutgoingDocument:
    """A new draft; without ``content`` the template of its type (``documents.templates``) is filled
    in. ``by`` is ``None`` only for a draft the system makes on a workflow's request."""
    if by is not None and not permissions.can_draft(by, agency):
        _refuse(_("Bạn không có quyền soạn văn bản của cơ quan này."))
    summary = (summary or "").strip()
    if not summary:
        _refuse(_("Còn thiếu: %(fields)s.") % {"fields": _("trích yếu")})
    _check_choice(document_type, DocumentType, _("loại văn bản"))
    _check_choice(urgency, Urgency, _("độ khẩn"))
    _check_choice(secrecy, Secrecy, _("độ mật"))
    header = agencies.document_settings_for(agency)
    with transaction.atomic():
        document = OutgoingDocument.objects.create(
            agency=agency,
            document_type=document_type,
            drafting_unit=(drafting_unit or "").strip()[:20],
            summary=summary,
            content=(content or "").strip() or templates.body_for(document_type, summary, reply_to, dossier),
            urgency=urgency or "",
            secrecy=secrecy or "",
            drafter=by,
            place_name=header.place_name,
            reply_to=reply_to,
            dossier=dossier,
            requested_by_event=requested_by_event,
        )
        if reply_to is not None and reply_to.sender_name:
            Recipient.objects.create(
                document=document,
                name=reply_to.sender_name,
                organ_code=reply_to.sender_code,
                agency=_agency_by_code(reply_to.sender_code),
                electronic=bool(reply_to.sender_code),
            )
        _log(document, by, "drafted")
        audit.record("documents.outgoing.draft", document, actor=by, label="documents")
    return document


def _agency_by_code(code: str):
    if not code:
        return None
    found = agencies.agencies_by_code([code])
    return found.get(code)


def update_draft(document: OutgoingDocument, *, by, **fields) -> OutgoingDocument:
    """Change a draft's type, summary, content, drafting unit, urgency or secrecy."""
    if not permissions.can_edit_draft(by, document):
        _refuse(_("Chỉ người soạn thảo được sửa dự thảo chưa trình hoặc bị trả lại."))
    allowed = {"document_type", "summary", "content", "drafting_unit", "urgency", "secrecy"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if "document_type" in fields:
        _check_choice(fields["document_type"], DocumentType, _("loại văn bản"))
    if "urgency" in fields:
        _check_choice(fields["urgency"], Urgency, _("độ khẩn"))
    if "secrecy" in fields:
        _check_choice(fields["secrecy"], Secrecy, _("độ mật"))
    if "summary" in fields and not (fields["summary"] or "").strip():
        _refuse(_("Còn thiếu: %(fields)s.") % {"fields": _("trích yếu")})
    with transaction.atomic():
        for name, value in fields.items():
            setattr(document, name, value.strip() if isinstance(value, str) else value)
        document.save()
        _log(document, by, "edited")
        audit.record("documents.outgoing.edit", document, actor=by, changes={"fields": sorted(fields)})
    return document


def set_recipients(document: OutgoingDocument, *, by, recipients: list[dict]) -> None:
    """Replace the recipients (nơi nhận) of a draft: dicts with ``agency`` (an Agency, for electronic
    exchange), ``organ_code`` and ``name`` (an agency outside this installation, electronic through the
    LGSP or the national axis) or ``name`` alone (a paper recipient)."""
    if not permissions.can_edit_draft(by, document):
        _refuse(_("Chỉ người soạn thảo được sửa dự thảo chưa trình hoặc bị trả lại."))
    rows = []
    for item in recipients:
        agency = item.get("agency")
        name = (item.get("name") or (agency.name if agency is not None else "")).strip()
        if not name:
            _refuse(_("Nơi nhận cần có tên."))
        rows.append(
            Recipient(
                document=document,
                agency=agency,
                organ_code=agency.code if agency is not None else (item.get("organ_code") or "")[:20],
                name=name[:300],
                electronic=agency is not None or bool(item.get("organ_code")),
            )
        )
    with transaction.atomic():
        document.recipients.all().delete()
        Recipient.objects.bulk_create(rows)
        _log(document, by, "recipients", "; ".join(r.name for r in rows))
        audit.record("documents.outgoing.recipients", document, actor=by)


def submit_for_approval(
    document: OutgoingDocument, *, by, approvers: list = (), signer=None, picks: dict | None = None
) -> OutgoingDocument:
    """Send the draft along its approval chain to the signer, a leader of the agency, who approves last.

    When the agency has configured a chain for the draft's type (or a default one, ``documents.chains``)
    the draft follows it: its steps' fixed persons, the persons the drafter ``picks`` (step position →
    user id) where a step leaves a choice, and its fixed signer if any. The chain is frozen on the draft
    at its first submission, so a returned draft submitted again follows the same chain even if it has
    been edited since. Without a configured chain the drafter names the ``approvers`` (in order; may be
    empty) freely."""
    from . import chains  # chains imports DocumentError from here

    if not permissions.can_edit_draft(by, document):
        _refuse(_("Chỉ người soạn thảo được trình dự thảo chưa trình hoặc bị trả lại."))
    plan = chains.plan_of(document)
    if plan is not None:
        steps = chains.people_for(document, plan, picks or {})
        signer = chains.signer_for(document, plan, signer)
    if signer is None or not permissions.is_leader(signer, document.agency):
        _refuse(_("Người ký phải là lãnh đạo của cơ quan ban hành."))
    if plan is None:
        steps = [(person, {"role": "", "unit": None}) for person in approvers if person.pk != signer.pk]
    steps = steps + [(signer, {"role": "leader", "unit": None})]
    if len({person.pk for person, _row in steps}) != len(steps):
        _refuse(_("Một người chỉ xuất hiện một lần trong luồng duyệt."))
    for person, _row in steps:
        if plan is None and not (
            permissions.is_leader(person, document.agency)
            or permissions.is_specialist(person, document.agency)
        ):
            _refuse(_("%(name)s không thể duyệt văn bản của cơ quan này.") % {"name": person})
    header = agencies.document_settings_for(document.agency)
    with transaction.atomic():
        last = document.approvals.order_by("-round").values_list("round", flat=True).first() or 0
        document.approvals.filter(decision=ApprovalStep.Decision.PENDING).update(
            decision=ApprovalStep.Decision.SKIPPED
        )
        ApprovalStep.objects.bulk_create(
            ApprovalStep(
                document=document,
                round=last + 1,
                position=i,
                approver=person,
                role=row["role"] if plan is not None else "",
                unit=row["unit"],
            )
            for i, (person, row) in enumerate(steps, start=1)
        )
        document.status = OutgoingStatus.IN_REVIEW
        document.signer = signer
        document.signer_name = getattr(signer, "full_name", "") or str(signer)
        document.signer_authority = header.signer_authority
        document.signer_title = header.signer_title
        document.chain_plan = plan
        document.save()
        chain = [person for person, _row in steps]
        _log(document, by, "submitted", " → ".join(str(p) for p in chain))
        audit.record(
            "documents.outgoing.submit",
            document,
            actor=by,
            changes={"chain": [p.pk for p in chain], "configured": (plan or {}).get("chain")},
        )
    return document


def decide(document: OutgoingDocument, *, by, approve: bool, comment: str = "") -> OutgoingDocument:
    """The current approver agrees (the draft moves to the next, or becomes approved after the signer)
    or returns it to the drafter with a comment (required)."""
    if not permissions.can_decide(by, document):
        _refuse(_("Văn bản không chờ bạn duyệt."))
    comment = (comment or "").strip()
    if not approve and not comment:
        _refuse(_("Cần ghi lý do trả lại."))
    with transaction.atomic():
        step = permissions.current_step(document)
        step.decision = ApprovalStep.Decision.APPROVED if approve else ApprovalStep.Decision.RETURNED
        step.comment = comment
        step.decided_at = timezone.now()
        step.save()
        if not approve:
            document.approvals.filter(round=step.round, decision=ApprovalStep.Decision.PENDING).update(
                decision=ApprovalStep.Decision.SKIPPED
            )
            document.status = OutgoingStatus.RETURNED
        elif not document.approvals.filter(decision=ApprovalStep.Decision.PENDING).exists():
            document.status = OutgoingStatus.APPROVED
        document.save(update_fields=["status", "updated_at"])
        _log(document, by, "approved" if approve else "returned", comment)
        audit.record("documents.outgoing.decide", document, actor=by, changes={"approve": approve})
    return document


def content_digest(document: OutgoingDocument) -> str:
    """The SHA-256 of what the signer approves: type, summary, content, recipients."""
    parts = [document.document_type, document.summary, document.content]
    parts += [f"{r.organ_code}|{r.name}" for r in document.recipients.all()]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def sign(document: OutgoingDocument, *, by) -> OutgoingDocument:
    """The signer's decision to sign the approved text (applied at issue, see the module docstring)."""
    if not permissions.can_sign(by, document):
        _refuse(_("Chỉ người ký được chỉ định ký văn bản đã duyệt."))
    with transaction.atomic():
        document.status = OutgoingStatus.SIGNED
        document.save(update_fields=["status", "updated_at"])
        digest = content_digest(document)
        _log(document, by, "signed", digest)
        audit.record("documents.outgoing.sign", document, actor=by, changes={"sha256": digest})
    return document


def issue(document: OutgoingDocument, *, by) -> OutgoingDocument:
    """Take the next number of the agency's outgoing register for this year, render the document with
    it, sign it for the signer and seal it for the agency, and store the signed PDF — all in one
    transaction (a failure gives the number back)."""
    if not permissions.can_issue(by, document):
        _refuse(_("Chỉ văn thư được ban hành văn bản đã ký."))
    signed_digest = (
        document.log.filter(action="signed").order_by("-at", "-pk").values_list("note", flat=True).first()
    )
    if signed_digest != content_digest(document):
        _refuse(_("Nội dung văn bản đã khác với bản người ký đã ký; cần trình ký lại."))
    now = timezone.now()
    with discard_on_rollback() as stored, transaction.atomic():
        OutgoingDocument.objects.select_for_update().filter(pk=document.pk).first()
        document.refresh_from_db()
        if document.status != OutgoingStatus.SIGNED:
            _refuse(_("Văn bản đã được ban hành."))
        register = register_for(document.agency, Direction.OUTGOING, document.document_type)
        year = timezone.localtime(now).year
        header = agencies.document_settings_for(document.agency)
        document.register = register
        document.year = year
        document.number = numbering.next_number(register, year)
        document.symbol = numbering.format_symbol(
            document.document_type, header.short_name, document.drafting_unit
        )
        document.issued_on = timezone.localtime(now).date()
        document.issued_at = now
        document.status = OutgoingStatus.ISSUED
        document.save()
        rendered = rendering.render_pdf(document)
        try:
            signed = signing.sign_document(
                rendered,
                signer_user=document.signer,
                signer_name=document.signer_name,
                agency=document.agency,
                location=document.place_name or header.place_name,
            )
        except signing.SigningError as exc:
            raise DocumentError(str(exc)) from exc
        filename = f"{document.number:02d}-{document.symbol}.pdf".replace("/", "-")
        _store(document, Attachment.Kind.SIGNED, filename, signed, "application/pdf", stored)
        _log(document, by, "issued", document.number_symbol)
        audit.record(
            "documents.outgoing.issue", document, actor=by, changes={"number": document.number, "year": year}
        )
        events.publish(
            "documents.issued",
            {
                "document_id": document.pk,
                "agency_code": document.agency.code,
                "number": document.number_symbol,
            },
            aggregate=document,
        )
    return document


def dispatch(document: OutgoingDocument, *, by) -> OutgoingDocument:
    """Send the issued document to its recipients: electronic recipients get an edXML package (the
    ``documents.dispatched`` event carries it to the exchange), paper ones are marked sent."""
    if not permissions.can_dispatch(by, document):
        _refuse(_("Chỉ văn thư được gửi văn bản đã ban hành."))
    if not document.recipients.exists():
        _refuse(_("Văn bản chưa có nơi nhận."))
    now = timezone.now()
    with transaction.atomic():
        document.recipients.update(status=RecipientStatus.SENT, status_at=now)
        document.status = OutgoingStatus.DISPATCHED
        document.save(update_fields=["status", "updated_at"])
        _log(document, by, "dispatched")
        audit.record("documents.outgoing.dispatch", document, actor=by)
        events.publish(
            "documents.dispatched",
            {
                "document_id": document.pk,
                "agency_code": document.agency.code,
                "recipients": list(
                    document.recipients.filter(electronic=True).values_list("organ_code", flat=True)
                ),
            },
            aggregate=document,
        )
    return document


def record_recipient_status(
    document: OutgoingDocument, *, organ_code: str, status: str, note: str = ""
) -> Recipient:
    """A recipient reported a status (edXML 01 arrived … 06 done, 13/15/16 recall)."""
    _check_choice(status, RecipientStatus, _("trạng thái"))
    with transaction.atomic():
        recipient = document.recipients.select_for_update().filter(organ_code=organ_code).first()
        if recipient is None:
            _refuse(_("Cơ quan %(code)s không phải nơi nhận của văn bản.") % {"code": organ_code})
        recipient.status = status
        recipient.status_at = timezone.now()
        recipient.status_note = (note or "")[:500]
        recipient.save()
        _log(document, None, "recipient_status", f"{organ_code}: {recipient.get_status_display()}")
        audit.record(
            "documents.outgoing.recipient_status", document, label="documents", changes={"status": status}
        )
    return recipient


def _kind_slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(str(text).replace(" (cá biệt)", "").replace("đ", "d").replace("Đ", "D"))


def document_type_for(kind: str) -> str:
    """The document type a workflow names: its abbreviation (``QĐ``) or its name as a slug
    (``cong-van``, ``quyet-dinh``); a công văn when it names none or an unknown one."""
    if kind in DocumentType.values:
        return kind
    by_slug = {_kind_slug(label): value for value, label in DocumentType.choices}
    return by_slug.get(_kind_slug(kind), DocumentType.OFFICIAL_LETTER)


def draft_for_request(event_id, payload: dict) -> OutgoingDocument | None:
    """The draft a workflow asked for (``workflow.document_requested``): of the agency now handling
    the dossier, linked to it, addressed to ``to_agency_code`` when given. Idempotent per event."""
    from congso.dossiers import services as dossiers

    key = f"workflow.document_requested:{event_id}"
    existing = OutgoingDocument.objects.filter(requested_by_event=key).first()
    if existing is not None:
        return existing
    try:
        dossier = dossiers.find_by_code(payload.get("dossier_code", ""))
    except Exception:  # the dossier is gone or the payload is damaged: nothing to draft
        return None
    kind = document_type_for(payload.get("kind") or "")
    subject = (payload.get("subject") or "").strip() or _("Về việc giải quyết hồ sơ %(code)s") % {
        "code": dossier.code
    }
    with transaction.atomic():
        document = draft_outgoing(
            agency=dossier.current_agency,
            by=None,
            document_type=kind,
            summary=subject,
            dossier=dossier,
            requested_by_event=key,
        )
        to_agency = _agency_by_code(payload.get("to_agency_code") or "")
        if to_agency is not None:
            Recipient.objects.create(
                document=document, agency=to_agency, organ_code=to_agency.code, name=to_agency.name
            )
        _log(document, None, "requested", payload.get("step_label") or payload.get("step") or "")
    return document


# --- Exchange (edXML) -------------------------------------------------------------------------


def package_for(document: OutgoingDocument, recipient: Recipient) -> bytes:
    """The edXML package of an issued document for one electronic recipient (signed PDF attached)."""
    from . import edxml

    if document.number is None:
        _refuse(_("Văn bản chưa được ban hành."))
    signed = document.attachments.filter(kind=Attachment.Kind.SIGNED).first()
    files = []
    if signed is not None:
        with signed.file.open("rb") as handle:
            files.append((signed.name, handle.read(), signed.content_type))
    files += [
        (a.name, a.file.open("rb").read(), a.content_type)
        for a in document.attachments.filter(kind=Attachment.Kind.ATTACHMENT)
    ]
    reply_to = document.reply_to
    unsigned = edxml.build(
        edxml.Package(
            from_code=document.agency.code,
            from_name=document.agency.name,
            to_code=recipient.organ_code,
            to_name=recipient.name,
            number=document.number,
            notation=document.symbol,
            place=document.place_name,
            issued_on=document.issued_on,
            type_code=document.document_type,
            type_name=document.get_document_type_display(),
            subject=document.summary,
            content=document.content,
            signer_competence=document.signer_authority,
            signer_position=document.signer_title,
            signer_name=document.signer_name,
            to_places=[r.name for r in document.recipients.all()],
            priority=document.urgency,
            response_for=reply_to.exchange_id if reply_to is not None else "",
            attachments=files,
        )
    )
    return _sign_envelope(unsigned, document.agency)


def _sign_envelope(data: bytes, agency) -> bytes:
    """The package with its XML-DSig signature by the agency's seal key (``envelope_signature``)."""
    from . import envelope_signature

    try:
        seal_signer, _image = signing.provider().seal_for(agency)
        return envelope_signature.sign(data, seal_signer)
    except signing.SigningError as exc:
        raise DocumentError(str(exc)) from exc
    except Exception as exc:  # a device or service failing: the officer needs the reason, not a 500
        raise DocumentError(_("Không ký số được gói tin edXML: %(error)s") % {"error": exc}) from exc


def receive_package(agency, data: bytes) -> IncomingDocument:
    """Register a received edXML package in ``agency``'s incoming register and answer "01 arrived".
    A refused package (``DocumentError`` with the reason) stores nothing."""
    from . import edxml, envelope_signature

    try:
        package = edxml.parse(data)
        # After the hardened parse (size, no DTD, no entity), before anything is stored.
        envelope_signer = envelope_signature.verify(bytes(data))
    except edxml.PackageError as exc:
        raise DocumentError(str(exc)) from exc
    except envelope_signature.EnvelopeSignatureError as exc:
        raise DocumentError(str(exc)) from exc
    if package.to_code != agency.code:
        _refuse(_("Gói tin gửi cho %(code)s, không phải cơ quan này.") % {"code": package.to_code})
    document_type = (
        package.type_code if package.type_code in DocumentType.values else DocumentType.OFFICIAL_LETTER
    )
    with transaction.atomic():
        existing = IncomingDocument.objects.filter(agency=agency, exchange_id=package.document_id).first()
        if existing is not None:
            return existing
        document = register_incoming(
            agency=agency,
            by=None,
            sender_name=package.from_name,
            sender_code=package.from_code,
            number_symbol=package.number_symbol,
            document_type=document_type,
            issued_on=package.issued_on,
            summary=package.subject,
            signer_name=package.signer_name,
            urgency=package.priority,
            deadline=package.due_date,
            files=tuple(package.attachments),
            source=Source.ELECTRONIC,
            exchange_id=package.document_id,
        )
        if envelope_signer is not None:
            _log(document, None, ENVELOPE_VERIFIED, str(envelope_signer))
        _report_status(document, RecipientStatus.ARRIVED)
        if package.response_for:
            from . import replies

            replies.link_from_package(document, package.response_for)
    return document


def status_message_for(document: IncomingDocument, status: str, description: str = "") -> bytes:
    from . import edxml

    return edxml.build_status(
        edxml.StatusMessage(
            from_code=document.agency.code,
            from_name=document.agency.name,
            to_code=document.sender_code,
            response_for=document.exchange_id,
            status=status,
            description=description,
        )
    )


def receive_status(data: bytes) -> Recipient:
    """Apply a status message to the outgoing document it answers (the sender sees it per recipient)."""
    from . import edxml

    try:
        message = edxml.parse_status(data)
        organ, day, number, notation = edxml.split_document_id(message.response_for)
    except edxml.PackageError as exc:
        raise DocumentError(str(exc)) from exc
    document = OutgoingDocument.objects.filter(
        agency__code=organ, issued_on=day, number=number, symbol=notation
    ).first()
    if document is None:
        _refuse(_("Không có văn bản đi %(id)s.") % {"id": message.response_for})
    return record_recipient_status(
        document, organ_code=message.from_code, status=message.status, note=message.description
    )


# --- Reads ------------------------------------------------------------------------------------


def incoming_for(user, agency):
    """The incoming documents ``user`` may see in ``agency`` (the register for clerks and leaders, the
    assigned ones for a specialist), newest first."""
    qs = IncomingDocument.objects.filter(agency=agency)
    if not permissions.reads_registers(user, agency):
        qs = qs.filter(assignments__assignee_id=user.pk).distinct()
    return qs.order_by("-year", "-arrival_number")


def outgoing_for(user, agency):
    qs = OutgoingDocument.objects.filter(agency=agency)
    if not permissions.reads_registers(user, agency):
        mine = Q(drafter_id=user.pk) | Q(signer_id=user.pk) | Q(approvals__approver_id=user.pk)
        if permissions.is_specialist(user, agency):  # drafts a process asked for, nobody writes yet
            mine |= Q(drafter__isnull=True, status=OutgoingStatus.DRAFT)
        qs = qs.filter(mine).distinct()
    return qs.order_by("-created_at")


def search(queryset, *, text: str = "", document_type: str = "", date_from=None, date_to=None):
    """Narrow a register by number/symbol, summary, issuer or the text of its files (``text``, with or
    without diacritics: ``documents.search``), type and date."""
    text = (text or "").strip()
    if text:
        condition = Q(summary__icontains=text) | Q(pk__in=fulltext.narrow(queryset, text).values("pk"))
        if queryset.model is IncomingDocument:
            condition |= Q(number_symbol__icontains=text) | Q(sender_name__icontains=text)
            if text.isdigit():
                condition |= Q(arrival_number=int(text))
        else:
            condition |= Q(symbol__icontains=text)
            if text.isdigit():
                condition |= Q(number=int(text))
            elif "/" in text:
                number, _sep, symbol = text.partition("/")
                if number.isdigit():
                    condition |= Q(number=int(number), symbol__iexact=symbol)
        queryset = queryset.filter(condition)
    if document_type:
        queryset = queryset.filter(document_type=document_type)
    field = "issued_on"
    if date_from:
        queryset = queryset.filter(**{f"{field}__gte": date_from})
    if date_to:
        queryset = queryset.filter(**{f"{field}__lte": date_to})
    return queryset


def take_draft(document: OutgoingDocument, *, by) -> OutgoingDocument:
    """A drafter takes a draft nobody writes yet (one a dossier's process asked for,
    ``draft_for_request``): it becomes theirs to write, submit and see through."""
    if not permissions.can_take_draft(by, document):
        _refuse(_("Dự thảo này đã có người soạn, hoặc bạn không soạn văn bản ở cơ quan này."))
    with transaction.atomic():
        taken = OutgoingDocument.objects.filter(pk=document.pk, drafter__isnull=True).update(drafter=by)
        if not taken:
            _refuse(_("Dự thảo này đã có người soạn."))
        document.drafter = by
        _log(document, by, "taken")
        audit.record("documents.outgoing.take", document, actor=by)
    return document
