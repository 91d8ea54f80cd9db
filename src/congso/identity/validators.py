"""Validators for the legal identifiers a user carries (STANDARDS.md §4)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# [0-9] rather than \d, and fullmatch rather than ^…$: \d also matches other scripts' digits
# (full-width "０", Arabic-Indic…) and $ also matches before a trailing newline.
NATIONAL_ID_RE = re.compile(r"[0-9]{12}")
TAX_CODE_RE = re.compile(r"[0-9]{10}(-[0-9]{3})?")


def validate_national_id(value: str) -> None:
    """A citizen's national ID number (số định danh cá nhân): exactly 12 digits."""
    if not NATIONAL_ID_RE.fullmatch(value or ""):
        raise ValidationError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="invalid_national_id")


def validate_tax_code(value: str) -> None:
    """A business's tax code (mã số thuế): 10 digits, or 13 with a branch suffix ``-NNN``."""
    if not TAX_CODE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số kèm mã chi nhánh dạng -NNN."),
            code="invalid_tax_code",
        )


# Vietnamese mobile and fixed numbers since 2018: 10 digits starting with 0 (03, 05, 07, 08, 09 for
# mobiles; 02 for landlines), written also as +84 / 84 followed by the 9 digits without the 0.
PHONE_RE = re.compile(r"0[235789][0-9]{8}")
_PHONE_SEPARATORS_RE = re.compile(r"[\s.\-()]")


def normalise_phone(raw: str | None) -> str:
    """A Vietnamese phone number in its national form ``0xxxxxxxxx`` (10 digits), or ``""`` when ``raw``
    is not one. Accepts ``+84 912 345 678``, ``84912345678``, ``0912.345.678``, full-width digits."""
    text = _PHONE_SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", raw or "").strip())
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    return text if PHONE_RE.fullmatch(text) else ""


def validate_phone(value: str) -> None:
    """A Vietnamese phone number (10 digits starting with 0, or +84…)."""
    if not normalise_phone(value):
        raise ValidationError(
            _("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0 hoặc +84, ví dụ 0912 345 678."),
            code="invalid_phone",
        )
