"""The officer's dossier page gets a section "Văn bản": the official documents linked to the dossier
(those asked by its process, their answers, the result) that the officer may read, and — for an
officer processing it — the form that drafts the document which will be its result
(``documents.results``). Registered in ``dossiers.extensions``; ``dossiers`` never imports us."""

from django.urls import reverse

from congso.dossiers import extensions

from . import forms, permissions
from .models import DocumentReply, OutgoingDocument

PROCESSING = 4  # dossiers.models.Status.IN_PROCESSING: a result can be drafted while it is processed


class DocumentsPanel(extensions.OfficerPagesExtension):
    def dossier_panels(self, request, dossier):
        user = request.user
        outgoing = [
            d
            for d in OutgoingDocument.objects.filter(dossier=dossier)
            .select_related("agency")
            .order_by("created_at")
            if permissions.can_view_outgoing(user, d)
        ]
        answers = [
            r.incoming
            for r in DocumentReply.objects.filter(outgoing__in=outgoing).select_related("incoming")
            if permissions.can_view_incoming(user, r.incoming)
        ]
        can_draft = dossier.status == PROCESSING and permissions.can_draft_result(user, dossier)
        if not outgoing and not answers and not can_draft:
            return []
        context = {
            "outgoing": outgoing,
            "answers": answers,
            "draft_url": reverse("documents:result_new", args=[dossier.pk]) if can_draft else "",
            "form": forms.ResultDraftForm() if can_draft else None,
        }
        return [extensions.DossierPanel("documents/dossier_panel.html", context)]


if "documents" not in extensions.officer_pages:
    extensions.officer_pages.add("documents", DocumentsPanel())
