"""Monitoring pages of the workspace (electronic ISO), mounted at ``/can-bo/quy-trinh/``:

- the processes with their figures (and a lookup of one dossier's flow by its code);
- one process: its steps' figures, the bottlenecks, the weekly trend, the drawing, the longest waits,
  and the step table as an Excel file;
- one dossier's flow: the drawing with the steps done and the current ones, and the step timeline.

Who sees what is decided in ``permissions`` only; the figures come from the named queries of
``monitoring``; the drawings from ``diagram``. Views stay thin: they read parameters, call those, and
format numbers for display.
"""

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.core import spreadsheets
from congso.core.timeliness import Timeliness
from congso.workspace.permissions import workspace_required

from . import diagram, monitoring, permissions
from .models import InstanceState, ProcessDefinition, WorkItemState

PERIODS = {
    "30": (30, gettext_lazy("30 ngày gần nhất")),
    "90": (90, gettext_lazy("90 ngày gần nhất")),
    "365": (365, gettext_lazy("12 tháng gần nhất")),
    "all": (None, gettext_lazy("Toàn bộ thời gian")),
}
DEFAULT_PERIOD = "90"
WEEK_CHOICES = (4, 12, 26, 52)

RESULT_TAGS = {
    Timeliness.EARLY: "tag--early",
    Timeliness.ON_TIME: "tag--ontime",
    Timeliness.LATE: "tag--late",
}


def monitoring_view(view):
    """A workspace view for those ``permissions.monitoring_scope`` admits; others get the 403 page with
    the reason. The scope is put on ``request.monitoring_scope``."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scope = permissions.monitoring_scope(request.user)
        if scope is None:
            return render(request, "403.html", {"reason": permissions.NOT_A_LEADER}, status=403)
        request.monitoring_scope = scope
        return view(request, *args, **kwargs)

    return workspace_required(wrapped)


# --- Formatting ----------------------------------------------------------------------------------------


def percent(share: float | None) -> str:
    return "—" if share is None else f"{number_format(share * 100, 1)}%"


def hours(value: float) -> str:
    value = round(value, 1)
    return number_format(int(value)) if value == int(value) else number_format(value, 1)


def moment(value) -> str:
    return date_format(timezone.localtime(value), "d/m/Y H:i") if value else "—"


def _period(request) -> tuple[str, object]:
    key = request.GET.get("ky") or DEFAULT_PERIOD
    if key not in PERIODS:
        key = DEFAULT_PERIOD
    days = PERIODS[key][0]
    since = timezone.now() - timedelta(days=days) if days is not None else None
    return key, since


def _weeks(request) -> int:
    try:
        weeks = int(request.GET.get("tuan") or monitoring.DEFAULT_WEEKS)
    except ValueError:
        return monitoring.DEFAULT_WEEKS
    return weeks if weeks in WEEK_CHOICES else monitoring.DEFAULT_WEEKS


def _figures_row(figures) -> dict:
    return {
        "open": figures.open_count,
        "overdue": figures.overdue_count,
        "done": figures.done_count,
        "late": figures.late_count,
        "mean": diagram.format_duration(figures.mean),
        "share_late": percent(figures.share_late),
        "share_overdue": percent(figures.share_overdue),
        "share_late_value": figures.share_late,
        "share_overdue_value": figures.share_overdue,
    }


def _step_row(step) -> dict:
    return {
        **_figures_row(step),
        "task_name": step.task_name,
        "label": step.label,
        "lane": step.lane,
        "allotted_hours": step.allotted_hours,
        "p90": diagram.format_duration(step.p90),
        "queued_hours": hours(step.queued_hours),
        # What the queued hours were computed from: the mean time spent, or (no step done yet) how long
        # the waiting ones have waited on average.
        "typical": diagram.format_duration(step.mean if step.mean is not None else step.open_age_mean),
        "typical_is_waiting": step.mean is None,
    }


def _week_row(week) -> dict:
    year, number = week.iso
    return {
        "label": _("Tuần %(week)s/%(year)s") % {"week": number, "year": year},
        "range": f"{week.start:%d/%m}–{week.end:%d/%m}",
        "done": week.done_count,
        "late": week.late_count,
        "share_late": percent(week.share_late),
        "mean": diagram.format_duration(week.mean),
        "week": week,
    }


# --- Pages ---------------------------------------------------------------------------------------------


@monitoring_view
def process_list(request):
    """The processes the officer may monitor, each with its figures; ``?ma=<dossier code>`` opens the
    flow of that dossier when it lies in the officer's scope."""
    scope = request.monitoring_scope
    code = (request.GET.get("ma") or "").strip()
    if code:
        found = _find_flow(scope, code)
        if found is not None:
            return redirect("workflow:dossier_flow", dossier_id=found)
        messages.error(
            request,
            _("Không tìm thấy hồ sơ “%(code)s” trong phạm vi bạn được giám sát.") % {"code": code[:40]},
        )
    period, since = _period(request)
    definitions = list(permissions.visible_definitions(scope))
    snapshot = monitoring.cached(
        "processes",
        scope,
        (period, tuple(d.pk for d in definitions)),
        lambda: monitoring.process_figures(scope, definitions, since=since, period=period),
    )
    rows = [{"definition": f.definition, **_figures_row(f)} for f in snapshot.value]
    return render(
        request,
        "workflow/monitoring_list.html",
        {
            "rows": rows,
            "period": period,
            "periods": [(k, label) for k, (_d, label) in PERIODS.items()],
            "province_wide": scope.everything,
            "code": code,
            "computed_at": moment(snapshot.computed_at),
            "cache_seconds": monitoring.cache_seconds(),
        },
    )


