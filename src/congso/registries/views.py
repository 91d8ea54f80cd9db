"""Pages of the registries block: the officer's re-query (a POST from the dossier page's panel), and the
citizen's "who used my data" and electronic data store, in the portal's account area."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congso.core import audit
from congso.dossiers import files as dossier_files
from congso.dossiers import services as dossier_services
from congso.workspace.permissions import workspace_required

from . import permissions, services
from .models import DataStoreItem, LookupPurpose


@workspace_required
@require_POST
def requery(request, pk):
    """Ask the registers again for the dossier (the officer's button); back to the dossier page."""
    try:
        dossier = dossier_services.get_visible(request.user, pk)
    except dossier_services.Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None
    if not permissions.can_requery(request.user, dossier):
        raise PermissionDenied
    made = services.verify_dossier(dossier, by=request.user, purpose=LookupPurpose.REQUERY)
    if any(lookup.status in ("unavailable", "refused") for lookup in made):
        messages.warning(request, _("Chưa kết nối được cơ sở dữ liệu quốc gia; hãy thử lại sau."))
    else:
        messages.success(request, _("Đã tra cứu lại cơ sở dữ liệu quốc gia."))
    return redirect(reverse("dossiers:detail", args=[dossier.code]) + "#registries-title")


@login_required
@require_GET
def data_uses(request):
    """Who used my data: every lookup of my data through the LGSP and every officer's read of my
    dossiers, newest first. Only mine."""
    uses = services.data_uses_for(request.user)
    return render(request, "registries/data_uses.html", {"uses": uses[:500], "total": len(uses)})


def _data_store_user(request):
    if not permissions.can_use_data_store(request.user):
        raise PermissionDenied
    return request.user


@login_required
@require_GET
def data_store(request):
    user = _data_store_user(request)
    today = timezone.localdate()
    items = list(services.items_of(user))
    return render(
        request,
        "registries/data_store.html",
        {
            "items": [
                {
                    "item": item,
                    "expired": item.valid_until is not None and item.valid_until < today,
                    "can_delete": permissions.can_delete_item(user, item),
                }
                for item in items
            ]
        },
    )


@login_required
@require_GET
def data_store_download(request, item_id):
    user = _data_store_user(request)
    try:
        item = services.get_item(user, item_id)
    except DataStoreItem.DoesNotExist:
        raise Http404(_("Không tìm thấy giấy tờ.")) from None
    if not item.file:
        raise Http404(_("Không tìm thấy giấy tờ."))
    audit.record("registries.store_download", item, actor=user)
    # Named with the extension of the type found in the content, never the uploader's (a PDF that is
    # also an HTA, kept as "ho-so.hta", must open in a PDF reader): the dossier pages' one rule.
    response = dossier_files.attachment_response(
        item.file.open("rb"),
        item.original_name,
        item.content_type or "application/octet-stream",
        f"giay-to-{item.pk}",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def data_store_delete(request, item_id):
    """GET asks to confirm (a deletion cannot be undone, and works without JavaScript); POST deletes."""
    user = _data_store_user(request)
    try:
        item = services.get_item(user, item_id)
    except DataStoreItem.DoesNotExist:
        raise Http404(_("Không tìm thấy giấy tờ.")) from None
    if not permissions.can_delete_item(user, item):
        messages.error(request, _("Kết quả do cơ quan nhà nước cấp không thể xóa hoặc sửa đổi."))
        return redirect("registries:data-store")
    if request.method == "GET":
        return render(request, "registries/data_store_delete.html", {"item": item})
    services.delete_item(user, item)
    messages.success(request, _("Đã xóa giấy tờ khỏi kho dữ liệu."))
    return redirect("registries:data-store")
