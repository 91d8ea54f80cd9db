"""The officers' back office of the one-stop shop (mounted at ``/can-bo/ho-so/``, namespace ``dossiers``):
the inbox, counter intake, the dossier page with its actions, paper downloads and the logbook (form 07).

Views are thin: lists come from ``inbox`` (named queries over ``Dossier.objects.visible_to``), every change
goes through ``services``, and who may do what comes from ``permissions.permissions_for`` and the status
machine (``states``). A dossier the officer may not see is a 404 (its existence is not disclosed); an
action they may not take on a dossier they see is a 403; an action the dossier's status does not allow
now is a 409. Bad input re-renders the form with its errors and changes nothing.

The standard forms' PDFs (``standard_forms.render_form``/``render_logbook``) are linked only when that
module is installed, so no link leads nowhere.
"""

import importlib.util
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from congso import formengine
from congso.core import audit, spreadsheets
from congso.workspace.permissions import workspace_required

from . import deadlines, files, forms, inbox, permissions, services, states
from .files import PaperUpload
from .models import (
    Channel,
    Dossier,
    FormCode,
    PaperStage,
    ReturnMethod,
    Status,
    SupplementRequest,
    Timeliness,
)

INBOX_PAGE = inbox.DEFAULT_PAGE
LOGBOOK_PAGE = 50
WORK_ITEMS_SHOWN = 10


# --- Helpers ------------------------------------------------------------------------------------


def optional_url(name: str, *args) -> str:
    """The URL of ``name``, or "" when the project does not route it (yet): links are shown only when
    they lead somewhere."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _standard_forms():
    """The PDF module of the standard forms, when installed (another part of the block)."""
    if importlib.util.find_spec("congso.dossiers.standard_forms") is None:
        return None
    from . import standard_forms

    return standard_forms


def _can_render(function: str) -> bool:
    module = _standard_forms()
    return module is not None and callable(getattr(module, function, None))


def _exports():
    """The XLSX module of the registers (logbook, control sheet), when installed."""
    if importlib.util.find_spec("congso.dossiers.exports") is None:
        return None
    from . import exports

    return exports


def _can_export(function: str) -> bool:
    module = _exports()
    return module is not None and callable(getattr(module, function, None))


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def refuse_page(request, reason, *, status=403, dossier=None):
    """The page of a refused action, in the workspace frame (403 forbidden, 409 not now)."""
    return render(
        request,
        "dossiers/refused.html",
        {"reason": reason, "dossier": dossier, "conflict": status == 409},
        status=status,
    )


def get_visible(user, code: str) -> Dossier:
    """The dossier ``code`` if ``user`` may see it; otherwise 404 — the same answer whether it does not
    exist or is not theirs."""
    try:
        return (
            Dossier.objects.visible_to(user)
            .select_related("procedure_version__procedure", "receiving_agency", "current_agency", "applicant")
            .get(code=str(code or "").strip().upper())
        )
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None


def error_summary(*forms_) -> list[dict]:
    """Every error of ``forms_`` for the error summary, each linking to its field."""
    summary = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            summary.append({"href": "", "message": message})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            for message in errors:
                summary.append(
                    {"href": f"#{bound.id_for_label}" if not bound.is_hidden else "", "message": message}
                )
    return summary


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


# --- Actions on a dossier ------------------------------------------------------------------------

ALLOWED, FORBIDDEN, NOT_NOW = "allowed", "forbidden", "not_now"


def _transition_verdict(name: str, dossier, granted, source_ok=None) -> str:
    """Whether the status machine and the officer's permissions allow ``name`` now."""
    edges = states.transitions_of(name)
    here = [t for t in edges if t.source == dossier.status and (source_ok is None or source_ok(t))]
    if here:
        return ALLOWED if any(t.permission in granted for t in here) else FORBIDDEN
    return NOT_NOW if {t.permission for t in edges} & granted else FORBIDDEN


def _supplement_verdict(dossier, granted) -> str:
    verdict = _transition_verdict("request_supplement", dossier, granted)
    if verdict == ALLOWED and SupplementRequest.objects.filter(dossier=dossier).exists():
        return NOT_NOW
    return verdict


def _refuse_verdict(dossier, granted) -> str:
    def at_reception(transition) -> bool:
        if transition.source != Status.SUPPLEMENT_REQUESTED:
            return True
        request = SupplementRequest.objects.filter(dossier=dossier).only("from_status").first()
        return request is not None and request.from_status == Status.SUBMITTED

    return _transition_verdict("refuse", dossier, granted, at_reception)


def _hand_over_verdict(dossier, granted) -> str:
    """Officers hand a dossier over only when no BPMN process drives it (``routed_by_process``): a
    process moves it when its officers complete their work items."""
    if permissions.HAND_OVER not in granted:
        return FORBIDDEN
    if dossier.routed_by_process:
        return NOT_NOW
    return ALLOWED if dossier.status in services.HAND_OVER_STATUSES else NOT_NOW


def _extend_verdict(dossier, granted) -> str:
    if permissions.EXTEND not in granted:
        return FORBIDDEN
    return ALLOWED if dossier.is_open and dossier.due_at is not None else NOT_NOW


def _files(uploaded) -> list[PaperUpload]:
    return [PaperUpload("", item.name, item) for item in uploaded]


@dataclass(frozen=True)
class Action:
    """An officer action offered on the dossier page, with its own page (form and confirmation)."""

    slug: str
    label: str
    intro: str
    button: str
    form_class: type
    verdict: object
    perform: object
    done: str
    form_code: str = ""
    warning: bool = False

    def check(self, dossier, granted) -> str:
        return self.verdict(dossier, granted)


