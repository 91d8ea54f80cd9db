"""The forms of counter intake: who hands the dossier in and whom they act for
(``IntakeApplicantForm``), and the scanned papers, one file input per paper of the procedure version
(``IntakePapersForm``). The procedure's own form is drawn and read by the form engine."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import inbox
from .base import Form, PaperFilesField, agency_choice, clean_identifier, identifier_field

PHONE_RE = re.compile(r"0[0-9]{9,10}")

RELATION_SELF = "self"
RELATIONS = [
    (RELATION_SELF, _("Nộp cho bản thân")),
    ("parent_guardian", _("Nộp cho con hoặc người được giám hộ")),
    ("business_representative", _("Nộp cho doanh nghiệp, tổ chức mà người nộp là người đại diện")),
    ("authorised", _("Nộp theo ủy quyền của người khác")),
]


class IntakeApplicantForm(Form):
    """Who hands the dossier in at the counter, and whom they act for. ``agency`` is offered only when
    the officer receives for several agencies."""

    agency = forms.ChoiceField(label=_("Cơ quan tiếp nhận"))
    name = forms.CharField(
        label=_("Họ, chữ đệm và tên người nộp"),
        max_length=200,
        error_messages={"required": _("Vui lòng nhập họ tên người nộp hồ sơ.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    national_id = identifier_field(
        _("Số định danh cá nhân hoặc mã số thuế"),
        _("12 chữ số của căn cước; doanh nghiệp: mã số thuế 10 chữ số (chi nhánh: kèm -NNN)."),
    )
    link_account = forms.BooleanField(
        label=_("Gắn hồ sơ vào tài khoản dịch vụ công có số định danh này"),
        required=False,
        help_text=_(
            "Chỉ đánh dấu khi người nộp xác nhận có tài khoản: họ sẽ theo dõi, bổ sung hồ sơ và nhận kết quả "
            "trực tuyến."
        ),
    )
    phone = forms.CharField(
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
    address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=300, required=False)
    relation = forms.ChoiceField(
        label=_("Người nộp nộp hồ sơ cho ai?"),
        choices=RELATIONS,
        initial=RELATION_SELF,
        widget=forms.RadioSelect,
    )
    representative_name = forms.CharField(
        label=_("Họ tên người (hoặc tên tổ chức) được đại diện"),
        max_length=300,
        required=False,
        help_text=_("Chỉ điền khi nộp thay."),
    )
    representative_national_id = identifier_field(
        _("Số định danh cá nhân hoặc mã số thuế của người được đại diện"),
        _("Chỉ điền khi nộp thay. Bỏ trống nếu chưa có, ví dụ khi đăng ký khai sinh cho trẻ."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    # Shown only when a probable duplicate was found (views.counter_intake.intake_form): the officer confirms.
    confirm_not_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là một hồ sơ mới, vẫn tiếp nhận"),
        required=False,
    )

    service_error_fields = {
        "applicant_name": "name",
        "applicant_national_id": "national_id",
        "applicant_email": "email",
        "too_long": None,
    }

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        agency_choice(self.fields["agency"], agencies)

    def clean_agency(self):
        return self.cleaned_data["agency"] or self.fields["agency"].initial

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_national_id(self):
        return clean_identifier(self.cleaned_data["national_id"], label=_("Số định danh của người nộp"))

    def clean_representative_national_id(self):
        return clean_identifier(
            self.cleaned_data["representative_national_id"], label=_("Số định danh của người được đại diện")
        )

    def clean_phone(self):
        phone = inbox.normalise_phone(self.cleaned_data["phone"])
        if phone and not PHONE_RE.fullmatch(phone):
            raise ValidationError(
                _("Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 (ví dụ: 0912345678)."), code="invalid"
            )
        return phone

    def clean(self):
        data = super().clean()
        relation = data.get("relation")
        if relation and relation != RELATION_SELF:
            if not data.get("representative_name", "").strip():
                self.add_error(
                    "representative_name", _("Vui lòng nhập họ tên người (hoặc tên tổ chức) được đại diện.")
                )
            represented_id = data.get("representative_national_id", "")
            if relation == "business_representative" and (not represented_id or len(represented_id) == 12):
                self.add_error(
                    "representative_national_id",
                    _("Vui lòng nhập mã số thuế của doanh nghiệp, tổ chức được đại diện."),
                )
            if relation == "authorised" and len(represented_id) != 12:
                self.add_error(
                    "representative_national_id",
                    _("Vui lòng nhập số định danh cá nhân (12 chữ số) của người ủy quyền."),
                )
        if data.get("link_account") and len(data.get("national_id") or "") != 12:
            self.add_error(
                "link_account",
                _("Chỉ gắn được vào tài khoản khi có số định danh cá nhân 12 chữ số của người nộp."),
            )
        return data

    def applicant_details(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "national_id": data["national_id"],
            "phone": data["phone"],
            "email": data["email"],
            "address": data["address"].strip(),
        }

    def acting_for(self) -> dict | None:
        """What the dossier records about the person represented (the portal's keys), None for oneself."""
        data = self.cleaned_data
        relation = data["relation"]
        if relation == RELATION_SELF:
            return None
        identifier = data["representative_national_id"]
        payload = {
            "relation": relation,
            "relation_label": str(dict(RELATIONS)[relation]),
            "full_name": " ".join(data["representative_name"].split()),
        }
        if identifier:
            payload["tax_code" if len(identifier) != 12 else "national_id"] = identifier
        return payload


class IntakePapersForm(Form):
    """One file input per paper of the procedure version (several files each), plus other papers. The
    inputs are named ``file-<paper code>`` and ``other-files``: a hyphen never occurs in the names of the
    procedure's form fields (``formengine``), posted on the same page."""

    OTHER = "other-files"

    def __init__(self, *args, papers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.papers = {}
        for paper in papers:
            name = f"file-{paper.code}"
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