def _find_flow(scope, code: str):
    from congso.dossiers import services as dossier_services

    try:
        dossier = dossier_services.find_by_code(code)
    except ObjectDoesNotExist:
        return None
    instance = monitoring.instance_of_dossier(dossier.pk)
    if instance is None or not permissions.may_see_dossier_flow(scope, instance):
        return None
    return dossier.pk


def _visible_definition(scope, key: str) -> ProcessDefinition:
    definition = get_object_or_404(ProcessDefinition, key=key)
    if not permissions.may_see_definition(scope, definition):
        raise Http404(_("Không tìm thấy quy trình."))
    return definition


def _trend_chart(definition, week_rows) -> str:
    total = sum(r["done"] for r in week_rows)
    late = sum(r["late"] for r in week_rows)
    description = _(
        "Biểu đồ cột: số bước hoàn thành mỗi tuần, phần trễ hạn tô đỏ, từ %(first)s đến %(last)s. "
        "Tổng cộng %(total)s bước hoàn thành, %(late)s bước trễ hạn. Số liệu chi tiết ở bảng bên dưới."
    ) % {"first": week_rows[0]["label"], "last": week_rows[-1]["label"], "total": total, "late": late}
    return diagram.weekly_chart(
        [(r["label"], r["done"], r["late"]) for r in week_rows],
        title=_("Xu hướng theo tuần — %(name)s") % {"name": definition.name},
        description=description,
        id_prefix="trend",
    )


def _process_drawing(definition, steps, flagged):
    version = definition.versions.order_by("-is_active", "-number").first()
    drawing = diagram.of_version(version) if version is not None else None
    if drawing is None:
        return version, None
    notes = {s.task_name: _("TB %(t)s") % {"t": diagram.format_duration(s.mean)} for s in steps if s.mean}
    description = _(
        "Sơ đồ BPMN phiên bản %(n)s, mỗi bước ghi thời gian xử lý trung bình; các bước tắc nghẽn ghi màu "
        "đỏ: %(flagged)s. Số liệu đầy đủ ở bảng các bước."
    ) % {
        "n": version.number,
        "flagged": ", ".join(s.label for s in steps if s.task_name in flagged) or _("không có"),
    }
    svg = diagram.render(
        drawing,
        title=_("Sơ đồ quy trình %(name)s") % {"name": definition.name},
        description=description,
        id_prefix="process",
        notes=notes,
        flagged=flagged,
    )
    return version, svg


def _process_snapshot(scope, definition, period: str, since, weeks: int):
    """The steps' figures and the weekly trend of ``definition``, through the cache (``monitoring.cached``),
    so that the page and its Excel export show the same figures."""
    return monitoring.cached(
        "process",
        scope,
        (definition.pk, period, weeks),
        lambda: (
            monitoring.step_figures(scope, definition, since=since, period=period),
            monitoring.weekly_trend(scope, definition, weeks=weeks),
        ),
    )


