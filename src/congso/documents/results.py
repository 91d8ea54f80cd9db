"""A procedure's result issued as an official document and delivered to the citizen.

The officer processing a dossier drafts its result as an outgoing document of the agency handling it
(a decision, a licence, a notice — ``draft_result``, from the dossier's page); it goes the usual way
(approval, the leader's signature, the clerk's issue with the register's number, PAdES signature and the
agency's seal). Then ``deliver_result`` makes the signed PDF the dossier's electronic result through
``dossiers.services.mark_result_ready``: the dossier is finished, the citizen sees and downloads the
signed file in "Hồ sơ của tôi", and the registries block, which follows ``dossier.result_ready``, keeps
it in the citizen's data store. ``documents`` never imports ``registries`` (a sibling): the event is
the link.
"""

import io

from django.db import transaction
from django.utils.translation import gettext as _

from congso.core import audit
from congso.dossiers import services as dossiers

from . import permissions, services
from .models import Attachment, LogEntry, OutgoingDocument
from .services import DocumentError


def draft_result(dossier, *, by, document_type: str, summary: str) -> OutgoingDocument:
    """A draft of ``dossier``'s result, of the agency now handling it, linked to the dossier."""
    if not permissions.can_draft_result(by, dossier):
        raise DocumentError(_("Bạn không xử lý hồ sơ này nên không soạn được văn bản kết quả."))
    return services.draft_outgoing(
        agency=dossier.current_agency,
        by=by,
        document_type=document_type,
        summary=summary or _("Kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code},
        dossier=dossier,
    )


def deliver_result(document: OutgoingDocument, *, by):
    """Make the signed PDF of the issued ``document`` its dossier's electronic result."""
    if not permissions.can_deliver_result(by, document):
        raise DocumentError(_("Chỉ trả kết quả bằng văn bản đã ban hành, bởi người xử lý hồ sơ."))
    signed = document.attachments.filter(kind=Attachment.Kind.SIGNED).order_by("-pk").first()
    if signed is None:
        raise DocumentError(_("Văn bản chưa có bản đã ký số."))
    with signed.file.open("rb") as handle:
        data = handle.read()
    name = f"{document.number_symbol.replace('/', '-')}.pdf"
    note = _("Văn bản số %(n)s ngày %(d)s") % {
        "n": document.number_symbol,
        "d": f"{document.issued_on:%d/%m/%Y}",
    }
    with transaction.atomic():
        try:
            dossier = dossiers.mark_result_ready(
                document.dossier,
                by,
                result_files=[dossiers.PaperUpload("", name, io.BytesIO(data))],
                result_note=note,
            )
        except (dossiers.IllegalTransition, dossiers.InvalidDossierInput, dossiers.UploadRejected) as exc:
            raise DocumentError(_("Hồ sơ không nhận kết quả lúc này: %(reason)s") % {"reason": exc}) from exc
        LogEntry.objects.create(outgoing=document, actor=by, action="result_delivered", note=dossier.code)
        audit.record("documents.outgoing.result", document, actor=by, label=dossier.code)
    return dossier
