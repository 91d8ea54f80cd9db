"""The citizen's online application: start, who is applying, the form's steps, papers, check your
answers, declaration, submission and the receipt. Every page works without JavaScript.

The journey of a draft is a list of pages, each named by an id: ``who`` → ``acting-for`` (when applying for
someone else) → ``agency`` (when the applicant chooses the commune) → ``step:<id>`` for each visible
step of the form → ``papers`` → ``review`` → ``submit``. Every page POST saves the draft
("Lưu và tiếp tục" goes on, "Lưu nháp" returns to the list of drafts); a page refuses malformed input as
a whole and saves nothing. Procedures, versions and agencies come from ``catalog.services``; the dossier
is created by ``dossiers.services.submit_online``, with the draft's idempotency key, in the same
transaction that marks the draft submitted.
"""

import logging
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cached_property, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from congso import formengine
from congso.catalog import services as catalog_services
from congso.catalog.models import OnlineMode, ProcedureLevel, ProcedureVersion
from congso.core import stored_files
from congso.dossiers import files as dossier_files
from congso.dossiers import services as dossier_services
from congso.dossiers.models import Status as DossierStatus
from congso.formengine import MISSING, get_path, prefill
from congso.identity.models import UserKind

from .models import ApplicationDraft, DraftFile, delete_stored

logger = logging.getLogger(__name__)

CONTROL_NAMES = frozenset({"csrfmiddlewaretoken", "action"})
RETURN_PARAM = "quay-ve"
MAX_FILES_PER_PAPER = 10
ONLINE_MODES = (OnlineMode.PARTLY_ONLINE, OnlineMode.FULLY_ONLINE)


# --- The journey's own questions, rendered by the same form engine --------------------------------

RELATIONS = ("self", "parent_guardian", "business_representative", "authorised")


def relation_labels(user=None) -> dict[str, str]:
    business = getattr(user, "kind", "") == UserKind.BUSINESS
    return {
        "self": _("Cho doanh nghiệp, tổ chức của tôi") if business else _("Cho bản thân tôi"),
        "parent_guardian": _("Cho con tôi hoặc người tôi giám hộ"),
        "business_representative": _("Cho một doanh nghiệp, tổ chức mà tôi là người đại diện"),
        "authorised": _("Cho người đã ủy quyền cho tôi"),
    }


def who_definition(user) -> formengine.FormDefinition:
    schema = {
        "type": "object",
        "properties": {"relation": {"type": "string", "enum": list(RELATIONS)}},
        "required": ["relation"],
    }
    ui = {
        "fields": {
            "relation": {
                "label": _("Bạn nộp hồ sơ này cho ai?"),
                "widget": "radio",
                "choices": relation_labels(user),
                "choice_hints": {
                    "parent_guardian": _(
                        "Cha, mẹ làm thủ tục cho con chưa thành niên, hoặc người giám hộ làm thủ tục "
                        "cho người được giám hộ."
                    ),
                    "business_representative": _(
                        "Người đại diện theo pháp luật của doanh nghiệp, hợp tác xã, tổ chức."
                    ),
                    "authorised": _("Bạn cần đính kèm văn bản ủy quyền ở bước “Giấy tờ đính kèm”."),
                },
                "messages": {"required": _("Vui lòng chọn bạn nộp hồ sơ này cho ai.")},
            }
        }
    }
    return formengine.build(schema, ui)


_NATIONAL_ID = {"type": "string", "pattern": "^[0-9]{12}$"}
_NAME = {"type": "string", "minLength": 2, "maxLength": 200}


def acting_for_definition(relation: str, skip=()) -> formengine.FormDefinition | None:
    """The questions about the person or organisation represented, or None for "self" (or when the
    procedure's form answers all of them itself: ``skip`` names the questions it answers, see
    ``FormDefinition.represented_map``)."""
    national_id_message = _("Số định danh cá nhân phải gồm 12 chữ số.")
    if relation == "parent_guardian":
        schema = {
            "type": "object",
            "properties": {"full_name": _NAME, "national_id": _NATIONAL_ID},
            "required": ["full_name"],
        }
        ui = {
            "order": ["full_name", "national_id"],
            "fields": {
                "full_name": {"label": _("Họ, chữ đệm và tên của con hoặc người được giám hộ")},
                "national_id": {
                    "label": _("Số định danh cá nhân của con hoặc người được giám hộ"),
                    "width": "medium",
                    "inputmode": "numeric",
                    "help": _("Bỏ trống nếu chưa có, ví dụ khi đăng ký khai sinh cho trẻ."),
                    "messages": {"pattern": national_id_message},
                },
            },
        }
    elif relation == "business_representative":
        schema = {
            "type": "object",
            "properties": {
                "full_name": {"type": "string", "minLength": 2, "maxLength": 300},
                "tax_code": {"type": "string", "pattern": "^[0-9]{10}(-[0-9]{3})?$"},
                "position": {"type": "string", "maxLength": 100},
            },
            "required": ["full_name", "tax_code"],
        }
        ui = {
            "order": ["full_name", "tax_code", "position"],
            "fields": {
                "full_name": {"label": _("Tên doanh nghiệp, tổ chức"), "autocomplete": "organization"},
                "tax_code": {
                    "label": _("Mã số thuế (mã số doanh nghiệp)"),
                    "width": "medium",
                    "inputmode": "numeric",
                    "help": _("10 chữ số; với chi nhánh, thêm mã chi nhánh, ví dụ 3700123456-001."),
                    "messages": {
                        "pattern": _(
                            "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số kèm mã chi nhánh dạng -NNN."
                        )
                    },
                },
                "position": {"label": _("Chức vụ của bạn"), "width": "medium", "help": _("Ví dụ: Giám đốc.")},
            },
        }
    elif relation == "authorised":
        schema = {
            "type": "object",
            "properties": {"full_name": _NAME, "national_id": _NATIONAL_ID},
            "required": ["full_name", "national_id"],
        }
        ui = {
            "order": ["full_name", "national_id"],
            "fields": {
                "full_name": {"label": _("Họ, chữ đệm và tên của người ủy quyền cho bạn")},
                "national_id": {
                    "label": _("Số định danh cá nhân của người ủy quyền"),
                    "width": "medium",
                    "inputmode": "numeric",
                    "messages": {"pattern": national_id_message},
                },
            },
        }
    else:
        return None
    for name in skip:
        schema["properties"].pop(name, None)
        schema["required"] = [n for n in schema["required"] if n != name]
        ui["order"] = [n for n in ui["order"] if n != name]
        ui["fields"].pop(name, None)
    if not schema["properties"]:
        return None
    return formengine.build(schema, ui)


