"""Django forms of the officers' back office: the inbox filters, counter intake, the officer actions on a
dossier and the logbook. Labels, hints and errors are Vietnamese (gettext msgids).

The forms check what a person can get wrong on the page (empty reasons, a malformed national ID, a file
that is not a PDF/JPEG/PNG…); ``dossiers.services`` checks everything again and remains the authority —
its errors are shown on the same form (``add_service_error``).
"""

import re
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.identity.forms import AccessibleFormMixin
from congso.identity.validators import validate_national_id, validate_tax_code

from . import inbox
from .files import UploadRejected, validate_upload
from .models import Channel, ReturnMethod, Status

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_HINT = _("Nhập theo dạng ngày/tháng/năm, ví dụ 27/03/2026.")
MAX_FILES = 10
MAX_LINES = 50
MAX_LINE = 500
LOGBOOK_MAX_DAYS = 366
PHONE_RE = re.compile(r"0[0-9]{9,10}")

STATUS_OPEN = ""
STATUS_ALL = "tat-ca"


class Form(AccessibleFormMixin, forms.Form):
    """Base of the back office's forms: accessible rendering, service errors shown where they belong."""

    # Error code of a ``dossiers.services`` error → the field it is about (the rest are form-wide).
    service_error_fields: dict[str, str] = {}

    def add_service_error(self, error: ValidationError) -> None:
        """Show an error raised by ``dossiers.services`` next to its field, or above the form."""
        field = self.service_error_fields.get(getattr(error, "code", None) or "")
        self.add_error(field if field in self.fields else None, error.messages)


