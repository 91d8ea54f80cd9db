"""The forms of the work-file pages (shapes only; ``documents.workfiles`` decides the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessCondition, WorkFileStatus


class WorkFileForm(forms.Form):
    code = forms.CharField(label=_("Số và ký hiệu hồ sơ"), max_length=30, help_text=_("Ví dụ 05.VP."))
    title = forms.CharField(
        label=_("Tiêu đề hồ sơ"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.TypedChoiceField(label=_("Người lập hồ sơ"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Đơn vị lập hồ sơ"), coerce=int, required=False, empty_value=None)
    permanent = forms.BooleanField(label=_("Bảo quản vĩnh viễn"), required=False)
    retention_years = forms.IntegerField(
        label=_("Thời hạn bảo quản (năm)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Bỏ trống nếu bảo quản vĩnh viễn."),
    )
    language = forms.CharField(label=_("Ngôn ngữ"), max_length=100, initial="Tiếng Việt")
    access = forms.ChoiceField(label=_("Chế độ sử dụng"), choices=AccessCondition.choices)
    access_note = forms.CharField(label=_("Lý do hạn chế"), max_length=300, required=False)
    keywords = forms.CharField(label=_("Từ khóa"), max_length=300, required=False)
    notes = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, staff=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [
            (p.pk, getattr(p, "full_name", "") or p.get_username()) for p in staff
        ]
        self.fields["unit"].choices = [("", _("Chính cơ quan"))] + [(u.pk, u.name) for u in units]

    @classmethod
    def initial_of(cls, work_file) -> dict:
        """What the edit page shows of ``work_file``."""
        initial = {
            name: getattr(work_file, name) for name in cls.base_fields if name not in ("responsible", "unit")
        }
        initial.update(responsible=work_file.responsible_id, unit=work_file.unit_id)
        return initial


class ListFilterForm(forms.Form):
    nam = forms.IntegerField(label=_("Năm"), min_value=1990, max_value=2100, required=False)
    trang_thai = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Tất cả"))] + WorkFileStatus.choices, required=False
    )


class FileDocumentForm(forms.Form):
    document = forms.ChoiceField(label=_("Văn bản"))

    def __init__(self, *args, incoming=(), outgoing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [
            (
                _("Văn bản đến"),
                [
                    (f"den-{d.pk}", f"{d.arrival_number} — {d.number_symbol}: {d.summary[:80]}")
                    for d in incoming
                ],
            ),
            (_("Văn bản đi"), [(f"di-{d.pk}", f"{d.number_symbol}: {d.summary[:80]}") for d in outgoing]),
        ]


class ArchiveForm(forms.Form):
    sheet_count = forms.IntegerField(label=_("Số lượng tờ"), min_value=1)
    page_count = forms.IntegerField(label=_("Số lượng trang"), min_value=1)
    physical_condition = forms.CharField(
        label=_("Tình trạng vật lý"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: bình thường, ố vàng."),
    )
    keywords = forms.CharField(label=_("Từ khóa"), max_length=300, required=False)
