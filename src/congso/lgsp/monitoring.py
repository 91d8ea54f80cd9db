"""The LGSP monitoring pages in the officers' workspace (/can-bo/lgsp/giam-sat/): per service and per
consumer system, requests, errors by status class, latency p50/p95/p99 and the last success for a chosen
period (today, 7 or 30 days), a server-drawn chart of requests over time (``core.charts``), each
service's upstream health, and the tables as XLSX (``core.spreadsheets``). Figures come from
``services.traffic`` / ``services.traffic_series`` over the message log; who sees what is
``permissions.can_see_monitoring`` and ``permissions.monitored_systems``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.core import spreadsheets
from congso.core.charts import column_chart
from congso.workspace.permissions import workspace_required

from . import permissions, services
from .models import Service, System

NOT_ALLOWED = gettext_lazy(
    "Trang giám sát LGSP dành cho quản trị viên nền tảng và quản trị viên cơ quan có hệ thống kết nối."
)

# (query value, label, days back from today's midnight, chart step)
PERIODS = [
    ("hom-nay", gettext_lazy("Hôm nay"), 0, "hour"),
    ("7-ngay", gettext_lazy("7 ngày"), 6, "day"),
    ("30-ngay", gettext_lazy("30 ngày"), 29, "day"),
]


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    since: datetime
    until: datetime
    step: str


def period_of(request, now: datetime | None = None) -> Period:
    """The period asked for by ``?ky=`` (today when absent or unknown): from local midnight ``days`` ago
    up to now."""
    wanted = request.GET.get("ky", "")
    key, label, days, step = next((p for p in PERIODS if p[0] == wanted), PERIODS[0])
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return Period(key, str(label), midnight - timedelta(days=days), now, step)


def _refuse(request):
    return render(request, "403.html", {"reason": NOT_ALLOWED}, status=403)


@dataclass
class Row:
    """One line of a traffic table: what it is about (a service or a system, when registered) and its
    figures (``None`` when it had no traffic in the period)."""

    key: str
    name: str
    url: str | None
    traffic: services.Traffic | None
    health: object = None


def _empty(key: str) -> services.Traffic:
    return services.Traffic(key, 0, 0, None, None, None, None)


def _rows(entries: list[tuple[str, str, str | None, object]], figures: list[services.Traffic]) -> list[Row]:
    by_key = {t.key: t for t in figures}
    rows = [Row(key, name, url, by_key.get(key) or _empty(key), health) for key, name, url, health in entries]
    return sorted(rows, key=lambda r: (-r.traffic.requests, r.name))


def _service_entries(service_list, healths) -> list:
    return [
        (s.path_identifier, s.name, reverse("lgsp_ws:monitoring_service", args=[s.pk]), healths.get(s.pk))
        for s in service_list
    ]


def _system_entries(system_list) -> list:
    return [
        (s.identifier, s.name, reverse("lgsp_ws:monitoring_system", args=[s.pk]), None) for s in system_list
    ]


def _chart(points: list[services.TrafficPoint], step: str, what: str) -> str:
    def label(point):
        return point.start.strftime("%H") if step == "hour" else point.start.strftime("%d/%m")

    total = sum(p.requests for p in points)
    errors = sum(p.errors for p in points)
    return column_chart(
        [(label(p), p.requests, p.errors) for p in points],
        title=_("Số lượt gọi %(what)s") % {"what": what},
        description=_("%(total)s lượt gọi, trong đó %(errors)s lỗi (phần màu đỏ ở chân mỗi cột).")
        % {"total": total, "errors": errors},
        id_prefix="lgsp-chart",
        axis_label=_("Giờ trong ngày") if step == "hour" else _("Ngày"),
        css="lgsp-chart",
    )


def _series_table(points, step) -> list[tuple[str, int, int]]:
    fmt = "%H:00" if step == "hour" else "%d/%m/%Y"
    return [(p.start.strftime(fmt), p.requests, p.errors) for p in points]


def _scope(user):
    """(services, systems, involving) the user may see; ``involving`` None for everything."""
    systems = permissions.monitored_systems(user).select_related("member").order_by("name")
    service_list = list(
        Service.objects.filter(system__in=systems).select_related("system__member").order_by("name")
    )
    system_list = list(systems)
    if permissions.sees_all_traffic(user):
        return service_list, system_list, None
    return (
        service_list,
        system_list,
        ([s.path_identifier for s in service_list], [s.identifier for s in system_list]),
    )


@workspace_required
def overview(request):
    if not permissions.can_see_monitoring(request.user):
        return _refuse(request)
    period = period_of(request)
    service_list, system_list, involving = _scope(request.user)
    healths = services.health_by_service(s.pk for s in service_list)
    by_service = _rows(
        _service_entries(service_list, healths),
        services.traffic(period.since, period.until, by="service", involving=involving),
    )
    by_client = _rows(
        _system_entries(system_list),
        services.traffic(period.since, period.until, by="client", involving=involving),
    )
    points = services.traffic_series(period.since, period.until, step=period.step, involving=involving)
    tables = [
        (_("Theo dịch vụ"), _("Dịch vụ"), by_service),
        (_("Theo hệ thống gọi"), _("Hệ thống gọi"), by_client),
    ]
    if request.GET.get("xuat") == "xlsx":
        return _xlsx(f"lgsp-giam-sat-{period.key}", period, tables)
    return render(
        request,
        "lgsp/monitoring.html",
        {
            "period": period,
            "periods": _period_choices(),
            "by_service": by_service,
            "by_client": by_client,
            "failing": [r for r in by_service if r.health is not None and not r.health.healthy],
            "chart": _chart(points, period.step, _("qua LGSP")),
            "series": _series_table(points, period.step),
        },
    )


def _period_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, label, _days, _step in PERIODS]


def _detail_page(
    request, period, *, subject, kind, key, totals, rows, rows_heading, points, health, filename
):
    """The page (or its XLSX) of one service's or one system's traffic: the two differ only in what
    they are narrowed by and what their table lists."""
    first_column = _("Hệ thống gọi") if kind == "service" else _("Dịch vụ")
    if request.GET.get("xuat") == "xlsx":
        return _xlsx(filename, period, [(rows_heading, first_column, rows)])
    return render(
        request,
        "lgsp/monitoring_detail.html",
        {
            "period": period,
            "periods": _period_choices(),
            "subject": subject,
            "identifier": key,
            "kind": kind,
            "totals": totals[0] if totals else _empty(key),
            "health": health,
            "rows": rows,
            "rows_heading": rows_heading,
            "chart": _chart(points, period.step, subject.name),
            "series": _series_table(points, period.step),
        },
    )


def _named_rows(traffic, names: dict) -> list:
    entries = [(t.key, names[t.key].name if t.key in names else t.key, None, None) for t in traffic]
    return _rows(entries, traffic)


@workspace_required
def service_traffic(request, pk):
    service = get_object_or_404(Service.objects.select_related("system__member"), pk=pk)
    if not permissions.can_monitor_service(request.user, service):
        return _refuse(request)
    period = period_of(request)
    key = service.path_identifier
    callers = services.traffic(period.since, period.until, by="client", service=key)
    return _detail_page(
        request,
        period,
        subject=service,
        kind="service",
        key=key,
        totals=services.traffic(period.since, period.until, service=key),
        rows=_named_rows(callers, {s.identifier: s for s in System.objects.select_related("member")}),
        rows_heading=_("Theo hệ thống gọi"),
        points=services.traffic_series(period.since, period.until, step=period.step, service=key),
        health=services.health_by_service([service.pk]).get(service.pk),
        filename=f"lgsp-dich-vu-{service.code}-{period.key}",
    )


@workspace_required
def system_traffic(request, pk):
    system = get_object_or_404(System.objects.select_related("member"), pk=pk)
    if not permissions.can_monitor_system(request.user, system):
        return _refuse(request)
    period = period_of(request)
    key = system.identifier
    called = services.traffic(period.since, period.until, by="service", client=key)
    known = {s.path_identifier: s for s in Service.objects.select_related("system__member")}
    return _detail_page(
        request,
        period,
        subject=system,
        kind="system",
        key=key,
        totals=services.traffic(period.since, period.until, by="client", client=key),
        rows=_named_rows(called, known),
        rows_heading=_("Theo dịch vụ được gọi"),
        points=services.traffic_series(period.since, period.until, step=period.step, client=key),
        health=None,
        filename=f"lgsp-he-thong-{system.code}-{period.key}",
    )


# --- XLSX ------------------------------------------------------------------------------------------------


def _local(value: datetime | None):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _xlsx(filename: str, period: Period, tables) -> HttpResponse:
    workbook = spreadsheets.new_workbook(_("Giám sát LGSP"))
    for sheet_title, first_column, rows in tables:
        sheet = spreadsheets.Sheet(workbook, sheet_title)
        sheet.set_widths([50, 40, 12, 10, 10, 10, 12, 12, 12, 20])
        sheet.append(
            [
                _("Giám sát LGSP: %(title)s") % {"title": sheet_title},
                _("từ %(since)s đến %(until)s")
                % {
                    # As every page writes a moment, in both languages (not the American m/d/Y of "en").
                    "since": formats.date_format(timezone.localtime(period.since), "H:i d/m/Y"),
                    "until": formats.date_format(timezone.localtime(period.until), "H:i d/m/Y"),
                },
            ]
        )
        sheet.append(
            [
                first_column,
                _("Mã định danh"),
                _("Số lượt gọi"),
                _("Lỗi 4xx"),
                _("Lỗi 5xx"),
                _("Tỉ lệ lỗi"),
                _("p50 (ms)"),
                _("p95 (ms)"),
                _("p99 (ms)"),
                _("Thành công gần nhất"),
            ]
        )
        for row in rows:
            t = row.traffic
            sheet.append(
                [
                    row.name,
                    sheet.text_cell(row.key),
                    t.requests,
                    t.client_errors,
                    t.server_errors,
                    round(t.error_share, 4) if t.error_share is not None else None,
                    t.p50_ms,
                    t.p95_ms,
                    t.p99_ms,
                    _local(t.last_success),
                ]
            )
    response = HttpResponse(spreadsheets.to_bytes(workbook), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
