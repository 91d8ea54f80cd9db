"""Answers to the agency's own documents: an incoming document registered as the reply to an outgoing
one ("trả lời văn bản số …"), and what that tells the one-stop.

How the link is made. An electronic answer carries the edXML ``ResponseFor`` — the DocumentId of the
document it answers — so ``services.receive_package`` links it as it registers it
(``link_from_package``). A paper answer is linked by the clerk or a leader on the incoming document's
page, naming the number and symbol of the agency's outgoing document (``link_reply``).

Why it matters to a dossier. A process step may ask another agency's opinion (the workflow's
``send_official_document``; ``services.draft_for_request`` makes the draft, linked to the dossier). When
the answer to that document is linked, ``documents.reply_received`` is published with the dossier and
what the answer says (number, date, issuer, summary); the workflow block subscribes and delivers it to
the dossier's process, whose step waiting for the answer ends (``workflow.lifecycle.deliver_message``).
An answer to a document without a dossier only links the two documents.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from congso.core import audit, events

from . import edxml, permissions
from .models import DocumentReply, IncomingDocument, LogEntry, OutgoingDocument, OutgoingStatus
from .services import DocumentError

ANSWERED_STATUSES = (OutgoingStatus.ISSUED, OutgoingStatus.DISPATCHED)


def _refuse(message: str):
    raise DocumentError(message)


def find_outgoing(agency, number_symbol: str) -> OutgoingDocument | None:
    """``agency``'s issued outgoing document numbered ``"12/UBND-VP"`` (the newest year first)."""
    number, _sep, symbol = (number_symbol or "").strip().partition("/")
    if not number.strip().isdigit() or not symbol.strip():
        return None
    return (
        OutgoingDocument.objects.filter(
            agency=agency, number=int(number), symbol__iexact=symbol.strip(), status__in=ANSWERED_STATUSES
        )
        .order_by("-year")
        .first()
    )


def link_reply(incoming: IncomingDocument, outgoing: OutgoingDocument, *, by=None) -> DocumentReply:
    """Record ``incoming`` as the answer to ``outgoing`` (both of one agency); publish
    ``documents.reply_received`` when ``outgoing`` was asked for by a dossier's process. ``by`` is
    ``None`` for an electronic answer linked by its ``ResponseFor``."""
    if by is not None and not permissions.can_link_reply(by, incoming):
        _refuse(_("Chỉ văn thư hoặc lãnh đạo cơ quan ghi văn bản trả lời."))
    if outgoing.agency_id != incoming.agency_id or outgoing.status not in ANSWERED_STATUSES:
        _refuse(_("Văn bản được trả lời phải là văn bản đi đã ban hành của cơ quan."))
    if DocumentReply.objects.filter(incoming=incoming).exists():
        _refuse(_("Văn bản này đã được ghi là trả lời một văn bản khác."))
    with transaction.atomic():
        reply = DocumentReply.objects.create(incoming=incoming, outgoing=outgoing, linked_by=by)
        note = _("Trả lời văn bản số %(n)s") % {"n": outgoing.number_symbol}
        LogEntry.objects.create(incoming=incoming, actor=by, action="reply_to", note=note)
        LogEntry.objects.create(
            outgoing=outgoing,
            actor=by,
            action="reply_received",
            note=_("Nhận văn bản trả lời số %(n)s của %(sender)s")
            % {"n": incoming.number_symbol, "sender": incoming.sender_name},
        )
        audit.record("documents.reply.link", incoming, actor=by, label=outgoing.number_symbol)
        if outgoing.dossier_id:
            events.publish("documents.reply_received", _payload(reply), aggregate=outgoing)
    return reply


def _payload(reply: DocumentReply) -> dict:
    incoming, outgoing = reply.incoming, reply.outgoing
    return {
        "dossier_id": outgoing.dossier_id,
        "outgoing_id": outgoing.pk,
        "outgoing_number_symbol": outgoing.number_symbol,
        "requested_by_event": outgoing.requested_by_event,
        "incoming_id": incoming.pk,
        "number_symbol": incoming.number_symbol,
        "issued_on": incoming.issued_on.isoformat(),
        "sender_name": incoming.sender_name,
        "sender_code": incoming.sender_code,
        "summary": incoming.summary[:500],
    }


def link_from_package(incoming: IncomingDocument, response_for: str) -> DocumentReply | None:
    """Link an electronic answer by its edXML ``ResponseFor``, when that names an outgoing document
    of the receiving agency; otherwise nothing (an answer to a document of another system)."""
    try:
        organ, day, number, notation = edxml.split_document_id(response_for)
    except edxml.PackageError:
        return None
    if organ != incoming.agency.code:
        return None
    outgoing = OutgoingDocument.objects.filter(
        agency=incoming.agency, issued_on=day, number=number, symbol=notation, status__in=ANSWERED_STATUSES
    ).first()
    if outgoing is None:
        return None
    return link_reply(incoming, outgoing)