def agency_definition(agencies) -> formengine.FormDefinition:
    schema = {
        "type": "object",
        "properties": {"agency": {"type": "string", "enum": [a.code for a in agencies]}},
        "required": ["agency"],
    }
    ui = {
        "fields": {
            "agency": {
                "label": _("Bạn nộp hồ sơ tại cơ quan nào?"),
                "help": _(
                    "Thủ tục này do Ủy ban nhân dân cấp xã giải quyết: chọn xã, phường nơi bạn cư trú "
                    "hoặc nơi thủ tục quy định."
                ),
                "choices": {a.code: a.name for a in agencies},
                "messages": {"required": _("Vui lòng chọn cơ quan tiếp nhận hồ sơ.")},
            }
        }
    }
    return formengine.build(schema, ui)


# --- Procedures and agencies -----------------------------------------------------------------------


def receiving_agencies(version) -> list:
    """Implementing agencies of ``version`` valid today, in the order the procedure page lists them."""
    return list(version.implementing_agencies.valid_on().order_by("name", "code"))


def chooses_agency(version, agencies) -> bool:
    """Commune-level procedures are received by the commune the applicant chooses."""
    return version.procedure.level == ProcedureLevel.COMMUNE and len(agencies) > 1


def procedure_url(procedure) -> str:
    try:
        return procedure.get_absolute_url()
    except NoReverseMatch:
        return ""


def _optional_url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# --- The journey of one draft ----------------------------------------------------------------------


@dataclass
class PaperSlot:
    """One paper to attach: a ``RequiredPaper`` of the version, or the authorisation document."""

    code: str
    name: str
    required: bool
    from_data_store: bool = False
    originals: int = 0
    copies: int = 0
    note: str = ""
    files: list = field(default_factory=list)
    error: str = ""

    @property
    def quantity(self) -> str:
        """What the procedure asks for on paper, as people say it: "1 bản chính, 2 bản sao"."""
        parts = []
        if self.originals:
            parts.append(_("%(n)s bản chính") % {"n": self.originals})
        if self.copies:
            parts.append(_("%(n)s bản sao") % {"n": self.copies})
        return ", ".join(parts)

    @property
    def input_id(self) -> str:
        return f"tep-{self.code}"

    @property
    def input_name(self) -> str:
        return f"tep-{self.code}"

    @property
    def accepts_files(self) -> bool:
        return not self.from_data_store


@dataclass
class Problem:
    message: str
    url: str