def lines(text: str) -> list[str]:
    """Non-empty stripped lines of ``text``."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _lines_field(label, help_text, required_message):
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_LINES * (MAX_LINE + 2),
        error_messages={"required": required_message},
    )


def _clean_lines(text: str, required_message) -> list[str]:
    found = lines(text)
    if not found:
        raise ValidationError(required_message, code="required")
    if len(found) > MAX_LINES:
        raise ValidationError(
            _("Tối đa %(n)s dòng; hãy gộp các nội dung liên quan.") % {"n": MAX_LINES}, code="too_many"
        )
    for line in found:
        if len(line) > MAX_LINE:
            raise ValidationError(_("Mỗi dòng tối đa %(n)s ký tự.") % {"n": MAX_LINE}, code="too_long")
    return found


def _confirm_field(label):
    return forms.BooleanField(
        label=label,
        error_messages={"required": _("Vui lòng đánh dấu ô xác nhận trước khi thực hiện.")},
    )


def clean_identifier(value: str, *, label) -> str:
    """A national ID (12 digits) or a tax code (10 digits, or 13 with ``-NNN``), spaces and dots removed."""
    value = re.sub(r"[\s.]", "", value or "")
    if not value:
        return ""
    try:
        (validate_national_id if len(value) == 12 else validate_tax_code)(value)
    except ValidationError:
        raise ValidationError(
            _(
                "%(label)s: số định danh cá nhân phải gồm đúng 12 chữ số; mã số thuế gồm 10 chữ số "
                "(hoặc kèm -NNN)."
            )
            % {"label": label},
            code="invalid",
        ) from None
    return value


# --- Files ------------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PaperFilesField(forms.FileField):
    """Several files for one paper; each is checked by content (``files.validate_upload``): type, size,
    malware. Cleans to a list (empty when nothing was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        items = [item for item in items if item]
        if not items:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(items) > MAX_FILES:
            raise ValidationError(
                _("Tối đa %(n)s tệp cho mỗi giấy tờ.") % {"n": MAX_FILES}, code="too_many_files"
            )
        cleaned = []
        for item in items:
            item = super().clean(item, initial)
            try:
                validate_upload(item)
            except UploadRejected as exc:
                raise ValidationError(
                    _("Tệp “%(name)s”: %(reason)s") % {"name": item.name, "reason": " ".join(exc.messages)},
                    code=exc.code,
                ) from exc
            cleaned.append(item)
        return cleaned


# --- Inbox ------------------------------------------------------------------------------------


class InboxFilterForm(Form):
    """The filters of the inbox (a GET form: every list can be bookmarked and works without script)."""

    q = forms.CharField(
        label=_("Tra cứu hồ sơ"),
        required=False,
        max_length=100,
        help_text=_(
            "Mã hồ sơ, họ tên, số định danh cá nhân / mã số thuế hoặc số điện thoại của người nộp. Tra cứu "
            "trong mọi hồ sơ bạn được xem, ở mọi trạng thái."
        ),
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False)
    thu_tuc = forms.ChoiceField(label=_("Thủ tục"), required=False)
    han = forms.ChoiceField(
        label=_("Thời hạn"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            (inbox.RISK_LATE, _("Quá hạn")),
            (inbox.RISK_AT_RISK, _("Sắp đến hạn")),
            (inbox.RISK_ON_TRACK, _("Trong hạn")),
        ],
    )
    kenh = forms.ChoiceField(
        label=_("Kênh nộp"), required=False, choices=[("", _("Tất cả kênh")), *Channel.choices]
    )
    pham_vi = forms.ChoiceField(
        label=_("Phạm vi"),
        required=False,
        choices=[
            (inbox.SCOPE_CURRENT, _("Đang xử lý tại cơ quan")),
            (inbox.SCOPE_RECEIVED, _("Do cơ quan tiếp nhận")),
            (inbox.SCOPE_ALL, _("Tất cả hồ sơ tôi được xem")),
        ],
    )
    co_quan = forms.ChoiceField(label=_("Cơ quan"), required=False)
    sap_xep = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            (inbox.ORDER_DUE, _("Hạn trả kết quả gần nhất trước")),
            (inbox.ORDER_RECEIVED, _("Mới nhận trước")),
        ],
    )

    def __init__(self, *args, agencies=(), procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trang_thai"].choices = [
            (STATUS_OPEN, _("Đang giải quyết")),
            (STATUS_ALL, _("Tất cả trạng thái")),
            *((str(value), label) for value, label in Status.choices),
        ]
        self.fields["thu_tuc"].choices = [("", _("Tất cả thủ tục"))] + [
            (str(p.pk), f"{p.code} — {p.name}") for p in procedures
        ]
        self.fields["co_quan"].choices = [("", _("Tất cả cơ quan của tôi"))] + [
            (str(a.pk), a.name) for a in agencies
        ]
        if len(agencies) <= 1:
            self.fields["co_quan"].widget = forms.HiddenInput()

    def _value(self, name, default=""):
        if not self.is_bound or not self.is_valid() and name in self.errors:
            return default
        return self.cleaned_data.get(name) or default

    def filters(self) -> inbox.InboxFilters:
        """The ``InboxFilters`` of the valid fields (an invalid field falls back to its default)."""
        status = self._value("trang_thai", STATUS_OPEN)
        statuses = (
            inbox.InboxFilters().statuses
            if status == STATUS_OPEN
            else None
            if status == STATUS_ALL
            else frozenset({int(status)})
        )
        procedure = self._value("thu_tuc")
        agency = self._value("co_quan")
        return inbox.InboxFilters(
            statuses=statuses,
            procedure_id=int(procedure) if procedure else None,
            risk=self._value("han"),
            channel=self._value("kenh"),
            scope=self._value("pham_vi", inbox.SCOPE_CURRENT),
            agency_ids=frozenset({int(agency)}) if agency else None,
            query=self._value("q"),
        )

    def order(self) -> str:
        return self._value("sap_xep", inbox.ORDER_DUE)


# --- Counter intake -----------------------------------------------------------------------------


def _agency_choice(field, agencies) -> None:
    """One of the officer's agencies; the first when none is given, and no question at all when the
    officer has only one."""
    field.choices = [(str(a.pk), a.name) for a in agencies]
    field.required = False
    field.initial = str(agencies[0].pk) if agencies else ""
    if len(agencies) == 1:
        field.widget = forms.HiddenInput()


RELATION_SELF = "self"
RELATIONS = [
    (RELATION_SELF, _("Nộp cho bản thân")),
    ("parent_guardian", _("Nộp cho con hoặc người được giám hộ")),
    ("business_representative", _("Nộp cho doanh nghiệp, tổ chức mà người nộp là người đại diện")),
    ("authorised", _("Nộp theo ủy quyền của người khác")),
]


