"""Pages of the periodic IT-application reports (``/can-bo/bao-cao/dinh-ky/``): the list, a new call for
reports, one agency's report (fill, save, submit; return for correction or accept), and the consolidated
report of a call with its XLSX and PDF."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from congso.agencies import services as agency_services
from congso.core import pdf, spreadsheets
from congso.workspace.permissions import workspace_required

from . import it_reports, permissions
from .models import AgencyReport, ReportRequest, ReportStatus, ReportTemplate, SectionKind


class RequestForm(forms.Form):
    template = forms.ModelChoiceField(
        label=gettext_lazy("Mẫu báo cáo"), queryset=ReportTemplate.objects.all()
    )
    title = forms.CharField(label=gettext_lazy("Tên đợt báo cáo"), max_length=300)
    period_start = forms.DateField(
        label=gettext_lazy("Kỳ báo cáo từ ngày"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("Kỳ báo cáo đến ngày"), widget=forms.DateInput(attrs={"type": "date"})
    )
    due_date = forms.DateField(label=gettext_lazy("Hạn nộp"), widget=forms.DateInput(attrs={"type": "date"}))
    agencies = forms.MultipleChoiceField(
        label=gettext_lazy("Cơ quan báo cáo"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_list = it_reports.yearly_agencies(None)
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in self.agency_list]

    def chosen_agencies(self):
        wanted = set(self.cleaned_data["agencies"])
        return [a for a in self.agency_list if str(a.pk) in wanted]


@workspace_required
@require_GET
def report_list(request):
    coordinator = permissions.is_coordinator(request.user)
    mine_agency_ids = {
        m.agency_id
        for m in agency_services.memberships_for(request.user)
        if m.role in permissions.FILLING_ROLES
    }
    mine = AgencyReport.objects.filter(agency_id__in=sorted(mine_agency_ids)).select_related(
        "request", "agency"
    )
    if not coordinator and not mine_agency_ids:
        raise PermissionDenied(
            _("Trang báo cáo định kỳ dành cho cơ quan tổng hợp và cán bộ lập báo cáo của cơ quan.")
        )
    calls = []
    if coordinator:
        for call in ReportRequest.objects.all()[:100]:
            statuses = list(call.reports.values_list("status", flat=True))
            sent = sum(s in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED) for s in statuses)
            calls.append({"call": call, "total": len(statuses), "sent": sent})
    return render(
        request,
        "reporting/it_reports/list.html",
        {"coordinator": coordinator, "calls": calls, "mine": mine.order_by("-request__due_date")[:100]},
    )


@workspace_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied(_("Chỉ cơ quan tổng hợp (Sở Khoa học và Công nghệ) tạo đợt báo cáo."))
    it_reports.default_template()
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = it_reports.create_request(
                template=data["template"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                due_date=data["due_date"],
                agencies=form.chosen_agencies(),
                by=request.user,
            )
        except it_reports.ReportError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã tạo đợt báo cáo và gửi yêu cầu đến các cơ quan."))
            return redirect("reporting:it_request", pk=call.pk)
    return render(request, "reporting/it_reports/request_form.html", {"form": form})


def _sections(report_or_call, answers):
    """The template's sections with the answers, ready for the page."""
    rows = []
    for section in report_or_call.template.sections:
        rows.append({**section, "answer": answers.get(section["key"], {})})
    return rows


@workspace_required
@require_http_methods(["GET", "POST"])
def report_page(request, pk: int):
    report = get_object_or_404(AgencyReport.objects.select_related("request__template", "agency"), pk=pk)
    if not permissions.may_see_report(request.user, report):
        raise PermissionDenied(_("Bạn không xem được báo cáo này."))
    errors = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("save", "submit"):
                it_reports.save_draft(report, request.POST, request.user)
                if action == "submit":
                    it_reports.submit(report, request.user)
                    messages.success(request, _("Đã gửi báo cáo đến cơ quan tổng hợp."))
                else:
                    messages.success(request, _("Đã lưu báo cáo."))
            elif action == "return":
                it_reports.return_for_correction(report, request.user, request.POST.get("comment", ""))
                messages.success(request, _("Đã trả lại báo cáo để cơ quan chỉnh sửa."))
            elif action == "accept":
                it_reports.accept(report, request.user)
                messages.success(request, _("Đã tiếp nhận báo cáo."))
            else:
                errors.append(_("Thao tác không hợp lệ."))
        except it_reports.ReportError as exc:
            errors.extend(exc.messages)
        if not errors:
            return redirect("reporting:it_report", pk=report.pk)
        report.refresh_from_db()
    editable = report.status in it_reports.EDITABLE and permissions.may_fill(request.user, report)
    answers = {**report.answers}
    if request.method == "POST" and errors:
        answers.update(_posted_answers(report, request.POST))
    return render(
        request,
        "reporting/it_reports/report.html",
        {
            "report": report,
            "sections": _sections(report.request, answers),
            "editable": editable,
            "reviewable": report.status == ReportStatus.SUBMITTED
            and permissions.is_coordinator(request.user),
            "versions": report.versions.select_related("submitted_by", "reviewed_by").order_by("-number"),
            "errors": errors,
            "SectionKind": SectionKind,
        },
    )