@monitoring_view
def process_detail(request, key):
    """One process: its steps' figures, bottlenecks, weekly trend, drawing and the longest waits."""
    scope = request.monitoring_scope
    definition = _visible_definition(scope, key)
    period, since = _period(request)
    weeks = _weeks(request)
    snapshot = _process_snapshot(scope, definition, period, since, weeks)
    steps, trend = snapshot.value
    worst = monitoring.bottlenecks(steps)
    week_rows = [_week_row(w) for w in trend]
    version, svg = _process_drawing(definition, steps, {s.task_name for s in worst})
    now = timezone.now()
    waiting = [
        {
            "item": item,
            "opened": moment(item.opened_at),
            "due": moment(item.due_at),
            "overdue": item.due_at < now,
            "waited": diagram.format_duration(now - item.opened_at),
        }
        for item in monitoring.waiting_items(scope, definition)
    ]
    return render(
        request,
        "workflow/monitoring_process.html",
        {
            "definition": definition,
            "version": version,
            "steps": [_step_row(s) for s in steps],
            "bottlenecks": [_step_row(s) for s in worst],
            "weeks": week_rows,
            "week_count": weeks,
            "week_choices": WEEK_CHOICES,
            "trend_svg": _trend_chart(definition, week_rows),
            "diagram_svg": svg,
            "waiting": waiting,
            "period": period,
            "period_label": PERIODS[period][1],
            "periods": [(k, label) for k, (_d, label) in PERIODS.items()],
            "computed_at": moment(snapshot.computed_at),
            "cache_seconds": monitoring.cache_seconds(),
            "export_url": reverse("workflow:process_export", args=[definition.key])
            + f"?ky={period}&tuan={weeks}",
        },
    )


