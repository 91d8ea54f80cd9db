"""Two actions of the document pages about answers (documents.replies): the clerk records which outgoing
document a paper answer replies to; a drafter takes a draft a dossier's process asked for."""

from django.contrib import messages
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
