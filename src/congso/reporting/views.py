"""The leaders' dashboard (``/can-bo/bao-cao/``) with its XLSX and PDF, the dossiers behind a number,
and the public page of headline indicators (``/chi-so/``)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from congso.agencies import services as agency_services
from congso.core import charts as core_charts
from congso.core import pdf, spreadsheets
from congso.core.inbound import row_id
from congso.workspace.permissions import workspace_required

from . import breakdowns, charts, dashboard, permissions, service_index
from .indicators import Scope

NOT_A_LEADER = _lazy("Trang chỉ số dành cho lãnh đạo cơ quan, lãnh đạo UBND tỉnh và quản trị nền tảng.")
TREND_DESCRIPTION = _lazy(
    "Mỗi cột là số hồ sơ tiếp nhận trong tháng; phần màu đỏ là số hồ sơ có kết quả quá hạn."
)


def _scope_for(request) -> Scope:
    scope = permissions.dashboard_scope(request.user)
    if scope is None:
        raise PermissionDenied(
            _("Trang chỉ số dành cho lãnh đạo cơ quan, lãnh đạo UBND tỉnh và quản trị nền tảng.")
        )
    agency_id = row_id(request.GET.get("co_quan", ""))
    narrowed = permissions.narrowed(scope, agency_id)
    if narrowed is None:
        raise Http404(_("Không có cơ quan này trong phạm vi bạn được xem."))
    return narrowed


def _dimension(request) -> str:
    chosen = request.GET.get("theo", "")
    return chosen if chosen in breakdowns.DIMENSIONS else breakdowns.DEFAULT_DIMENSION


def _breakdown_chart(dimension: str, rows, chosen) -> str:
    label = breakdowns.DIMENSIONS[dimension][0]
    return charts.bar_chart(
        [(row.name, row.counts["finished"], row.counts["finished_late"]) for row in rows],
        title=_("Hồ sơ có kết quả theo %(dimension)s — %(period)s")
        % {"dimension": str(label).lower(), "period": chosen.label},
        description=_(
            "Mỗi thanh là số hồ sơ có kết quả trong kỳ (nhiều nhất 15 dòng); phần màu đỏ ở đầu thanh là số "
            "hồ sơ quá hạn, ghi trong ngoặc. Bảng bên dưới có đủ các dòng."
        ),
        id_prefix="breakdown",
    )


SCOPE_NAMES_SHOWN = 12


def scope_label(scope: Scope) -> str:
    """What the dashboard and its printed copy say they cover: the whole province, or the agencies by
    name (a printed page must say whose figures these are; the first ``SCOPE_NAMES_SHOWN``, then how
    many more)."""
    if scope.is_province:
        return _("Phạm vi: toàn tỉnh.")
    names = [agency.name for agency in agency_services.agencies_by_name(scope.agency_ids)]
    if not names:
        return _("Phạm vi: chưa có cơ quan nào.")
    shown = ", ".join(names[:SCOPE_NAMES_SHOWN])
    more = len(names) - SCOPE_NAMES_SHOWN
    if more > 0:
        return _("Phạm vi: %(names)s và %(more)s cơ quan khác.") % {"names": shown, "more": more}
    return _("Phạm vi: %(names)s.") % {"names": shown}


def _context(request) -> dict:
    chosen = dashboard.chosen_period(request.GET)
    scope = _scope_for(request)
    period = chosen.period
    trend = dashboard.monthly_trend(chosen.year, scope)
    dimension = _dimension(request)
    rows = breakdowns.breakdown(dimension, period, scope)
    indicator_rows = dashboard.indicator_rows(period, scope)
    return {
        "chosen": chosen,
        "period": period,
        "scope": scope,
        "scope_label": scope_label(scope),
        "rows": indicator_rows,
        "index": service_index.service_index(indicator_rows),
        "previous_index": service_index.service_index(dashboard.indicator_rows(chosen.previous, scope)),
        "previous_period": chosen.previous,
        "dimension": dimension,
        "dimension_label": breakdowns.DIMENSIONS[dimension][0],
        "dimensions": [(key, label) for key, (label, _column) in breakdowns.DIMENSIONS.items()],
        "breakdown": rows,
        "breakdown_param": breakdowns.DRILL_PARAMS[dimension],
        "breakdown_chart": _breakdown_chart(dimension, rows, chosen),
        "late_pairs": breakdowns.late_by_agency_and_procedure(period, scope),
        "trend": trend,
        "trend_chart": core_charts.column_chart(
            trend,
            title=_("Hồ sơ tiếp nhận theo tháng năm %(year)s") % {"year": chosen.year},
            description=_(
                "Mỗi cột là số hồ sơ tiếp nhận trong tháng; phần màu đỏ là số hồ sơ có kết quả quá hạn."
            ),
            id_prefix="trend",
            axis_label=_("Tháng"),
        ),
        **dashboard.period_links(chosen),
        "agency_query": _agency_query(request),
    }


def _agency_query(request) -> str:
    agency_id = row_id(request.GET.get("co_quan", ""))
    return f"&co_quan={agency_id}" if agency_id is not None else ""


def _filename(context, extension: str) -> str:
    chosen = context["chosen"]
    if chosen.part == dashboard.RANGE:
        return f"chi-so-{chosen.start:%Y%m%d}-{chosen.end:%Y%m%d}.{extension}"
    return f"chi-so-{chosen.year}-{chosen.part}.{extension}"


@workspace_required
@require_GET
def dashboard_page(request):
    context = _context(request)
    if request.GET.get("xuat") == "xlsx":
        return _xlsx(context)
    if request.GET.get("xuat") == "pdf":
        document = pdf.render_template(
            "reporting/dashboard_pdf.html", context, title=_("Chỉ số phục vụ người dân")
        )
        return pdf.pdf_response(document, _filename(context, "pdf"), attachment=True)
    return render(request, "reporting/dashboard.html", context)


@workspace_required
@require_GET
def drill_page(request, kind: str):
    """The dossiers behind one number, narrowed as the number was: agency (``co_quan``), commune (``xa``),
    procedure (``thu_tuc``) or field (``linh_vuc``)."""
    if kind not in dashboard.DRILLS:
        raise Http404(_("Không có danh sách này."))
    chosen = dashboard.chosen_period(request.GET)
    scope = _scope_for(request)
    commune = request.GET.get("xa", "")
    if commune:
        scope = Scope(breakdowns.agencies_of_commune(commune, scope))
    procedure_code, field_code = request.GET.get("thu_tuc", "")[:60], request.GET.get("linh_vuc", "")[:50]
    title, facts, more = dashboard.drill(
        kind, chosen.period, scope, procedure_code=procedure_code, field_code=field_code
    )
    narrowed_to = [
        value
        for value in (
            procedure_code and _("thủ tục %(code)s") % {"code": procedure_code},
            field_code and _("lĩnh vực %(code)s") % {"code": field_code},
        )
        if value
    ]
    if request.GET.get("xuat") == "xlsx":
        return _drill_xlsx(title, chosen, narrowed_to, facts)
    return render(
        request,
        "reporting/drill.html",
        {
            "title": title,
            "facts": facts,
            "more": more,
            "chosen": chosen,
            "limit": dashboard.DRILL_LIMIT,
            "narrowed_to": narrowed_to,
            "export_query": request.GET.urlencode(),
        },
    )


def _drill_xlsx(title, chosen, narrowed_to, facts) -> HttpResponse:
    workbook = spreadsheets.new_workbook(title)
    sheet = spreadsheets.Sheet(workbook, _("Hồ sơ"))
    sheet.set_widths([34, 28, 14, 14, 16])
    sheet.append([title, " — ".join([chosen.label, *narrowed_to])])
    sheet.append([_("Mã hồ sơ"), _("Mã thủ tục"), _("Ngày nộp"), _("Ngày có kết quả"), _("Đúng hạn")])
    for fact in facts:
        sheet.append(
            [
                fact.code,
                fact.procedure_code,
                sheet.cell(fact.received_day, number_format="dd/mm/yyyy"),
                sheet.cell(fact.finished_day, number_format="dd/mm/yyyy"),
                fact.get_timeliness_display() if fact.timeliness else "",
            ]
        )
    response = HttpResponse(spreadsheets.to_bytes(workbook), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="ho-so-chi-so.xlsx"'
    return response


@require_GET
def public_page(request):
    """The province's headline indicators, for anyone (transparency)."""
    chosen = dashboard.chosen_period(request.GET)
    rows = [row for row in dashboard.indicator_rows(chosen.period, Scope()) if row.value.available]
    return render(
        request,
        "reporting/public.html",
        {
            "chosen": chosen,
            "rows": rows,
            **dashboard.period_links(chosen),
        },
    )


