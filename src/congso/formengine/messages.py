"""The Vietnamese error messages of the form engine, one per JSON Schema keyword.

An administrator overrides any of them per field in the UI hints (``"messages": {"pattern": "..."}``);
these defaults name the field by its label so that every message reads on its own in the error summary.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# Patterns that only say "exactly n digits" get a precise message without any configuration.
_DIGITS_PATTERN = re.compile(r"^\^(?:\\d|\[0-9\])\{(\d+)\}\$$")

CHOICE_KINDS = {"select", "radio", "yesno"}


def lower_first(label: str) -> str:
    """A label for use inside a sentence: "Họ và tên" → "họ và tên"; acronyms ("CCCD") stay as they are."""
    if len(label) >= 2 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    if len(label) == 1:
        return label.lower()
    return label


def is_question(label: str) -> bool:
    return label.rstrip().endswith("?")


def required(node) -> str:
    if "required" in node.messages:
        return node.messages["required"]
    if is_question(node.label):
        return _("Vui lòng trả lời câu hỏi “%(label)s”.") % {"label": node.label.strip()}
    label = lower_first(node.label)
    if node.kind in CHOICE_KINDS:
        return _("Vui lòng chọn %(label)s.") % {"label": label}
    if node.kind == "checkbox":
        return _("Vui lòng đánh dấu vào ô “%(label)s”.") % {"label": node.label}
    return _("Vui lòng nhập %(label)s.") % {"label": label}


def for_keyword(node, keyword: str, value=None) -> str:
    """The message for a failed ``keyword`` (JSON Schema vocabulary plus the engine's own ``date_min``,
    ``date_max``, ``date_missing``, ``date_year``, ``too_long``, ``multiple``) on ``node``; ``value`` is
    the keyword's parameter."""
    if keyword in node.messages:
        return node.messages[keyword]
    label = node.label.strip().rstrip(":")
    if is_question(label):
        # "Bạn muốn nhận kết quả bằng cách nào?" cannot start a sentence about itself.
        label = _("Câu trả lời cho câu hỏi “%(question)s”") % {"question": label}
    params = {"label": label, "lower": lower_first(label), "n": value}
    if keyword == "required":
        return required(node)
    if keyword == "type":
        if node.kind == "integer":
            return _("%(label)s phải là số nguyên, chỉ gồm chữ số.") % params
        if node.kind == "number":
            return _("%(label)s phải là một số.") % params
        if node.kind in CHOICE_KINDS | {"checkbox"}:
            return _("Vui lòng chọn %(lower)s.") % params
        return _("%(label)s không hợp lệ.") % params
    if keyword == "format":
        if node.kind == "date":
            return _("%(label)s phải là một ngày có thật.") % params
        if node.kind == "email":
            return _("%(label)s không hợp lệ (ví dụ: ten@example.com).") % params
        return _("%(label)s không đúng định dạng.") % params
    if keyword == "pattern":
        digits = _DIGITS_PATTERN.match(str(value or ""))
        if digits:
            return _("%(label)s phải gồm %(n)s chữ số.") % {**params, "n": digits.group(1)}
        return _("%(label)s không đúng định dạng.") % params
    if keyword == "minLength":
        return _("%(label)s phải có ít nhất %(n)s ký tự.") % params
    if keyword in ("maxLength", "too_long"):
        return _("%(label)s không được dài quá %(n)s ký tự.") % params
    if keyword == "minimum":
        return _("%(label)s phải từ %(n)s trở lên.") % params
    if keyword == "maximum":
        return _("%(label)s không được lớn hơn %(n)s.") % params
    if keyword == "exclusiveMinimum":
        return _("%(label)s phải lớn hơn %(n)s.") % params
    if keyword == "exclusiveMaximum":
        return _("%(label)s phải nhỏ hơn %(n)s.") % params
    if keyword in ("enum", "const") and node.kind in CHOICE_KINDS:
        return _("Vui lòng chọn %(lower)s trong danh sách.") % params
    if keyword == "const" and node.kind == "checkbox":
        return required(node)
    if keyword == "date_max":
        if value == "today":
            return _("%(label)s không được sau ngày hôm nay.") % params
        return _("%(label)s không được sau ngày %(n)s.") % params
    if keyword == "date_min":
        if value == "today":
            return _("%(label)s không được trước ngày hôm nay.") % params
        return _("%(label)s không được trước ngày %(n)s.") % params
    if keyword == "date_missing":
        return _date_missing(params, value or ())
    if keyword == "date_year":
        return _("%(label)s: nhập năm gồm 4 chữ số, ví dụ 2024.") % params
    if keyword == "multiple":
        return _("%(label)s chỉ nhận một giá trị.") % params
    return _("%(label)s không hợp lệ.") % params


def _date_missing(params: dict, empty) -> str:
    """ "Ngày sinh phải có tháng và năm": the boxes of a date left empty, named in the page's language."""
    names = {
        "day": pgettext("date part missing", "ngày"),
        "month": pgettext("date part missing", "tháng"),
        "year": pgettext("date part missing", "năm"),
    }
    parts = [str(names[key]) for key in ("day", "month", "year") if key in empty]
    if len(parts) > 1:
        parts = [_("%(first)s và %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}]
    return _("%(label)s phải có %(parts)s.") % {**params, "parts": parts[0] if parts else ""}


def section_invalid(label: str) -> str:
    return _(
        "Phần “%(label)s” của tờ khai chưa hợp lệ; vui lòng kiểm tra lại các thông tin trong phần này."
    ) % {"label": label}


def form_invalid() -> str:
    return _("Tờ khai chưa hợp lệ; vui lòng kiểm tra lại các thông tin đã nhập.")
