"""The forms of counter intake: who hands the dossier in and whom they act for
(``IntakeApplicantForm``), and the scanned papers, one file input per paper of the procedure version
(``IntakePapersForm``). The procedure's own form is drawn and read by the form engine."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import inbox
from .base import Form, PaperFilesField, agency_choice, clean_identifier

PHONE_RE = re.compile(r"0[0-9]{9,10}")

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
    # Shown only when a probable duplicate was found (views.counter_intake.intake_form): the officer confirms.
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
        agency_choice(self.fields["co_quan"], agencies)

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