class IntakeApplicantForm(Form):
    """Who hands the dossier in at the counter, and whom they act for. ``co_quan`` is offered only when
    the officer receives for several agencies."""

    co_quan = forms.ChoiceField(label=_("Cơ quan tiếp nhận"))
    ho_ten = forms.CharField(
        label=_("Họ, chữ đệm và tên người nộp"),
        max_length=200,
        error_messages={"required": _("Vui lòng nhập họ tên người nộp hồ sơ.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    so_dinh_danh = forms.CharField(
        label=_("Số định danh cá nhân hoặc mã số thuế"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số của căn cước; doanh nghiệp: mã số thuế 10 chữ số (chi nhánh: kèm -NNN)."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "input--medium", "autocomplete": "off"}
        ),
    )
    gan_tai_khoan = forms.BooleanField(
        label=_("Gắn hồ sơ vào tài khoản dịch vụ công có số định danh này"),
        required=False,
        help_text=_(
            "Chỉ đánh dấu khi người nộp xác nhận có tài khoản: họ sẽ theo dõi, bổ sung hồ sơ và nhận kết quả "
            "trực tuyến."
        ),
    )
    dien_thoai = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        help_text=_("Ví dụ: 0912345678."),
        widget=forms.TextInput(attrs={"type": "tel", "class": "input--medium", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@example.com).")},
    )
    dia_chi = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=300, required=False)
    quan_he = forms.ChoiceField(
        label=_("Người nộp nộp hồ sơ cho ai?"),
        choices=RELATIONS,
        initial=RELATION_SELF,
        widget=forms.RadioSelect,
    )
    dai_dien_ho_ten = forms.CharField(
        label=_("Họ tên người (hoặc tên tổ chức) được đại diện"),
        max_length=300,
        required=False,
        help_text=_("Chỉ điền khi nộp thay."),
    )
    dai_dien_so_dinh_danh = forms.CharField(
        label=_("Số định danh cá nhân hoặc mã số thuế của người được đại diện"),
        max_length=20,
        required=False,
        help_text=_("Chỉ điền khi nộp thay. Bỏ trống nếu chưa có, ví dụ khi đăng ký khai sinh cho trẻ."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "input--medium", "autocomplete": "off"}
        ),
    )
    ma_chong_trung = forms.CharField(widget=forms.HiddenInput, max_length=80)
    # Shown only when a probable duplicate was found (views.intake_form): the officer confirms.
    van_tiep_nhan = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là một hồ sơ mới, vẫn tiếp nhận"),
        required=False,
    )

    service_error_fields = {
        "applicant_name": "ho_ten",
        "applicant_national_id": "so_dinh_danh",
        "applicant_email": "email",
        "too_long": None,
    }

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        _agency_choice(self.fields["co_quan"], agencies)

    def clean_co_quan(self):
        return self.cleaned_data["co_quan"] or self.fields["co_quan"].initial

    def clean_ho_ten(self):
        return " ".join(self.cleaned_data["ho_ten"].split())

    def clean_so_dinh_danh(self):
        return clean_identifier(self.cleaned_data["so_dinh_danh"], label=_("Số định danh của người nộp"))

    def clean_dai_dien_so_dinh_danh(self):
        return clean_identifier(
            self.cleaned_data["dai_dien_so_dinh_danh"], label=_("Số định danh của người được đại diện")
        )

    def clean_dien_thoai(self):
        phone = inbox.normalise_phone(self.cleaned_data["dien_thoai"])
        if phone and not PHONE_RE.fullmatch(phone):
            raise ValidationError(
                _("Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 (ví dụ: 0912345678)."), code="invalid"
            )
        return phone

    def clean(self):
        data = super().clean()
        relation = data.get("quan_he")
        if relation and relation != RELATION_SELF:
            if not data.get("dai_dien_ho_ten", "").strip():
                self.add_error(
                    "dai_dien_ho_ten", _("Vui lòng nhập họ tên người (hoặc tên tổ chức) được đại diện.")
                )
            represented_id = data.get("dai_dien_so_dinh_danh", "")
            if relation == "business_representative" and (not represented_id or len(represented_id) == 12):
                self.add_error(
                    "dai_dien_so_dinh_danh",
                    _("Vui lòng nhập mã số thuế của doanh nghiệp, tổ chức được đại diện."),
                )
            if relation == "authorised" and len(represented_id) != 12:
                self.add_error(
                    "dai_dien_so_dinh_danh",
                    _("Vui lòng nhập số định danh cá nhân (12 chữ số) của người ủy quyền."),
                )
        if data.get("gan_tai_khoan") and len(data.get("so_dinh_danh") or "") != 12:
            self.add_error(
                "gan_tai_khoan",
                _("Chỉ gắn được vào tài khoản khi có số định danh cá nhân 12 chữ số của người nộp."),
            )
        return data

    def applicant_details(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["ho_ten"],
            "national_id": data["so_dinh_danh"],
            "phone": data["dien_thoai"],
            "email": data["email"],
            "address": data["dia_chi"].strip(),
        }

    def acting_for(self) -> dict | None:
        """What the dossier records about the person represented (the portal's keys), None for oneself."""
        data = self.cleaned_data
        relation = data["quan_he"]
        if relation == RELATION_SELF:
            return None
        identifier = data["dai_dien_so_dinh_danh"]
        payload = {
            "relation": relation,
            "relation_label": str(dict(RELATIONS)[relation]),
            "full_name": " ".join(data["dai_dien_ho_ten"].split()),
        }
        if identifier:
            payload["tax_code" if len(identifier) != 12 else "national_id"] = identifier
        return payload


