"""Value converters of the catalogue file format: a raw cell or JSON value → a Python value, or
``BadValue(reason)`` with a Vietnamese reason. Each column of ``columns`` names one of these."""

import functools
import json
import re
from collections.abc import Callable
from datetime import date, datetime, time

from django.utils import translation
from django.utils.translation import gettext as _

from congso.core import safejson

from ..models import OnlineMode
from ..search import fold


class BadValue(Exception):
    pass


def to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise BadValue(_("cần một chuỗi ký tự."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dict, list)):
        raise BadValue(_("cần một chuỗi ký tự."))
    return str(value).strip()


def to_code_text(value) -> str:
    # A spreadsheet turns "2.000720" typed by hand into the number 2.00072; restore the six decimals.
    if isinstance(value, float):
        return f"{value:.6f}"
    return to_text(value)


def to_integer(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadValue(_("cần một số nguyên."))
    if isinstance(value, float):
        if not value.is_integer():
            raise BadValue(_("cần một số nguyên."))
        value = int(value)
    if isinstance(value, str):
        cleaned = (
            value.strip().replace(".", "").replace(",", "")
            if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", value.strip())
            else value.strip()
        )
        if not re.fullmatch(r"-?\d+", cleaned):
            raise BadValue(_("“%(value)s” không phải số nguyên.") % {"value": value})
        value = int(cleaned)
    if not isinstance(value, int):
        raise BadValue(_("cần một số nguyên."))
    if value < 0:
        raise BadValue(_("phải là số nguyên không âm (đang là %(value)s).") % {"value": value})
    return value


_TRUE = {"co", "x", "true", "yes", "1", "dung"}
_FALSE = {"khong", "false", "no", "0", "sai"}


def to_boolean(value) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = fold(str(value))
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise BadValue(_("cần “có” hoặc “không” (đang là “%(value)s”).") % {"value": value})


def to_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise BadValue(
        _("“%(value)s” không phải ngày hợp lệ (dạng 2025-07-01 hoặc 01/07/2025).") % {"value": value}
    )


def to_time(value) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    text = str(value).strip()
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    raise BadValue(_("“%(value)s” không phải giờ hợp lệ (dạng 15:00).") % {"value": value})


def to_string_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise BadValue(_("cần danh sách chuỗi ký tự."))
        return [v.strip() for v in value if v.strip()]
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                return to_string_list(safejson.loads(stripped))
            except safejson.JSONLimitError as exc:
                raise BadValue(exc.message) from None
            except json.JSONDecodeError:
                raise BadValue(_("danh sách JSON không hợp lệ.")) from None
        return [part.strip() for part in re.split(r"[;\n]", stripped) if part.strip()]
    raise BadValue(_("cần danh sách, các mục cách nhau bởi dấu chấm phẩy."))


def to_json_object(value) -> dict:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = safejson.loads(value)
        except safejson.JSONLimitError as exc:
            raise BadValue(exc.message) from None
        except json.JSONDecodeError as exc:
            raise BadValue(_("không phải JSON hợp lệ (%(reason)s).") % {"reason": exc.msg}) from None
        if isinstance(parsed, dict):
            return parsed
    raise BadValue(_("cần một đối tượng JSON."))


@functools.lru_cache(maxsize=64)
def _accepted_words(choices, active_language: str) -> dict[str, str]:
    """Folded code and labels (Vietnamese, and the active language's) → code."""
    accepted = {}
    for language in dict.fromkeys(["vi", active_language]):
        with translation.override(language):
            for value, label in choices.choices:
                accepted[fold(value)] = value
                accepted[fold(str(label))] = value
            if choices is OnlineMode:
                for value in OnlineMode.values:
                    accepted[fold(OnlineMode.current_term(value))] = value
                    accepted[fold(OnlineMode.former_level(value))] = value
    return accepted


def choice(choices) -> Callable:
    """A converter accepting a choice's code or its label (``fully``, ``Toàn trình``, ``mức độ 4``)."""
    allowed = ", ".join(choices.values)

    def convert(value):
        if value is None or value == "":
            return None
        found = _accepted_words(choices, translation.get_language() or "vi").get(fold(str(value)))
        if found is None:
            raise BadValue(
                _("“%(value)s” không hợp lệ; dùng một trong: %(allowed)s.")
                % {"value": value, "allowed": allowed}
            )
        return found

    return convert
