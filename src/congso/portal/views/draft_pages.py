"""What every page of an online application shares: the ``draft_page`` decorator that loads the
signed-in applicant's draft and refuses what cannot go on, the refusal pages (not an applicant, expired,
version changed, form unavailable, offline), and ``form_page``, which shows a page of questions and saves
it with the form engine.
"""

import logging
import time
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from congso import formengine
from congso.catalog.models import OnlineMode
from congso.identity.models import UserKind

from .. import drafts
from ..journey import RETURN_PARAM, RETURN_TO_REVIEW, Journey, receiving_agencies

logger = logging.getLogger(__name__)

CONTROL_NAMES = frozenset({"csrfmiddlewaretoken", "action", "start_token"})

# Answers posted to a draft's page after the session expired, kept in the (anonymous) session until the
# applicant signs in again and comes back to that page: Django's sign-in keeps the session's data, and the
# redirect to the sign-in page would otherwise drop the POST with everything typed since the last save.
PENDING_ANSWERS = "portal.answers_before_sign_in"
PENDING_MAX_AGE = 3600  # seconds: long enough to sign in again (VNeID included), not a store of answers
PENDING_MAX_FIELDS = 200
PENDING_MAX_CHARS = 10_000


def from_review(request) -> bool:
    """Whether the page was opened from "check your answers" (its "Thay đổi" links)."""
    return request.GET.get(RETURN_PARAM) == RETURN_TO_REVIEW


def journey_for(request, draft, definition) -> Journey:
    return Journey(request.user, draft, definition, from_review=from_review(request))


def save_and_continue(request, journey, page: str, action: str, **fields) -> str:
    """Save the page's answers and return where to go (``Journey.save_and_continue``); "Lưu nháp" also
    tells the applicant until when the draft is kept."""
    url = journey.save_and_continue(page, action, **fields)
    if action == "save-draft":
        messages.success(
            request,
            _(
                "Đã lưu bản nháp. Bạn có thể tiếp tục trên bất kỳ thiết bị nào sau khi "
                "đăng nhập, trước ngày %(day)s."
            )
            % {"day": timezone.localtime(journey.draft.expires_at).strftime("%d/%m/%Y")},
        )
    return url


def applicant_only(request):
    """A citizen or business account; officials and system accounts do not apply from here."""
    user = request.user
    if user.kind not in (UserKind.CITIZEN, UserKind.BUSINESS):
        return render(request, "portal/apply/not_applicant.html", status=403)
    return None


