"""Validation of the agency electronic identifier code (QCVN 102:2016/BTTTT, STANDARDS.md §4)."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# V1V2V3.Z1Z2.Y1Y2.MX1X2 — three levels of digits, then the group letter and two digits. ASCII classes
# and ``\Z`` on purpose: ``\d`` would accept other scripts' digits and ``$`` a trailing newline.
AGENCY_CODE_RE = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}\Z")


def validate_agency_code(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` has the exact shape ``000.00.00.H08``.

    Only the shape is checked: upper-case group letter, dots, digit counts. Whether a code was really
    issued is a matter for the official list, not for this function.
    """
    if not isinstance(value, str) or not AGENCY_CODE_RE.fullmatch(value):
        raise ValidationError(
            _("Mã định danh điện tử phải có dạng 000.00.00.H08 (QCVN 102:2016)."), code="invalid_agency_code"
        )


@dataclass(frozen=True)
class AgencyCode:
    """The four levels of an agency code, read right to left as QCVN 102:2016 writes them."""

    level1: str  # MX1X2: group letter and number of the ministry or province, e.g. "H08"
    level2: str  # Y1Y2: a department or, before 2025, a district People's Committee
    level3: str  # Z1Z2: a unit under level 2
    level4: str  # V1V2V3: a unit under level 3

    @property
    def group(self) -> str:
        """The group letter: H for provinces and centrally-run cities, G for government bodies, …"""
        return self.level1[0]

    @property
    def depth(self) -> int:
        """1 for the head agency (``000.00.00.H08``), up to 4; the deepest level that is not all zeros."""
        for depth, part in ((4, self.level4), (3, self.level3), (2, self.level2)):
            if part.strip("0"):
                return depth
        return 1


def parse_agency_code(value: str) -> AgencyCode:
    """Split a valid agency code into its levels; raise ``ValidationError`` if it is not valid."""
    validate_agency_code(value)
    level4, level3, level2, level1 = value.split(".")
    return AgencyCode(level1=level1, level2=level2, level3=level3, level4=level4)