class Journey:
    """Where a draft stands: its pages in order, its form, what is missing before it can be submitted."""

    def __init__(self, request, draft: ApplicationDraft, definition: formengine.FormDefinition):
        self.request = request
        self.user = request.user
        self.draft = draft
        self.version = draft.procedure_version
        self.procedure = self.version.procedure
        self.definition = definition
        # The paper slots, the review and the submission all read the version's papers: once.
        prefetch_related_objects([self.version], "papers")
        self._acting_definitions: dict = {}

    # pages

    @cached_property
    def agencies(self) -> list:
        return receiving_agencies(self.version)

    @property
    def chooses_agency(self) -> bool:
        return chooses_agency(self.version, self.agencies)

    def represented_map(self) -> dict:
        return self.definition.represented_map(self.draft.relation)

    def acting_definition(self) -> formengine.FormDefinition | None:
        """The portal's questions about the person represented that the form does not ask itself (the
        child's name of a birth registration is asked once, in the form)."""
        # Asked several times per request (every page list); kept per relation, which a POST may change.
        relation = self.draft.relation
        if relation not in self._acting_definitions:
            self._acting_definitions[relation] = acting_for_definition(relation, skip=self.represented_map())
        return self._acting_definitions[relation]

    def page_ids(self) -> list[str]:
        page_ids = ["who"]
        if self.draft.relation in RELATIONS and self.acting_definition() is not None:
            page_ids.append("acting-for")
        if self.chooses_agency:
            page_ids.append("agency")
        page_ids += [f"step:{s.id}" for s in self.definition.visible_steps(self.draft.data)]
        if self.paper_slots():
            page_ids.append("papers")
        # The declaration is a page of its own: the counter of check-your-answers must not say
        # "6/6" when one more page follows.
        page_ids += ["review", "submit"]
        return page_ids

    def url(self, page: str) -> str:
        draft_id = self.draft.public_id
        if page.startswith("step:"):
            return reverse("portal:apply-step", kwargs={"draft_id": draft_id, "step_id": page[5:]})
        names = {
            "who": "portal:apply-who",
            "acting-for": "portal:apply-acting-for",
            "agency": "portal:apply-agency",
            "papers": "portal:apply-papers",
            "review": "portal:apply-review",
            "submit": "portal:apply-submit",
            "done": "portal:apply-done",
        }
        return reverse(names[page], kwargs={"draft_id": draft_id})

    def next_url(self, page: str) -> str:
        page_ids = self.page_ids()
        if page in page_ids and page_ids.index(page) + 1 < len(page_ids):
            return self.url(page_ids[page_ids.index(page) + 1])
        return self.url("review")

    def previous_url(self, page: str) -> str:
        page_ids = self.page_ids()
        if page in page_ids and page_ids.index(page) > 0:
            return self.url(page_ids[page_ids.index(page) - 1])
        return reverse("portal:apply", kwargs={"procedure_code": self.procedure.code})

    def resume_url(self) -> str:
        page = self.draft.current_step
        return self.url(page) if page in self.page_ids() else self.url(self.page_ids()[0])

    def progress(self, page: str) -> dict:
        """The step counter of ``page`` ("Bước 2/6"): the one place that counts the journey's pages,
        from "who" to the declaration. ``{"progress_index": 0, ...}`` hides the counter."""
        page_ids = self.page_ids()
        index = page_ids.index(page) + 1 if page in page_ids else 0
        return {"progress_index": index, "progress_total": len(page_ids) if index else 0}

    def save(self, *, current_page: str, **fields) -> None:
        """Save the draft with the given field values, where the applicant is now, and a new expiry."""
        for name, value in fields.items():
            setattr(self.draft, name, value)
        self.draft.current_step = current_page
        self.draft.touch()
        self.draft.save()

    def save_and_continue(self, page: str, action: str, **fields) -> str:
        """Save the page's answers (``fields``) and return where to go: the next page, back to check
        your answers (when the applicant came from there), or the list of drafts ("Lưu nháp")."""
        for name, value in fields.items():
            setattr(self.draft, name, value)
        self.draft.touch()
        url = self.after_save_url(page, action)
        self.draft.current_step = page if action == "save-draft" else (_page_of(self, url) or page)
        self.draft.save()
        return url

    def after_save_url(self, page: str, action: str) -> str:
        if action == "save-draft":
            messages.success(
                self.request,
                _(
                    "Đã lưu bản nháp. Bạn có thể tiếp tục trên bất kỳ thiết bị nào sau khi "
                    "đăng nhập, trước ngày %(day)s."
                )
                % {"day": timezone.localtime(self.draft.expires_at).strftime("%d/%m/%Y")},
            )
            return reverse("portal:drafts")
        if self.request.GET.get(RETURN_PARAM) == "kiem-tra":
            # A new answer to "who" may open a page that must be answered before the review makes sense.
            if page == "who" and "acting-for" in self.page_ids() and not self.acting_for_complete():
                return self.url("acting-for") + f"?{RETURN_PARAM}=kiem-tra"
            return self.url("review")
        return self.next_url(page)

    def acting_for_complete(self) -> bool:
        acting = self.acting_definition()
        return acting is None or acting.validate(_acting_answers(self.draft)).ok

    # prefill

    @cached_property
    def prefilled(self) -> dict:
        return prefill.for_form(self.definition, self.user)

    def locked(self) -> dict:
        """Read-only fields take their value from the source every time, never from the browser."""
        return {
            path: found.value
            for path, found in self.prefilled.items()
            if self.definition.nodes[path].readonly
        }

    def prefill_marks(self, data) -> dict:
        return {
            path: found.source_label
            for path, found in self.prefilled.items()
            if get_path(data, path) == found.value
        }

    # papers

    def paper_slots(self) -> list[PaperSlot]:
        files_by_code: dict[str, list] = {}
        for draft_file in self.draft.files.all():
            files_by_code.setdefault(draft_file.required_paper_code, []).append(draft_file)
        slots = [
            PaperSlot(
                code=p.code,
                name=p.name,
                required=p.is_required,
                from_data_store=p.from_data_store,
                originals=p.originals,
                copies=p.copies,
                note=p.note,
                files=files_by_code.get(p.code, []),
            )
            for p in self.version.papers.all()
        ]
        if self.draft.relation == "authorised":
            own = next((s for s in slots if s.code == DraftFile.AUTHORISATION_CODE), None)
            if own is not None:
                own.required, own.from_data_store = True, False
            else:
                slots.append(
                    PaperSlot(
                        code=DraftFile.AUTHORISATION_CODE,
                        name=_("Văn bản ủy quyền"),
                        required=True,
                        note=_("Văn bản ủy quyền có chứng thực hoặc công chứng theo quy định."),
                        files=files_by_code.get(DraftFile.AUTHORISATION_CODE, []),
                    )
                )
        return slots

    @staticmethod
    def missing_papers(slots) -> list[PaperSlot]:
        return [s for s in slots if s.required and s.accepts_files and not s.files]

    # completeness

    def clean_data(self) -> dict:
        data = self.definition.clean_data(self.draft.data)
        for path, value in self.locked().items():
            formengine.set_path(data, path, value)
        return data

    def problems(self) -> list[Problem]:
        """Everything that stops submission, each with the page that fixes it (empty: ready)."""
        problems = []
        who = self.draft.relation
        if who not in RELATIONS:
            problems.append(
                Problem(_("Vui lòng chọn bạn nộp hồ sơ này cho ai."), self.url("who") + "#f-relation")
            )
        else:
            acting = self.acting_definition()
            if acting is not None:
                for path, message in acting.validate(_acting_answers(self.draft)).fields.items():
                    problems.append(
                        Problem(message, self.url("acting-for") + f"#{acting.nodes[path].html_id}")
                    )
        if self.chooses_agency and self.draft.receiving_agency not in self.agencies:
            problems.append(
                Problem(_("Vui lòng chọn cơ quan tiếp nhận hồ sơ."), self.url("agency") + "#f-agency")
            )
        result = self.definition.validate(self.clean_data())
        for message in result.form:
            problems.append(Problem(message, ""))
        for path, message in result.fields.items():
            step_id = self.definition.step_of.get(path, "")
            node = self.definition.nodes[path]
            problems.append(Problem(message, self.url(f"step:{step_id}") + f"#{node.html_id}"))
        for slot in self.missing_papers(self.paper_slots()):
            problems.append(
                Problem(
                    _("Vui lòng đính kèm %(paper)s.") % {"paper": slot.name},
                    self.url("papers") + f"#{slot.input_id}",
                )
            )
        return problems

    def receiving_agency(self):
        if self.chooses_agency:
            return self.draft.receiving_agency if self.draft.receiving_agency in self.agencies else None
        return self.agencies[0] if self.agencies else None

    def applicant_details(self, data) -> dict:
        """The dossier's applicant: the signed-in person (or, for a business account applying for itself,
        its business), with contact details from the form where the form asks for them."""
        user = self.user
        mapping = self.definition.applicant_map

        def from_form(key, default):
            path = mapping.get(key)
            value = get_path(data, path) if path else MISSING
            return str(value) if value not in (MISSING, None, "") else (default or "")

        business_self = user.kind == UserKind.BUSINESS and self.draft.relation == "self"
        return {
            "name": (
                user.organisation_name if business_self and user.organisation_name else user.get_full_name()
            ),
            "national_id": user.tax_code if business_self else (user.national_id or ""),
            "phone": from_form("phone", user.phone),
            "email": from_form("email", user.email),
            "address": from_form("address", ""),
        }

    def acting_for_payload(self) -> dict | None:
        """What the dossier records about the person or organisation represented (None for oneself)."""
        relation = self.draft.relation
        if relation in ("", "self"):
            return None
        payload = {
            "relation": relation,
            "relation_label": relation_labels(self.user)[relation],
            **_acting_answers(self.draft),
        }
        # What the form asks itself about the person represented wins over an older answer of the
        # acting-for page (the page no longer asks it).
        data = self.clean_data()
        for key, path in self.represented_map().items():
            value = get_path(data, path) if path else MISSING
            if value in (MISSING, None, ""):
                payload.pop(key, None)
            else:
                payload[key] = value
        if relation == "authorised":
            slot = next(s for s in self.paper_slots() if s.code == DraftFile.AUTHORISATION_CODE)
            payload["authorisation_paper"] = {
                "code": slot.code,
                "name": slot.name,
                "files": [f.original_name for f in slot.files],
            }
        return payload


