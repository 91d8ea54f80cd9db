"""The form of the logbook (form 07): the receiving agency and the date range, at most
``LOGBOOK_MAX_DAYS`` days."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import Form, agency_choice, date_field

LOGBOOK_MAX_DAYS = 366


class LogbookForm(Form):
    co_quan = forms.ChoiceField(label=_("Cơ quan tiếp nhận"))
    tu_ngay = date_field(
        _("Từ ngày"),
        required_message=_("Vui lòng nhập ngày bắt đầu."),
        invalid_message=_("Ngày bắt đầu không hợp lệ (dd/mm/yyyy)."),
    )
    den_ngay = date_field(
        _("Đến ngày"),
        required_message=_("Vui lòng nhập ngày kết thúc."),
        invalid_message=_("Ngày kết thúc không hợp lệ (dd/mm/yyyy)."),
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
