"""The pages of notifications: the citizen's messages and settings in the portal, the officer's in the
workspace, and the SMS gateway's delivery-report endpoint."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congso.core.inbound import row_id
from congso.workspace.permissions import workspace_required

from . import permissions, services
from .forms import OfficerPreferenceForm, PreferenceForm

PAGE_SIZE = 20


def _inbox(request, template: str):
    page = Paginator(services.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "page": page,
            "notifications": list(page.object_list),
            "unread": services.unread_count(request.user),
        },
    )


def _mark_read(request, redirect_to: str):
    ids = [row_id(value) for value in request.POST.getlist("id")]
    if None in ids:
        messages.error(request, _("Thông báo không hợp lệ; không có gì thay đổi."))
        return redirect(redirect_to)
    changed = services.mark_read(request.user, ids or None)
    if changed:
        messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": changed})
    return redirect(redirect_to)


def _preferences(request, form_class, template: str, redirect_to: str):
    preference = services.preference_for(request.user)
    if request.method == "POST":
        form = form_class(request.POST, instance=preference)
        if form.is_valid():
            services.update_preferences(
                request.user, **{name: form.cleaned_data[name] for name in form_class.Meta.fields}
            )
            messages.success(request, _("Đã lưu cài đặt thông báo."))
            return redirect(redirect_to)
    else:
        form = form_class(instance=preference)
    return render(request, template, {"form": form})


@login_required
@require_GET
def portal_inbox(request):
    return _inbox(request, "notifications/portal_inbox.html")


@login_required
@require_POST
def portal_mark_read(request):
    return _mark_read(request, "notifications:portal-inbox")


@login_required
@require_http_methods(["GET", "POST"])
def portal_preferences(request):
    return _preferences(
        request, PreferenceForm, "notifications/portal_preferences.html", "notifications:portal-preferences"
    )


@workspace_required
@require_GET
def workspace_inbox(request):
    return _inbox(request, "notifications/workspace_inbox.html")


@workspace_required
@require_POST
def workspace_mark_read(request):
    return _mark_read(request, "notifications:workspace-inbox")


@workspace_required
@require_http_methods(["GET", "POST"])
def workspace_preferences(request):
    return _preferences(
        request,
        OfficerPreferenceForm,
        "notifications/workspace_preferences.html",
        "notifications:workspace-preferences",
    )


@require_GET
def sms_report(request):
    """The gateway's delivery report (eSMS style: a GET to the CallbackUrl we gave, with ``RequestId``,
    ``SMSID``, ``SendStatus``, ``SendSuccess``, ``SendFailed``…). Authenticated by ``t``, the HMAC of
    the RequestId we signed into the callback address."""
    request_id = request.GET.get("RequestId", "")
    if not permissions.report_authentic(request_id, request.GET.get("t", "")):
        return JsonResponse({"ok": False, "error": "forbidden"}, status=403)
    try:
        failed = int(request.GET.get("SendFailed") or 0)
    except ValueError:
        return JsonResponse({"ok": False, "error": "SendFailed must be a number"}, status=400)
    notification = services.record_delivery_report(
        request_id, request.GET.get("SMSID", ""), request.GET.get("SendStatus", ""), failed
    )
    if notification is None:
        raise Http404("unknown RequestId")
    return JsonResponse({"ok": True, "status": notification.status})