def _acting_answers(draft) -> dict:
    return {k: v for k, v in (draft.acting_for or {}).items() if k != "relation"}


# --- Guards ---------------------------------------------------------------------------------------


def _applicant_only(request):
    """A citizen or business account; officials and system accounts do not apply from here."""
    user = request.user
    if user.kind not in (UserKind.CITIZEN, UserKind.BUSINESS):
        return render(request, "portal/apply/not_applicant.html", status=403)
    return None


def draft_page(*, allow_submitted=False, allow_expired=False, check_version=True):
    """Load the signed-in user's draft from the URL (someone else's → 404) and refuse what cannot go on:
    an expired draft (410), a version no longer in force (409), a form that cannot be built (503).
    A submitted draft redirects to its done page unless ``allow_submitted``. The view gets a ``Journey``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, draft_id, *args, **kwargs):
            refused = _applicant_only(request)
            if refused is not None:
                return refused
            draft = (
                ApplicationDraft.objects.of_user(request.user)
                .select_related("procedure_version__procedure", "receiving_agency", "submitted_dossier")
                .filter(public_id=draft_id)
                .first()
            )
            if draft is None:
                raise Http404(_("Không tìm thấy bản nháp hồ sơ."))
            if draft.is_submitted and not allow_submitted:
                return redirect("portal:apply-done", draft_id=draft.public_id)
            if draft.is_expired and not draft.is_submitted and not allow_expired:
                return render(
                    request,
                    "portal/apply/expired.html",
                    {"draft": draft, "procedure": draft.procedure_version.procedure},
                    status=410,
                )
            if check_version and not draft.is_submitted and not _in_force(draft.procedure_version):
                return _version_changed(request, draft)
            try:
                definition = formengine.build(
                    draft.procedure_version.form_schema, draft.procedure_version.form_ui
                )
            except formengine.FormDefinitionError as exc:
                return _form_unavailable(request, draft.procedure_version, exc)
            return view(request, Journey(request, draft, definition), *args, **kwargs)

        return wrapper

    return decorator


def _in_force(version) -> bool:
    return ProcedureVersion.objects.in_force().filter(pk=version.pk, online_mode__in=ONLINE_MODES).exists()


def _current_version(procedure):
    try:
        return catalog_services.version_in_force(procedure.code)
    except catalog_services.ProcedureNotAvailable:
        return None


def _version_changed(request, draft):
    procedure = draft.procedure_version.procedure
    current = _current_version(procedure)
    can_restart = (
        current is not None
        and current.online_mode in ONLINE_MODES
        and current.pk != draft.procedure_version_id
    )
    return render(
        request,
        "portal/apply/version_changed.html",
        {
            "draft": draft,
            "procedure": procedure,
            "old_version": draft.procedure_version,
            "current": current,
            "can_restart": can_restart,
            "procedure_url": procedure_url(procedure),
        },
        status=409,
    )


def _form_unavailable(request, version, exc):
    logger.error("Online form of %s cannot be built: %s", version, exc)
    return _offline(request, version, reason="form_broken", status=503)


def _offline(request, version, *, reason: str, status: int = 200):
    return render(
        request,
        "portal/apply/offline.html",
        {
            "version": version,
            "procedure": version.procedure,
            "reason": reason,
            "agencies": list(version.implementing_agencies.valid_on().order_by("name")),
            "procedure_url": procedure_url(version.procedure),
            "online_mode_label": OnlineMode.current_term(version.online_mode),
        },
        status=status,
    )


# --- Rendering an engine page -----------------------------------------------------------------------


def _form_page(
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
        "return_to_review": request.GET.get(RETURN_PARAM) == "kiem-tra",
        **(extra or {}),
    }
    return render(request, template, context)


def _single_step(definition) -> formengine.Step:
    return formengine.Step("page", "", "", list(definition.roots.values()))


# --- Start --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request, procedure_code):
    """The start page of a procedure's online application: what it takes, then "who are you applying
    for?". Information-only procedures get a page saying where to go instead (no sign-in needed)."""
    try:
        version = catalog_services.version_in_force(procedure_code)
    except catalog_services.ProcedureNotAvailable as exc:
        return render(request, "portal/apply/not_found.html", {"message": str(exc)}, status=404)
    if version.online_mode not in ONLINE_MODES:
        return _offline(request, version, reason="information_only")
    agencies = receiving_agencies(version)
    if not agencies:
        return _offline(request, version, reason="no_agency")
    try:
        definition = formengine.build(version.form_schema, version.form_ui)
    except formengine.FormDefinitionError as exc:
        return _form_unavailable(request, version, exc)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refused = _applicant_only(request)
    if refused is not None:
        return refused
    who = who_definition(request.user)
    step = _single_step(who)

    def create_draft(answers, action):
        draft = ApplicationDraft(
            user=request.user,
            procedure_version=version,
            acting_for={"relation": answers["relation"]},
            data=definition.drop_hidden(_initial_data(definition, request.user)),
        )
        journey = Journey(request, draft, definition)
        journey.save(current_page="who")
        return journey.save_and_continue("who", action)

    existing = list(
        ApplicationDraft.objects.of_user(request.user)
        .in_progress()
        .filter(procedure_version__procedure=version.procedure, expires_at__gt=timezone.now())
        .select_related("procedure_version")
    )
    return _form_page(
        request,
        None,
        page="who",
        definition=who,
        step=step,
        data={},
        on_valid=create_draft,
        title=version.procedure.name,
        template="portal/apply/start.html",
        draft_button=False,
        extra={
            "procedure": version.procedure,
            "version": version,
            "existing_drafts": existing,
            "papers": list(version.papers.all()),
            "fees": catalog_services.fees_for(version),
            "time_limit": catalog_services.describe_time_limit(version),
            "online_mode_label": OnlineMode.current_term(version.online_mode),
            "procedure_url": procedure_url(version.procedure),
        },
    )


