"""The catalogue's forms: register a system, register a service (with its OpenAPI upload), upload a new
version, grant access. Each checks its input and explains a refusal in Vietnamese; the change itself is
made by ``lgsp.services``."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import openapi
from .models import System, SystemGroup, validate_code


class SystemForm(forms.Form):
    owner_agency = forms.ModelChoiceField(label=_("Cơ quan chủ quản"), queryset=None, empty_label=None)
    code = forms.CharField(
        label=_("Mã hệ thống"),
        max_length=50,
        validators=[validate_code],
        help_text=_("Chữ cái không dấu, chữ số, '-' hoặc '_'; xuất hiện trong địa chỉ gọi qua LGSP."),
    )
    name = forms.CharField(label=_("Tên hệ thống"), max_length=300)
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    serves_public = forms.BooleanField(label=_("Hệ thống phục vụ người dân, doanh nghiệp"), required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies


class OpenAPIUploadForm(forms.Form):
    openapi_file = forms.FileField(
        label=_("Tài liệu OpenAPI (JSON)"),
        help_text=_("Tệp JSON theo OpenAPI 3.0 hoặc 3.1, tối đa 2 MB."),
    )

    def clean_openapi_file(self):
        upload = self.cleaned_data["openapi_file"]
        if upload.size > openapi.MAX_BYTES:
            raise forms.ValidationError(_("Tệp OpenAPI quá lớn (tối đa 2 MB)."))
        try:
            self.document = openapi.parse(upload.read())
        except openapi.OpenAPIError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


class ServiceForm(OpenAPIUploadForm):
    code = forms.CharField(label=_("Mã dịch vụ"), max_length=50, validators=[validate_code])
    name = forms.CharField(label=_("Tên dịch vụ"), max_length=300)
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    upstream_url = forms.URLField(
        label=_("Địa chỉ máy chủ cung cấp"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Địa chỉ gốc mà cổng LGSP chuyển tiếp yêu cầu tới."),
    )
    health_path = forms.RegexField(
        label=_("Đường dẫn kiểm tra tình trạng"),
        regex=r"^/[A-Za-z0-9._~/-]{0,199}$",
        max_length=200,
        required=False,
        help_text=_(
            "Đường dẫn (sau địa chỉ máy chủ cung cấp) trả lời 2xx khi dịch vụ hoạt động, ví dụ /health; "
            "để trống thì kiểm tra chính địa chỉ máy chủ."
        ),
    )

    field_order = ["code", "name", "description", "upstream_url", "health_path", "openapi_file"]


class GrantForm(forms.Form):
    system = forms.ModelChoiceField(
        label=_("Hệ thống được cấp quyền"), queryset=None, required=False, empty_label=_("— chọn hệ thống —")
    )
    group = forms.ModelChoiceField(
        label=_("hoặc nhóm hệ thống"), queryset=None, required=False, empty_label=_("— không chọn nhóm —")
    )
    endpoint = forms.ChoiceField(label=_("Phạm vi"), required=False)
    valid_to = forms.DateField(
        label=_("Hiệu lực đến hết ngày"),
        required=False,
        help_text=_("Để trống nếu quyền không có thời hạn. Định dạng ngày/tháng/năm."),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = System.objects.select_related("member").exclude(status="retired")
        self.fields["group"].queryset = SystemGroup.objects.all()
        choices = [("", _("Toàn bộ dịch vụ"))]
        if service.current_version is not None:
            choices += [
                (f"{e.method} {e.path}", f"{e.method} {e.path}")
                for e in service.current_version.endpoints.all()
            ]
        self.fields["endpoint"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("system")) == bool(cleaned.get("group")):
            raise forms.ValidationError(_("Hãy chọn đúng một hệ thống hoặc một nhóm hệ thống."))
        valid_to = cleaned.get("valid_to")
        if valid_to is not None:
            if valid_to < timezone.localdate():
                self.add_error("valid_to", _("Ngày hết hiệu lực không được ở quá khứ."))
            else:
                # Valid to the end of that day, local time.
                cleaned["valid_until"] = timezone.make_aware(datetime.combine(valid_to, time.max))
        method, _sep, path = (cleaned.get("endpoint") or "").partition(" ")
        cleaned["method"], cleaned["path"] = method, path
        return cleaned