def _xlsx(context) -> HttpResponse:
    workbook = spreadsheets.new_workbook(_("Chỉ số phục vụ người dân"))
    sheet = spreadsheets.Sheet(workbook, _("Chỉ số"))
    sheet.set_widths([30, 60, 14, 14, 12, 12, 60])
    sheet.append([_("Chỉ số phục vụ người dân, doanh nghiệp"), context["chosen"].label])
    sheet.append(
        [_("Nhóm"), _("Chỉ số"), _("Tử số"), _("Mẫu số"), _("Tỷ lệ (%)"), _("Mục tiêu (%)"), _("Ghi chú")]
    )
    for row in context["rows"]:
        value = row.value
        sheet.append(
            [
                str(row.group_label),
                str(row.indicator.name),
                value.numerator if value.available else None,
                value.denominator if value.available else None,
                value.percent,
                row.indicator.target,
                value.note,
            ]
        )
    _index_sheet(workbook, context)
    for dimension, (label, _column) in breakdowns.DIMENSIONS.items():
        rows = (
            context["breakdown"]
            if dimension == context["dimension"]
            else breakdowns.breakdown(dimension, context["period"], context["scope"])
        )
        _breakdown_sheet(workbook, label, rows)
    late = spreadsheets.Sheet(workbook, _("Quá hạn theo cơ quan, thủ tục"))
    late.set_widths([50, 20, 60, 12, 12, 14])
    late.append(
        [_("Cơ quan"), _("Mã thủ tục"), _("Thủ tục"), _("Có kết quả"), _("Quá hạn"), _("Tỷ lệ quá hạn (%)")]
    )
    for pair in context["late_pairs"]:
        late.append(
            [
                pair.agency_name,
                pair.procedure_code,
                pair.procedure_name,
                pair.finished,
                pair.finished_late,
                pair.late_share.percent,
            ]
        )
    trend = spreadsheets.Sheet(workbook, _("Theo tháng"))
    trend.append([_("Tháng"), _("Tiếp nhận"), _("Có kết quả quá hạn")])
    for label, received, late in context["trend"]:
        trend.append([label, received, late])
    response = HttpResponse(spreadsheets.to_bytes(workbook), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(context, "xlsx")}"'
    return response