class IntakePapersForm(Form):
    """One file input per paper of the procedure version (several files each), plus other papers."""

    OTHER = "giay_to_khac"

    def __init__(self, *args, papers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.papers = {}
        for paper in papers:
            name = f"giay_to__{paper.code}"
            self.papers[name] = paper
            self.fields[name] = PaperFilesField(
                label=paper.name,
                help_text=_("Bản chụp hoặc bản quét (PDF, JPEG, PNG). Có thể chọn nhiều tệp."),
            )
        self.fields[self.OTHER] = PaperFilesField(
            label=_("Giấy tờ khác (nếu có)"),
            help_text=_("Giấy tờ người nộp mang đến ngoài danh mục trên."),
        )

    def uploads(self):
        """(required paper code, paper name, file) of every file chosen."""
        found = []
        for name, files in self.cleaned_data.items():
            paper = self.papers.get(name)
            for item in files:
                found.append((paper.code if paper else "", paper.name if paper else item.name, item))
        return found


# --- Actions on a dossier ---------------------------------------------------------------------


class ConfirmForm(Form):
    """An action with nothing to fill in but the button."""


class AcceptForm(Form):
    ghi_chu = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupplementRequestForm(Form):
    noi_dung = _lines_field(
        _("Giấy tờ, nội dung cần bổ sung"),
        _("Mỗi dòng một nội dung. Theo quy định chỉ yêu cầu bổ sung một lần: hãy liệt kê đầy đủ."),
        _("Vui lòng liệt kê ít nhất một giấy tờ hoặc nội dung cần bổ sung."),
    )
    ly_do = forms.CharField(
        label=_("Lý do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng nêu lý do yêu cầu bổ sung.")},
    )
    service_error_fields = {"items_required": "noi_dung", "supplement_once": None}

    def clean_noi_dung(self):
        return _clean_lines(
            self.cleaned_data["noi_dung"],
            _("Vui lòng liệt kê ít nhất một giấy tờ hoặc nội dung cần bổ sung."),
        )


