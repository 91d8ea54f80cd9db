"""Counter intake (tiếp nhận tại quầy): the officer chooses a procedure their agency implements, then
fills in the applicant, the procedure's form (through the form engine) and the scanned papers; the
dossier is received at once (status 2) by ``services.receive_at_counter``. A probable duplicate received
minutes ago is shown for the officer to confirm first."""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from congso import formengine
from congso.catalog import services as catalog
from congso.identity import services as identity_services
from congso.workspace.permissions import workspace_required

from .. import conf, forms, permissions, query, services
from ..files import PaperUpload
from .common import error_summary, moment, officer_agencies_granting, refuse_page


def receive_agencies(request):
    """Agencies in force today where the signed-in officer may receive dossiers at the counter."""
    return officer_agencies_granting(request, permissions.RECEIVE, permissions.RECEIVING)


NO_RECEIVE = gettext_lazy(
    "Bạn không có vai trò cán bộ một cửa tại cơ quan nào nên không tiếp nhận hồ sơ tại quầy được."
)


@workspace_required
@require_GET
def intake(request):
    """Counter intake, first page: choose the procedure among those the officer's agency implements."""
    agencies = receive_agencies(request)
    if not agencies:
        return refuse_page(request, NO_RECEIVE)
    by_id = {str(a.pk): a for a in agencies}
    agency = by_id.get(request.GET.get("co_quan", ""), agencies[0])
    query = " ".join(request.GET.get("q", "").split())[:100]
    result = catalog.search(query, agency=agency, limit=50)
    procedures = [
        {"procedure": p, "url": f"{reverse('dossiers:intake_form', args=[p.code])}?co_quan={agency.pk}"}
        for p in result.items
    ]
    context = {
        "agencies": agencies,
        "agency": agency,
        "query": query,
        "procedures": procedures,
        "total": result.total,
        "approximate": result.approximate,
    }
    return render(request, "dossiers/intake_choose.html", context)


CONTROL_NAMES = {"csrfmiddlewaretoken", "version_id"}


@workspace_required
@require_http_methods(["GET", "POST"])
def intake_form(request, procedure_code):
    """Counter intake, second page: applicant, the procedure's form, scanned papers → dossier (status 2)."""
    try:
        version = catalog.version_in_force(procedure_code)
    except catalog.ProcedureNotAvailable as exc:
        return render(request, "dossiers/intake_unavailable.html", {"reason": str(exc)}, status=404)
    receivable = receive_agencies(request)
    if not receivable:
        return refuse_page(request, NO_RECEIVE)
    # Those in force today (a named query): an agency no longer in force receives nothing.
    implementing = {agency.pk for agency in catalog.implementing_agencies(version)}
    agencies = [a for a in receivable if a.pk in implementing]
    if not agencies:
        return refuse_page(
            request,
            _("Cơ quan của bạn không thực hiện thủ tục “{name}” nên không tiếp nhận hồ sơ này được.").format(
                name=version.procedure.name
            ),
        )
    try:
        definition = formengine.build(version.form_schema, version.form_ui)
    except formengine.FormDefinitionError as exc:
        return render(
            request,
            "dossiers/intake_unavailable.html",
            {"reason": _("Biểu mẫu của thủ tục đang có lỗi."), "problems": exc.problems, "version": version},
            status=503,
        )
    whole = formengine.Step("to-khai", _("Tờ khai"), "", list(definition.roots.values()))
    # Read once per request (catalog.services): the papers form, the service's checks and the storage.
    papers = catalog.required_papers(version)
    bound = request.method == "POST"
    initial_agency = request.GET.get("co_quan", "")
    applicant_form = forms.IntakeApplicantForm(
        request.POST if bound else None,
        agencies=agencies,
        initial={"idempotency_key": uuid.uuid4().hex, "agency": initial_agency or str(agencies[0].pk)},
    )
    papers_form = forms.IntakePapersForm(
        request.POST if bound else None, request.FILES if bound else None, papers=papers
    )
    data, raw, form_errors, engine_errors = {}, {}, [], {}
    version_changed = bound and request.POST.get("version_id") != str(version.pk)
    if bound and version_changed:
        form_errors.append(
            _("Thủ tục vừa có phiên bản mới; vui lòng kiểm tra lại tờ khai và giấy tờ rồi tiếp nhận lại.")
        )
    if bound and definition.roots:
        control = CONTROL_NAMES | set(applicant_form.fields) | set(papers_form.fields)
        submission = definition.apply_post(whole, request.POST, {}, require=True, control_names=control)
        data, raw = (submission.data if submission.ok else {}), submission.raw
        engine_errors, form_errors = submission.errors, form_errors + submission.form_errors
    # Both forms are validated (not short-circuited) so every error shows at once.
    applicant_ok = bound and applicant_form.is_valid()
    papers_ok = bound and papers_form.is_valid()
    duplicates = []
    if applicant_ok and papers_ok and not engine_errors and not form_errors:
        duplicates = _unconfirmed_duplicates(request, version, applicant_form)
        if not duplicates:
            response = _receive(request, version, agencies, applicant_form, papers_form, data)
            if response is not None:
                return response
    summary = [{"href": "", "message": m} for m in form_errors] if bound else []
    summary += error_summary(applicant_form)
    summary += formengine.error_summary(definition, engine_errors)
    summary += error_summary(papers_form)
    context = {
        "version": version,
        "procedure": version.procedure,
        "time_limit": catalog.describe_time_limit(version),
        "applicant_form": applicant_form,
        "papers_form": papers_form,
        "items": formengine.page_items(definition, whole, data, raw=raw, errors=engine_errors)
        if definition.roots
        else [],
        "answers_json": formengine.page_answers(definition, whole, data) if definition.roots else "{}",
        "errors": summary,
        "files_dropped": bound and bool(request.FILES),
        "choose_url": reverse("dossiers:intake"),
        "duplicates": duplicates,
    }
    status = 409 if duplicates else 400 if bound else 200
    return render(request, "dossiers/intake_form.html", context, status=status)