def _index_sheet(workbook, context) -> None:
    sheet = spreadsheets.Sheet(workbook, _("Chỉ số 766"))
    sheet.set_widths([40, 14, 14, 18, 22])
    previous = context["previous_period"]
    sheet.append([_("Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)"), context["chosen"].label])
    sheet.append(
        [
            _("Nhóm"),
            _("Điểm"),
            _("Điểm tối đa"),
            _("Số chỉ số đo được"),
            _("Kỳ trước (%(start)s–%(end)s)")
            % {"start": f"{previous.start:%d/%m/%Y}", "end": f"{previous.end:%d/%m/%Y}"},
        ]
    )
    before = {group.key: group for group in context["previous_index"].groups}
    for group in context["index"].groups:
        sheet.append([group.label, group.points, group.weight, group.measured, before[group.key].points])
    index = context["index"]
    sheet.append([_("Tổng"), index.points, index.max_points, None, context["previous_index"].points])


def _breakdown_sheet(workbook, label, rows) -> None:
    sheet = spreadsheets.Sheet(workbook, _("Theo %(dimension)s") % {"dimension": str(label).lower()})
    sheet.set_widths([60, 12, 12, 12, 14, 14, 14, 14, 14])
    sheet.append(
        [
            str(label),
            _("Tiếp nhận"),
            _("Có kết quả"),
            _("Quá hạn"),
            _("Đúng hạn (%)"),
            _("Hài lòng (%)"),
            _("Số hóa hồ sơ (%)"),
            _("Kết quả điện tử (%)"),
            _("Tái sử dụng dữ liệu (%)"),
        ]
    )
    for row in rows:
        sheet.append(
            [
                row.name,
                row.counts["received"],
                row.counts["finished"],
                row.counts["finished_late"],
                row.on_time.percent,
                row.satisfaction.percent,
                row.digitised_papers.percent,
                row.digitised_results.percent,
                row.data_reuse.percent,
            ]
        )
