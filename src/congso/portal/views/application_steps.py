"""The question pages of an online application: who is applying, about the person represented, where to
submit, and each step of the procedure's form. Each POST is checked by the form engine and, when valid,
saved; "Lưu và tiếp tục" goes to the next page, "Lưu nháp" back to the list of drafts.
"""

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congso.formengine import prefill

from ..journey import acting_answers
from ..questions import RELATIONS, agency_definition, who_definition
from .draft_pages import draft_page, form_page, save_and_continue, single_step


@draft_page(offers_answers=True)
@require_http_methods(["GET", "POST"])
def who(request, journey):
    definition = who_definition(request.user)
    draft = journey.draft

    def save(answers, action):
        relation = answers["relation"]
        acting_for = draft.acting_for if relation == draft.relation else {}
        return save_and_continue(
            request, journey, "who", action, acting_for={**acting_for, "relation": relation}
        )

    data = {"relation": draft.relation} if draft.relation in RELATIONS else {}
    return form_page(
        request,
        journey,
        page="who",
        definition=definition,
        step=single_step(definition),
        data=data,
        on_valid=save,
        title=_("Bạn nộp hồ sơ này cho ai?"),
        template="portal/apply/page.html",
        extra={"hide_heading_label": True},
    )


@draft_page(offers_answers=True)
@require_http_methods(["GET", "POST"])
def acting_for(request, journey):
    draft = journey.draft
    definition = journey.acting_definition()
    if definition is None:
        return redirect(journey.next_url("who") if draft.relation in RELATIONS else journey.url("who"))

    def save(answers, action):
        return save_and_continue(
            request, journey, "acting-for", action, acting_for={"relation": draft.relation, **answers}
        )

    titles = {
        "parent_guardian": _("Thông tin của con hoặc người được giám hộ"),
        "business_representative": _("Thông tin của doanh nghiệp, tổ chức"),
        "authorised": _("Thông tin của người ủy quyền cho bạn"),
    }
    return form_page(
        request,
        journey,
        page="acting-for",
        definition=definition,
        step=single_step(definition),
        data=acting_answers(draft),
        on_valid=save,
        title=titles[draft.relation],
        template="portal/apply/page.html",
    )


@draft_page(offers_answers=True)
@require_http_methods(["GET", "POST"])
def agency(request, journey):
    if not journey.chooses_agency:
        return redirect(journey.next_url("agency"))
    definition = agency_definition(journey.agencies)
    by_code = {a.code: a for a in journey.agencies}

    def save(answers, action):
        return save_and_continue(
            request, journey, "agency", action, receiving_agency=by_code[answers["agency"]]
        )

    current = journey.draft.receiving_agency
    data = {"agency": current.code} if current is not None and current.code in by_code else {}
    return form_page(
        request,
        journey,
        page="agency",
        definition=definition,
        step=single_step(definition),
        data=data,
        on_valid=save,
        title=_("Nơi nộp hồ sơ"),
        template="portal/apply/page.html",
        extra={"hide_heading_label": True},
    )


@draft_page(offers_answers=True)
@require_http_methods(["GET", "POST"])
def step(request, journey, step_id):
    definition = journey.definition
    form_step = definition.step(step_id)
    if form_step is None:
        raise Http404(_("Không có bước này trong tờ khai."))
    page = f"step:{step_id}"
    if form_step not in definition.visible_steps(journey.draft.data):
        # Answers on earlier pages made this page unnecessary.
        return redirect(journey.next_url(page) if page in journey.page_ids() else journey.resume_url())

    def save(data, action):
        return save_and_continue(request, journey, page, action, data=data)

    locked = journey.locked()
    data = journey.draft.data
    return form_page(
        request,
        journey,
        page=page,
        definition=definition,
        step=form_step,
        data=data,
        on_valid=save,
        title=form_step.title,
        template="portal/apply/page.html",
        locked=locked,
        prefill_marks=journey.prefill_marks(data),
        # Sources (national registries) that could not answer: their fields stay empty, the page says so.
        extra={"description": form_step.description, "prefill_unavailable": prefill.unavailable()},
    )