class RefuseForm(Form):
    ly_do = _lines_field(
        _("Lý do từ chối tiếp nhận"),
        _("Mỗi dòng một lý do; các lý do được ghi trên phiếu từ chối (mẫu 03)."),
        _("Vui lòng nêu rõ ít nhất một lý do từ chối tiếp nhận hồ sơ."),
    )
    xac_nhan = _confirm_field(_("Tôi xác nhận từ chối tiếp nhận hồ sơ này."))
    service_error_fields = {"reason_required": "ly_do"}

    def clean_ly_do(self):
        return _clean_lines(
            self.cleaned_data["ly_do"], _("Vui lòng nêu rõ ít nhất một lý do từ chối tiếp nhận hồ sơ.")
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
            list_id = f"{context['widget']['attrs'].get('id') or name}_goi_y"
            context["widget"]["attrs"]["list"] = list_id
            context["widget"]["list_id"] = list_id
            context["widget"]["suggestions"] = self.suggestions
        return context


def unit_choices(units) -> list[tuple[str, str]]:
    """Choices of a unit select from ``agencies.services.agency_tree``: indented by depth, with the code."""
    return [(str(agency.pk), f"{'— ' * depth}{agency.name} ({agency.code})") for agency, depth in units]


class HandOverUnitForm(Form):
    """Step one of a hand-over (a GET form): which unit of the agency tree receives the dossier. Choosing
    it lists that unit's people in step two."""

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

    don_vi = forms.ChoiceField(
        label=_("Đơn vị nhận"),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Vui lòng chọn đơn vị nhận hồ sơ."),
            "invalid_choice": _("Đơn vị đã chọn không còn trong danh sách; vui lòng chọn lại."),
        },
    )
    nguoi_nhan = forms.ChoiceField(
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
    ten_buoc = forms.CharField(
        label=_("Bước xử lý"),
        max_length=200,
        help_text=_("Chọn một bước gợi ý hoặc ghi bước khác, ví dụ: Thẩm định hồ sơ."),
        error_messages={"required": _("Vui lòng ghi tên bước xử lý.")},
    )
    so_gio = WorkingHoursField(
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
    ghi_chu = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    service_error_fields = {
        "step_name": "ten_buoc",
        "allotted_hours": "so_gio",
        "agency_not_in_force": "don_vi",
        "received_by": "nguoi_nhan",
    }

    def __init__(self, *args, units=(), receivers=(), steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._units = {str(agency.pk): agency for agency, _depth in units}
        self._receivers = {str(person.pk): person for person in receivers}
        self.fields["don_vi"].choices = unit_choices(units)
        self.fields["nguoi_nhan"].choices = [(QUEUE, _("Hàng chờ của đơn vị (không giao đích danh)"))] + [
            (str(person.pk), person.get_full_name()) for person in receivers
        ]
        self.fields["ten_buoc"].widget = SuggestionsInput(suggestions=steps)

    def clean_don_vi(self):
        return self._units[self.cleaned_data["don_vi"]]

    def clean_nguoi_nhan(self):
        value = self.cleaned_data.get("nguoi_nhan") or QUEUE
        return self._receivers.get(value) if value != QUEUE else None


class ProvideSupplementForm(Form):
    tep = PaperFilesField(
        label=_("Giấy tờ bổ sung"),
        help_text=_("Bản chụp hoặc bản quét (PDF, JPEG, PNG). Có thể chọn nhiều tệp."),
    )
    ghi_chu = forms.CharField(
        label=_("Nội dung bổ sung, ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: đã nhận bản chính giấy chứng sinh."),
    )
    service_error_fields = {"supplement_empty": "tep"}

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("tep") and not data.get("ghi_chu", "").strip():
            self.add_error("tep", _("Vui lòng tải lên giấy tờ bổ sung hoặc ghi nội dung bổ sung."))
        return data


class RequestPaymentForm(Form):
    so_tien = forms.IntegerField(
        label=_("Số tiền (đồng)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "input--medium", "inputmode": "numeric"}),
        error_messages={
            "required": _("Vui lòng nhập số tiền."),
            "invalid": _("Số tiền phải là số nguyên (đồng)."),
            "min_value": _("Số tiền phải lớn hơn 0."),
        },
    )
    ghi_chu = forms.CharField(
        label=_("Nội dung (phí, lệ phí, thuế…)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    service_error_fields = {"amount": "so_tien"}


class RecordPaymentForm(Form):
    so_bien_lai = forms.CharField(
        label=_("Số biên lai, mã giao dịch"),
        max_length=200,
        error_messages={"required": _("Vui lòng nhập số biên lai hoặc mã giao dịch.")},
    )
    so_tien = forms.IntegerField(
        label=_("Số tiền đã nộp (đồng)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "input--medium", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Số tiền phải là số nguyên (đồng)."),
            "min_value": _("Số tiền phải lớn hơn 0."),
        },
    )
    service_error_fields = {"amount": "so_tien"}


class ResultReadyForm(Form):
    tep_ket_qua = PaperFilesField(
        label=_("Tệp kết quả giải quyết"),
        help_text=_("Bản điện tử của kết quả đã ký (PDF, JPEG, PNG). Cần có để trả kết quả trực tuyến."),
    )
    noi_dung = forms.CharField(
        label=_("Nội dung kết quả"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: Giấy khai sinh số 12/2026, quyển số 01."),
    )
    service_error_fields = {"result_empty": "tep_ket_qua"}

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("tep_ket_qua") and not data.get("noi_dung", "").strip():
            self.add_error(
                "tep_ket_qua", _("Vui lòng đính kèm kết quả giải quyết hoặc ghi nội dung kết quả.")
            )
        return data


class ReturnResultForm(Form):
    hinh_thuc = forms.ChoiceField(
        label=_("Hình thức trả kết quả"),
        choices=ReturnMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn hình thức trả kết quả.")},
    )
    ghi_chu = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: người nhận, số vận đơn bưu chính."),
    )
    service_error_fields = {"return_method": "hinh_thuc", "no_result_file": "hinh_thuc"}


class StopForm(Form):
    ly_do = forms.CharField(
        label=_("Lý do dừng giải quyết"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Được ghi trên thông báo dừng giải quyết hồ sơ (mẫu 05)."),
        error_messages={"required": _("Vui lòng nêu lý do dừng giải quyết hồ sơ.")},
    )
    xac_nhan = _confirm_field(_("Tôi xác nhận dừng giải quyết hồ sơ này."))
    service_error_fields = {"reason_required": "ly_do"}


class WithdrawForm(Form):
    ly_do = forms.CharField(
        label=_("Lý do rút hồ sơ (theo văn bản đề nghị của người nộp)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Vui lòng nêu lý do rút hồ sơ.")},
    )
    xac_nhan = _confirm_field(_("Người nộp đã có văn bản đề nghị rút hồ sơ; tôi xác nhận rút hồ sơ này."))
    service_error_fields = {"reason_required": "ly_do"}


class ExtendForm(Form):
    ngay_hen_moi = forms.DateField(
        label=_("Ngày hẹn trả kết quả mới"),
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.TextInput(
            attrs={"class": "input--medium", "inputmode": "numeric", "placeholder": "dd/mm/yyyy"}
        ),
        error_messages={
            "required": _("Vui lòng nhập ngày hẹn trả kết quả mới."),
            "invalid": _("Ngày hẹn trả mới không hợp lệ (dd/mm/yyyy)."),
        },
    )
    ly_do = forms.CharField(
        label=_("Lý do chậm giải quyết"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Được ghi trong văn bản xin lỗi và đề nghị gia hạn (mẫu 04) gửi người nộp."),
        error_messages={"required": _("Vui lòng nêu lý do chậm giải quyết hồ sơ.")},
    )
    service_error_fields = {
        "reason_required": "ly_do",
        "not_later": "ngay_hen_moi",
        "not_working_day": "ngay_hen_moi",
        "bad_date": "ngay_hen_moi",
    }

    def clean_ngay_hen_moi(self):
        day = self.cleaned_data["ngay_hen_moi"]
        if day < timezone.localdate():
            raise ValidationError(_("Ngày hẹn trả mới không được trước ngày hôm nay."), code="past")
        return day


# --- Logbook ---------------------------------------------------------------------------------


class LogbookForm(Form):
    co_quan = forms.ChoiceField(label=_("Cơ quan tiếp nhận"))
    tu_ngay = forms.DateField(
        label=_("Từ ngày"),
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.TextInput(
            attrs={"class": "input--medium", "inputmode": "numeric", "placeholder": "dd/mm/yyyy"}
        ),
        error_messages={
            "required": _("Vui lòng nhập ngày bắt đầu."),
            "invalid": _("Ngày bắt đầu không hợp lệ (dd/mm/yyyy)."),
        },
    )
    den_ngay = forms.DateField(
        label=_("Đến ngày"),
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.TextInput(
            attrs={"class": "input--medium", "inputmode": "numeric", "placeholder": "dd/mm/yyyy"}
        ),
        error_messages={
            "required": _("Vui lòng nhập ngày kết thúc."),
            "invalid": _("Ngày kết thúc không hợp lệ (dd/mm/yyyy)."),
        },
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        _agency_choice(self.fields["co_quan"], agencies)

    def clean_co_quan(self):
        return self.cleaned_data["co_quan"] or self.fields["co_quan"].initial

    def clean(self):
        data = super().clean()
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end:
            if end < start:
                self.add_error("den_ngay", _("Ngày kết thúc không được trước ngày bắt đầu."))
            elif end - start > timedelta(days=LOGBOOK_MAX_DAYS - 1):
                self.add_error("den_ngay", _("Mỗi lần xem tối đa %(n)s ngày.") % {"n": LOGBOOK_MAX_DAYS})
        return data
