"""The officer actions on a dossier (accept, request a supplement, refuse, hand over, record a payment,
mark the result ready, return it, extend, stop, withdraw): the table ``ACTIONS``, whether each is allowed
now (``available_actions``), and the action page — its form (GET), then the service call (POST).

An action the officer may not take on a dossier they see is a 403; an action the dossier's status does
not allow now is a 409; bad input re-renders the form with its errors and changes nothing.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from congso.agencies import services as agency_services
from congso.workspace.permissions import workspace_required

from .. import deadlines, extensions, forms, inbox, permissions, services, states
from ..files import PaperUpload
from ..models import FormCode, Status, SupplementRequest
from .common import error_summary, refuse_page, visible_with_permissions

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
    if dossier.routed_by_process or extensions.process_start_pending(dossier):
        return NOT_NOW
    return ALLOWED if dossier.status in services.HAND_OVER_STATUSES else NOT_NOW


# What a BPMN process does itself when it drives a dossier: officers complete their work items instead.
PROCESS_STEPS = ("ban-giao", "chuyen-xu-ly", "co-ket-qua")


def _process_step_verdict(name: str):
    """Start processing and record the result are steps of the dossier's BPMN process when one drives it
    (its service tasks ``start_processing`` and ``issue_result``): done by hand, they bypassed the
    process's own steps (the leader's approval) and made its later step fail on a dossier already moved."""

    def verdict(dossier, granted) -> str:
        found = _transition_verdict(name, dossier, granted)
        if found == ALLOWED and (dossier.routed_by_process or extensions.process_start_pending(dossier)):
            return NOT_NOW
        return found

    return verdict


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
    return agency_services.agency_tree()


def _chosen_unit(request, dossier, units):
    """The unit of a hand-over: the one chosen (step one, or carried by step two), else the agency
    processing the dossier now — handing over inside one's own agency is the usual case."""
    by_id = {str(agency.pk): agency for agency, _depth in units}
    # Step two posts the unit as ``unit``; step one, a GET form, names it in the query (``?don_vi=``).
    chosen = request.POST.get("unit") if request.method == "POST" else request.GET.get("don_vi")
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
            lambda d, user, f: services.accept(d, user, f.cleaned_data["note"]),
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
                d, user, f.cleaned_data["items"], f.cleaned_data["reason"]
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
            lambda d, user, f: services.refuse(d, user, f.cleaned_data["reasons"]),
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
                d, user, _files(f.cleaned_data["files"]), f.cleaned_data["note"]
            ),
            gettext_lazy("Đã ghi nhận hồ sơ bổ sung của hồ sơ {code}."),
        ),
        Action(
            "chuyen-xu-ly",
            gettext_lazy("Bắt đầu xử lý"),
            gettext_lazy("Bắt đầu giải quyết hồ sơ đã tiếp nhận tại cơ quan đang giữ hồ sơ."),
            gettext_lazy("Bắt đầu xử lý"),
            forms.ConfirmForm,
            _process_step_verdict("start_processing"),
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
                to_agency=f.cleaned_data["unit"],
                step_name=f.cleaned_data["step_name"],
                given_by=user,
                received_by=f.cleaned_data["receiver"],
                allotted_working_hours=f.cleaned_data["allotted_hours"],
                note=f.cleaned_data["note"],
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
                d, user, amount=f.cleaned_data["amount"], note=f.cleaned_data["note"]
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
                d, user, reference=f.cleaned_data["receipt_number"], amount=f.cleaned_data["amount"]
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
            _process_step_verdict("mark_result_ready"),
            lambda d, user, f: services.mark_result_ready(
                d,
                user,
                result_files=_files(f.cleaned_data["result_files"]),
                result_note=f.cleaned_data["result_note"],
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
                d, user, f.cleaned_data["method"], f.cleaned_data["note"]
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
                d, user, f.cleaned_data["new_due_date"], f.cleaned_data["reason"]
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
            lambda d, user, f: services.stop(d, user, f.cleaned_data["reason"]),
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
            lambda d, user, f: services.withdraw(d, user, f.cleaned_data["reason"]),
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
        initial={"don_vi": str(unit.pk) if unit else ""}, units=units, auto_id="id_step1_%s"
    )
    return kwargs, {"unit": unit, "unit_form": unit_form, "initial": {"unit": str(unit.pk) if unit else ""}}


def _form_kwargs(action: Action, request, dossier) -> tuple[dict, dict]:
    """Extra arguments of the action's form, and extra context of its page."""
    if action.form_class is forms.HandOverForm:
        return _hand_over_setup(request, dossier)
    if action.form_class is forms.RequestPaymentForm:
        estimate = _fee_estimate(dossier)
        return {}, {"initial": {"amount": estimate}} if estimate else {}
    return {}, {}


# Keys of a procedure's online form that give the number of pages and of copies (the certification forms).
PAGES_KEY, COPIES_KEY = "so_trang", "so_ban_sao"


def _fee_estimate(dossier) -> int:
    """The procedure version's fees (catalogue rules: fixed, per page with a cap, tiers) for the pages
    and copies the applicant declared, proposed as the amount to ask; exemptions are the officer's call."""
    from congso.catalog import fees as catalog_fees
    from congso.catalog import services as catalog_services

    data = dossier.form_data or {}

    def count(key, default):
        value = data.get(key)
        valid = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000
        return value if valid else default

    pages, copies = count(PAGES_KEY, 0), count(COPIES_KEY, 1)
    return sum(
        catalog_fees.compute_fee(info.fee, pages=pages, copies=copies)
        for info in catalog_services.fees_for(dossier.procedure_version)
    )


@workspace_required
@require_http_methods(["GET", "POST"])
def action(request, code, slug):
    """One action on a dossier: its form (GET), then the service call (POST) and back to the dossier."""
    chosen = ACTIONS.get(slug)
    if chosen is None:
        raise Http404(_("Không có thao tác này."))
    dossier, granted = visible_with_permissions(request.user, code)
    verdict = chosen.check(dossier, granted)
    if verdict == FORBIDDEN:
        return refuse_page(
            request,
            _("Bạn không có quyền “{action}” đối với hồ sơ {code}.").format(
                action=chosen.label, code=dossier.code
            ),
            dossier=dossier,
        )
    if verdict == NOT_NOW:
        if chosen.slug in PROCESS_STEPS and extensions.process_start_pending(dossier):
            reason = _(
                "Hồ sơ {code} đang khởi tạo quy trình xử lý; hồ sơ sẽ được chuyển theo quy trình, "
                "vui lòng tải lại trang sau ít phút."
            ).format(code=dossier.code)
        elif chosen.slug in PROCESS_STEPS and dossier.routed_by_process:
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
