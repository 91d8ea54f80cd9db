"""Turning what a browser posts into JSON values, and JSON values back into what people read.

Dates are asked in three boxes, day / month / year (the GOV.UK date input: ``<name>-ngay``,
``<name>-thang``, ``<name>-nam``), and stored as ISO ``yyyy-mm-dd`` (what JSON Schema's ``format: date``
means), as they always were. A date posted in one box (``dd/mm/yyyy`` or ISO, as API clients and older
pages send it) is still read. Empty input means "not answered": the key is left out of the data, so
that ``required`` is what reports it.
"""

import json
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from . import messages
from .paths import MISSING

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_INTEGER = re.compile(r"^[+-]?\d{1,15}$")
_NUMBER = re.compile(r"^[+-]?\d{1,15}(?:[.,]\d{1,10})?$")
# Control characters never belong in an answer; newlines and tabs only in a multi-line answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")

# Upper bounds on free text even when the schema sets none, so a form cannot be used to store megabytes.
TEXT_LIMIT = 2000
TEXTAREA_LIMIT = 10000
# A date outside this range is a typing mistake, whatever the schema says.
FIRST_YEAR, LAST_YEAR = 1800, 2200


# The three inputs of a date: (key in the raw answer, suffix of the input's name and id).
DATE_PARTS = (("day", "ngay"), ("month", "thang"), ("year", "nam"))
_DIGITS = re.compile(r"^\d{1,4}$")


class ParseError(Exception):
    """The posted text cannot be the field's kind of value; ``keyword`` picks the message."""

    def __init__(self, keyword: str, value=None):
        super().__init__(keyword)
        self.keyword = keyword
        self.value = value


def choice_key(value) -> str:
    """The string a choice travels as in HTML: the value itself for strings, its JSON otherwise."""
    return value if isinstance(value, str) else json.dumps(value)


def parse_date(text: str) -> str:
    """``dd/mm/yyyy`` (or ``d/m/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, or ISO) → ISO string.
    Raises ``ParseError("format")``."""
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise ParseError("format")
        year, month, day = (int(g) for g in match.groups())
    return _real_date(year, month, day)


def _real_date(year: int, month: int, day: int) -> str:
    """The ISO text of a day that exists in the years a form accepts, else ``ParseError("format")``."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ParseError("format")
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise ParseError("format") from None


def date_part_names(node) -> list[str]:
    """The names of the three inputs of a date field, day first."""
    return [f"{node.html_name}-{suffix}" for _key, suffix in DATE_PARTS]


def posted(node, getlist) -> tuple[object, bool]:
    """``(raw, several)``: what the browser posted for the leaf ``node`` — a string, or for a date typed
    in its three boxes the dict ``{"day", "month", "year"}`` — and whether an input came more than once."""
    if node.kind == "date":
        parts = {
            key: getlist(name) for (key, _suffix), name in zip(DATE_PARTS, date_part_names(node), strict=True)
        }
        if any(parts.values()):
            several = any(len(values) > 1 for values in parts.values())
            return {key: str(values[0]) if values else "" for key, values in parts.items()}, several
    values = getlist(node.html_name)
    return (str(values[0]) if values else ""), len(values) > 1


def parse_date_parts(parts: dict) -> str:
    """Day, month and year typed in three boxes → ISO string, or ``MISSING`` when all three are empty.
    Raises ``ParseError`` with the keyword of the GOV.UK date messages: ``date_missing`` (value: the
    keys of the empty boxes), ``date_year`` (not four digits) or ``format`` (not a real date)."""
    texts = {key: _CONTROL.sub("", str(parts.get(key) or "")).strip() for key, _suffix in DATE_PARTS}
    if not any(texts.values()):
        return MISSING
    empty = [key for key, _suffix in DATE_PARTS if not texts[key]]
    if empty:
        raise ParseError("date_missing", empty)
    if not all(_DIGITS.match(text) for text in texts.values()):
        raise ParseError("format")
    if len(texts["year"]) != 4:
        raise ParseError("date_year")
    year, month, day = int(texts["year"]), int(texts["month"]), int(texts["day"])
    return _real_date(year, month, day)


def date_parts(value) -> dict:
    """The three boxes of a date for a stored ISO ``value`` (or a date typed in one box): "2024-03-05" →
    ``{"day": "5", "month": "3", "year": "2024"}``; anything unreadable gives empty boxes."""
    if isinstance(value, dict):
        return {key: str(value.get(key) or "") for key, _suffix in DATE_PARTS}
    text = str(value or "").strip()
    match = _ISO.match(text)
    if match:
        year, month, day = match.groups()
    else:
        match = _DMY.match(text)
        if not match:
            return {key: "" for key, _suffix in DATE_PARTS}
        day, month, year = match.groups()
    return {"day": str(int(day)), "month": str(int(month)), "year": year}


def parse(node, raw):
    """The JSON value for the posted ``raw`` answer of the leaf ``node`` (``MISSING`` for no answer):
    a string, or for a date typed in three boxes a dict of them. Raises ``ParseError``."""
    kind = node.kind
    if kind == "date" and isinstance(raw, dict):
        return parse_date_parts(raw)
    if kind == "checkbox":
        if raw in ("", None):
            return False
        if raw in ("true", "on"):
            return True
        raise ParseError("type")
    text = _CONTROL.sub("", raw or "")
    if kind != "textarea":
        text = _LINE_BREAKS.sub(" ", text)
    text = text.strip()
    if text == "":
        return MISSING
    if kind in ("select", "radio", "yesno"):
        for value, _label in node.choices:
            if choice_key(value) == text:
                return value
        raise ParseError("enum")
    if kind == "date":
        return parse_date(text)
    if kind == "integer":
        compact = text.replace(" ", "")
        if not _INTEGER.match(compact):
            raise ParseError("type")
        return int(compact)
    if kind == "number":
        compact = text.replace(" ", "")
        if not _NUMBER.match(compact):
            raise ParseError("type")
        number = float(compact.replace(",", "."))
        return int(number) if number.is_integer() else number
    limit = TEXTAREA_LIMIT if kind == "textarea" else TEXT_LIMIT
    if len(text) > limit:
        raise ParseError("too_long", limit)
    if kind == "email":
        try:
            validate_email(text)
        except ValidationError:
            raise ParseError("format") from None
    return text


def iso_to_dmy(value) -> str:
    match = _ISO.match(value) if isinstance(value, str) else None
    if not match:
        return str(value)
    year, month, day = match.groups()
    return f"{day}/{month}/{year}"


def to_input(node, value):
    """The text to put back in the field's input for the stored ``value`` (for a date, its three boxes)."""
    if node.kind == "date":
        return date_parts("" if value is MISSING or value is None else value)
    if value is MISSING or value is None:
        return ""
    if node.kind in ("select", "radio", "yesno"):
        return choice_key(value)
    if node.kind == "checkbox":
        return "true" if value is True else ""
    return str(value)


def display(node, value) -> str:
    """The stored ``value`` as people read it (check-your-answers, receipt)."""
    if value is MISSING or value is None or value == "":
        return ""
    if node.kind in ("select", "radio", "yesno"):
        for option, label in node.choices:
            if choice_key(option) == choice_key(value):
                return label
        return str(value)
    if node.kind == "checkbox":
        return _("Có") if value is True else _("Không")
    if node.kind == "date":
        return iso_to_dmy(value)
    if node.kind in ("integer", "number") and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value).replace(".", ",")
    return str(value)


def message_for(node, error: ParseError) -> str:
    return messages.for_keyword(node, error.keyword, error.value)
