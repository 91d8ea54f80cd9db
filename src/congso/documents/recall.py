"""Recall (thu hồi) of a dispatched document, edXML status codes 13, 15 and 16 (QCVN 102:2016).

1. The sender's clerk or leader recalls a dispatched document with a reason (``request_recall``): every
   electronic recipient is shown "13 recalled" until it answers, and ``documents.recall_requested`` sends
   each of them the status message 13 with the reason (``deliver_request``, through the same routes as
   packages: this installation, a peer through the LGSP, or the national axis).
2. The receiving agency gets a recall request on the received document (``receive_request``); its clerk
   or leader agrees (15) or refuses (16) with a note (``answer``). Agreeing marks the document recalled:
   it stays in the incoming register, marked, and leaves every handling list (to-do, reminders,
   assignment). The answer goes back to the sender as a status message (``documents.status_changed``),
   where the recipient's row shows it.

Every step writes the document's handling log and an audit entry; a refused step raises
``services.DocumentError`` and changes nothing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import audit, events

from . import edxml, permissions
from .models import (
    IncomingDocument,
    IncomingStatus,
    LogEntry,
    OutgoingDocument,
    Recall,
    RecallState,
    RecipientStatus,
)
from .services import DocumentError

MAX_REASON = 500


def _log(document, actor, action: str, note: str = "") -> None:
    field = "incoming" if isinstance(document, IncomingDocument) else "outgoing"
    LogEntry.objects.create(**{field: document}, actor=actor, action=action, note=note)


def request_recall(document: OutgoingDocument, *, by, reason: str) -> Recall:
    """The sender recalls ``document`` (dispatched) for ``reason``."""
    reason = (reason or "").strip()
    if not permissions.can_recall(by, document):
        raise DocumentError(
            _("Chỉ văn thư hoặc lãnh đạo cơ quan gửi được thu hồi văn bản đã gửi, và chỉ một lần.")
        )
    if not reason:
        raise DocumentError(_("Hãy nêu lý do thu hồi."))
    if len(reason) > MAX_REASON:
        raise DocumentError(_("Lý do thu hồi dài quá %(n)s ký tự.") % {"n": MAX_REASON})
    now = timezone.now()
    with transaction.atomic():
        recall = Recall.objects.create(
            outgoing=document, state=RecallState.REQUESTED, reason=reason, requested_at=now, requested_by=by
        )
        document.recipients.filter(electronic=True).exclude(organ_code="").update(
            status=RecipientStatus.RECALLED, status_at=now, status_note=reason
        )
        _log(document, by, "recall_requested", reason)
        audit.record("documents.outgoing.recall", document, actor=by, changes={"reason": reason})
        events.publish("documents.recall_requested", {"document_id": document.pk}, aggregate=document)
    return recall


def request_message(document: OutgoingDocument, organ_code: str, reason: str) -> bytes:
    """The status message 13 that asks ``organ_code`` to give ``document`` back."""
    return edxml.build_status(
        edxml.StatusMessage(
            from_code=document.agency.code,
            from_name=document.agency.name,
            to_code=organ_code,
            response_for=edxml.document_id(
                document.agency.code, document.issued_on, document.number, document.symbol
            ),
            status=RecipientStatus.RECALLED,
            description=reason,
        )
    )


def deliver_request(document_id: int) -> None:
    """Send the recall request to each electronic recipient, by its route (applied at once for an
    agency of this installation, queued for the gateway otherwise; receiving it twice is a no-op)."""
    from . import transport

    document = OutgoingDocument.objects.select_related("agency").filter(pk=document_id).first()
    asked = Recall.objects.filter(outgoing_id=document_id).first()
    if document is None or asked is None:
        return
    for recipient in document.recipients.filter(electronic=True).exclude(organ_code=""):
        transport.send_status_to(
            recipient.organ_code, status=RecipientStatus.RECALLED, description=asked.reason, outgoing=document
        )


def receive_request(message: edxml.StatusMessage) -> Recall:
    """A sender asks for a received document back (status 13): the recall waits for an answer. The same
    request received again changes nothing."""
    document = IncomingDocument.objects.filter(
        agency__code=message.to_code, exchange_id=message.response_for
    ).first()
    if document is None:
        raise DocumentError(_("Không có văn bản đến %(id)s để thu hồi.") % {"id": message.response_for})
    if document.sender_code != message.from_code:
        raise DocumentError(_("Chỉ cơ quan đã gửi văn bản mới được thu hồi văn bản."))
    with transaction.atomic():
        recall, created = Recall.objects.get_or_create(
            incoming=document,
            defaults={
                "state": RecallState.REQUESTED,
                "reason": (message.description or "")[:MAX_REASON] or _("(không nêu lý do)"),
                "requested_at": timezone.now(),
            },
        )
        if created:
            _log(document, None, "recall_requested", recall.reason)
            audit.record(
                "documents.incoming.recall_requested",
                document,
                label="documents",
                changes={"reason": recall.reason},
            )
    return recall


def answer(document: IncomingDocument, *, by, agree: bool, note: str = "") -> Recall:
    """The receiving agency agrees to (15) or refuses (16) the recall of ``document``."""
    note = (note or "").strip()[:MAX_REASON]
    if not permissions.can_answer_recall(by, document):
        raise DocumentError(_("Chỉ văn thư hoặc lãnh đạo cơ quan nhận trả lời đề nghị thu hồi."))
    if not agree and not note:
        raise DocumentError(_("Hãy nêu lý do từ chối thu hồi."))
    status = RecipientStatus.RECALL_AGREED if agree else RecipientStatus.RECALL_REFUSED
    with transaction.atomic():
        recall = Recall.objects.select_for_update().get(incoming=document)
        if recall.state != RecallState.REQUESTED:
            raise DocumentError(_("Đề nghị thu hồi này đã được trả lời."))
        recall.state = RecallState.AGREED if agree else RecallState.REFUSED
        recall.answer_note, recall.answered_at, recall.answered_by = note, timezone.now(), by
        recall.save()
        if agree:
            document.status = IncomingStatus.RECALLED
            document.save(update_fields=["status"])
        _log(document, by, "recall_agreed" if agree else "recall_refused", note)
        audit.record(
            "documents.incoming.recall_answer", document, actor=by, changes={"agree": agree, "note": note}
        )
        events.publish(
            "documents.status_changed",
            {
                "document_id": document.pk,
                "exchange_id": document.exchange_id,
                "status": status,
                "description": note,
                "from_code": document.agency.code,
                "to_code": document.sender_code,
            },
            aggregate=document,
        )
    return recall
