"""The publish / subscribe forms of the workspace: grant the right to receive an event type, subscribe a
system. The change itself is made by ``lgsp.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import EventType, SubscriptionMode, System


class EventGrantForm(forms.Form):
    system = forms.ModelChoiceField(label=_("Hệ thống được nhận"), queryset=System.objects.none())
    all_agencies = forms.BooleanField(
        label=_("Nhận sự kiện của mọi cơ quan"),
        required=False,
        help_text=_("Không chọn: hệ thống chỉ nhận sự kiện liên quan đến cơ quan chủ quản của nó."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = System.objects.select_related("member").order_by("name")


class SubscriptionForm(forms.Form):
    event_type = forms.ModelChoiceField(label=_("Loại sự kiện"), queryset=EventType.objects.none())
    mode = forms.ChoiceField(
        label=_("Cách nhận"), choices=SubscriptionMode.choices, widget=forms.RadioSelect, initial="push"
    )
    url = forms.URLField(
        label=_("Địa chỉ nhận"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Chỉ với cách nhận đẩy: LGSP gửi POST có chữ ký tới địa chỉ này."),
    )

    def __init__(self, *args, event_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_type"].queryset = event_types
        self.fields["event_type"].label_from_instance = lambda t: f"{t.name} ({t.code})"

    def clean(self):
        data = super().clean()
        if data.get("mode") == SubscriptionMode.PUSH and not data.get("url"):
            self.add_error("url", _("Cách nhận đẩy (webhook) cần địa chỉ nhận."))
        return data
