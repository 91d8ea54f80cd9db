"""Forms of the catalog: the citizen's search form and the admin's import upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from congso.agencies import services as agency_services

from .models import Field, OnlineMode, ProcedureLevel


class SearchForm(forms.Form):
    """GET form of the procedure search. Invalid filter values are reported and then ignored."""

    q = forms.CharField(
        label=_("Tên hoặc mã thủ tục"),
        required=False,
        max_length=200,
        help_text=_("Ví dụ: đăng ký khai sinh, chứng thực, 1.001193. Có thể gõ không dấu."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    field = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        required=False,
        queryset=Field.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Tất cả lĩnh vực"),
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan thực hiện"),
        required=False,
        queryset=agency_services.agencies_by_name([]),
        to_field_name="code",
        empty_label=_("Tất cả cơ quan"),
    )
    level = forms.ChoiceField(
        label=_("Cấp thực hiện"),
        required=False,
        choices=[("", _("Tất cả các cấp")), *ProcedureLevel.choices],
    )
    online_mode = forms.ChoiceField(
        label=_("Hình thức dịch vụ công trực tuyến"),
        required=False,
        choices=[("", _("Tất cả")), *OnlineMode.choices],
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agency_services.agencies_by_name(a.pk for a in agencies)

    def options(self, name: str) -> list[tuple[str, str, bool]]:
        """``(value, label, selected)`` of a select field. The search page renders its selects from these
        rather than through widget templates, which cost several milliseconds per page."""
        field = self.fields[name]
        current = self.data.get(name, "") if self.is_bound else ""
        if isinstance(field, forms.ModelChoiceField):
            # Plain evaluation: iterating field.choices opens a server-side cursor on PostgreSQL.
            choices = [("", field.empty_label)] + [
                (getattr(obj, field.to_field_name), str(obj)) for obj in field.queryset
            ]
        else:
            choices = field.choices
        return [(str(value), str(label), str(value) == current) for value, label in choices]

    def filters(self) -> dict:
        """The valid filters as keyword arguments of ``services.search``."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {
            "field": data.get("field"),
            "agency": data.get("agency"),
            "level": data.get("level") or None,
            "online_mode": data.get("online_mode") or None,
        }

    def has_filters(self) -> bool:
        return any(self.filters().values())


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh mục (.json hoặc .xlsx)"),
        help_text=_(
            "Định dạng được mô tả trong docs/catalog-format.md. Hệ thống kiểm tra toàn bộ tệp trước; "
            "chỉ nhập khi không có lỗi nào."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".json") or name.endswith(".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .json hoặc .xlsx."))
        return upload
