"""Validators for the legal identifiers a user carries (STANDARDS.md §4)."""

import re

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