def _initial_data(definition, user) -> dict:
    """Answers filled in from the prefill sources when a draft is created."""
    data: dict = {}
    for path, found in prefill.for_form(definition, user).items():
        formengine.set_path(data, path, found.value)
    return data


def _page_of(journey, url: str) -> str:
    """The id of the journey's page at ``url`` (query string ignored), or ""."""
    path = url.split("?", 1)[0]
    for page in journey.page_ids():
        if journey.url(page) == path:
            return page
    return ""


@login_required
def drafts(request):
    """The list "Hồ sơ đang soạn": the account's unsubmitted drafts, to resume on any device."""
    refused = _applicant_only(request)
    if refused is not None:
        return refused
    items = list(
        ApplicationDraft.objects.of_user(request.user)
        .in_progress()
        .select_related("procedure_version__procedure")
    )
    return render(request, "portal/apply/drafts.html", {"drafts": items})


@draft_page()
def resume(request, journey):
    """Continue a draft where the applicant left it."""
    return redirect(journey.resume_url())


@draft_page()
@require_http_methods(["GET", "POST"])
def who(request, journey):
    definition = who_definition(request.user)
    draft = journey.draft

    def save(answers, action):
        relation = answers["relation"]
        acting_for = draft.acting_for if relation == draft.relation else {}
        return journey.save_and_continue("who", action, acting_for={**acting_for, "relation": relation})

    data = {"relation": draft.relation} if draft.relation in RELATIONS else {}
    return _form_page(
        request,
        journey,
        page="who",
        definition=definition,
        step=_single_step(definition),
        data=data,
        on_valid=save,
        title=_("Bạn nộp hồ sơ này cho ai?"),
        template="portal/apply/page.html",
        extra={"hide_heading_label": True},
    )


