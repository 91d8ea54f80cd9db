"""Actions of the document pages that link documents with dossiers: the clerk records which outgoing
document a paper answer replies to (documents.replies); a drafter takes a draft a dossier's process asked
for; the officer processing a dossier drafts its result and delivers the issued document to the citizen
(documents.results)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.workspace.permissions import workspace_required

from . import replies, services
from .views import _incoming, _outgoing


@workspace_required
@require_POST
def incoming_reply_link(request, pk):
    document = _incoming(request, pk)
    number_symbol = (request.POST.get("tra_loi_so") or "").strip()[:100]
    outgoing = replies.find_outgoing(document.agency, number_symbol)
    if outgoing is None:
        messages.error(
            request,
            _("Không có văn bản đi đã ban hành số %(n)s của cơ quan.") % {"n": number_symbol or "—"},
        )
        return redirect("documents:incoming", document.pk)
    try:
        replies.link_reply(document, outgoing, by=request.user)
        messages.success(
            request, _("Đã ghi là văn bản trả lời văn bản số %(n)s.") % {"n": outgoing.number_symbol}
        )
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    return redirect("documents:incoming", document.pk)


@workspace_required
@require_POST
def outgoing_take(request, pk):
    document = _outgoing(request, pk)
    try:
        services.take_draft(document, by=request.user)
        messages.success(request, _("Bạn đã nhận soạn dự thảo."))
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    return redirect("documents:outgoing", document.pk)


@workspace_required
@require_POST
def result_new(request, dossier_pk):
    from congso.dossiers import services as dossiers

    from . import forms, results

    try:
        dossier = dossiers.get_visible(request.user, dossier_pk)
    except dossiers.Dossier.DoesNotExist as exc:
        raise Http404 from exc
    form = forms.ResultDraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Loại văn bản không hợp lệ."))
        return redirect("dossiers:detail", dossier.code)
    try:
        document = results.draft_result(dossier, by=request.user, **form.cleaned_data)
    except services.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("dossiers:detail", dossier.code)
    messages.success(request, _("Đã tạo dự thảo văn bản kết quả."))
    return redirect("documents:outgoing", document.pk)


@workspace_required
@require_POST
def result_deliver(request, pk):
    from . import results

    document = _outgoing(request, pk)
    try:
        dossier = results.deliver_result(document, by=request.user)
        messages.success(request, _("Đã trả kết quả điện tử cho hồ sơ %(code)s.") % {"code": dossier.code})
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    return redirect("documents:outgoing", document.pk)
