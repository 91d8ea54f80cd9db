"""The logbook (sổ theo dõi hồ sơ, form 07) of one of the officer's receiving agencies for a date range:
the page, read page by page, and its downloads as PDF (``standard_forms.render_logbook``) and XLSX
(``exports.logbook_xlsx``), each audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congso.core import audit
from congso.workspace.permissions import workspace_required

from .. import exports, forms, permissions, standard_forms, states
from ..logbook import logbook_for
from .common import error_summary, officer_agencies_granting, pdf_response, refuse_page, xlsx_response

LOGBOOK_PAGE = 50


def _logbook_agencies(request):
    """The agencies whose logbook the signed-in officer may see (those of ``inbox.receiving_agency_ids``),
    by name."""
    return officer_agencies_granting(request, permissions.VIEW, permissions.RECEIVING)


def _logbook_form(request, agencies):
    today = timezone.localdate()
    initial = {
        "co_quan": str(agencies[0].pk) if agencies else "",
        "tu_ngay": today.replace(day=1).strftime("%d/%m/%Y"),
        "den_ngay": today.strftime("%d/%m/%Y"),
    }
    data = request.GET if "tu_ngay" in request.GET else {**initial}
    return forms.LogbookForm(data, agencies=agencies)


@workspace_required
@require_GET
def logbook(request):
    """The logbook (sổ theo dõi hồ sơ, form 07) of one of the officer's agencies for a date range."""
    agencies = _logbook_agencies(request)
    if not agencies:
        return refuse_page(request, _("Bạn không có vai trò được xem sổ theo dõi hồ sơ của cơ quan nào."))
    form = _logbook_form(request, agencies)
    page_obj, rows, agency, downloads = None, [], None, {}
    if form.is_valid():
        agency = next(a for a in agencies if str(a.pk) == form.cleaned_data["co_quan"])
        start, end = form.cleaned_data["tu_ngay"], form.cleaned_data["den_ngay"]
        paginator = Paginator(logbook_for(request.user, agency.pk, start, end), LOGBOOK_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        rows = [
            {"n": page_obj.start_index() + i, "dossier": d, "status_label": states.status_label(d.status)}
            for i, d in enumerate(page_obj.object_list)
        ]
        query = f"co_quan={agency.pk}&tu_ngay={start:%d/%m/%Y}&den_ngay={end:%d/%m/%Y}"
        downloads["pdf"] = f"{reverse('dossiers:logbook_pdf')}?{query}"
        downloads["xlsx"] = f"{reverse('dossiers:logbook_xlsx')}?{query}"
    context = {
        "form": form,
        "errors": error_summary(form) if "tu_ngay" in request.GET else [],
        "agency": agency,
        "page_obj": page_obj,
        "rows": rows,
        "downloads": downloads,
    }
    return render(request, "dossiers/logbook.html", context, status=200 if form.is_valid() else 400)


def _logbook_download(request, produce, kind: str):
    """A logbook download (PDF or XLSX) for the agency and dates of the query string: the officer must
    be able to see the agency's logbook; invalid input is a 404; a refusal of the renderer (too many rows
    for one PDF) goes back to the page with its message."""
    agencies = _logbook_agencies(request)
    if not agencies:
        return refuse_page(request, _("Bạn không có vai trò được xem sổ theo dõi hồ sơ của cơ quan nào."))
    form = forms.LogbookForm(request.GET, agencies=agencies)
    if not form.is_valid():
        raise Http404(_("Khoảng thời gian hoặc cơ quan không hợp lệ."))
    agency = next(a for a in agencies if str(a.pk) == form.cleaned_data["co_quan"])
    start, end = form.cleaned_data["tu_ngay"], form.cleaned_data["den_ngay"]
    try:
        content = produce(agency, start, end)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('dossiers:logbook')}?{request.GET.urlencode()}")
    audit.record(
        "dossiers.logbook_download",
        agency,
        actor=request.user,
        changes={"format": kind, "start": start.isoformat(), "end": end.isoformat()},
    )
    filename = f"so-theo-doi-{agency.code}-{start:%Y%m%d}-{end:%Y%m%d}.{kind}"
    return pdf_response(content, filename) if kind == "pdf" else xlsx_response(content, filename)


@workspace_required
@require_GET
def logbook_pdf(request):
    """The logbook (form 07) as PDF, from ``standard_forms.render_logbook``."""
    return _logbook_download(request, standard_forms.render_logbook, "pdf")


@workspace_required
@require_GET
def logbook_xlsx(request):
    """The logbook (form 07) as XLSX, from ``exports.logbook_xlsx``."""
    return _logbook_download(request, exports.logbook_xlsx, "xlsx")