@draft_page()
@require_http_methods(["GET", "POST"])
def acting_for(request, journey):
    draft = journey.draft
    definition = journey.acting_definition()
    if definition is None:
        return redirect(journey.next_url("who") if draft.relation in RELATIONS else journey.url("who"))

    def save(answers, action):
        return journey.save_and_continue(
            "acting-for", action, acting_for={"relation": draft.relation, **answers}
        )

    titles = {
        "parent_guardian": _("Thông tin của con hoặc người được giám hộ"),
        "business_representative": _("Thông tin của doanh nghiệp, tổ chức"),
        "authorised": _("Thông tin của người ủy quyền cho bạn"),
    }
    return _form_page(
        request,
        journey,
        page="acting-for",
        definition=definition,
        step=_single_step(definition),
        data=_acting_answers(draft),
        on_valid=save,
        title=titles[draft.relation],
        template="portal/apply/page.html",
    )


@draft_page()
@require_http_methods(["GET", "POST"])
def agency(request, journey):
    if not journey.chooses_agency:
        return redirect(journey.next_url("agency"))
    definition = agency_definition(journey.agencies)
    by_code = {a.code: a for a in journey.agencies}

    def save(answers, action):
        return journey.save_and_continue("agency", action, receiving_agency=by_code[answers["agency"]])

    current = journey.draft.receiving_agency
    data = {"agency": current.code} if current is not None and current.code in by_code else {}
    return _form_page(
        request,
        journey,
        page="agency",
        definition=definition,
        step=_single_step(definition),
        data=data,
        on_valid=save,
        title=_("Nơi nộp hồ sơ"),
        template="portal/apply/page.html",
        extra={"hide_heading_label": True},
    )


@draft_page()
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
        return journey.save_and_continue(page, action, data=data)

    locked = journey.locked()
    data = journey.draft.data
    return _form_page(
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
        extra={"description": form_step.description},
    )


# --- Papers -------------------------------------------------------------------------------------------


def _upload_limits() -> dict:
    from congso.dossiers import conf as dossier_conf

    labels = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
    types = dossier_conf.upload_allowed_types()
    extensions = {"application/pdf": ".pdf", "image/jpeg": ".jpg,.jpeg", "image/png": ".png"}
    accept = ",".join([*types, *(extensions[t] for t in types if t in extensions)])
    return {
        "max_size": size_label(dossier_conf.upload_max_bytes()),
        "accept": accept,
        "type_labels": ", ".join(labels.get(t, t) for t in types),
        "max_files": MAX_FILES_PER_PAPER,
    }


def size_label(size: int) -> str:
    """A size limit as people write it: "10 MB", "2,5 MB", "500 KB"."""
    for unit, factor in (("MB", 1048576), ("KB", 1024)):
        if size >= factor:
            value = round(size / factor, 1)
            text = str(int(value)) if value.is_integer() else str(value).replace(".", ",")
            return f"{text} {unit}"
    return f"{size} byte"


