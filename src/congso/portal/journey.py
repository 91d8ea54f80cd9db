"""The journey of one draft (bản nháp hồ sơ), as a state machine: which pages it has and in what order,
which comes next, where the applicant resumes, what is still missing before it can be submitted, and
what the dossier will record about the applicant and the person represented.

The pages are named by an id: ``who`` → ``acting-for`` (when applying for someone else and the form does
not ask it) → ``agency`` (when the applicant chooses the commune) → ``step:<id>`` for each visible step
of the form → ``papers`` → ``review`` → ``submit``. A ``Journey`` reads and saves its draft; it knows
nothing of requests: the views tell it whether the applicant came from "check your answers"
(``from_review``).
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext as _

from congso import formengine
from congso.catalog import services as catalog_services
from congso.catalog.models import ProcedureLevel
from congso.formengine import MISSING, get_path, prefill
from congso.identity import services as identity_services
from congso.identity.models import UserKind

from .models import ApplicationDraft, DraftFile, read_draft_files
from .questions import RELATIONS, acting_for_definition, relation_labels

# The query parameter (and its value) of a page opened from "check your answers": saving it goes back there.
RETURN_PARAM = "quay-ve"
RETURN_TO_REVIEW = "kiem-tra"


# --- Procedures and agencies -----------------------------------------------------------------------


def receiving_agencies(version) -> list:
    """Implementing agencies of ``version`` valid today, in the order the procedure page lists them."""
    return catalog_services.implementing_agencies(version)


def chooses_agency(version, agencies) -> bool:
    """Commune-level procedures are received by the commune the applicant chooses."""
    return version.procedure.level == ProcedureLevel.COMMUNE and len(agencies) > 1


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
        return f"file-{self.code}"

    @property
    def accepts_files(self) -> bool:
        return not self.from_data_store


@dataclass
class Problem:
    message: str
    url: str


class Journey:
    """Where a draft stands: its pages in order, its form, what is missing before it can be submitted."""

    def __init__(
        self, user, draft: ApplicationDraft, definition: formengine.FormDefinition, *, from_review=False
    ):
        self.user = user
        self.draft = draft
        # The page was opened from "check your answers" (``?quay-ve=kiem-tra``): saving it goes back there.
        self.from_review = from_review
        self.version = draft.procedure_version
        self.procedure = self.version.procedure
        self.definition = definition
        self._acting_definitions: dict = {}
        self._draft_files: list | None = None

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
        self.draft.current_step = page if action == "save-draft" else (self.page_at(url) or page)
        self.draft.save()
        return url

    def after_save_url(self, page: str, action: str) -> str:
        if action == "save-draft":
            return reverse("portal:drafts")
        if self.from_review:
            # A new answer to "who" may open a page that must be answered before the review makes sense.
            if page == "who" and "acting-for" in self.page_ids() and not self.acting_for_complete():
                return self.url("acting-for") + f"?{RETURN_PARAM}={RETURN_TO_REVIEW}"
            return self.url("review")
        return self.next_url(page)

    def page_at(self, url: str) -> str:
        """The id of the journey's page at ``url`` (query string ignored), or ""."""
        path = url.split("?", 1)[0]
        for page in self.page_ids():
            if self.url(page) == path:
                return page
        return ""

    def acting_for_complete(self) -> bool:
        acting = self.acting_definition()
        return acting is None or acting.validate(acting_answers(self.draft)).ok

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

    def draft_files(self) -> list:
        """The files attached to the draft, read once per journey (a request): the completeness check,
        the review and the submission all ask. ``files_changed()`` after attaching or removing one."""
        if self._draft_files is None:
            self._draft_files = read_draft_files(self.draft)
        return self._draft_files

    def files_changed(self) -> None:
        self._draft_files = None

    def paper_slots(self) -> list[PaperSlot]:
        files_by_code: dict[str, list] = {}
        for draft_file in self.draft_files():
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
            for p in catalog_services.required_papers(self.version)
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
                for path, message in acting.validate(acting_answers(self.draft)).fields.items():
                    problems.append(
                        Problem(message, self.url("acting-for") + f"#{acting.nodes[path].html_id}")
                    )
        mandate = self.mandate_problem()
        if mandate is not None:
            problems.append(mandate)
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

    # Relations whose represented party the mandates rule checks (identity.services.may_act_for): a
    # business by its tax code, a minor child by their national ID (a child without one yet, e.g. at
    # birth registration, is checked by the officer). "authorised" rests on the attached paper.
    CHECKED_RELATIONS = {"business_representative": "tax_code", "parent_guardian": "national_id"}

    def represented_party(self) -> str:
        """The tax code or national ID of whom the applicant acts for, when the mandates rule applies."""
        key = self.CHECKED_RELATIONS.get(self.draft.relation)
        if key is None:
            return ""
        payload = self.acting_for_payload() or {}
        return str(payload.get(key) or "").strip()

    def mandate_problem(self) -> "Problem | None":
        """Why the applicant may not submit this procedure for the party represented (None: they may)."""
        party = self.represented_party()
        if not party or identity_services.may_act_for(self.user, party, self.procedure.code):
            return None
        if self.draft.relation == "business_representative":
            message = _(
                "Bạn chưa được doanh nghiệp, tổ chức có mã số thuế %(party)s ủy quyền nộp thủ tục này "
                "(hoặc ủy quyền đã hết hiệu lực, bị thu hồi). Người đại diện theo pháp luật ủy quyền cho bạn "
                "ở trang “Ủy quyền và đại diện”."
            ) % {"party": party}
        else:
            message = _(
                "Chưa xác nhận được bạn là cha, mẹ của người có số định danh %(party)s. Thêm con của bạn ở "
                "trang “Ủy quyền và đại diện” (đối chiếu với Cơ sở dữ liệu quốc gia về dân cư)."
            ) % {"party": party}
        return Problem(
            message, self.url("acting-for") if self.acting_definition() is not None else self.url("who")
        )

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
            **acting_answers(self.draft),
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


def acting_answers(draft) -> dict:
    return {k: v for k, v in (draft.acting_for or {}).items() if k != "relation"}


def initial_data(definition, user) -> dict:
    """Answers filled in from the prefill sources when a draft is created."""
    data: dict = {}
    for path, found in prefill.for_form(definition, user).items():
        formengine.set_path(data, path, found.value)
    return data
