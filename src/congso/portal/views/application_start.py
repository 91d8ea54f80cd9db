"""Starting an online application and managing drafts: the procedure's start page ("who are you applying
for?"), the list "Hồ sơ đang soạn", resuming a draft, moving it to the version now in force, deleting it.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from congso import formengine
from congso.catalog import services as catalog_services
from congso.catalog.models import OnlineMode
from congso.identity import services as identity_services

from .. import drafts
from ..journey import receiving_agencies
from ..questions import who_definition
from .draft_pages import (
    applicant_only,
    draft_expired,
    draft_page,
    form_page,
    form_unavailable,
    from_review,
    offline,
    save_and_continue,
    single_step,
    version_changed,
)


@require_http_methods(["GET", "POST"])
def apply(request, procedure_code):
    """The start page of a procedure's online application: what it takes, then "who are you applying
    for?". Information-only procedures get a page saying where to go instead (no sign-in needed)."""
    try:
        version = catalog_services.version_in_force(procedure_code)
    except catalog_services.ProcedureNotAvailable as exc:
        return render(request, "portal/apply/not_found.html", {"message": str(exc)}, status=404)
    if not catalog_services.is_offered_online(version):
        return offline(request, version, reason="information_only")
    if not receiving_agencies(version):
        return offline(request, version, reason="no_agency")
    try:
        definition = formengine.build(version.form_schema, version.form_ui)
    except formengine.FormDefinitionError as exc:
        return form_unavailable(request, version, exc)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refused = applicant_only(request) or needs_higher_level(request, version)
    if refused is not None:
        return refused
    token = posted_start_token(request)
    if request.method == "POST":
        started = drafts.started_with(request.user, token)
        if started is not None:
            return redirect("portal:apply-draft", draft_id=started.public_id)
    who = who_definition(request.user)

    def create_draft(answers, action):
        journey, created = drafts.start_draft(
            request.user,
            version,
            definition,
            answers["relation"],
            from_review=from_review(request),
            start_token=token,
        )
        if not created:
            return reverse("portal:apply-draft", kwargs={"draft_id": journey.draft.public_id})
        return save_and_continue(request, journey, "who", action)

    return form_page(
        request,
        None,
        page="who",
        definition=who,
        step=single_step(who),
        data={},
        on_valid=create_draft,
        title=version.procedure.name,
        template="portal/apply/start.html",
        draft_button=False,
        extra={
            "procedure": version.procedure,
            "version": version,
            "existing_drafts": drafts.open_drafts_for(request.user, version.procedure),
            "papers": catalog_services.required_papers(version),
            "fees": catalog_services.fees_for(version),
            "time_limit": catalog_services.describe_time_limit(version),
            "online_mode_label": OnlineMode.current_term(version.online_mode),
            "procedure_url": version.procedure.get_absolute_url(),
            # Kept when the page comes back with errors, so the corrected post is still the same start.
            "start_token": token or uuid.uuid4(),
        },
    )


def posted_start_token(request) -> uuid.UUID | None:
    """The start page's one-time token from a POST, or None (a GET, or no readable token)."""
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(request.POST.get("start_token", ""))
    except ValueError:
        return None


def needs_higher_level(request, version, next_url: str = ""):
    """The page explaining how to reach the level of assurance ``version`` requires, when the current
    sign-in is below it; ``None`` when it is enough."""
    required = version.required_assurance_level
    current = identity_services.session_assurance_level(request)
    if current >= required:
        return None
    return render(
        request,
        "portal/apply/needs_level.html",
        {
            "procedure": version.procedure,
            "version": version,
            "procedure_url": version.procedure.get_absolute_url(),
            "current_level": current,
            "sign_in_url": identity_services.sign_in_url_for_level(
                required, next_url or request.get_full_path()
            ),
        },
        status=403,
    )


@login_required
def drafts_list(request):
    """The list "Hồ sơ đang soạn": the account's unsubmitted drafts, to resume on any device."""
    refused = applicant_only(request)
    if refused is not None:
        return refused
    return render(request, "portal/apply/drafts.html", {"drafts": drafts.drafts_in_progress(request.user)})


@draft_page()
def resume(request, journey):
    """Continue a draft where the applicant left it."""
    return redirect(journey.resume_url())


@login_required
@require_POST
def restart(request, draft_id):
    """Start again with the version in force: the answers that still fit, who is applying, the agency
    if it still receives, and the files of papers the new version still asks for are carried over."""
    refused = applicant_only(request)
    if refused is not None:
        return refused
    old = drafts.find_draft_in_progress(request.user, draft_id)
    if old is None:
        raise Http404(_("Không tìm thấy bản nháp hồ sơ."))
    if old.is_expired:
        return draft_expired(request, old)
    current = drafts.current_version(old.procedure_version.procedure)
    if current is None or not catalog_services.is_offered_online(current):
        return version_changed(request, old)
    if current.pk == old.procedure_version_id:
        return redirect("portal:apply-draft", draft_id=old.public_id)
    try:
        definition = formengine.build(current.form_schema, current.form_ui)
    except formengine.FormDefinitionError as exc:
        return form_unavailable(request, current, exc)
    journey = drafts.restart_on(request.user, old, current, definition)
    messages.success(
        request,
        _(
            "Đã chuyển bản nháp sang phiên bản đang có hiệu lực của thủ tục. Vui lòng kiểm tra "
            "lại và bổ sung những thông tin còn thiếu."
        ),
    )
    return redirect(journey.url("review"))


@draft_page(allow_expired=True, check_version=False)
@require_http_methods(["GET", "POST"])
def draft_delete(request, journey):
    if request.method == "POST":
        journey.draft.delete_with_files()
        messages.success(request, _("Đã xóa bản nháp hồ sơ “%(name)s”.") % {"name": journey.procedure.name})
        return redirect("portal:drafts")
    return render(
        request,
        "portal/apply/draft_delete.html",
        {"draft": journey.draft, "procedure": journey.procedure, "back_url": reverse("portal:drafts")},
    )
