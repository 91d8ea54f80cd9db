"""The papers page of an online application: attach files per paper (several each), download one back,
remove one. Files are checked and stored by ``portal.drafts``."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from congso.dossiers import files as dossier_files
from congso.registries import services as registries

from .. import drafts
from .draft_pages import CONTROL_NAMES, draft_page, from_review, save_and_continue
from .uploads import upload_limits


@draft_page()
@require_http_methods(["GET", "POST"])
def papers(request, journey):
    """Attach files per paper (several each). "Tải lên" stores the chosen files and stays; "Lưu và tiếp
    tục" stores them too, then requires every required paper."""
    errors: dict[str, str] = {}
    form_errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "continue")
        slots = {s.code: s for s in journey.paper_slots() if s.accepts_files}
        allowed_files = {s.input_name: s.code for s in slots.values()}
        # "Dùng lại từ kho dữ liệu": the id of an item of the applicant's data store, per paper.
        reuse_names = {f"kho-{s.input_name}": s.code for s in slots.values()}
        # A browser posts a file input left empty as an empty text field of the same name.
        left_empty = {name for name in allowed_files if not any(request.POST.getlist(name))}
        unknown = sorted(
            (set(request.POST.keys()) - CONTROL_NAMES - left_empty - set(reuse_names))
            | (set(request.FILES.keys()) - set(allowed_files))
        )
        if unknown:
            form_errors.append(
                _("Biểu mẫu gửi lên có mục không thuộc trang này (%(names)s). Vui lòng tải lại trang.")
                % {"names": ", ".join(n[:40] for n in unknown[:5])}
            )
        else:
            uploads = {allowed_files[name]: request.FILES.getlist(name) for name in request.FILES}
            uploads = {code: files for code, files in uploads.items() if files}
            for name, code in reuse_names.items():
                chosen = request.POST.get(name, "")
                if not chosen:
                    continue
                try:
                    uploads.setdefault(code, []).append(registries.open_item(request.user, int(chosen)))
                except (ValueError, registries.DataStoreItem.DoesNotExist):
                    errors[code] = _("Giấy tờ đã chọn không còn trong kho dữ liệu của bạn.")
            if not errors:
                errors = drafts.store_uploads(journey, uploads) if uploads else {}
            if not errors:
                count = sum(len(files) for files in uploads.values())
                if action == "upload":
                    if count:
                        messages.success(request, _("Đã tải lên %(n)s tệp.") % {"n": count})
                    else:
                        messages.warning(request, _("Bạn chưa chọn tệp nào để tải lên."))
                    return redirect(journey.url("papers"))
                missing = journey.missing_papers(journey.paper_slots())
                if action == "save-draft" or not missing:
                    return redirect(save_and_continue(request, journey, "papers", action))
                errors = {s.code: _("Vui lòng đính kèm %(paper)s.") % {"paper": s.name} for s in missing}
    slots = journey.paper_slots()
    stored = list(registries.reusable_items(request.user)) if slots else []
    labels = registries.reuse_labels(stored)
    for slot in slots:
        slot.error = errors.get(slot.code, "")
        # The data store's items for this paper first, then the others.
        slot.stored_items = [
            (item.pk, labels[item.pk])
            for item in sorted(stored, key=lambda item, code=slot.code: item.paper_code != code)
        ]
    summary = [{"href": "", "message": m} for m in form_errors]
    summary += [{"href": f"#{s.input_id}", "message": s.error} for s in slots if s.error]
    return render(
        request,
        "portal/apply/papers.html",
        {
            "journey": journey,
            "draft": journey.draft,
            "slots": slots,
            "error_summary": summary,
            "limits": upload_limits(),
            "back_url": journey.previous_url("papers"),
            **journey.progress("papers"),
            "return_to_review": from_review(request),
        },
    )


@draft_page()
def download_file(request, journey, file_id):
    """Stream one attached file to its owner, always as a download, with the type detected at upload."""
    attached = drafts.attached_file(journey, file_id)
    if attached is None:
        raise Http404(_("Không tìm thấy tệp."))
    response = dossier_files.attachment_response(
        attached.file.open("rb"), attached.original_name, attached.content_type, f"tep-{attached.pk}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@draft_page()
@require_POST
def delete_file(request, journey, file_id):
    attached = drafts.attached_file(journey, file_id)
    if attached is None:
        raise Http404(_("Không tìm thấy tệp."))
    drafts.remove_file(journey, attached)
    messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": attached.original_name})
    return redirect(journey.url("papers"))
