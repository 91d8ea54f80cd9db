"""The link's pages in the workspace: failures to retry and dossiers taken (``overview``), the catalogue
comparison (``catalogue``), and their POST actions. Permissions: ``permissions.py``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congso.workspace.permissions import workspace_required

from . import permissions, services
from .models import IncomingDossier, IncomingStatus, SyncState
from .registry import LinkError, active_link


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền vận hành kết nối Cổng Dịch vụ công quốc gia."))


@workspace_required
@require_GET
def overview(request):
    _require(permissions.can_operate(request.user))
    scope = permissions.agency_scope(request.user)
    province_wide = permissions.is_province_wide(request.user)
    incoming = IncomingDossier.objects.select_related("dossier")
    if not province_wide:
        incoming = incoming.filter(dossier__receiving_agency_id__in=scope)
    return render(
        request,
        "nationalportal/overview.html",
        {
            "link_on": active_link_name(),
            "failing": services.failing_states(scope)[:200],
            "incoming_failed": services.failed_incoming()[:200] if province_wide else [],
            "incoming_recent": incoming.filter(status=IncomingStatus.ACKNOWLEDGED)[:50],
            "can_retry_incoming": permissions.can_retry_incoming(request.user),
            "can_manage_catalogue": permissions.can_manage_catalogue(request.user),
        },
    )


def active_link_name() -> str:
    try:
        link = active_link()
    except LinkError:
        return ""
    return link.name if link else ""


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


@workspace_required
@require_POST
def retry(request, pk):
    state = get_object_or_404(SyncState.objects.select_related("dossier"), pk=pk)
    _require(permissions.can_retry(request.user, state.dossier))
    outcome = services.retry_report(state, actor=request.user)
    if outcome == "in_step":
        messages.success(
            request, _("Đã gửi trạng thái hồ sơ {code} lên Cổng DVCQG.").format(code=state.dossier.code)
        )
    else:
        state.refresh_from_db()
        messages.error(
            request,
            _("Chưa gửi được trạng thái hồ sơ {code}: {error}").format(
                code=state.dossier.code,
                error=state.last_error or _("đang có lượt gửi khác, hãy thử lại sau."),
            ),
        )
    return _back(request, reverse("nationalportal:overview"))


@workspace_required
@require_POST
def retry_incoming(request, pk):
    _require(permissions.can_retry_incoming(request.user))
    incoming = get_object_or_404(IncomingDossier, pk=pk)
    try:
        incoming = services.retry_incoming(incoming, actor=request.user)
    except LinkError as exc:
        messages.error(request, _("Không kết nối được Cổng DVCQG: {error}").format(error=exc))
        return redirect("nationalportal:overview")
    if incoming.status == IncomingStatus.ACKNOWLEDGED:
        messages.success(
            request, _("Đã nhận hồ sơ {code} từ Cổng DVCQG.").format(code=incoming.national_code)
        )
    else:
        messages.error(
            request,
            _("Chưa nhận được hồ sơ {code}: {error}").format(
                code=incoming.national_code, error=incoming.error
            ),
        )
    return redirect("nationalportal:overview")


@workspace_required
@require_GET
def catalogue(request):
    _require(permissions.can_manage_catalogue(request.user))
    return render(
        request,
        "nationalportal/catalogue.html",
        {"pulls": services.latest_pulls(), "link_on": active_link_name()},
    )


@workspace_required
@require_POST
def pull_catalogue(request):
    _require(permissions.can_manage_catalogue(request.user))
    try:
        pulls = services.pull_catalogue(actor=request.user)
    except LinkError as exc:
        messages.error(request, _("Không lấy được danh mục thủ tục quốc gia: {error}").format(error=exc))
        return redirect("nationalportal:catalogue")
    drafted = sum(1 for p in pulls if p.outcome == "drafted")
    messages.success(
        request,
        _("Đã so sánh {n} thủ tục với danh mục quốc gia; {d} dự thảo phiên bản mới chờ duyệt.").format(
            n=len(pulls), d=drafted
        ),
    )
    return redirect("nationalportal:catalogue")
