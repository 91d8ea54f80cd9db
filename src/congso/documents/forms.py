"""The officers' forms of the documents pages. They check shapes only; services decide the rest."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentType, Secrecy, Urgency

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def document_type_field() -> forms.ChoiceField:
    """The type of a document the officer registers or drafts. It starts on a prompt, not on the first
    type: a preselected type was registered whenever the officer forgot to choose, and the type decides
    the register's numbering and the document's form."""
    return forms.ChoiceField(
        label=_("Loại văn bản"),
        choices=[("", _("— Chọn loại văn bản —")), *DocumentType.choices],
        error_messages={"required": _("Vui lòng chọn loại văn bản.")},
    )


class IncomingForm(forms.Form):
    sender_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=300)
    sender_code = forms.CharField(
        label=_("Mã định danh cơ quan gửi"),
        max_length=20,
        required=False,
        help_text=_("Mã định danh điện tử, ví dụ 000.00.12.H08, nếu biết."),
    )
    number_symbol = forms.CharField(
        label=_("Số, ký hiệu"), max_length=100, help_text=_("Ví dụ 125/STP-HCTP.")
    )
    document_type = document_type_field()
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE)
    summary = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 3}))
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, required=False)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, required=False)
    deadline = forms.DateField(label=_("Hạn xử lý"), widget=DATE, required=False)
    scan = forms.FileField(label=_("Bản quét (PDF)"), help_text=_("Tệp PDF, tối đa 20 MB."))


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Người chủ trì xử lý"), coerce=int)
    cooperating = forms.TypedMultipleChoiceField(
        label=_("Người phối hợp"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(label=_("Hạn xử lý"), widget=DATE, required=False)
    opinion = forms.CharField(
        label=_("Ý kiến chỉ đạo"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(person.pk, getattr(person, "full_name", "") or person.get_username()) for person in staff]
        self.fields["assignee"].choices = choices
        self.fields["cooperating"].choices = choices


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))


class DraftForm(forms.Form):
    document_type = document_type_field()
    summary = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 2}))
    drafting_unit = forms.CharField(
        label=_("Đơn vị soạn thảo (viết tắt)"),
        max_length=20,
        required=False,
        help_text=_("Dùng trong ký hiệu công văn, ví dụ “VP”."),
    )
    content = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("Để trống khi tạo mới: lấy mẫu theo loại văn bản."),
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, required=False)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, required=False)


# An agency's electronic identifier code (QCVN 102:2016 / Decision 20/2020): e.g. 000.00.02.H08.
ORGAN_CODE = re.compile(r"^[0-9A-Z][0-9A-Z.]{2,19}$")


class RecipientsForm(forms.Form):
    agencies = forms.TypedMultipleChoiceField(
        label=_("Cơ quan nhận (gửi điện tử)"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    others = forms.CharField(
        label=_("Nơi nhận khác (gửi giấy)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một nơi nhận."),
    )
    remote = forms.CharField(
        label=_("Cơ quan ngoài hệ thống (gửi điện tử qua LGSP hoặc trục liên thông quốc gia)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng: mã định danh; tên cơ quan — ví dụ 000.00.00.G22; Bộ Nội vụ."),
    )

    def __init__(self, *args, agency_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = agency_choices

    def clean_remote(self) -> list[dict]:
        """``[{"organ_code", "name"}]`` from the lines ``code; name``."""
        rows = []
        for number, line in enumerate(self.cleaned_data["remote"].splitlines(), start=1):
            if not line.strip():
                continue
            code, _sep, name = (part.strip() for part in line.partition(";"))
            if not ORGAN_CODE.fullmatch(code) or not name:
                raise forms.ValidationError(
                    _("Dòng %(n)s: cần “mã định danh; tên cơ quan”, mã gồm chữ in hoa, số và dấu chấm.")
                    % {"n": number}
                )
            rows.append({"organ_code": code, "name": name[:300]})
        return rows


class SubmitForm(forms.Form):
    approvers = forms.TypedMultipleChoiceField(
        label=_("Người duyệt trước (theo thứ tự danh sách)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    signer = forms.TypedChoiceField(label=_("Người ký"), coerce=int)

    def __init__(self, *args, reviewers=(), leaders=(), **kwargs):
        super().__init__(*args, **kwargs)

        def label(person):
            return getattr(person, "full_name", "") or person.get_username()

        self.fields["approvers"].choices = [(p.pk, label(p)) for p in reviewers]
        self.fields["signer"].choices = [(p.pk, label(p)) for p in leaders]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Ý kiến"),
        choices=[("approve", _("Đồng ý")), ("return", _("Trả lại"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Số, ký hiệu, trích yếu, cơ quan"), required=False, max_length=200)
    loai = forms.ChoiceField(
        label=_("Loại văn bản"), choices=[("", _("Tất cả"))] + DocumentType.choices, required=False
    )
    tu_ngay = forms.DateField(label=_("Từ ngày"), widget=DATE, required=False)
    den_ngay = forms.DateField(label=_("Đến ngày"), widget=DATE, required=False)


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Tệp PDF đã ký số"), help_text=_("Tệp PDF, tối đa 20 MB."))


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nơi nhận thấy lý do này cùng đề nghị thu hồi."),
    )


class RecallAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Trả lời đề nghị thu hồi"),
        choices=[("agree", _("Đồng ý thu hồi")), ("refuse", _("Từ chối thu hồi"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Ý kiến"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi từ chối."),
    )


class ResultDraftForm(forms.Form):
    """The document that will be a dossier's result (documents.results.draft_result)."""

    document_type = forms.ChoiceField(
        label=_("Loại văn bản"), choices=DocumentType.choices, initial=DocumentType.DECISION
    )
    summary = forms.CharField(
        label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False
    )
