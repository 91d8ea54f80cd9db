"""The recall pages (thu hồi): the sender's page to recall a dispatched document with a reason, and the
receiving agency's page to agree or refuse. Actions go through ``documents.recall``; who may act is
``documents.permissions`` (``can_recall``, ``can_answer_recall``); a refused action shows its reason
and changes nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from congso.core import audit
from congso.workspace.permissions import workspace_required

from . import forms, permissions, recall
from .models import Recall
from .services import DocumentError
from .views import _incoming, _outgoing


@workspace_required
def recall_outgoing(request, pk):
    document = _outgoing(request, pk)
    if not permissions.can_recall(request.user, document):
        raise PermissionDenied
    form = forms.RecallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recall.request_recall(document, by=request.user, reason=form.cleaned_data["reason"])
        except DocumentError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, _("Đã gửi đề nghị thu hồi đến các nơi nhận điện tử."))
            return redirect("documents:outgoing", document.pk)
    audit.record("documents.outgoing.read", document)
    return render(
        request,
        "documents/recall_outgoing.html",
        {"document": document, "recipients": document.recipients.filter(electronic=True), "form": form},
    )


@workspace_required
def recall_incoming(request, pk):
    document = _incoming(request, pk)
    if not permissions.can_answer_recall(request.user, document):
        raise PermissionDenied
    form = forms.RecallAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agree = form.cleaned_data["decision"] == "agree"
        try:
            recall.answer(document, by=request.user, agree=agree, note=form.cleaned_data["note"])
        except DocumentError as exc:
            form.add_error("note", str(exc))
        else:
            messages.success(
                request,
                _("Đã đồng ý thu hồi; văn bản được đánh dấu đã thu hồi.")
                if agree
                else _("Đã từ chối thu hồi; nơi gửi sẽ nhận được trả lời."),
            )
            return redirect("documents:incoming", document.pk)
    audit.record("documents.incoming.read", document)
    return render(
        request,
        "documents/recall_incoming.html",
        {"document": document, "recall": Recall.objects.get(incoming=document), "form": form},
    )
