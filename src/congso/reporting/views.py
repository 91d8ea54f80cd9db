"""The leaders' dashboard (``/can-bo/bao-cao/``) with its XLSX and PDF, the dossiers behind a number,
and the public page of headline indicators (``/chi-so/``)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from congso.core import charts, pdf, spreadsheets
from congso.workspace.permissions import workspace_required

from . import dashboard, permissions
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
    raw = request.GET.get("co_quan", "")
    agency_id = int(raw) if raw.isdigit() else None
    narrowed = permissions.narrowed(scope, agency_id)
    if narrowed is None:
        raise Http404(_("Không có cơ quan này trong phạm vi bạn được xem."))
    return narrowed


def _context(request) -> dict:
    chosen = dashboard.chosen_period(request.GET)
    scope = _scope_for(request)
    period = chosen.period
    trend = dashboard.monthly_trend(chosen.year, scope)
    return {
        "chosen": chosen,
        "period": period,
        "scope": scope,
        "rows": dashboard.indicator_rows(period, scope),
        "ranking": dashboard.agency_ranking(period, scope),
        "trend": trend,
        "trend_chart": charts.column_chart(
            trend,
            title=_("Hồ sơ tiếp nhận theo tháng năm %(year)s") % {"year": chosen.year},
            description=_(
                "Mỗi cột là số hồ sơ tiếp nhận trong tháng; phần màu đỏ là số hồ sơ có kết quả quá hạn."
            ),
            id_prefix="trend",
            axis_label=_("Tháng"),
        ),
        "parts": [(part, dashboard.ChosenPeriod(chosen.year, part).label) for part in dashboard.PARTS],
        "agency_query": f"&co_quan={request.GET['co_quan']}"
        if request.GET.get("co_quan", "").isdigit()
        else "",
    }


def _agency_query(request) -> str:
    raw = request.GET.get("co_quan", "")
    return f"&co_quan={raw}" if raw.isdigit() else ""


def _filename(context, extension: str) -> str:
    return f"chi-so-{context['chosen'].year}-{context['chosen'].part}.{extension}"


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
        return pdf.pdf_response(
            document, f"chi-so-{context['chosen'].year}-{context['chosen'].part}.pdf", attachment=True
        )
    return render(request, "reporting/dashboard.html", context)


@workspace_required
@require_GET
def drill_page(request, kind: str):
    if kind not in dashboard.DRILLS:
        raise Http404(_("Không có danh sách này."))
    chosen = dashboard.chosen_period(request.GET)
    scope = _scope_for(request)
    title, facts, more = dashboard.drill(kind, chosen.period, scope)
    return render(
        request,
        "reporting/drill.html",
        {"title": title, "facts": facts, "more": more, "chosen": chosen, "limit": dashboard.DRILL_LIMIT},
    )


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
            "parts": [(part, dashboard.ChosenPeriod(chosen.year, part).label) for part in dashboard.PARTS],
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
    ranking = spreadsheets.Sheet(workbook, _("Xếp hạng cơ quan"))
    ranking.set_widths([50, 12, 12, 12, 14, 14])
    ranking.append(
        [_("Cơ quan"), _("Tiếp nhận"), _("Có kết quả"), _("Quá hạn"), _("Đúng hạn (%)"), _("Hài lòng (%)")]
    )
    for row in context["ranking"]:
        ranking.append(
            [
                row.name,
                row.received,
                row.finished,
                row.finished_late,
                row.on_time.percent,
                row.satisfaction.percent,
            ]
        )
    trend = spreadsheets.Sheet(workbook, _("Theo tháng"))
    trend.append([_("Tháng"), _("Tiếp nhận"), _("Có kết quả quá hạn")])
    for label, received, late in context["trend"]:
        trend.append([label, received, late])
    response = HttpResponse(spreadsheets.to_bytes(workbook), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="chi-so-{context["chosen"].year}-{context["chosen"].part}.xlsx"'
    )
    return response
