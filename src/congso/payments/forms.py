"""Forms of the payments block's public pages."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services


class ResultCheckForm(forms.Form):
    """The file a person holds, to compare with the electronic result issued (never stored)."""

    file = forms.FileField(
        label=gettext_lazy("Tệp kết quả bạn có"),
        error_messages={"required": gettext_lazy("Chọn tệp kết quả bạn muốn đối chiếu.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = services.result_check_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(mb)s MB nên không thể là kết quả đã trả.") % {"mb": limit // (1024 * 1024)}
            )
        return upload
