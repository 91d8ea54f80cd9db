"""The forms of the approval-chain pages (shapes only; ``documents.chains`` decides the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .chains import MAX_STEPS
from .models import ChainRole, DocumentType


def _name(person) -> str:
    return getattr(person, "full_name", "") or person.get_username()


class ChainForm(forms.Form):
    """A chain as a fixed number of step rows (no JavaScript): a row without a role is left out."""

    document_type = forms.ChoiceField(
        label=_("Loại văn bản"),
        required=False,
        help_text=_("Bỏ trống: luồng mặc định cho mọi loại chưa có luồng riêng."),
    )
    signer = forms.TypedChoiceField(
        label=_("Người ký"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Bỏ trống: người soạn thảo chọn một lãnh đạo của cơ quan khi trình."),
    )

    def __init__(self, *args, units=(), people=(), leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = [("", _("Mặc định (mọi loại văn bản)"))] + list(
            DocumentType.choices
        )
        self.fields["signer"].choices = [("", _("Người soạn thảo chọn"))] + [
            (p.pk, _name(p)) for p in leaders
        ]
        unit_choices = [("", _("Chính cơ quan"))] + [(u.pk, u.name) for u in units]
        person_choices = [("", _("Người soạn thảo chọn"))] + [(p.pk, _name(p)) for p in people]
        for n in range(1, MAX_STEPS + 1):
            self.fields[f"role_{n}"] = forms.ChoiceField(
                label=_("Bước %(n)s: vai trò") % {"n": n},
                choices=[("", _("(không dùng)"))] + list(ChainRole.choices),
                required=False,
            )
            self.fields[f"unit_{n}"] = forms.TypedChoiceField(
                label=_("Bước %(n)s: đơn vị") % {"n": n},
                choices=unit_choices,
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"person_{n}"] = forms.TypedChoiceField(
                label=_("Bước %(n)s: người duyệt") % {"n": n},
                choices=person_choices,
                coerce=int,
                required=False,
                empty_value=None,
            )

    def step_rows(self) -> list[list]:
        """The bound fields grouped by step, for the template (one fieldset per step)."""
        return [[self[f"role_{n}"], self[f"unit_{n}"], self[f"person_{n}"]] for n in range(1, MAX_STEPS + 1)]

    def clean(self):
        data = super().clean()
        for n in range(1, MAX_STEPS + 1):
            if not data.get(f"role_{n}") and (data.get(f"unit_{n}") or data.get(f"person_{n}")):
                self.add_error(f"role_{n}", _("Bước %(n)s: cần chọn vai trò.") % {"n": n})
        return data

    def steps(self) -> list[dict]:
        """The rows used, in order, as ids: ``{"role", "unit", "person"}``."""
        data = self.cleaned_data
        return [
            {"role": data[f"role_{n}"], "unit": data.get(f"unit_{n}"), "person": data.get(f"person_{n}")}
            for n in range(1, MAX_STEPS + 1)
            if data.get(f"role_{n}")
        ]


class ChainSubmitForm(forms.Form):
    """Submitting a draft along a configured chain: a choice only where the chain leaves one."""

    def __init__(self, *args, rows=(), leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            if row["fixed"] or len(row["candidates"]) <= 1:
                continue  # nothing to choose (with no holder at all, the service says so)
            self.fields[f"step_{row['position']}"] = forms.TypedChoiceField(
                label=_("Bước %(n)s — %(label)s") % {"n": row["position"], "label": row["label"]},
                choices=[(p.pk, _name(p)) for p in row["candidates"]],
                coerce=int,
            )
        if leaders is not None:
            self.fields["signer"] = forms.TypedChoiceField(
                label=_("Người ký"), choices=[(p.pk, _name(p)) for p in leaders], coerce=int
            )

    def picks(self) -> dict[int, int]:
        return {
            int(name.split("_", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("step_")
        }