def _store_uploads(journey, uploads: dict[str, list]) -> dict[str, str]:
    """Validate every uploaded file (type by content, size, malware) and store them all, or none.
    Returns ``{paper code: error}``; empty when the files were stored."""
    slots = {s.code: s for s in journey.paper_slots()}
    checked, errors = [], {}
    for code, files in uploads.items():
        slot = slots[code]
        if len(slot.files) + len(files) > MAX_FILES_PER_PAPER:
            errors[code] = _("%(paper)s: mỗi giấy tờ đính kèm tối đa %(n)s tệp.") % {
                "paper": slot.name,
                "n": MAX_FILES_PER_PAPER,
            }
            continue
        for upload in files:
            try:
                checked.append((code, upload, dossier_files.validate_upload(upload)))
            except dossier_files.UploadRejected as exc:
                errors[code] = _("%(paper)s — tệp “%(file)s”: %(reason)s") % {
                    "paper": slot.name,
                    "file": upload.name,
                    "reason": " ".join(exc.messages),
                }
                break
    if errors:
        return errors
    # Removed again if anything below fails; left by a killed process, the orphan-file sweep takes them.
    with stored_files.discard_on_rollback() as stored, transaction.atomic():
        for code, upload, info in checked:
            draft_file = DraftFile(
                draft=journey.draft,
                required_paper_code=code,
                original_name=(info.original_name or upload.name or "tep")[:255],
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
            draft_file.file.save("upload", upload, save=False)
            stored.append(draft_file.file.name)
            draft_file.save()
        journey.save(current_page="papers")
    return {}


@draft_page()
@require_http_methods(["GET", "POST"])
def papers(request, journey):
    """Attach files per paper (several each). "Tải lên" stores the chosen files and stays; "Lưu và tiếp
    tục" stores them too, then requires every required paper."""
    errors: dict[str, str] = {}
    form_errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "continue")
        slots = {s.code: s for s in journey.paper_slots() if s.accepts_files}
        allowed_files = {s.input_name: s.code for s in slots.values()}
        # A browser posts a file input left empty as an empty text field of the same name.
        left_empty = {name for name in allowed_files if not any(request.POST.getlist(name))}
        unknown = sorted(
            (set(request.POST.keys()) - CONTROL_NAMES - left_empty)
            | (set(request.FILES.keys()) - set(allowed_files))
        )
        if unknown:
            form_errors.append(
                _("Biểu mẫu gửi lên có mục không thuộc trang này (%(names)s). Vui lòng tải lại trang.")
                % {"names": ", ".join(n[:40] for n in unknown[:5])}
            )
        else:
            uploads = {allowed_files[name]: request.FILES.getlist(name) for name in request.FILES}
            uploads = {code: files for code, files in uploads.items() if files}
            errors = _store_uploads(journey, uploads) if uploads else {}
            if not errors:
                count = sum(len(files) for files in uploads.values())
                if action == "upload":
                    if count:
                        messages.success(request, _("Đã tải lên %(n)s tệp.") % {"n": count})
                    else:
                        messages.warning(request, _("Bạn chưa chọn tệp nào để tải lên."))
                    return redirect(journey.url("papers"))
                missing = journey.missing_papers(journey.paper_slots())
                if action == "save-draft" or not missing:
                    return redirect(journey.save_and_continue("papers", action))
                errors = {s.code: _("Vui lòng đính kèm %(paper)s.") % {"paper": s.name} for s in missing}
    slots = journey.paper_slots()
    for slot in slots:
        slot.error = errors.get(slot.code, "")
    summary = [{"href": "", "message": m} for m in form_errors]
    summary += [{"href": f"#{s.input_id}", "message": s.error} for s in slots if s.error]
    return render(
        request,
        "portal/apply/papers.html",
        {
            "journey": journey,
            "draft": journey.draft,
            "slots": slots,
            "error_summary": summary,
            "limits": _upload_limits(),
            "back_url": journey.previous_url("papers"),
            **journey.progress("papers"),
            "return_to_review": request.GET.get(RETURN_PARAM) == "kiem-tra",
        },
    )


