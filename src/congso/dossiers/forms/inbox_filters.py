"""The filters of the officer's inbox (a GET form: every list can be bookmarked and works without
script), turned into ``inbox.InboxFilters`` and an order."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import inbox
from ..models import Channel, Status
from .base import Form

STATUS_OPEN = ""
STATUS_ALL = "tat-ca"


class InboxFilterForm(Form):
    """The filters of the inbox (a GET form: every list can be bookmarked and works without script)."""

    q = forms.CharField(
        label=_("Tra cứu hồ sơ"),
        required=False,
        max_length=100,
        help_text=_(
            "Mã hồ sơ, họ tên, số định danh cá nhân / mã số thuế hoặc số điện thoại của người nộp. Tra cứu "
            "trong mọi hồ sơ bạn được xem, ở mọi trạng thái."
        ),
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False)
    thu_tuc = forms.ChoiceField(label=_("Thủ tục"), required=False)
    han = forms.ChoiceField(
        label=_("Thời hạn"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            (inbox.RISK_LATE, _("Quá hạn")),
            (inbox.RISK_AT_RISK, _("Sắp đến hạn")),
            (inbox.RISK_ON_TRACK, _("Trong hạn")),
        ],
    )
    kenh = forms.ChoiceField(
        label=_("Kênh nộp"), required=False, choices=[("", _("Tất cả kênh")), *Channel.choices]
    )
    pham_vi = forms.ChoiceField(
        label=_("Phạm vi"),
        required=False,
        choices=[
            (inbox.SCOPE_CURRENT, _("Đang xử lý tại cơ quan")),
            (inbox.SCOPE_RECEIVED, _("Do cơ quan tiếp nhận")),
            (inbox.SCOPE_ALL, _("Tất cả hồ sơ tôi được xem")),
        ],
    )
    co_quan = forms.ChoiceField(label=_("Cơ quan"), required=False)
    sap_xep = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            (inbox.ORDER_DUE, _("Hạn trả kết quả gần nhất trước")),
            (inbox.ORDER_RECEIVED, _("Mới nhận trước")),
        ],
    )

    def __init__(self, *args, agencies=(), procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trang_thai"].choices = [
            (STATUS_OPEN, _("Đang giải quyết")),
            (STATUS_ALL, _("Tất cả trạng thái")),
            *((str(value), label) for value, label in Status.choices),
        ]
        self.fields["thu_tuc"].choices = [("", _("Tất cả thủ tục"))] + [
            (str(p.pk), f"{p.code} — {p.name}") for p in procedures
        ]
        self.fields["co_quan"].choices = [("", _("Tất cả cơ quan của tôi"))] + [
            (str(a.pk), a.name) for a in agencies
        ]
        if len(agencies) <= 1:
            self.fields["co_quan"].widget = forms.HiddenInput()

    def _value(self, name, default=""):
        if not self.is_bound or not self.is_valid() and name in self.errors:
            return default
        return self.cleaned_data.get(name) or default

    def filters(self) -> inbox.InboxFilters:
        """The ``InboxFilters`` of the valid fields (an invalid field falls back to its default)."""
        status = self._value("trang_thai", STATUS_OPEN)
        statuses = (
            inbox.InboxFilters().statuses
            if status == STATUS_OPEN
            else None
            if status == STATUS_ALL
            else frozenset({int(status)})
        )
        procedure = self._value("thu_tuc")
        agency = self._value("co_quan")
        return inbox.InboxFilters(
            statuses=statuses,
            procedure_id=int(procedure) if procedure else None,
            risk=self._value("han"),
            channel=self._value("kenh"),
            scope=self._value("pham_vi", inbox.SCOPE_CURRENT),
            agency_ids=frozenset({int(agency)}) if agency else None,
            query=self._value("q"),
        )

    def order(self) -> str:
        return self._value("sap_xep", inbox.ORDER_DUE)