def draft_page(*, allow_submitted=False, allow_expired=False, check_version=True, offers_answers=False):
    """Load the signed-in user's draft from the URL (someone else's → 404) and refuse what cannot go on:
    an expired draft (410), a version no longer in force (409), a form that cannot be built (503).
    A submitted draft redirects to its done page unless ``allow_submitted``. The view gets a ``Journey``.
    ``offers_answers``: a page of questions (``form_page``), which offers again what was posted while the
    session had expired."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, draft_id, *args, **kwargs):
            if not request.user.is_authenticated:
                return sign_in_again(request, offers_answers=offers_answers)
            refused = applicant_only(request)
            if refused is not None:
                return refused
            draft = drafts.find_draft(request.user, draft_id)
            if draft is None:
                raise Http404(_("Không tìm thấy bản nháp hồ sơ."))
            if draft.is_submitted and not allow_submitted:
                return redirect("portal:apply-done", draft_id=draft.public_id)
            if draft.is_expired and not draft.is_submitted and not allow_expired:
                return draft_expired(request, draft)
            if check_version and not draft.is_submitted and not drafts.still_offered(draft.procedure_version):
                return version_changed(request, draft)
            try:
                definition = formengine.build(
                    draft.procedure_version.form_schema, draft.procedure_version.form_ui
                )
            except formengine.FormDefinitionError as exc:
                return form_unavailable(request, draft.procedure_version, exc)
            return view(request, journey_for(request, draft, definition), *args, **kwargs)

        return wrapper

    return decorator


def sign_in_again(request, *, offers_answers=False):
    """Send a signed-out visitor to sign in and back; what they posted to a page of questions is kept for
    the page to offer again (``take_pending_answers``), so a session that expired while they typed loses
    nothing. Elsewhere (the papers, the review and submission) the sign-in page says plainly that what
    they just did was not done: files are not kept, and a dossier was not submitted."""
    if request.method == "POST" and request.FILES:
        messages.warning(
            request,
            _(
                "Phiên đăng nhập của bạn đã hết hạn nên các tệp bạn vừa chọn chưa được tải lên. "
                "Vui lòng đăng nhập lại rồi chọn lại tệp."
            ),
        )
    elif request.method == "POST" and not offers_answers:
        messages.warning(
            request,
            _(
                "Phiên đăng nhập của bạn đã hết hạn nên thao tác vừa rồi chưa được thực hiện. "
                "Vui lòng đăng nhập lại rồi làm lại."
            ),
        )
    elif request.method == "POST":
        posted = {
            name: [value[:PENDING_MAX_CHARS] for value in request.POST.getlist(name)[:5]]
            for name in list(request.POST)[:PENDING_MAX_FIELDS]
            if name not in CONTROL_NAMES
        }
        request.session[PENDING_ANSWERS] = {"path": request.path, "answers": posted, "at": time.time()}
        messages.info(
            request,
            _(
                "Phiên đăng nhập của bạn đã hết hạn. Vui lòng đăng nhập lại: các câu trả lời bạn vừa "
                "nhập được giữ lại để bạn kiểm tra và lưu."
            ),
        )
    return redirect_to_login(request.get_full_path())


def take_pending_answers(request) -> dict | None:
    """The answers kept by ``sign_in_again`` for this page (``{name: [values]}``), taken out of the
    session; None if there are none, they are for another page or too old."""
    kept = request.session.get(PENDING_ANSWERS)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[PENDING_ANSWERS]
    if time.time() - float(kept.get("at") or 0) > PENDING_MAX_AGE:
        return None
    return kept.get("answers") or None


def draft_expired(request, draft):
    """The page of a draft kept past its time (410): it can only be started again."""
    return render(
        request,
        "portal/apply/expired.html",
        {"draft": draft, "procedure": draft.procedure_version.procedure},
        status=410,
    )


def version_changed(request, draft):
    procedure = draft.procedure_version.procedure
    current = drafts.current_version(procedure)
    return render(
        request,
        "portal/apply/version_changed.html",
        {
            "draft": draft,
            "procedure": procedure,
            "old_version": draft.procedure_version,
            "current": current,
            "can_restart": drafts.can_restart(draft, current),
            "procedure_url": procedure.get_absolute_url(),
        },
        status=409,
    )


def form_unavailable(request, version, exc):
    logger.error("Online form of %s cannot be built: %s", version, exc)
    return offline(request, version, reason="form_broken", status=503)


def offline(request, version, *, reason: str, status: int = 200):
    return render(
        request,
        "portal/apply/offline.html",
        {
            "version": version,
            "procedure": version.procedure,
            "reason": reason,
            "agencies": receiving_agencies(version),
            "procedure_url": version.procedure.get_absolute_url(),
            "online_mode_label": OnlineMode.current_term(version.online_mode),
        },
        status=status,
    )


def form_page(
    request,
    journey,
    *,
    page,
    definition,
    step,
    data,
    on_valid,
    title,
    template,
    extra=None,
    locked=None,
    prefill_marks=None,
    draft_button=True,
):
    """GET shows the page; POST validates it with the engine and, when valid, calls
    ``on_valid(new_data, action)`` which saves and returns the redirect URL."""
    raw, errors, form_errors = {}, {}, []
    pending = take_pending_answers(request) if request.method == "GET" else None
    if pending is not None:
        # Offered again, not saved: the applicant checks them and saves with the page's own buttons.
        submission = definition.apply_post(
            step, pending, data, require=False, locked=locked, control_names=CONTROL_NAMES
        )
        data = submission.data if submission.ok else data
        raw, errors, form_errors = submission.raw, submission.errors, submission.form_errors
        messages.info(
            request,
            _(
                "Các câu trả lời bạn nhập trước khi đăng nhập lại đã được điền vào dưới đây. "
                "Vui lòng kiểm tra và lưu."
            ),
        )
    if request.method == "POST":
        action = request.POST.get("action", "continue")
        submission = definition.apply_post(
            step,
            request.POST,
            data,
            require=action != "save-draft",
            locked=locked,
            control_names=CONTROL_NAMES,
        )
        if submission.ok:
            return redirect(on_valid(submission.data, action))
        raw, errors, form_errors = submission.raw, submission.errors, submission.form_errors
    context = {
        "journey": journey,
        "draft": journey.draft if journey else None,
        "title": title,
        "step": step,
        "items": formengine.page_items(
            definition, step, data, raw=raw, errors=errors, locked=locked, prefill_marks=prefill_marks or {}
        ),
        "answers_json": formengine.page_answers(definition, step, data),
        "error_summary": formengine.error_summary(definition, errors, form_errors),
        "back_url": journey.previous_url(page) if journey else "",
        **(journey.progress(page) if journey is not None else {}),
        "draft_button": draft_button,
        "return_to_review": from_review(request),
        **(extra or {}),
    }
    return render(request, template, context)


def single_step(definition) -> formengine.Step:
    return formengine.Step("page", "", "", list(definition.roots.values()))