def _posted_answers(report, posted) -> dict:
    """What the officer typed, shown again after an error (nothing was saved)."""
    answers = {}
    for section in report.request.template.sections:
        key = section["key"]
        if section["kind"] == SectionKind.TEXT:
            answers[key] = {"text": posted.get(key, "")}
        elif section["kind"] == SectionKind.FIGURES:
            answers[key] = {part: posted.get(f"{key}.{part}", "") for part in it_reports.FIGURE_PARTS}
    return answers


@workspace_required
@require_GET
def request_page(request, pk: int):
    call = get_object_or_404(ReportRequest.objects.select_related("template", "coordinator"), pk=pk)
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied(_("Chỉ cơ quan tổng hợp xem báo cáo tổng hợp."))
    rows, totals = it_reports.consolidated(call)
    figures = [s for s in call.template.sections if s["kind"] == SectionKind.FIGURES]
    indicators = [s for s in call.template.sections if s["kind"] == SectionKind.INDICATOR]
    table = [
        {
            "row": row,
            "percents": [row.percent(s["key"]) for s in indicators],
            "figures": [row.figures(s["key"]) for s in figures],
        }
        for row in rows
    ]
    total_cells = [
        tuple(totals.get(s["key"], {}).get(p, 0) for p in it_reports.FIGURE_PARTS) for s in figures
    ]
    context = {
        "call": call,
        "rows": rows,
        "table": table,
        "totals": totals,
        "total_cells": total_cells,
        "figures": figures,
        "indicators": indicators,
    }
    if request.GET.get("xuat") == "xlsx":
        return _consolidated_xlsx(context)
    if request.GET.get("xuat") == "pdf":
        document = pdf.render_template(
            "reporting/it_reports/consolidated_pdf.html", context, title=call.title
        )
        return pdf.pdf_response(document, f"bao-cao-tong-hop-{call.pk}.pdf", attachment=True)
    return render(request, "reporting/it_reports/request.html", context)


def _consolidated_xlsx(context) -> HttpResponse:
    call = context["call"]
    workbook = spreadsheets.new_workbook(call.title)
    sheet = spreadsheets.Sheet(workbook, _("Tổng hợp"))
    header = [_("Cơ quan"), _("Trạng thái"), _("Lần gửi")]
    for section in context["indicators"]:
        header.append(f"{section['title']} (%)")
    for section in context["figures"]:
        header += [
            f"{section['title']} — {part}" for part in (_("kế hoạch"), _("ước thực hiện"), _("thực hiện"))
        ]
    sheet.append([call.title])
    sheet.append(header)
    for row in context["rows"]:
        line = [row.agency.name, row.status_label, row.version]
        line += [row.percent(section["key"]) for section in context["indicators"]]
        for section in context["figures"]:
            line += [_number(value) for value in row.figures(section["key"])]
        sheet.append(line)
    total = [_("Tổng cộng (báo cáo đã gửi)"), "", None] + [None] * len(context["indicators"])
    for section in context["figures"]:
        sums = context["totals"].get(section["key"], {})
        total += [float(sums.get(part, 0)) for part in it_reports.FIGURE_PARTS]
    sheet.append(total)
    response = HttpResponse(spreadsheets.to_bytes(workbook), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-tong-hop-{call.pk}.xlsx"'
    return response


def _number(raw):
    return float(raw) if raw not in (None, "") else None
