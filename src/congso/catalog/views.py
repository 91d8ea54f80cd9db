"""Citizen pages of the catalog: search, browse by life event and by agency, the procedure page and the
download of a paper's template. Everything is read through ``services``; nothing here writes."""

import mimetypes
from pathlib import PurePosixPath

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from congso.agencies import services as agency_services

from . import paper_sources, services
from .forms import SearchForm
from .models import LifeEvent, OnlineMode, RequiredPaper, VersionStatus

PER_PAGE = 20


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def search(request):
    form = SearchForm(request.GET or None, agencies=services.agencies_with_procedures())
    form.is_valid()  # an invalid filter is shown as an error and ignored
    query = form.cleaned_data.get("q", "") if form.is_bound else ""
    filters = form.filters()
    number = _page_number(request)
    result = services.search(query, **filters, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    page = Paginator(range(result.total), PER_PAGE).get_page(number)
    if page.number != number:  # asked beyond the last page: show the last one
        result = services.search(query, **filters, limit=PER_PAGE, offset=(page.number - 1) * PER_PAGE)
    return render(
        request,
        "catalog/search.html",
        {
            "form": form,
            "options": {name: form.options(name) for name in ("field", "agency", "level", "online_mode")},
            "query": query,
            "result": result,
            "page_obj": page,
            "searched": bool(query) or form.has_filters(),
            "life_events": LifeEvent.objects.order_by("name"),
        },
    )


def apply_url(procedure) -> str | None:
    """The start of the online application (``portal:apply`` with ``procedure_code``), once the portal
    offers it; None otherwise, so the page never shows a dead link."""
    try:
        return reverse("portal:apply", kwargs={"procedure_code": procedure.code})
    except NoReverseMatch:
        return None


def procedure_detail(request, code):
    try:
        procedure = services.get_procedure(code)
        version = services.version_in_force(code)
    except services.ProcedureNotAvailable as exc:
        return render(
            request, "catalog/procedure_unavailable.html", {"message": str(exc), "code": code}, status=404
        )
    mode = version.online_mode
    offered_online = version.is_offered_online
    papers = list(version.papers.order_by("position", "id"))
    data_store_papers = [p for p in papers if p.from_data_store]
    for paper in data_store_papers:
        # The register that proves it (a higher block says, through catalog.paper_sources), or "".
        paper.proven_by = paper_sources.source_of(paper.code)
    return render(
        request,
        "catalog/procedure_detail.html",
        {
            "procedure": procedure,
            "version": version,
            "papers": papers,
            "data_store_papers": data_store_papers,
            "fees": services.fees_for(version),
            "time_limit": services.describe_time_limit(version),
            "agencies": list(version.implementing_agencies.order_by("name")),
            "legal_basis": [part.strip() for part in version.legal_basis.split(";") if part.strip()],
            "steps": [line.strip() for line in version.description.splitlines() if line.strip()],
            "mode_term": OnlineMode.current_term(mode),
            "mode_with_former_level": OnlineMode.with_former_level(mode),
            "mode_explained": OnlineMode.explain(mode),
            "is_online": offered_online,
            "is_fully_online": mode == OnlineMode.FULLY_ONLINE,
            "apply_url": apply_url(procedure) if offered_online else None,
            "unverified": set(version.unverified or []),
        },
    )


def life_event_list(request):
    counts = services.life_event_counts()
    events = list(LifeEvent.objects.order_by("name"))
    for event in events:
        event.procedure_count = counts.get(event.pk, 0)
    return render(request, "catalog/life_event_list.html", {"events": events})


def life_event_detail(request, slug):
    event = get_object_or_404(LifeEvent, slug=slug)
    return render(
        request,
        "catalog/life_event_detail.html",
        {
            "event": event,
            "procedures": services.procedures_for_life_event(slug),
        },
    )


def agency_list(request):
    return render(request, "catalog/agency_list.html", {"agencies": services.agencies_with_procedures()})


def agency_detail(request, code):
    try:
        agency = agency_services.get_agency_by_code(code)
    except ObjectDoesNotExist as exc:
        raise Http404(str(exc)) from None
    procedures = services.procedures_for_agency(agency)
    if not procedures:
        raise Http404(_("Cơ quan này không thực hiện thủ tục nào đang có hiệu lực."))
    return render(request, "catalog/agency_detail.html", {"agency": agency, "procedures": procedures})


def paper_template(request, code, paper_id):
    """Download the template (mẫu đơn, tờ khai) of a paper of a published version of the procedure."""
    paper = get_object_or_404(
        RequiredPaper.objects.select_related("version__procedure"),
        pk=paper_id,
        version__procedure__code=code,
        version__procedure__is_active=True,
        version__status=VersionStatus.PUBLISHED,
    )
    if not paper.template:
        raise Http404(_("Giấy tờ này không có mẫu để tải về."))
    name = PurePosixPath(paper.template.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = paper.template.open("rb")
    except FileNotFoundError:
        raise Http404(_("Không tìm thấy tệp mẫu.")) from None
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