@monitoring_view
def process_export(request, key):
    """The step table (and the weekly trend) of one process as an Excel workbook."""
    scope = request.monitoring_scope
    definition = _visible_definition(scope, key)
    period, since = _period(request)
    snapshot = _process_snapshot(scope, definition, period, since, _weeks(request))
    steps, trend = snapshot.value

    # The product's spreadsheet writer: a label starting with "=" (step names come from an uploaded
    # BPMN file) is stored as text and never becomes a formula.
    book = spreadsheets.new_workbook(definition.name)
    sheet = spreadsheets.Sheet(book, _("Các bước"))
    text = sheet.text_cell

    def header(out, names):
        out.append([out.text_cell(name, bold=True) for name in names])

    sheet.append(
        [text(_("Quy trình: %(name)s (%(key)s)") % {"name": definition.name, "key": definition.key})]
    )
    sheet.append(
        [
            text(
                _("Kỳ thống kê: %(period)s; số liệu tính lúc %(at)s")
                % {"period": PERIODS[period][1], "at": moment(snapshot.computed_at)}
            )
        ]
    )
    header(
        sheet,
        [
            _("Mã bước"),
            _("Bước"),
            _("Làn (vai trò)"),
            _("Thời gian được giao (giờ làm việc)"),
            _("Đang xử lý"),
            _("Quá hạn đang xử lý"),
            _("Đã hoàn thành"),
            _("Trễ hạn"),
            _("Thời gian trung bình (giờ)"),
            _("P90 (giờ)"),
            _("Tỉ lệ trễ hạn"),
            _("Tỉ lệ quá hạn"),
        ],
    )

    def h(value):
        return round(value.total_seconds() / 3600, 2) if value is not None else None

    for s in steps:
        sheet.append(
            [
                text(s.task_name),
                text(s.label),
                text(s.lane),
                s.allotted_hours,
                s.open_count,
                s.overdue_count,
                s.done_count,
                s.late_count,
                h(s.mean),
                h(s.p90),
                round(s.share_late, 4) if s.share_late is not None else None,
                round(s.share_overdue, 4) if s.share_overdue is not None else None,
            ]
        )
    weekly = spreadsheets.Sheet(book, _("Theo tuần"))
    header(
        weekly,
        [
            _("Tuần"),
            _("Từ ngày"),
            _("Hoàn thành"),
            _("Trễ hạn"),
            _("Tỉ lệ trễ hạn"),
            _("Thời gian trung bình (giờ)"),
        ],
    )
    for week in trend:
        year, number = week.iso
        weekly.append(
            [
                weekly.text_cell(f"{year}-W{number:02d}"),
                week.start.date(),
                week.done_count,
                week.late_count,
                round(week.share_late, 4) if week.share_late is not None else None,
                h(week.mean),
            ]
        )
    response = HttpResponse(spreadsheets.to_bytes(book), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    filename = f"giam-sat-{definition.key}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _flow_rows(flow, now) -> list[dict]:
    rows = []
    for step in flow.steps:
        item = step.item
        who = item.completed_by or item.assigned_user
        overdue = item.state == WorkItemState.OPEN and item.due_at < now
        rows.append(
            {
                "item": item,
                "who": (who.get_full_name() or who.get_username()) if who else "",
                "opened": moment(item.opened_at),
                "completed": moment(item.completed_at) if item.state == WorkItemState.DONE else "",
                "due": moment(item.due_at),
                "allotted": item.allotted_hours_text,
                "spent": diagram.format_duration(step.time_spent),
                "waiting": diagram.format_duration(step.waiting) if step.waiting is not None else "",
                "overdue": overdue,
                "result_tag": RESULT_TAGS.get(item.result, ""),
                "escalated": step.escalated,
                "role_label": _role_label(item.role),
            }
        )
    return rows


def _role_label(role: str) -> str:
    from congso.agencies.models import Role

    try:
        return str(Role(role).label) if role else ""
    except ValueError:
        return role


def _flow_drawing(instance, flow, rows, now):
    drawing = diagram.of_version(instance.process_version)
    if drawing is None:
        return None
    done, current = flow.done_tasks, flow.current_tasks
    states = dict.fromkeys(done, "done")
    states.update(dict.fromkeys(current, "current"))
    notes = {name: diagram.format_duration(spent) for name, spent in flow.time_spent_by_task().items()}
    flagged = {r["item"].task_name for r in rows if r["overdue"] or r["item"].result == Timeliness.LATE}
    labels = {r["item"].task_name: r["item"].label for r in rows}
    description = _(
        "Hồ sơ %(code)s. Các bước đã xong (tô xanh): %(done)s. Bước đang xử lý (viền đậm): %(current)s. "
        "Mỗi bước ghi thời gian đã dùng; bước trễ hoặc quá hạn ghi màu đỏ. Bảng tiến trình bên dưới có "
        "cùng thông tin."
    ) % {
        "code": instance.dossier.code,
        "done": ", ".join(labels[n] for n in sorted(done - current, key=labels.get)) or _("chưa có"),
        "current": ", ".join(labels[n] for n in sorted(current, key=labels.get)) or _("không có"),
    }
    return diagram.render(
        drawing,
        title=_("Sơ đồ xử lý hồ sơ %(code)s") % {"code": instance.dossier.code},
        description=description,
        id_prefix="flow",
        states=states,
        notes=notes,
        flagged=flagged,
    )


@monitoring_view
def dossier_flow(request, dossier_id):
    """One dossier's flow: the drawing with the steps done and current, and the step timeline. A dossier
    outside the officer's scope is answered as not found."""
    scope = request.monitoring_scope
    instance = monitoring.instance_of_dossier(dossier_id)
    if instance is None or not permissions.may_see_dossier_flow(scope, instance):
        raise Http404(_("Không tìm thấy hồ sơ."))
    now = timezone.now()
    flow = monitoring.dossier_flow(instance, now=now)
    rows = _flow_rows(flow, now)
    definition = instance.process_version.definition
    return render(
        request,
        "workflow/monitoring_dossier.html",
        {
            "instance": instance,
            "dossier": instance.dossier,
            "definition": definition,
            "definition_visible": permissions.may_see_definition(scope, definition),
            "rows": rows,
            "diagram_svg": _flow_drawing(instance, flow, rows, now),
            "started": moment(instance.started_at),
            "finished": moment(instance.completed_at) if instance.completed_at else "",
            "running": instance.state == InstanceState.RUNNING,
        },
    )
