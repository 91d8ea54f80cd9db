"""The forms of the officer actions on a dossier (one per action of ``views.actions.ACTIONS``),
including the two steps of a hand-over: the unit of the agency tree, then the person or queue in it,
the step and its allotted working hours."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import ReturnMethod
from .base import (
    Form,
    PaperFilesField,
    amount_field,
    clean_lines,
    confirm_field,
    date_field,
    lines_field,
    require_files_or_text,
    text_field,
)


class ConfirmForm(Form):
    """An action with nothing to fill in but the button."""


class AcceptForm(Form):
    note = text_field(_("Ghi chú"))


class SupplementRequestForm(Form):
    items = lines_field(
        _("Giấy tờ, nội dung cần bổ sung"),
        _("Mỗi dòng một nội dung. Theo quy định chỉ yêu cầu bổ sung một lần: hãy liệt kê đầy đủ."),
        _("Vui lòng liệt kê ít nhất một giấy tờ hoặc nội dung cần bổ sung."),
    )
    reason = text_field(_("Lý do"), required_message=_("Vui lòng nêu lý do yêu cầu bổ sung."))
    service_error_fields = {"items_required": "items", "supplement_once": None}

    def clean_items(self):
        return clean_lines(
            self.cleaned_data["items"],
            _("Vui lòng liệt kê ít nhất một giấy tờ hoặc nội dung cần bổ sung."),
        )


class RefuseForm(Form):
    reasons = lines_field(
        _("Lý do từ chối tiếp nhận"),
        _("Mỗi dòng một lý do; các lý do được ghi trên phiếu từ chối (mẫu 03)."),
        _("Vui lòng nêu rõ ít nhất một lý do từ chối tiếp nhận hồ sơ."),
    )
    confirm = confirm_field(_("Tôi xác nhận từ chối tiếp nhận hồ sơ này."))
    service_error_fields = {"reason_required": "reasons"}

    def clean_reasons(self):
        return clean_lines(
            self.cleaned_data["reasons"], _("Vui lòng nêu rõ ít nhất một lý do từ chối tiếp nhận hồ sơ.")
        )


class SuggestionsInput(forms.TextInput):
    """A text input with a list of suggestions (an HTML <datalist>): the officer picks one or types
    another; no script needed."""

    template_name = "dossiers/widgets/suggestions.html"

    def __init__(self, attrs=None, suggestions=()):
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.suggestions:
            list_id = f"{context['widget']['attrs'].get('id') or name}_suggestions"
            context["widget"]["attrs"]["list"] = list_id
            context["widget"]["list_id"] = list_id
            context["widget"]["suggestions"] = self.suggestions
        return context


def unit_choices(units) -> list[tuple[str, str]]:
    """Choices of a unit select from ``agencies.services.agency_tree``: indented by depth, with the code."""
    return [(str(agency.pk), f"{'— ' * depth}{agency.name} ({agency.code})") for agency, depth in units]


class HandOverUnitForm(Form):
    """Step one of a hand-over (a GET form): which unit of the agency tree receives the dossier. Choosing
    it lists that unit's people in step two. Its field name is the page's query parameter
    (``?don_vi=<id>``), a readable slug like the inbox's filters; step two posts the unit as ``unit``."""

    don_vi = forms.ChoiceField(
        label=_("Đơn vị nhận"),
        help_text=_(
            "Cơ quan, phòng, ban trong cây tổ chức. Sau khi chọn, danh sách người nhận của đơn vị hiện ra."
        ),
        error_messages={"invalid_choice": _("Đơn vị đã chọn không còn trong danh sách; vui lòng chọn lại.")},
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = unit_choices(units)


QUEUE = ""


class WorkingHoursField(forms.DecimalField):
    """A number of working hours written "0,5" (Vietnamese) or "0.5". No thousands separator: "1.000"
    would be ambiguous, and the form's 2000 hours never need one."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class HandOverForm(Form):
    """Step two of a hand-over: the unit chosen in step one (carried, not typed), to whom in it — a named
    person or the unit's queue — the step, its allotted time and a note. ``dossiers.services.hand_over``
    checks again that the person works at the unit."""

    unit = forms.ChoiceField(
        label=_("Đơn vị nhận"),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Vui lòng chọn đơn vị nhận hồ sơ."),
            "invalid_choice": _("Đơn vị đã chọn không còn trong danh sách; vui lòng chọn lại."),
        },
    )
    receiver = forms.ChoiceField(
        label=_("Người nhận"),
        required=False,
        help_text=_(
            "Giao đích danh một cán bộ của đơn vị, hoặc giao vào hàng chờ: mọi cán bộ xử lý của đơn vị "
            "đều thấy hồ sơ trong “Việc cần xử lý”."
        ),
        error_messages={
            "invalid_choice": _("Người nhận đã chọn không thuộc đơn vị nhận; vui lòng chọn lại."),
        },
    )
    step_name = forms.CharField(
        label=_("Bước xử lý"),
        max_length=200,
        help_text=_("Chọn một bước gợi ý hoặc ghi bước khác, ví dụ: Thẩm định hồ sơ."),
        error_messages={"required": _("Vui lòng ghi tên bước xử lý.")},
    )
    allotted_hours = WorkingHoursField(
        label=_("Thời gian được giao (giờ làm việc)"),
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=2000,
        help_text=_(
            "Bỏ trống để lấy hạn của bước là ngày hẹn trả kết quả của hồ sơ. 1 ngày làm việc = 8 giờ; "
            "nửa giờ ghi 0,5."
        ),
        # Text, not a number box: browsers refuse "0,5" in a number box of an English locale.
        widget=forms.TextInput(attrs={"class": "input--short", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Thời gian được giao phải là một số giờ, ví dụ 8 hoặc 0,5."),
            "min_value": _("Thời gian được giao phải lớn hơn 0 giờ."),
            "max_value": _("Thời gian được giao không được quá 2000 giờ."),
            "max_decimal_places": _("Thời gian được giao có tối đa hai chữ số thập phân, ví dụ 0,25."),
            "max_digits": _("Thời gian được giao không được quá 2000 giờ."),
            "max_whole_digits": _("Thời gian được giao không được quá 2000 giờ."),
        },
    )
    note = text_field(_("Ghi chú"))
    service_error_fields = {
        "step_name": "step_name",
        "allotted_hours": "allotted_hours",
        "agency_not_in_force": "unit",
        "received_by": "receiver",
    }

    def __init__(self, *args, units=(), receivers=(), steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._units = {str(agency.pk): agency for agency, _depth in units}
        self._receivers = {str(person.pk): person for person in receivers}
        self.fields["unit"].choices = unit_choices(units)
        self.fields["receiver"].choices = [(QUEUE, _("Hàng chờ của đơn vị (không giao đích danh)"))] + [
            (str(person.pk), person.get_full_name()) for person in receivers
        ]
        self.fields["step_name"].widget = SuggestionsInput(suggestions=steps)

    def clean_unit(self):
        return self._units[self.cleaned_data["unit"]]

    def clean_receiver(self):
        value = self.cleaned_data.get("receiver") or QUEUE
        return self._receivers.get(value) if value != QUEUE else None


class ProvideSupplementForm(Form):
    files = PaperFilesField(
        label=_("Giấy tờ bổ sung"),
        help_text=_("Bản chụp hoặc bản quét (PDF, JPEG, PNG). Có thể chọn nhiều tệp."),
    )
    note = text_field(
        _("Nội dung bổ sung, ghi chú"), help_text=_("Ví dụ: đã nhận bản chính giấy chứng sinh.")
    )
    service_error_fields = {"supplement_empty": "files"}

    def clean(self):
        data = super().clean()
        require_files_or_text(
            self, data, "files", "note", _("Vui lòng tải lên giấy tờ bổ sung hoặc ghi nội dung bổ sung.")
        )
        return data


class RequestPaymentForm(Form):
    amount = amount_field(_("Số tiền (đồng)"), required_message=_("Vui lòng nhập số tiền."))
    note = text_field(_("Nội dung (phí, lệ phí, thuế…)"))
    service_error_fields = {"amount": "amount"}


class RecordPaymentForm(Form):
    receipt_number = forms.CharField(
        label=_("Số biên lai, mã giao dịch"),
        max_length=200,
        error_messages={"required": _("Vui lòng nhập số biên lai hoặc mã giao dịch.")},
    )
    amount = amount_field(_("Số tiền đã nộp (đồng)"))
    service_error_fields = {"amount": "amount"}


class ResultReadyForm(Form):
    result_files = PaperFilesField(
        label=_("Tệp kết quả giải quyết"),
        help_text=_("Bản điện tử của kết quả đã ký (PDF, JPEG, PNG). Cần có để trả kết quả trực tuyến."),
    )
    result_note = text_field(
        _("Nội dung kết quả"),
        help_text=_("Ví dụ: Giấy khai sinh số 12/2026, quyển số 01."),
    )
    service_error_fields = {"result_empty": "result_files"}

    def clean(self):
        data = super().clean()
        require_files_or_text(
            self,
            data,
            "result_files",
            "result_note",
            _("Vui lòng đính kèm kết quả giải quyết hoặc ghi nội dung kết quả."),
        )
        return data


class ReturnResultForm(Form):
    method = forms.ChoiceField(
        label=_("Hình thức trả kết quả"),
        choices=ReturnMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn hình thức trả kết quả.")},
    )
    note = text_field(_("Ghi chú"), help_text=_("Ví dụ: người nhận, số vận đơn bưu chính."))
    service_error_fields = {"return_method": "method", "no_result_file": "method"}


class StopForm(Form):
    reason = text_field(
        _("Lý do dừng giải quyết"),
        required_message=_("Vui lòng nêu lý do dừng giải quyết hồ sơ."),
        help_text=_("Được ghi trên thông báo dừng giải quyết hồ sơ (mẫu 05)."),
        rows=4,
    )
    confirm = confirm_field(_("Tôi xác nhận dừng giải quyết hồ sơ này."))
    service_error_fields = {"reason_required": "reason"}


class WithdrawForm(Form):
    reason = text_field(
        _("Lý do rút hồ sơ (theo văn bản đề nghị của người nộp)"),
        required_message=_("Vui lòng nêu lý do rút hồ sơ."),
        rows=4,
    )
    confirm = confirm_field(_("Người nộp đã có văn bản đề nghị rút hồ sơ; tôi xác nhận rút hồ sơ này."))
    service_error_fields = {"reason_required": "reason"}


class ExtendForm(Form):
    new_due_date = date_field(
        _("Ngày hẹn trả kết quả mới"),
        required_message=_("Vui lòng nhập ngày hẹn trả kết quả mới."),
        invalid_message=_("Ngày hẹn trả mới không hợp lệ (dd/mm/yyyy)."),
    )
    reason = text_field(
        _("Lý do chậm giải quyết"),
        required_message=_("Vui lòng nêu lý do chậm giải quyết hồ sơ."),
        help_text=_("Được ghi trong văn bản xin lỗi và đề nghị gia hạn (mẫu 04) gửi người nộp."),
        rows=4,
    )
    service_error_fields = {
        "reason_required": "reason",
        "not_later": "new_due_date",
        "not_working_day": "new_due_date",
        "bad_date": "new_due_date",
    }

    def clean_new_due_date(self):
        day = self.cleaned_data["new_due_date"]
        if day < timezone.localdate():
            raise ValidationError(_("Ngày hẹn trả mới không được trước ngày hôm nay."), code="past")
        return day