@draft_page()
def download_file(request, journey, file_id):
    """Stream one attached file to its owner, always as a download, with the type detected at upload."""
    attached = journey.draft.files.filter(pk=file_id).first()
    if attached is None:
        raise Http404(_("Không tìm thấy tệp."))
    response = FileResponse(
        attached.file.open("rb"),
        as_attachment=True,
        filename=dossier_files.download_name(
            attached.original_name, attached.content_type, f"tep-{attached.pk}"
        ),
        content_type=attached.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@draft_page()
@require_POST
def delete_file(request, journey, file_id):
    attached = journey.draft.files.filter(pk=file_id).first()
    if attached is None:
        raise Http404(_("Không tìm thấy tệp."))
    name, original = attached.file.name, attached.original_name
    with transaction.atomic():
        attached.delete()
        journey.save(current_page="papers")
        transaction.on_commit(lambda: delete_stored([name]))
    messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": original})
    return redirect(journey.url("papers"))


# --- Check your answers, declaration, submission ----------------------------------------------------


def _review_context(journey, problems=None, extra_errors=()):
    definition = journey.definition
    data = journey.clean_data()
    problems = journey.problems() if problems is None else problems
    summary = [{"href": "", "message": m} for m in extra_errors]
    summary += [{"href": p.url, "message": p.message} for p in problems]
    change = f"?{RETURN_PARAM}=kiem-tra"
    steps = []
    for answers in definition.answers(data):
        url = journey.url(f"step:{answers.step.id}")
        steps.append({"answers": answers, "change_url": url + change})
    relation = journey.draft.relation
    acting = journey.acting_definition() if relation in RELATIONS else None
    acting_rows = []
    if acting is not None:
        for step_answers in acting.answers(_acting_answers(journey.draft)):
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
    return render(request, "portal/apply/review.html", _review_context(journey))


@draft_page(allow_submitted=True)
@require_http_methods(["GET", "POST"])
def submit(request, journey):
    """GET: the declaration. POST: submit the dossier (idempotent: a second POST of a submitted draft
    goes to the same done page)."""
    draft = journey.draft
    if draft.is_submitted:
        return redirect("portal:apply-done", draft_id=draft.public_id)
    problems = journey.problems()
    if problems:
        return redirect(journey.url("review"))
    error = ""
    if request.method == "POST":
        unknown = sorted(set(request.POST.keys()) - CONTROL_NAMES - {"cam_doan"})
        if unknown or request.POST.getlist("cam_doan") != ["true"]:
            error = _("Vui lòng đánh dấu vào ô cam đoan trước khi nộp hồ sơ.")
        else:
            return _submit(request, journey)
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


def _submit(request, journey):
    data = journey.clean_data()
    try:
        with transaction.atomic():
            draft = journey.draft
            # Lock the draft's row and read whether a concurrent request submitted it meanwhile; the
            # draft already loaded (with its version, agency and papers) serves the rest.
            draft.submitted_dossier_id = (
                ApplicationDraft.objects.select_for_update()
                .filter(pk=draft.pk)
                .values_list("submitted_dossier_id", flat=True)
                .get()
            )
            if draft.submitted_dossier_id is None:
                dossier = _create_dossier(journey, data)
                names = list(draft.files.values_list("file", flat=True))
                draft.files.all().delete()
                draft.submitted_dossier = dossier
                draft.current_step = "done"
                draft.data = data
                draft.save(update_fields=["submitted_dossier", "current_step", "data", "updated_at"])
                # The dossier now holds its own copies; the draft's files go once this commits.
                transaction.on_commit(lambda: delete_stored(names))
    except dossier_services.VersionNotInForce:
        return _version_changed(request, journey.draft)
    except ValidationError as exc:
        return render(
            request, "portal/apply/review.html", _review_context(journey, extra_errors=exc.messages)
        )
    return redirect("portal:apply-done", draft_id=journey.draft.public_id)


def _create_dossier(journey, data):
    draft = journey.draft
    slots = [s for s in journey.paper_slots() if s.accepts_files]
    own_codes = {p.code for p in journey.version.papers.all()}
    with ExitStack() as stack:
        uploads = []
        for slot in slots:
            for attached in slot.files:
                handle = attached.file.storage.open(attached.file.name, "rb")
                stack.callback(handle.close)
                uploads.append(
                    dossier_files.PaperUpload(
                        required_paper_code=slot.code if slot.code in own_codes else "",
                        name=slot.name,
                        fileobj=File(handle, name=attached.original_name),
                    )
                )
        return dossier_services.submit_online(
            version=journey.version,
            applicant=journey.user,
            receiving_agency=journey.receiving_agency(),
            form_data=data,
            applicant_details=journey.applicant_details(data),
            acting_for=journey.acting_for_payload(),
            submitted_by=journey.user,
            idempotency_key=str(draft.idempotency_key),
            papers=uploads,
        )


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
            "my_dossiers_url": _optional_url("portal:my-dossiers"),
            "lookup_url": _optional_url("portal:dossier-lookup"),
            # The confirmation of submission, downloadable at once (form 01 comes on acceptance).
            "submission_pdf_url": _submission_pdf_url(dossier),
        },
    )


def _submission_pdf_url(dossier) -> str:
    try:
        return reverse("portal:my-dossier-submission", kwargs={"public_id": dossier.public_id})
    except NoReverseMatch:
        return ""


# --- Starting again, deleting ---------------------------------------------------------------------------


@login_required
@require_POST
def restart(request, draft_id):
    """Start again with the version in force: the answers that still fit, who is applying, the agency
    if it still receives, and the files of papers the new version still asks for are carried over."""
    refused = _applicant_only(request)
    if refused is not None:
        return refused
    old = (
        ApplicationDraft.objects.of_user(request.user)
        .in_progress()
        .select_related("procedure_version__procedure")
        .filter(public_id=draft_id)
        .first()
    )
    if old is None:
        raise Http404(_("Không tìm thấy bản nháp hồ sơ."))
    if old.is_expired:
        return render(
            request,
            "portal/apply/expired.html",
            {"draft": old, "procedure": old.procedure_version.procedure},
            status=410,
        )
    current = _current_version(old.procedure_version.procedure)
    if current is None or current.online_mode not in ONLINE_MODES:
        return _version_changed(request, old)
    if current.pk == old.procedure_version_id:
        return redirect("portal:apply-draft", draft_id=old.public_id)
    try:
        definition = formengine.build(current.form_schema, current.form_ui)
    except formengine.FormDefinitionError as exc:
        return _form_unavailable(request, current, exc)
    agencies = receiving_agencies(current)
    keep_codes = {p.code for p in current.papers.all()} | {DraftFile.AUTHORISATION_CODE}
    with transaction.atomic():
        data = definition.compatible_data(old.data)
        for path, found in prefill.for_form(definition, request.user).items():
            if get_path(data, path) is MISSING:
                formengine.set_path(data, path, found.value)
        new = ApplicationDraft.objects.create(
            user=request.user,
            procedure_version=current,
            data=definition.drop_hidden(data),
            acting_for=dict(old.acting_for or {}),
            receiving_agency=old.receiving_agency if old.receiving_agency in agencies else None,
        )
        old.files.filter(required_paper_code__in=keep_codes).update(draft=new)
        old.delete_with_files()
        journey = Journey(request, new, definition)
        journey.save(current_page="review")
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


# --- Receipt ------------------------------------------------------------------------------------------


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
            "my_dossiers_url": _optional_url("portal:my-dossiers"),
            "lookup_url": _optional_url("portal:dossier-lookup"),
        },
    )
