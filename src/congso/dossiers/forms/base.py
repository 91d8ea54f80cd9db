"""What the back office's forms share: the base ``Form`` (accessible rendering, service errors shown
where they belong), the field builders and cleaners for reasons, confirmations, identifiers and agencies,
and ``PaperFilesField`` (several uploaded files, each checked by content).

The forms check what a person can get wrong on the page (empty reasons, a malformed national ID, a file
that is not a PDF/JPEG/PNG…); ``dossiers.services`` checks everything again and remains the authority —
its errors are shown on the same form (``add_service_error``).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congso.identity.forms import AccessibleFormMixin
from congso.identity.validators import validate_national_id, validate_tax_code

from ..files import UploadRejected, validate_upload

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_HINT = _("Nhập theo dạng ngày/tháng/năm, ví dụ 27/03/2026.")
MAX_FILES = 10
MAX_LINES = 50
MAX_LINE = 500


class Form(AccessibleFormMixin, forms.Form):
    """Base of the back office's forms: accessible rendering, service errors shown where they belong."""

    # Error code of a ``dossiers.services`` error → the field it is about (the rest are form-wide).
    service_error_fields: dict[str, str] = {}

    def add_service_error(self, error: ValidationError) -> None:
        """Show an error raised by ``dossiers.services`` next to its field, or above the form."""
        field = self.service_error_fields.get(getattr(error, "code", None) or "")
        self.add_error(field if field in self.fields else None, error.messages)


def lines(text: str) -> list[str]:
    """Non-empty stripped lines of ``text``."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def lines_field(label, help_text, required_message):
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_LINES * (MAX_LINE + 2),
        error_messages={"required": required_message},
    )


def clean_lines(text: str, required_message) -> list[str]:
    found = lines(text)
    if not found:
        raise ValidationError(required_message, code="required")
    if len(found) > MAX_LINES:
        raise ValidationError(
            _("Tối đa %(n)s dòng; hãy gộp các nội dung liên quan.") % {"n": MAX_LINES}, code="too_many"
        )
    for line in found:
        if len(line) > MAX_LINE:
            raise ValidationError(_("Mỗi dòng tối đa %(n)s ký tự.") % {"n": MAX_LINE}, code="too_long")
    return found


def text_field(label, *, required_message=None, help_text="", rows=3):
    """A free text of at most 2,000 characters in a text area; required when ``required_message``
    (the error shown when it is empty) is given."""
    return forms.CharField(
        label=label,
        required=required_message is not None,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"required": required_message} if required_message is not None else None,
    )


def date_field(label, *, required_message, invalid_message):
    """A required date typed as dd/mm/yyyy (``DATE_FORMATS``), with the hint ``DATE_HINT``."""
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.TextInput(
            attrs={"class": "input--medium", "inputmode": "numeric", "placeholder": "dd/mm/yyyy"}
        ),
        error_messages={"required": required_message, "invalid": invalid_message},
    )


def amount_field(label, *, required_message=None):
    """A sum of money in whole đồng, above 0; required when ``required_message`` is given."""
    messages = {"invalid": _("Số tiền phải là số nguyên (đồng)."), "min_value": _("Số tiền phải lớn hơn 0.")}
    if required_message is not None:
        messages = {"required": required_message, **messages}
    return forms.IntegerField(
        label=label,
        required=required_message is not None,
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "input--medium", "inputmode": "numeric"}),
        error_messages=messages,
    )


def require_files_or_text(form, data: dict, files_field: str, text_field: str, message) -> None:
    """Adds ``message`` to ``files_field`` when the form is otherwise valid but neither a file was
    chosen nor a text written: one of the two is needed."""
    if not form.errors and not data.get(files_field) and not data.get(text_field, "").strip():
        form.add_error(files_field, message)


def confirm_field(label):
    return forms.BooleanField(
        label=label,
        error_messages={"required": _("Vui lòng đánh dấu ô xác nhận trước khi thực hiện.")},
    )


def identifier_field(label, help_text):
    """An optional national ID or tax code, typed on a numeric keypad (cleaned by ``clean_identifier``)."""
    return forms.CharField(
        label=label,
        max_length=20,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "input--medium", "autocomplete": "off"},
        ),
    )


def clean_identifier(value: str, *, label) -> str:
    """A national ID (12 digits) or a tax code (10 digits, or 13 with ``-NNN``), spaces and dots removed."""
    value = re.sub(r"[\s.]", "", value or "")
    if not value:
        return ""
    try:
        (validate_national_id if len(value) == 12 else validate_tax_code)(value)
    except ValidationError:
        raise ValidationError(
            _(
                "%(label)s: số định danh cá nhân phải gồm đúng 12 chữ số; mã số thuế gồm 10 chữ số "
                "(hoặc kèm -NNN)."
            )
            % {"label": label},
            code="invalid",
        ) from None
    return value


def agency_choice(field, agencies) -> None:
    """One of the officer's agencies; the first when none is given, and no question at all when the
    officer has only one."""
    field.choices = [(str(a.pk), a.name) for a in agencies]
    field.required = False
    field.initial = str(agencies[0].pk) if agencies else ""
    if len(agencies) == 1:
        field.widget = forms.HiddenInput()


# --- Files ------------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PaperFilesField(forms.FileField):
    """Several files for one paper; each is checked by content (``files.validate_upload``): type, size,
    malware. Cleans to a list (empty when nothing was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        items = [item for item in items if item]
        if not items:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(items) > MAX_FILES:
            raise ValidationError(
                _("Tối đa %(n)s tệp cho mỗi giấy tờ.") % {"n": MAX_FILES}, code="too_many_files"
            )
        cleaned = []
        for item in items:
            item = super().clean(item, initial)
            try:
                validate_upload(item)
            except UploadRejected as exc:
                raise ValidationError(
                    _("Tệp “%(name)s”: %(reason)s") % {"name": item.name, "reason": " ".join(exc.messages)},
                    code=exc.code,
                ) from exc
            cleaned.append(item)
        return cleaned
