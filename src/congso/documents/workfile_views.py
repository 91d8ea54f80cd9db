"""The work-file pages under /can-bo/van-ban/ho-so/: the year's list of files with its export, a
file's page (its documents, filing, closing, handing to the archive) and the retention review. Every
action goes through ``documents.workfiles``; permissions are ``documents.permissions``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.agencies import services as agencies
from congso.core import audit, spreadsheets
from congso.core.inbound import row_id
from congso.workspace.permissions import workspace_required

from . import permissions, services, workfile_forms, workfiles
from .models import FiledDocument, WorkFile, WorkFileStatus
from .views import _agency


def _staff(agency):
    return agencies.staff_of(agency, ["specialist", "leader", "clerk"])


def _filters(request):
    form = workfile_forms.ListFilterForm(request.GET or None)
    year, status = timezone.localdate().year, ""
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["nam"] or year
        status = form.cleaned_data["trang_thai"]
    return form, year, status


@workspace_required
def workfile_list(request):
    agency, choices = _agency(request)
    form, year, status = _filters(request)
    files = workfiles.files_for(request.user, agency, year=year, status=status)
    if request.GET.get("xuat") == "xlsx":
        title = _("Danh mục hồ sơ năm %(year)s") % {"year": year}
        audit.record("documents.workfile.export", agency, label=title)
        response = HttpResponse(
            workfiles.export_xlsx(agency, list(files), title), content_type=spreadsheets.XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="danh-muc-ho-so-{agency.code}-{year}.xlsx"'
        return response
    return render(
        request,
        "documents/workfile_list.html",
        {
            "agency": agency,
            "agencies": choices,
            "form": form,
            "year": year,
            "files": files,
            "can_manage": permissions.can_manage_workfiles(request.user, agency),
        },
    )


@workspace_required
def workfile_new(request):
    agency, _choices = _agency(request)
    if not permissions.can_manage_workfiles(request.user, agency):
        raise PermissionDenied(_("Chỉ văn thư hoặc lãnh đạo cơ quan được lập danh mục hồ sơ."))
    staff = {p.pk: p for p in _staff(agency)}
    units = {u.pk: u for u in agencies.agency_descendants(agency)}
    form = workfile_forms.WorkFileForm(request.POST or None, staff=staff.values(), units=units.values())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["responsible"] = staff[data["responsible"]]
        data["unit"] = units.get(data["unit"])
        year = timezone.localdate().year
        try:
            work_file = workfiles.create(agency=agency, by=request.user, year=year, **data)
        except services.DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lập hồ sơ %(code)s.") % {"code": work_file.code})
            return redirect("documents:workfile", work_file.pk)
    return render(request, "documents/workfile_form.html", {"form": form, "agency": agency})


def _work_file(request, pk) -> WorkFile:
    work_file = get_object_or_404(WorkFile.objects.select_related("agency", "unit", "responsible"), pk=pk)
    if not permissions.can_view_workfile(request.user, work_file):
        raise Http404
    return work_file


@workspace_required
def workfile_detail(request, pk):
    work_file = _work_file(request, pk)
    audit.record("documents.workfile.read", work_file)
    user = request.user
    entries = [
        e
        for e in work_file.entries.select_related("incoming", "outgoing", "filed_by")
        if permissions.can_view_document(user, e.document)
    ]
    context = {
        "work_file": work_file,
        "entries": entries,
        "hidden_count": work_file.entries.count() - len(entries),
        "can_file": permissions.can_file_into(user, work_file),
        "can_close": permissions.can_close_workfile(user, work_file),
        "can_archive": permissions.can_archive(user, work_file),
        "can_edit": permissions.can_edit_workfile(user, work_file),
    }
    if context["can_file"]:
        incoming, outgoing = workfiles.filing_candidates(user, work_file)
        context["file_form"] = workfile_forms.FileDocumentForm(incoming=incoming, outgoing=outgoing)
    if context["can_archive"]:
        context["archive_form"] = workfile_forms.ArchiveForm(initial={"keywords": work_file.keywords})
    return render(request, "documents/workfile_detail.html", context)


@workspace_required
def workfile_edit(request, pk):
    """Change a file's metadata while it is being built (clerk, leader); a closed or archived file is
    refused with the reason, nothing changed."""
    work_file = _work_file(request, pk)
    if work_file.status != WorkFileStatus.OPEN:
        messages.error(
            request,
            _("Hồ sơ %(state)s, không sửa được thông tin.")
            % {"state": work_file.get_status_display().lower()},
        )
        return redirect("documents:workfile", work_file.pk)
    if not permissions.can_edit_workfile(request.user, work_file):
        raise PermissionDenied(_("Chỉ sửa được hồ sơ đang lập, bởi văn thư hoặc lãnh đạo cơ quan."))
    staff = {p.pk: p for p in _staff(work_file.agency)}
    units = {u.pk: u for u in agencies.agency_descendants(work_file.agency)}
    form = workfile_forms.WorkFileForm(
        request.POST or None,
        initial=workfile_forms.WorkFileForm.initial_of(work_file),
        staff=staff.values(),
        units=units.values(),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["responsible"] = staff[data["responsible"]]
        data["unit"] = units.get(data["unit"])
        if data["permanent"]:
            data["retention_years"] = None
        try:
            workfiles.update(work_file, by=request.user, **data)
        except services.DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu thông tin hồ sơ %(code)s.") % {"code": work_file.code})
            return redirect("documents:workfile", work_file.pk)
    return render(
        request,
        "documents/workfile_form.html",
        {"form": form, "agency": work_file.agency, "work_file": work_file},
    )


def _chosen_document(user, work_file, value: str):
    incoming, outgoing = workfiles.filing_candidates(user, work_file)
    kind, _sep, text = (value or "").partition("-")
    queryset = {"den": incoming, "di": outgoing}.get(kind)
    pk = row_id(text)
    if queryset is None or pk is None:
        return None
    return queryset.filter(pk=pk).first()


@workspace_required
@require_POST
def workfile_action(request, pk, action):
    work_file = _work_file(request, pk)
    try:
        if action == "nop-van-ban":
            document = _chosen_document(request.user, work_file, request.POST.get("document", ""))
            if document is None:
                raise services.DocumentError(_("Hãy chọn một văn bản chưa có trong hồ sơ nào."))
            workfiles.file_document(work_file, document, by=request.user)
            messages.success(request, _("Đã đưa văn bản %(document)s vào hồ sơ.") % {"document": document})
        elif action == "rut-van-ban":
            entry = get_object_or_404(
                FiledDocument, pk=row_id(request.POST.get("entry", "")) or 0, work_file=work_file
            )
            workfiles.remove_document(entry, by=request.user)
            messages.success(request, _("Đã rút văn bản khỏi hồ sơ."))
        elif action == "ket-thuc":
            workfiles.close(work_file, by=request.user)
            messages.success(request, _("Đã kết thúc hồ sơ."))
        elif action == "nop-luu":
            form = workfile_forms.ArchiveForm(request.POST)
            if not form.is_valid():
                raise services.DocumentError(_("Cần ghi số tờ và số trang của hồ sơ."))
            workfiles.archive(work_file, by=request.user, **form.cleaned_data)
            messages.success(
                request, _("Đã nộp lưu hồ sơ, mã hồ sơ %(code)s.") % {"code": work_file.archive_code}
            )
        else:
            raise Http404
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    return redirect("documents:workfile", work_file.pk)


@workspace_required
def retention_review(request):
    agency, choices = _agency(request)
    if not permissions.can_manage_workfiles(request.user, agency):
        raise PermissionDenied(
            _("Chỉ văn thư hoặc lãnh đạo cơ quan xem danh sách hồ sơ hết thời hạn bảo quản.")
        )
    files = workfiles.due_for_review(agency)
    if request.GET.get("xuat") == "xlsx":
        title = _("Hồ sơ hết thời hạn bảo quản")
        audit.record("documents.workfile.export", agency, label=title)
        response = HttpResponse(
            workfiles.export_xlsx(agency, files, title), content_type=spreadsheets.XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="ho-so-het-han-{agency.code}.xlsx"'
        return response
    return render(
        request, "documents/workfile_review.html", {"agency": agency, "agencies": choices, "files": files}
    )
