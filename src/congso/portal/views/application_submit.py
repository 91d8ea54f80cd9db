"""The end of an online application: check your answers, the declaration and submission, the
confirmation page, and the receipt of the submitted dossier. The submission itself is
``portal.submission``."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congso.dossiers import services as dossier_services
from congso.dossiers.models import Status as DossierStatus

from .. import submission
from ..journey import RETURN_PARAM, RETURN_TO_REVIEW, acting_answers
from ..questions import RELATIONS, relation_labels
from .application_start import needs_higher_level
from .draft_pages import CONTROL_NAMES, draft_page, version_changed


def review_context(journey, problems=None, extra_errors=()):
    definition = journey.definition
    data = journey.clean_data()
    problems = journey.problems() if problems is None else problems
    summary = [{"href": "", "message": m} for m in extra_errors]
    summary += [{"href": p.url, "message": p.message} for p in problems]
    change = f"?{RETURN_PARAM}={RETURN_TO_REVIEW}"
    steps = []
    for answers in definition.answers(data):
        url = journey.url(f"step:{answers.step.id}")
        steps.append({"answers": answers, "change_url": url + change})
    relation = journey.draft.relation
    acting = journey.acting_definition() if relation in RELATIONS else None
    acting_rows = []
    if acting is not None:
        for step_answers in acting.answers(acting_answers(journey.draft)):
            for group in step_answers.groups:
                acting_rows += group.rows
    return {
        "journey": journey,
        "draft": journey.draft,
        "procedure": journey.procedure,
        "steps": steps,
        "relation_label": relation_labels(journey.user).get(relation, ""),
        "acting_rows": acting_rows,
        "who_url": journey.url("who") + change,
        "acting_for_url": journey.url("acting-for") + change if acting is not None else "",
        "agency": journey.receiving_agency(),
        "agency_url": journey.url("agency") + change if journey.chooses_agency else "",
        "slots": journey.paper_slots(),
        "papers_url": journey.url("papers") + change,
        "applicant": journey.applicant_details(data),
        "error_summary": summary,
        "ready": not problems and not extra_errors,
        "back_url": journey.previous_url("review"),
        **journey.progress("review"),
    }


@draft_page()
def review(request, journey):
    """Check your answers: every answer with a "Thay đổi" link to its page; what is missing, linked."""
    journey.save(current_page="review")
    return render(request, "portal/apply/review.html", review_context(journey))


@draft_page(allow_submitted=True)
@require_http_methods(["GET", "POST"])
def submit(request, journey):
    """GET: the declaration. POST: submit the dossier (idempotent: a second POST of a submitted draft
    goes to the same done page)."""
    draft = journey.draft
    if draft.is_submitted:
        return redirect("portal:apply-done", draft_id=draft.public_id)
    # A draft started before the procedure asked for level 2, or in another sign-in, is checked again here.
    too_low = needs_higher_level(request, draft.procedure_version, journey.url("submit"))
    if too_low is not None:
        return too_low
    if request.method == "POST" and _declared(request):
        # Whether the draft is complete is checked by the submission, under the draft's lock.
        return _submit(request, journey)
    if journey.problems():
        return redirect(journey.url("review"))
    error = _("Vui lòng đánh dấu vào ô cam đoan trước khi nộp hồ sơ.") if request.method == "POST" else ""
    return render(
        request,
        "portal/apply/declaration.html",
        {
            "journey": journey,
            "draft": draft,
            "procedure": journey.procedure,
            "error": error,
            "error_summary": [{"href": "#cam-doan", "message": error}] if error else [],
            "back_url": journey.url("review"),
            **journey.progress("submit"),
        },
    )


def _declared(request) -> bool:
    """The declaration box ticked, and nothing else posted but the form's own controls."""
    unknown = set(request.POST.keys()) - CONTROL_NAMES - {"declaration"}
    return not unknown and request.POST.getlist("declaration") == ["true"]


def _submit(request, journey):
    try:
        submission.submit(journey)
    except submission.NotReady:
        return redirect(journey.url("review"))
    except submission.VersionNotInForce:
        return version_changed(request, journey.draft)
    except ValidationError as exc:
        return render(request, "portal/apply/review.html", review_context(journey, extra_errors=exc.messages))
    return redirect("portal:apply-done", draft_id=journey.draft.public_id)


@draft_page(allow_submitted=True, allow_expired=True, check_version=False)
def done(request, journey):
    """The confirmation: dossier code, appointment, how to follow it, the receipt."""
    draft = journey.draft
    if not draft.is_submitted:
        return redirect(journey.url("review"))
    dossier = draft.submitted_dossier
    return render(
        request,
        "portal/apply/done.html",
        {
            "draft": draft,
            "dossier": dossier,
            "procedure": journey.procedure,
            "my_dossiers_url": reverse("portal:my-dossiers"),
            "lookup_url": reverse("portal:dossier-lookup"),
            # The confirmation of submission, downloadable at once (form 01 comes on acceptance).
            "submission_pdf_url": reverse(
                "portal:my-dossier-submission", kwargs={"public_id": dossier.public_id}
            ),
        },
    )


@login_required
def receipt(request, dossier_id):
    """The receipt of a submitted dossier, for its applicant (anyone else: 404)."""
    try:
        dossier = dossier_services.get_for_applicant(request.user, dossier_id)
    except ObjectDoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None
    return render(
        request,
        "portal/apply/receipt.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure_version.procedure,
            "papers": list(dossier.papers.all()),
            "accepted": dossier.status != DossierStatus.SUBMITTED,
            "acting_for": dossier.acting_for or {},
            "my_dossiers_url": reverse("portal:my-dossiers"),
            "lookup_url": reverse("portal:dossier-lookup"),
        },
    )