def _hand_over_units():
    """Every unit in force of the agency tree, in tree order with its depth."""
    from congso.agencies import services as agency_services

    return agency_services.agency_tree()


def _chosen_unit(request, dossier, units):
    """The unit of a hand-over: the one chosen (step one, or carried by step two), else the agency
    processing the dossier now — handing over inside one's own agency is the usual case."""
    by_id = {str(agency.pk): agency for agency, _depth in units}
    chosen = request.POST.get("don_vi") if request.method == "POST" else request.GET.get("don_vi")
    return by_id.get(chosen or "") or by_id.get(str(dossier.current_agency_id))


ACTIONS: dict[str, Action] = {
    action.slug: action
    for action in (
        Action(
            "tiep-nhan",
            gettext_lazy("Tiếp nhận hồ sơ"),
            gettext_lazy(
                "Hồ sơ đã đủ và hợp lệ: tiếp nhận để giải quyết. Ngày hẹn trả kết quả đã tính khi nộp "
                "trực tuyến được giữ nguyên; giấy tiếp nhận và hẹn trả kết quả (mẫu 01) được lập."
            ),
            gettext_lazy("Xác nhận tiếp nhận"),
            forms.AcceptForm,
            lambda d, g: _transition_verdict("accept", d, g),
            lambda d, user, f: services.accept(d, user, f.cleaned_data["ghi_chu"]),
            gettext_lazy("Đã tiếp nhận hồ sơ {code}."),
            FormCode.RECEIPT,
        ),
        Action(
            "yeu-cau-bo-sung",
            gettext_lazy("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
            gettext_lazy(
                "Chỉ yêu cầu bổ sung một lần, bằng văn bản (mẫu 02), nêu đầy đủ các giấy tờ, nội dung cần "
                "bổ sung. Thời hạn giải quyết được tính theo quy định của thủ tục khi chờ bổ sung."
            ),
            gettext_lazy("Gửi yêu cầu bổ sung"),
            forms.SupplementRequestForm,
            _supplement_verdict,
            lambda d, user, f: services.request_supplement(
                d, user, f.cleaned_data["noi_dung"], f.cleaned_data["ly_do"]
            ),
            gettext_lazy("Đã yêu cầu bổ sung hồ sơ {code}."),
            FormCode.SUPPLEMENT_REQUEST,
        ),
        Action(
            "tu-choi",
            gettext_lazy("Từ chối tiếp nhận hồ sơ"),
            gettext_lazy(
                "Hồ sơ không đủ điều kiện tiếp nhận. Nêu rõ từng lý do: chúng được ghi trên phiếu từ chối "
                "tiếp nhận giải quyết hồ sơ (mẫu 03) gửi người nộp. Không thể hoàn tác."
            ),
            gettext_lazy("Từ chối tiếp nhận"),
            forms.RefuseForm,
            _refuse_verdict,
            lambda d, user, f: services.refuse(d, user, f.cleaned_data["ly_do"]),
            gettext_lazy("Đã từ chối tiếp nhận hồ sơ {code}."),
            FormCode.REFUSAL,
            warning=True,
        ),
        Action(
            "nhan-bo-sung",
            gettext_lazy("Ghi nhận hồ sơ bổ sung tại quầy"),
            gettext_lazy(
                "Người nộp mang giấy tờ bổ sung đến bộ phận một cửa: tải lên bản chụp, bản quét và ghi nội "
                "dung đã nhận. Hồ sơ trở lại bước trước khi yêu cầu bổ sung."
            ),
            gettext_lazy("Ghi nhận bổ sung"),
            forms.ProvideSupplementForm,
            lambda d, g: _transition_verdict("provide_supplement", d, g),
            lambda d, user, f: services.provide_supplement(
                d, user, _files(f.cleaned_data["tep"]), f.cleaned_data["ghi_chu"]
            ),
            gettext_lazy("Đã ghi nhận hồ sơ bổ sung của hồ sơ {code}."),
        ),
        Action(
            "chuyen-xu-ly",
            gettext_lazy("Bắt đầu xử lý"),
            gettext_lazy("Bắt đầu giải quyết hồ sơ đã tiếp nhận tại cơ quan đang giữ hồ sơ."),
            gettext_lazy("Bắt đầu xử lý"),
            forms.ConfirmForm,
            lambda d, g: _transition_verdict("start_processing", d, g),
            lambda d, user, f: services.start_processing(d, user),
            gettext_lazy("Hồ sơ {code} đã chuyển sang đang xử lý."),
        ),
        Action(
            "ban-giao",
            gettext_lazy("Bàn giao hồ sơ"),
            gettext_lazy(
                "Chuyển hồ sơ cho một đơn vị trong cây tổ chức — một cán bộ của đơn vị hoặc hàng chờ của "
                "đơn vị. Mỗi lần bàn giao là một dòng của phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu "
                "06); bước trước được đánh giá trước hạn, đúng hạn hoặc quá hạn."
            ),
            gettext_lazy("Bàn giao"),
            forms.HandOverForm,
            _hand_over_verdict,
            lambda d, user, f: services.hand_over(
                d,
                to_agency=f.cleaned_data["don_vi"],
                step_name=f.cleaned_data["ten_buoc"],
                given_by=user,
                received_by=f.cleaned_data["nguoi_nhan"],
                allotted_working_hours=f.cleaned_data["so_gio"],
                note=f.cleaned_data["ghi_chu"],
            ),
            gettext_lazy("Đã bàn giao hồ sơ {code}."),
            FormCode.CONTROL_SHEET,
        ),
        Action(
            "yeu-cau-nop-phi",
            gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính"),
            gettext_lazy("Đề nghị người nộp nộp phí, lệ phí hoặc thuế trước khi có kết quả."),
            gettext_lazy("Gửi yêu cầu"),
            forms.RequestPaymentForm,
            lambda d, g: _transition_verdict("request_payment", d, g),
            lambda d, user, f: services.request_payment(
                d, user, amount=f.cleaned_data["so_tien"], note=f.cleaned_data["ghi_chu"]
            ),
            gettext_lazy("Đã yêu cầu thực hiện nghĩa vụ tài chính cho hồ sơ {code}."),
        ),
        Action(
            "da-nop-phi",
            gettext_lazy("Ghi nhận đã thực hiện nghĩa vụ tài chính"),
            gettext_lazy("Người nộp đã nộp phí, lệ phí hoặc thuế: ghi số biên lai để tiếp tục giải quyết."),
            gettext_lazy("Ghi nhận"),
            forms.RecordPaymentForm,
            lambda d, g: _transition_verdict("record_payment", d, g),
            lambda d, user, f: services.record_payment(
                d, user, reference=f.cleaned_data["so_bien_lai"], amount=f.cleaned_data["so_tien"]
            ),
            gettext_lazy("Đã ghi nhận nghĩa vụ tài chính của hồ sơ {code}."),
        ),
        Action(
            "co-ket-qua",
            gettext_lazy("Có kết quả giải quyết"),
            gettext_lazy(
                "Hồ sơ đã giải quyết xong: đính kèm bản điện tử của kết quả đã ký hoặc ghi nội dung kết quả. "
                "Hồ sơ được đánh giá trước hạn, đúng hạn hoặc quá hạn so với thời hạn theo quy định."
            ),
            gettext_lazy("Xác nhận có kết quả"),
            forms.ResultReadyForm,
            lambda d, g: _transition_verdict("mark_result_ready", d, g),
            lambda d, user, f: services.mark_result_ready(
                d,
                user,
                result_files=_files(f.cleaned_data["tep_ket_qua"]),
                result_note=f.cleaned_data["noi_dung"],
            ),
            gettext_lazy("Hồ sơ {code} đã có kết quả giải quyết."),
        ),
        Action(
            "tra-ket-qua",
            gettext_lazy("Trả kết quả"),
            gettext_lazy(
                "Trả kết quả giải quyết cho người nộp: tại bộ phận một cửa, trực tuyến hoặc qua bưu chính."
            ),
            gettext_lazy("Xác nhận đã trả kết quả"),
            forms.ReturnResultForm,
            lambda d, g: _transition_verdict("return_result", d, g),
            lambda d, user, f: services.return_result(
                d, user, f.cleaned_data["hinh_thuc"], f.cleaned_data["ghi_chu"]
            ),
            gettext_lazy("Đã trả kết quả hồ sơ {code}."),
        ),
        Action(
            "gia-han",
            gettext_lazy("Xin lỗi và gia hạn thời gian giải quyết"),
            gettext_lazy(
                "Hồ sơ không kịp giải quyết đúng hẹn: ban hành văn bản xin lỗi và đề nghị gia hạn (mẫu 04) "
                "trước khi đến hạn, nêu lý do và ngày hẹn trả mới. Hồ sơ trả sau thời hạn theo quy định vẫn "
                "được tính là quá hạn."
            ),
            gettext_lazy("Ban hành và gia hạn"),
            forms.ExtendForm,
            _extend_verdict,
            lambda d, user, f: services.extend(
                d, user, f.cleaned_data["ngay_hen_moi"], f.cleaned_data["ly_do"]
            ),
            gettext_lazy("Đã gia hạn hồ sơ {code}."),
            FormCode.APOLOGY_EXTENSION,
        ),
        Action(
            "dung-xu-ly",
            gettext_lazy("Dừng giải quyết hồ sơ"),
            gettext_lazy(
                "Dừng giải quyết hồ sơ theo quy định; thông báo dừng giải quyết (mẫu 05) nêu lý do được gửi "
                "người nộp. Không thể hoàn tác."
            ),
            gettext_lazy("Dừng giải quyết"),
            forms.StopForm,
            lambda d, g: _transition_verdict("stop", d, g),
            lambda d, user, f: services.stop(d, user, f.cleaned_data["ly_do"]),
            gettext_lazy("Đã dừng giải quyết hồ sơ {code}."),
            FormCode.STOP_NOTICE,
            warning=True,
        ),
        Action(
            "rut-ho-so",
            gettext_lazy("Rút hồ sơ theo đề nghị của người nộp"),
            gettext_lazy("Ghi nhận văn bản đề nghị rút hồ sơ của người nộp. Không thể hoàn tác."),
            gettext_lazy("Rút hồ sơ"),
            forms.WithdrawForm,
            lambda d, g: _transition_verdict("withdraw", d, g),
            lambda d, user, f: services.withdraw(d, user, f.cleaned_data["ly_do"]),
            gettext_lazy("Đã rút hồ sơ {code} theo đề nghị của người nộp."),
            warning=True,
        ),
    )
}


def available_actions(user, dossier, granted=None) -> list[Action]:
    """The actions ``user`` may take on ``dossier`` now, in the order of ``ACTIONS``."""
    granted = permissions.permissions_for(user, dossier) if granted is None else granted
    return [action for action in ACTIONS.values() if action.check(dossier, granted) == ALLOWED]


def _hand_over_setup(request, dossier) -> tuple[dict, dict]:
    """The hand-over's form arguments and page context: the units of the agency tree, the unit chosen,
    its people and the step names to suggest."""
    units = _hand_over_units()
    unit = _chosen_unit(request, dossier, units)
    receivers = services.hand_over_receivers(unit) if unit is not None else []
    kwargs = {"units": units, "receivers": receivers, "steps": inbox.hand_over_step_names(dossier)}
    unit_form = forms.HandOverUnitForm(
        initial={"don_vi": str(unit.pk) if unit else ""}, units=units, auto_id="id_buoc1_%s"
    )
    return kwargs, {"unit": unit, "unit_form": unit_form, "initial": {"don_vi": str(unit.pk) if unit else ""}}


def _form_kwargs(action: Action, request, dossier) -> tuple[dict, dict]:
    """Extra arguments of the action's form, and extra context of its page."""
    if action.form_class is forms.HandOverForm:
        return _hand_over_setup(request, dossier)
    return {}, {}


@workspace_required
@require_http_methods(["GET", "POST"])
def action(request, code, slug):
    """One action on a dossier: its form (GET), then the service call (POST) and back to the dossier."""
    chosen = ACTIONS.get(slug)
    if chosen is None:
        raise Http404(_("Không có thao tác này."))
    dossier = get_visible(request.user, code)
    verdict = chosen.check(dossier, permissions.permissions_for(request.user, dossier))
    if verdict == FORBIDDEN:
        return refuse_page(
            request,
            _("Bạn không có quyền “{action}” đối với hồ sơ {code}.").format(
                action=chosen.label, code=dossier.code
            ),
            dossier=dossier,
        )
    if verdict == NOT_NOW:
        if chosen.slug == "ban-giao" and dossier.routed_by_process:
            reason = _(
                "Hồ sơ {code} đang được chuyển bước theo {process}: hồ sơ được chuyển khi cán bộ hoàn thành "
                "việc của mình trong “Việc cần xử lý”."
            ).format(code=dossier.code, process=dossier.routed_by_process)
        else:
            reason = _("Không thể “{action}” khi hồ sơ {code} ở trạng thái “{status}”.").format(
                action=chosen.label, code=dossier.code, status=states.status_label(dossier.status)
            )
        return refuse_page(request, reason, status=409, dossier=dossier)
    bound = request.method == "POST"
    form_kwargs, extra_context = _form_kwargs(chosen, request, dossier)
    initial = extra_context.pop("initial", None)
    form = chosen.form_class(
        request.POST if bound else None, request.FILES if bound else None, initial=initial, **form_kwargs
    )
    if bound and form.is_valid():
        try:
            chosen.perform(dossier, request.user, form)
        except PermissionDenied as exc:
            return refuse_page(request, " ".join(map(str, exc.args)) or None, dossier=dossier)
        except ValidationError as exc:
            form.add_service_error(exc)
            dossier.refresh_from_db()
        else:
            messages.success(request, str(chosen.done).format(code=dossier.code))
            return redirect("dossiers:detail", code=dossier.code)
    context = {
        "dossier": dossier,
        "action": chosen,
        "form": form,
        "errors": error_summary(form),
        "needs_apology": deadlines.needs_apology(dossier),
        "multipart": any(isinstance(f, forms.PaperFilesField) for f in form.fields.values()),
        **extra_context,
    }
    return render(request, "dossiers/action.html", context, status=400 if bound else 200)


# --- Inbox --------------------------------------------------------------------------------------


def _officer_agencies(request):
    """The agencies whose dossiers the signed-in officer sees, from the memberships the workspace guard
    has read already."""
    ids = inbox.officer_agency_ids(request.user, request.officer.memberships)
    agencies = {m.agency.pk: m.agency for m in request.officer.memberships if m.agency_id in ids}
    return sorted(agencies.values(), key=lambda a: (a.name, a.pk))


PROCEDURE_CHOICES_MAX = 500


@dataclass(frozen=True)
class ProcedureChoice:
    pk: int
    code: str
    name: str


def _procedures_of(agencies):
    """The procedures in force the agencies implement, for the procedure filter, by code (from the
    catalogue's in-memory search index: no model loaded on every inbox page)."""
    from congso.catalog import services as catalog

    return [ProcedureChoice(*row) for row in catalog.procedure_choices(agencies, PROCEDURE_CHOICES_MAX)]


def _filter_form(request, agencies):
    data = request.GET if any(k in request.GET for k in forms.InboxFilterForm.base_fields) else None
    return forms.InboxFilterForm(data, agencies=agencies, procedures=_procedures_of(agencies))


@dataclass
class InboxRow:
    """One line of the inbox, its words and dates prepared here (the page is drawn on every load)."""

    dossier: Dossier
    url: str
    deadline: inbox.Deadline
    status_label: str
    channel_label: str
    received_text: str
    due_text: str


def inbox_rows(dossiers, now) -> list[InboxRow]:
    threshold = deadlines.at_risk_threshold(now)
    channels = {value: str(label) for value, label in Channel.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    base = reverse("dossiers:inbox")
    return [
        InboxRow(
            dossier=d,
            url=f"{base}{d.code}/",
            deadline=inbox.deadline_state(d, now, threshold),
            status_label=statuses.get(d.status, str(d.status)),
            channel_label=channels.get(d.channel, d.channel),
            received_text=_moment(d.received_at or d.submitted_at),
            due_text=_moment(d.due_at),
        )
        for d in dossiers
    ]


def _work_items(user):
    """The officer's to-do ("Việc cần xử lý"): open work items of the processes, and the dossiers' own
    queues (awaiting reception, handed over to them or their unit, result to hand back), most urgent
    first; at most ``WORK_ITEMS_SHOWN`` lines and the total."""
    from congso.workflow import inbox as work_inbox

    page = work_inbox.open_items_for(user, limit=WORK_ITEMS_SHOWN)
    now = timezone.now()
    items = []
    for item in page.items:
        dossier = getattr(item.instance, "dossier", None)
        items.append(
            {
                "label": item.label,
                "url": optional_url("workflow_tasks:detail", item.pk),
                "dossier": dossier,
                "agency": item.agency,
                "due_at": item.due_at,
                "late": item.due_at <= now,
            }
        )
    work_total = work_inbox.count_open_for(user) if page.next_cursor else len(items)
    todo, todo_total = inbox.todo_for(user, limit=WORK_ITEMS_SHOWN)
    for entry in todo:
        items.append(
            {
                "label": entry.label,
                "url": reverse("dossiers:detail", args=[entry.dossier.code]),
                "dossier": entry.dossier,
                "agency": entry.agency,
                "due_at": entry.due_at,
                "late": entry.due_at is not None and entry.due_at <= now,
                "kind": entry.kind,
            }
        )
    # Deadline first; entries without one (a dossier with no appointment) last.
    items.sort(key=lambda i: (i["due_at"] is None, i["due_at"] or now))
    return items[:WORK_ITEMS_SHOWN], work_total + todo_total


def _page_link(base_query: str, name: str, cursor: str | None) -> str:
    """The query string of the page before/after (``name`` "truoc"/"sau"), or "" at that end."""
    if not cursor:
        return ""
    return "?" + "&".join(filter(None, [base_query, urlencode({name: cursor})]))


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


FILTER_FIELDS = ("trang_thai", "han", "kenh", "thu_tuc", "pham_vi", "co_quan", "sap_xep")


def _active_filters(request) -> int:
    """How many filters the address sets (the filters box starts open, with that count, when any is)."""
    return sum(1 for name in FILTER_FIELDS if request.GET.get(name))


@workspace_required
@require_GET
def inbox_view(request):
    """The officer's inbox: their open work items, then the dossiers they may see, filtered and paged."""
    agencies = _officer_agencies(request)
    form = _filter_form(request, agencies)
    if form.is_bound:
        form.is_valid()
    order = form.order()
    page = inbox.inbox_for(
        request.user,
        own_agency_ids={a.pk for a in agencies},
        filters=form.filters(),
        order=order,
        after_cursor=request.GET.get("sau"),
        before_cursor=request.GET.get("truoc"),
        limit=INBOX_PAGE,
    )
    if page.cursor_rejected:
        messages.warning(request, _("Liên kết phân trang không hợp lệ hoặc đã cũ; đang hiển thị trang đầu."))
    base_query = _query_without(request, "sau", "truoc")
    work_items, work_total = _work_items(request.user)
    context = {
        "form": form,
        "errors": error_summary(form) if form.is_bound else [],
        "active_filters": _active_filters(request),
        "rows": inbox_rows(page.dossiers, timezone.now()),
        "page": page,
        "base_query": base_query,
        "next_url": _page_link(base_query, "sau", page.next_cursor),
        "previous_url": _page_link(base_query, "truoc", page.previous_cursor),
        "first_url": f"?{base_query}" if page.previous_cursor else "",
        "export_url": f"{reverse('dossiers:inbox_export')}?{base_query}",
        "work_items": work_items,
        "work_total": work_total,
        "work_inbox_url": optional_url("workflow_tasks:inbox"),
        "intake_url": reverse("dossiers:intake") if _receive_agencies(request) else "",
    }
    return render(request, "dossiers/inbox.html", context)


@workspace_required
@require_GET
def inbox_export(request):
    """The inbox's current filtered list (every page, up to ``inbox.EXPORT_LIMIT`` rows) as XLSX. Every
    cell is text (``Sheet.text_cell``): an applicant's name starting with "=" never becomes a formula, and
    ID and phone numbers keep their leading zeros."""
    agencies = _officer_agencies(request)
    form = _filter_form(request, agencies)
    if form.is_bound:
        form.is_valid()
    now = timezone.now()
    threshold = deadlines.at_risk_threshold(now)
    book = spreadsheets.new_workbook(_("Danh sách hồ sơ"))
    sheet = spreadsheets.Sheet(book, _("Hồ sơ"))
    sheet.append([sheet.text_cell(_("Danh sách hồ sơ, lập lúc {at}").format(at=_moment(now)))])
    header = [
        _("Mã hồ sơ"),
        _("Thủ tục"),
        _("Người nộp"),
        _("Số định danh / mã số thuế"),
        _("Số điện thoại"),
        _("Trạng thái"),
        _("Kênh nộp"),
        _("Ngày nhận"),
        _("Hẹn trả kết quả"),
        _("Thời hạn"),
        _("Cơ quan tiếp nhận"),
        _("Cơ quan đang xử lý"),
    ]
    sheet.append([sheet.text_cell(name, bold=True) for name in header])
    channels = dict(Channel.choices)
    written = 0
    truncated = False
    rows = inbox.rows_for_export(
        request.user, filters=form.filters(), order=form.order(), own_agency_ids={a.pk for a in agencies}
    )
    for dossier in rows:
        if written == inbox.EXPORT_LIMIT:
            truncated = True
            break
        sheet.append(
            [
                sheet.text_cell(value)
                for value in (
                    dossier.code,
                    dossier.procedure_version.procedure.name,
                    dossier.applicant_name,
                    dossier.applicant_national_id,
                    dossier.applicant_phone,
                    states.status_label(dossier.status),
                    channels.get(dossier.channel, dossier.channel),
                    _moment(dossier.received_at or dossier.submitted_at),
                    _moment(dossier.due_at),
                    inbox.deadline_state(dossier, now, threshold).label,
                    dossier.receiving_agency.name,
                    dossier.current_agency.name,
                )
            ]
        )
        written += 1
    if truncated:
        sheet.append(
            [
                sheet.text_cell(
                    _("Chỉ xuất {n} hồ sơ đầu tiên; hãy lọc thêm để xuất phần còn lại.").format(
                        n=inbox.EXPORT_LIMIT
                    ),
                )
            ]
        )
    audit.record(
        "dossiers.inbox_export",
        None,
        actor=request.user,
        changes={"rows": written, "query": request.GET.urlencode()},
    )
    response = HttpResponse(spreadsheets.to_bytes(book), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ho-so-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


# --- Counter intake -----------------------------------------------------------------------------


def _receive_agencies(request):
    """Agencies in force today where the signed-in officer may receive dossiers at the counter, from the
    memberships the workspace guard has read already (both the membership and its agency in force)."""
    held: dict[int, set[str]] = {}
    agencies = {}
    for membership in request.officer.memberships:
        held.setdefault(membership.agency_id, set()).add(membership.role)
        agencies[membership.agency_id] = membership.agency
    ids = permissions.agency_ids_granting(held, permissions.RECEIVE, permissions.RECEIVING)
    return sorted((agencies[i] for i in ids), key=lambda a: (a.name, a.pk))


NO_RECEIVE = gettext_lazy(
    "Bạn không có vai trò cán bộ một cửa tại cơ quan nào nên không tiếp nhận hồ sơ tại quầy được."
)


@workspace_required
@require_GET
def intake(request):
    """Counter intake, first page: choose the procedure among those the officer's agency implements."""
    from congso.catalog import services as catalog

    agencies = _receive_agencies(request)
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


def _citizen_account(national_id: str):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(national_id=national_id, is_active=True, kind__in=("citizen",))
        .first()
    )


CONTROL_NAMES = {"csrfmiddlewaretoken", "phien_ban"}


@workspace_required
@require_http_methods(["GET", "POST"])
def intake_form(request, procedure_code):
    """Counter intake, second page: applicant, the procedure's form, scanned papers → dossier (status 2)."""
    from congso.catalog import services as catalog

    try:
        version = catalog.version_in_force(procedure_code)
    except catalog.ProcedureNotAvailable as exc:
        return render(request, "dossiers/intake_unavailable.html", {"reason": str(exc)}, status=404)
    receivable = _receive_agencies(request)
    if not receivable:
        return refuse_page(request, NO_RECEIVE)
    implementing = set(version.implementing_agencies.values_list("pk", flat=True))
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
    # Read once: the papers form, then the service's checks and storage read the same prefetched list.
    prefetch_related_objects([version], "papers")
    papers = list(version.papers.all())
    bound = request.method == "POST"
    initial_agency = request.GET.get("co_quan", "")
    applicant_form = forms.IntakeApplicantForm(
        request.POST if bound else None,
        agencies=agencies,
        initial={"ma_chong_trung": uuid.uuid4().hex, "co_quan": initial_agency or str(agencies[0].pk)},
    )
    papers_form = forms.IntakePapersForm(
        request.POST if bound else None, request.FILES if bound else None, papers=papers
    )
    data, raw, form_errors, engine_errors = {}, {}, [], {}
    version_changed = bound and request.POST.get("phien_ban") != str(version.pk)
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


def _unconfirmed_duplicates(request, version, applicant_form) -> list[Dossier]:
    """Dossiers the officer can see that are probably this one, received in the last
    ``CONGSO_DOSSIER_DUPLICATE_MINUTES`` (a submit that seemed to fail but committed; reloading the form
    gave a new idempotency key), unless the officer confirmed that this is a new dossier. A dossier of
    the same idempotency key is no duplicate: the service answers it instead of creating another."""
    from . import conf

    data = applicant_form.cleaned_data
    minutes = conf.duplicate_minutes()
    if data["van_tiep_nhan"] or minutes <= 0:
        return []
    found = (
        Dossier.objects.visible_to(request.user)
        .probable_duplicates(
            procedure=version.procedure,
            since=timezone.now() - timedelta(minutes=minutes),
            national_id=data["so_dinh_danh"],
            name=data["ho_ten"],
            phone=data["dien_thoai"],
        )
        .exclude(idempotency_key=data["ma_chong_trung"])
    )
    return list(found[:5])


def _receive(request, version, agencies, applicant_form, papers_form, data):
    """Call ``services.receive_at_counter``; on success the redirect to the dossier, on a service error
    None (the error is put on the form)."""
    by_id = {str(a.pk): a for a in agencies}
    agency = by_id[applicant_form.cleaned_data["co_quan"]]
    account = None
    if applicant_form.cleaned_data["gan_tai_khoan"]:
        account = _citizen_account(applicant_form.cleaned_data["so_dinh_danh"])
        if account is None:
            applicant_form.add_error(
                "gan_tai_khoan",
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
            idempotency_key=applicant_form.cleaned_data["ma_chong_trung"],
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
            code=dossier.code, due=_moment(dossier.due_at)
        ),
    )
    return redirect("dossiers:detail", code=dossier.code)


# --- Dossier page -------------------------------------------------------------------------------


def _form_answers(dossier):
    """The form data as questions and answers (through the form engine), or plain rows if the version's
    form can no longer be read."""
    version = dossier.procedure_version
    try:
        definition = formengine.build(version.form_schema, version.form_ui)
    except formengine.FormDefinitionError:
        definition = None
    if definition is not None:
        rows = []
        for step in definition.answers(dossier.form_data or {}):
            for group in step.groups:
                rows.extend(
                    {"heading": group.heading, "label": row.label, "value": row.value}
                    for row in group.rows
                    if row.answered
                )
        return rows
    return [
        {"heading": "", "label": key, "value": value}
        for key, value in sorted((dossier.form_data or {}).items())
    ]


def _produced_forms(dossier, changes) -> list[dict]:
    """The standard forms produced for ``dossier`` (by code; one entry per extension letter), each with
    its PDF link when the PDF module is installed."""
    codes = {c.form_code for c in changes if c.form_code}
    if dossier.hand_overs.exists():
        codes.add(FormCode.CONTROL_SHEET)
    labels = dict(FormCode.choices)
    can_render = _can_render("render_form")
    entries = []
    for code in sorted(codes):
        url = reverse("dossiers:form_pdf", args=[dossier.code, code]) if can_render else ""
        entries.append({"code": code, "label": labels.get(code, code), "url": url, "note": ""})
    for extension in dossier.extensions.order_by("extended_at", "id"):
        url = (
            reverse("dossiers:form_pdf", args=[dossier.code, FormCode.APOLOGY_EXTENSION])
            if can_render
            else ""
        )
        entries.append(
            {
                "code": str(FormCode.APOLOGY_EXTENSION),
                "label": labels[FormCode.APOLOGY_EXTENSION],
                "url": f"{url}?lan={extension.pk}" if url else "",
                "note": _("hẹn trả mới {due}").format(due=_moment(extension.new_due_at)),
            }
        )
    return sorted(entries, key=lambda entry: entry["code"])


def _timeline_row(entry) -> dict:
    """A ``services.TimelineEntry`` with the lists of its detail pulled out (a template reading
    ``detail.items`` would get the dict's method)."""
    detail = entry.detail
    return {
        "entry": entry,
        "items": list(detail.get("items") or []),
        "reasons": list(detail.get("reasons") or []),
        "reason": detail.get("reason", ""),
    }


RESULT_TAGS = {
    Timeliness.EARLY: "early",
    Timeliness.ON_TIME: "ontime",
    Timeliness.LATE: "late",
}


@workspace_required
@require_GET
def detail(request, code):
    """The dossier page: summary, applicant, form, papers, history, control sheet and what can be done."""
    dossier = get_visible(request.user, code)
    granted = permissions.permissions_for(request.user, dossier)
    now = timezone.now()
    changes = list(dossier.status_changes.select_related("by"))
    hand_overs = list(
        dossier.hand_overs.select_related("from_agency", "to_agency", "given_by", "received_by")
    )
    supplement = SupplementRequest.objects.filter(dossier=dossier).select_related("requested_by").first()
    papers = list(dossier.papers.select_related("uploaded_by"))
    stage_labels = dict(PaperStage.choices)
    timeliness = dict(Timeliness.choices)
    produced = _produced_forms(dossier, changes)
    context = {
        "dossier": dossier,
        "status_label": states.status_label(dossier.status),
        "channel_label": dict(Channel.choices).get(dossier.channel, dossier.channel),
        "return_label": dict(ReturnMethod.choices).get(dossier.return_method, ""),
        "deadline": inbox.deadline_state(dossier, now, deadlines.at_risk_threshold(now)),
        "needs_apology": deadlines.needs_apology(dossier, now),
        "extend_url": reverse("dossiers:action", args=[dossier.code, "gia-han"])
        if ACTIONS["gia-han"].check(dossier, granted) == ALLOWED
        else "",
        "answers": _form_answers(dossier),
        "papers": [
            {
                "paper": p,
                "stage": stage_labels.get(p.stage, p.stage),
                "url": reverse("dossiers:paper", args=[dossier.code, p.pk]),
            }
            for p in papers
        ],
        "supplement": supplement,
        "timeline": [_timeline_row(entry) for entry in services.timeline(dossier)],
        "hand_overs": [
            {"row": row, "result": timeliness.get(row.result, ""), "css": RESULT_TAGS.get(row.result, "")}
            for row in hand_overs
        ],
        "actions": [
            {"action": a, "url": reverse("dossiers:action", args=[dossier.code, a.slug])}
            for a in available_actions(request.user, dossier, granted)
        ],
        "forms_produced": produced,
        "receipt_url": next((e["url"] for e in produced if e["code"] == FormCode.RECEIPT), ""),
        "flow_url": optional_url("workflow:dossier_flow", dossier.pk),
        "work_inbox_url": optional_url("workflow_tasks:inbox"),
        "control_sheet_xlsx": reverse("dossiers:control_sheet_xlsx", args=[dossier.code])
        if hand_overs and _can_export("control_sheet_xlsx")
        else "",
        "timeliness_label": timeliness.get(dossier.timeliness, ""),
    }
    return render(request, "dossiers/detail.html", context)


@workspace_required
@require_GET
def paper(request, code, paper_id):
    """Download one file of a dossier the officer may see: always as an attachment, with the type found
    from its content and ``nosniff``, so the browser never runs it. Each download is audited."""
    dossier = get_visible(request.user, code)
    item = dossier.papers.filter(pk=paper_id).first()
    if item is None:
        raise Http404(_("Không tìm thấy giấy tờ."))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp của giấy tờ này không còn trên máy chủ.")) from None
    audit.record(
        "dossiers.paper_download",
        dossier,
        actor=request.user,
        changes={"paper_id": item.pk, "name": item.name},
    )
    filename = files.download_name(item.original_name, item.content_type, f"giay-to-{item.pk}")
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@workspace_required
@require_GET
def form_pdf(request, code, form_code):
    """The PDF of a standard form (01–06) the dossier produced, for an officer who may see it; form 04
    takes the extension letter from ``?lan=<id>`` (the latest without it)."""
    dossier = get_visible(request.user, code)
    if form_code not in FormCode.values or form_code == FormCode.LOGBOOK or not _can_render("render_form"):
        raise Http404(_("Không có mẫu phiếu này."))
    if form_code not in {entry["code"] for entry in _produced_forms(dossier, dossier.status_changes.all())}:
        raise Http404(_("Hồ sơ này chưa lập mẫu phiếu này."))
    extension = None
    if form_code == FormCode.APOLOGY_EXTENSION and request.GET.get("lan"):
        extension = dossier.extensions.filter(pk=_int(request.GET["lan"])).first()
        if extension is None:
            raise Http404(_("Không có văn bản gia hạn này."))
    module = _standard_forms()
    try:
        content = module.render_form(
            dossier, form_code, base_url=request.build_absolute_uri("/"), extension=extension
        )
    except ValidationError as exc:  # FormNotAvailable, InvalidDossierInput
        raise Http404(" ".join(exc.messages)) from exc
    return _pdf_response(content, f"mau-{form_code}-{dossier.code}.pdf")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Logbook (form 07) ----------------------------------------------------------------------------


def _logbook_agencies(user):
    from congso.agencies.models import Agency

    return list(Agency.objects.filter(pk__in=inbox.receiving_agency_ids(user)).order_by("name"))


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
    agencies = _logbook_agencies(request.user)
    if not agencies:
        return refuse_page(request, _("Bạn không có vai trò được xem sổ theo dõi hồ sơ của cơ quan nào."))
    form = _logbook_form(request, agencies)
    page_obj, rows, agency, downloads = None, [], None, {}
    if form.is_valid():
        agency = next(a for a in agencies if str(a.pk) == form.cleaned_data["co_quan"])
        start, end = form.cleaned_data["tu_ngay"], form.cleaned_data["den_ngay"]
        paginator = Paginator(inbox.logbook_for(request.user, agency.pk, start, end), LOGBOOK_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        rows = [
            {"n": page_obj.start_index() + i, "dossier": d, "status_label": states.status_label(d.status)}
            for i, d in enumerate(page_obj.object_list)
        ]
        query = f"co_quan={agency.pk}&tu_ngay={start:%d/%m/%Y}&den_ngay={end:%d/%m/%Y}"
        if _can_render("render_logbook"):
            downloads["pdf"] = f"{reverse('dossiers:logbook_pdf')}?{query}"
        if _can_export("logbook_xlsx"):
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


def _logbook_download(request, render, kind: str):
    """A logbook download (PDF or XLSX) for the agency and dates of the query string: the officer must
    be able to see the agency's logbook; invalid input is a 404; a refusal of the renderer (too many rows
    for one PDF) goes back to the page with its message."""
    agencies = _logbook_agencies(request.user)
    if not agencies:
        return refuse_page(request, _("Bạn không có vai trò được xem sổ theo dõi hồ sơ của cơ quan nào."))
    form = forms.LogbookForm(request.GET, agencies=agencies)
    if not form.is_valid():
        raise Http404(_("Khoảng thời gian hoặc cơ quan không hợp lệ."))
    agency = next(a for a in agencies if str(a.pk) == form.cleaned_data["co_quan"])
    start, end = form.cleaned_data["tu_ngay"], form.cleaned_data["den_ngay"]
    try:
        content = render(agency, start, end)
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
    return _pdf_response(content, filename) if kind == "pdf" else _xlsx_response(content, filename)


@workspace_required
@require_GET
def logbook_pdf(request):
    """The logbook (form 07) as PDF, from ``standard_forms.render_logbook``."""
    if not _can_render("render_logbook"):
        raise Http404(_("Chưa có bản in sổ theo dõi hồ sơ."))
    return _logbook_download(request, _standard_forms().render_logbook, "pdf")


@workspace_required
@require_GET
def logbook_xlsx(request):
    """The logbook (form 07) as XLSX, from ``exports.logbook_xlsx``."""
    if not _can_export("logbook_xlsx"):
        raise Http404(_("Chưa có bản Excel của sổ theo dõi hồ sơ."))
    return _logbook_download(request, _exports().logbook_xlsx, "xlsx")


@workspace_required
@require_GET
def control_sheet_xlsx(request, code):
    """The control sheet (form 06) of a dossier the officer may see, as XLSX."""
    dossier = get_visible(request.user, code)
    if not _can_export("control_sheet_xlsx") or not dossier.hand_overs.exists():
        raise Http404(_("Hồ sơ chưa có phiếu kiểm soát."))
    return _xlsx_response(_exports().control_sheet_xlsx(dossier), f"phieu-kiem-soat-{dossier.code}.xlsx")
