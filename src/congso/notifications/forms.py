from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Language, Preference


class PreferenceForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Ngôn ngữ của thông báo"), choices=Language.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = Preference
        fields = ["language", "in_app_enabled", "sms_enabled", "email_enabled"]
        help_texts = {
            "sms_enabled": _("Gửi tới số điện thoại của tài khoản hoặc số đã khai trong hồ sơ."),
            "email_enabled": _("Gửi tới địa chỉ thư điện tử của tài khoản hoặc địa chỉ đã khai trong hồ sơ."),
        }


class OfficerPreferenceForm(PreferenceForm):
    class Meta(PreferenceForm.Meta):
        fields = [*PreferenceForm.Meta.fields, "digest_enabled"]