def _unconfirmed_duplicates(request, version, applicant_form) -> list[dict]:
    """Dossiers the officer can see that are probably this one, received in the last
    ``CONGSO_DOSSIER_DUPLICATE_MINUTES`` (a submit that seemed to fail but committed; reloading the form
    gave a new idempotency key), unless the officer confirmed that this is a new dossier. A dossier of
    the same idempotency key is no duplicate: the service answers it instead of creating another."""
    data = applicant_form.cleaned_data
    minutes = conf.duplicate_minutes()
    if data["confirm_not_duplicate"] or minutes <= 0:
        return []
    candidates = query.probable_duplicates(
        procedure_id=version.procedure_id,
        since=timezone.now() - timedelta(minutes=minutes),
        national_id=data["national_id"],
        name=data["name"],
        phone=data["phone"],
        except_key=data["idempotency_key"],
    )
    # Only those the officer may see (the rule ``visible_to`` is derived from); usually there are none.
    held = permissions.held_roles(request.user) if candidates else {}
    seen = [d for d in candidates if permissions.VIEW in permissions.permissions_for(request.user, d, held)]
    return [
        {"code": d.code, "applicant_name": d.applicant_name, "submitted_at": d.submitted_at} for d in seen[:5]
    ]


def _receive(request, version, agencies, applicant_form, papers_form, data):
    """Call ``services.receive_at_counter``; on success the redirect to the dossier, on a service error
    None (the error is put on the form)."""
    by_id = {str(a.pk): a for a in agencies}
    agency = by_id[applicant_form.cleaned_data["agency"]]
    account = None
    if applicant_form.cleaned_data["link_account"]:
        account = identity_services.active_citizen_by_national_id(applicant_form.cleaned_data["national_id"])
        if account is None:
            applicant_form.add_error(
                "link_account",
                _(
                    "Không có tài khoản dịch vụ công nào mang số định danh này; bỏ đánh dấu để tiếp nhận "
                    "mà không gắn tài khoản."
                ),
            )
            return None
    uploads = [PaperUpload(code, name, item) for code, name, item in papers_form.uploads()]
    try:
        dossier = services.receive_at_counter(
            version=version,
            receiving_agency=agency,
            officer=request.user,
            applicant_details=applicant_form.applicant_details(),
            form_data=data,
            acting_for=applicant_form.acting_for(),
            papers=uploads,
            idempotency_key=applicant_form.cleaned_data["idempotency_key"],
            applicant=account,
        )
    except PermissionDenied as exc:
        return refuse_page(request, " ".join(map(str, exc.args)) or None)
    except ValidationError as exc:
        applicant_form.add_service_error(exc)
        return None
    messages.success(
        request,
        _("Đã tiếp nhận hồ sơ {code}. Hẹn trả kết quả: {due}.").format(
            code=dossier.code, due=moment(dossier.due_at)
        ),
    )
    return redirect("dossiers:detail", code=dossier.code)
