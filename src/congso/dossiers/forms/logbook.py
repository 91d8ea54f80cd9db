"""The form of the logbook (form 07): the receiving agency and the date range, at most
``LOGBOOK_MAX_DAYS`` days."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import DATE_FORMATS, DATE_HINT, Form, agency_choice

LOGBOOK_MAX_DAYS = 366


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
        agency_choice(self.fields["co_quan"], agencies)

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
