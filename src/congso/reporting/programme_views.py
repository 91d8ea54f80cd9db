"""Pages of the supervision of IT programmes and investment (``/can-bo/bao-cao/chuong-trinh/``): the
roll-ups by programme and by agency with the overdue milestones, a programme's tasks, and a task's page
where its lead agency reports progress and the coordinating department evaluates it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congso.core.inbound import row_id
from congso.workspace.permissions import workspace_required

from . import permissions, programmes
from .models import Milestone, Programme, ProgrammeTask


def _may_supervise(user) -> bool:
    """Leaders (the dashboard's rule), the coordinating department, and the staff who prepare their
    agency's reports (they report on the tasks their agency leads)."""
    return permissions.may_open_dashboard(user) or permissions.may_use_it_reports(user)


@workspace_required
@require_GET
def programme_list(request):
    if not _may_supervise(request.user):
        raise PermissionDenied(_("Trang giám sát chương trình dành cho lãnh đạo và cơ quan tổng hợp."))
    by_programme, by_agency = programmes.rollups()
    return render(
        request,
        "reporting/programmes/list.html",
        {
            "by_programme": by_programme,
            "by_agency": by_agency,
            "overdue": programmes.overdue_milestones()[:200],
            "programmes": Programme.objects.select_related("lead_agency"),
        },
    )


@workspace_required
@require_GET
def programme_page(request, pk: int):
    if not _may_supervise(request.user):
        raise PermissionDenied(_("Trang giám sát chương trình dành cho lãnh đạo và cơ quan tổng hợp."))
    programme = get_object_or_404(Programme.objects.select_related("lead_agency"), pk=pk)
    return render(
        request,
        "reporting/programmes/programme.html",
        {
            "programme": programme,
            "tasks": programmes.programme_tasks(programme),
            "totals": programmes.totals(programme),
            "today": timezone.localdate(),
        },
    )


def _posted_date(text: str):
    """The date typed, or None: ``parse_date`` raises on a well-formed impossible date (30/02)."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def _posted_year(task, text: str) -> int:
    """The year an evaluation is for: one of the programme's years (this year when left empty). Anything
    else is refused with a message, never Python's own error text or an overflowing number."""
    if not (text or "").strip():
        return timezone.localdate().year
    year = row_id(text.strip())
    programme = task.programme
    if year is None or not programme.start_year <= year <= programme.end_year:
        raise programmes.ProgrammeError(
            _("Năm đánh giá phải là một năm của chương trình (%(start)s–%(end)s).")
            % {"start": programme.start_year, "end": programme.end_year}
        )
    return year


@workspace_required
@require_http_methods(["GET", "POST"])
def task_page(request, pk: int):
    task = get_object_or_404(ProgrammeTask.objects.select_related("programme", "lead_agency"), pk=pk)
    may_report = programmes.may_report_on(request.user, task)
    if not (may_report or _may_supervise(request.user)):
        raise PermissionDenied(_("Bạn không xem được nhiệm vụ này."))
    errors = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "progress":
                programmes.report_progress(
                    task,
                    progress=request.POST.get("progress", ""),
                    disbursed=request.POST.get("disbursed", ""),
                    note=request.POST.get("note", ""),
                    by=request.user,
                )
                messages.success(request, _("Đã ghi nhận báo cáo tiến độ."))
            elif action == "milestone":
                milestone = get_object_or_404(
                    Milestone, pk=row_id(request.POST.get("milestone", "")) or 0, task=task
                )
                done_on = _posted_date(request.POST.get("done_on", ""))
                if done_on is None:
                    raise programmes.ProgrammeError(_("Vui lòng nhập ngày hoàn thành (ngày/tháng/năm)."))
                programmes.complete_milestone(milestone, done_on=done_on, by=request.user)
                messages.success(request, _("Đã ghi nhận mốc hoàn thành."))
            elif action == "evaluate":
                programmes.evaluate(
                    task,
                    year=_posted_year(task, request.POST.get("year", "")),
                    met=request.POST.get("met") == "yes",
                    assessment=request.POST.get("assessment", ""),
                    by=request.user,
                )
                messages.success(request, _("Đã ghi nhận đánh giá."))
            else:
                errors.append(_("Thao tác không hợp lệ."))
        except (programmes.ProgrammeError, ValueError) as exc:
            errors.extend(getattr(exc, "messages", [str(exc)]))
        if not errors:
            return redirect("reporting:task", pk=task.pk)
    return render(
        request,
        "reporting/programmes/task.html",
        {
            "task": task,
            "may_report": may_report,
            "may_evaluate": permissions.is_coordinator(request.user),
            "milestones": task.milestones.all(),
            "reports": task.progress_reports.select_related("reported_by")[:50],
            "evaluations": task.evaluations.order_by("-year"),
            "errors": errors,
            "today": timezone.localdate(),
            "posted": request.POST if errors else {},
        },
    )
