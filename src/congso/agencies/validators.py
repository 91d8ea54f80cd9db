"""Validation of the agency electronic identifier code (QCVN 102:2016/BTTTT, STANDARDS.md §4)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# V1V2V3.Z1Z2.Y1Y2.MX1X2 — three levels of digits, then the group letter and two digits.
AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


def validate_agency_code(value: str) -> None:
    if not AGENCY_CODE_RE.match(value or ""):
        raise ValidationError(
            _("Mã định danh điện tử phải có dạng 000.00.00.H08 (QCVN 102:2016)."), code="invalid_agency_code"
        )
