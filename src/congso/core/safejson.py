"""JSON from people, bounded: ``loads(text)`` refuses a document nested deeper than ``MAX_DEPTH`` or
longer than ``MAX_LENGTH`` characters before anything recursive touches it, and numbers that are no JSON
or that nothing downstream can store: ``NaN`` and ``Infinity`` (Python's parser accepts them; RFC 8259 and
PostgreSQL's jsonb do not), a number beyond a float (``1e999999``, read as infinity) and an integer of
more than ``MAX_INTEGER_DIGITS`` digits (Python's own limit answers in its words, naming ``sys``).

Python's parser, and every walker of the result (a form schema builder, ``json.dumps``, a JSON field),
recurses once per level: a few thousand ``[`` in an upload end in ``RecursionError``, which a view turns
into an HTTP 500. The depth is measured by a flat scan of the text (no recursion), so the refusal itself
cannot overflow. ``check_depth(value)`` does the same for an already parsed value (iteratively).

Public API: ``loads``, ``check_depth``, ``JSONLimitError`` (a ``ValueError`` carrying a translated
``message``), ``MAX_DEPTH``, ``MAX_LENGTH``.
"""

import json
import math

from django.utils.translation import gettext as _

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "JSONLimitError", "check_depth", "loads"]

# Catalogue documents and form schemas nest about ten levels; 64 leaves ample room and stays far below
# the interpreter's recursion limit (1000) even with the callers' own frames on the stack.
MAX_DEPTH = 64
# A whole province's catalogue export is a few megabytes.
MAX_LENGTH = 20 * 1024 * 1024
# A 64-bit key has 19 digits, an amount in đồng fewer; no JSON anyone sends here needs more than this.
MAX_INTEGER_DIGITS = 100


class JSONLimitError(ValueError):
    """The JSON is too deep or too long; ``message`` says so in the active language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _too_deep(limit: int) -> JSONLimitError:
    return JSONLimitError(
        _("JSON lồng nhau quá sâu (quá %(limit)s cấp); hãy giản lược cấu trúc.") % {"limit": limit}
    )


def _not_a_number(name: str):
    raise JSONLimitError(_("Giá trị %(value)s không phải là một số JSON hợp lệ.") % {"value": name})


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JSONLimitError(_("Số %(value)s… vượt quá giới hạn của số thực.") % {"value": text[:20]})
    return value


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise JSONLimitError(
            _("Số nguyên trong JSON quá dài (tối đa %(limit)s chữ số).") % {"limit": MAX_INTEGER_DIGITS}
        )
    return int(text)


def text_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in ``text``, outside string literals (a flat scan)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, max_length: int = MAX_LENGTH):
    """``json.loads`` that raises ``JSONLimitError`` for overlong or too deeply nested input (checked
    before parsing), and ``json.JSONDecodeError`` for malformed input as usual."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8-sig")
    if len(text) > max_length:
        raise JSONLimitError(
            _("JSON quá dài (%(size)s ký tự; tối đa %(limit)s).") % {"size": len(text), "limit": max_length}
        )
    if text_depth(text) > max_depth:
        raise _too_deep(max_depth)
    try:
        return json.loads(text, parse_constant=_not_a_number, parse_float=_parse_float, parse_int=_parse_int)
    except RecursionError:  # last resort: the scan above should have refused it
        raise _too_deep(max_depth) from None


def check_depth(value, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ``JSONLimitError`` if the parsed ``value`` (dicts and lists) nests deeper than
    ``max_depth``. Iterative, so it is safe on any input."""
    stack = [(value, 1 if isinstance(value, (dict, list)) else 0)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise _too_deep(max_depth)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
