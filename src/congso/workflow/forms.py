"""Forms of the workflow block's admin pages."""

from django import forms
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _

from . import bpmn
from .errors import format_error


class ProcessUploadForm(forms.Form):
    """Upload a BPMN file as the next version of a process. The file is checked when the form is
    cleaned; each problem becomes one error line "Dòng N: …" under the file field."""

    key = forms.CharField(
        label=_("Mã quy trình"),
        max_length=100,
        validators=[validate_slug],
        help_text=_(
            "Chữ thường không dấu, số và dấu gạch ngang; ví dụ chung-thuc-ban-sao. "
            "Mã đã có thì tệp trở thành phiên bản tiếp theo."
        ),
    )
    name = forms.CharField(
        label=_("Tên quy trình"),
        max_length=300,
        required=False,
        help_text=_("Bắt buộc khi tạo quy trình mới."),
    )
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    file = forms.FileField(
        label=_("Tệp BPMN 2.0 (.bpmn, .xml)"),
        help_text=_("Vẽ bằng bpmn.io, Camunda Modeler hoặc công cụ BPMN 2.0 bất kỳ."),
    )
    activate = forms.BooleanField(label=_("Dùng ngay cho hồ sơ mới"), required=False, initial=True)
    note = forms.CharField(label=_("Ghi chú phiên bản"), max_length=500, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > bpmn.MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 2 MB)."))
        data = upload.read()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Tệp phải được mã hóa UTF-8.")) from exc
        outcome = bpmn.validate(data)
        if not outcome.ok:
            raise forms.ValidationError([format_error(line, message) for line, message in outcome.errors])
        self.xml = data.decode("utf-8")
        return upload


class MigrationConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Tôi đã xem kết quả chạy thử và đồng ý chuyển"), required=True)
