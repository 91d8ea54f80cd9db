"""What other systems post to congso, made safe before anything stores it.

PostgreSQL refuses the NUL character (0x00) in text and in jsonb, and no database encoding takes a lone
surrogate (JSON's ``"\\ud800"``): a raw body carrying either, stored as it came, ends in a database error,
that is an HTTP 500 and a request half-handled. Every view that reads a raw body (not form fields, which
the forms clean) goes through this module, so the rule is written once:

- ``read_body(request, max_bytes)``: the raw bytes, read from the stream (a body may exceed Django's
  in-memory limit); refused when too large or when it holds a NUL byte;
- ``parse_json(data)`` / ``json_body(request, max_bytes)``: JSON, bounded (``core.safejson``) and refused
  when any key or string holds a NUL or a lone surrogate (``"\\u0000"`` escapes included);
- ``clean_message(data)``: for a protocol that must record a hostile message before refusing it (the
  payment providers' notifications): flat text with those characters replaced, bounded in size.

Form fields and query parameters that name a row by its id go through ``row_id(text)``: ``str.isdigit``
followed by ``int`` is not enough (``"²".isdigit()`` is true and ``int("²")`` raises; twenty digits
overflow the database's 64-bit key), and either ends in a 500.

A refusal is ``BodyRefused`` (a ``ValueError``): ``message`` says why in the active language and
``status`` is the HTTP status to answer with (400, or 413 for a body too large); each view answers it in
its own protocol's shape.
"""

import json

from django.utils.translation import gettext as _

from . import safejson

__all__ = [
    "MAX_FIELDS",
    "MAX_VALUE_CHARS",
    "BodyRefused",
    "clean_message",
    "clean_text",
    "json_body",
    "parse_json",
    "read_body",
    "refuse_nul",
    "row_id",
]

# What is kept of one flat inbound message: real ones have about twenty short fields.
MAX_FIELDS = 64
MAX_VALUE_CHARS = 2000
# The largest key of a 64-bit integer column (PostgreSQL bigint, SQLite INTEGER).
MAX_ROW_ID = 2**63 - 1


class BodyRefused(ValueError):
    """The posted body cannot be taken; ``message`` is for the sender, ``status`` the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _bad_characters() -> BodyRefused:
    return BodyRefused(
        _(
            "Nội dung gửi lên chứa ký tự NUL (mã 0) hoặc ký tự Unicode không hợp lệ; "
            "yêu cầu không được chấp nhận."
        )
    )


def refuse_nul(data: bytes) -> bytes:
    """``data`` unchanged, or ``BodyRefused`` when it holds a NUL byte."""
    if b"\x00" in data:
        raise _bad_characters()
    return data


def read_body(request, max_bytes: int) -> bytes:
    """The raw body of ``request`` (or of any stream with ``read``), at most ``max_bytes``, without NUL
    bytes (else ``BodyRefused``)."""
    # The stream, not request.body: request.body raises beyond DATA_UPLOAD_MAX_MEMORY_SIZE.
    data = request.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise BodyRefused(
            _("Nội dung gửi lên quá lớn (tối đa %(limit)s byte).") % {"limit": max_bytes}, status=413
        )
    return refuse_nul(data)


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _refuse_unstorable_strings(value) -> None:
    """Walk ``value`` iteratively (it may be deep) and refuse any key or string no database stores."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not _storable(item):
                raise _bad_characters()
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse_json(data: bytes, *, empty=None):
    """``data`` as JSON (``empty`` for an empty body when given). Raises ``BodyRefused`` for NUL or
    unstorable characters, ``ValueError`` (``json.JSONDecodeError``, ``safejson.JSONLimitError``,
    ``UnicodeDecodeError``) for a body that is not bounded JSON."""
    refuse_nul(data)
    if not data.strip() and empty is not None:
        return empty
    value = safejson.loads(data)
    _refuse_unstorable_strings(value)
    return value


def json_body(request, max_bytes: int, *, empty=None):
    """The JSON body of ``request`` (see ``read_body`` and ``parse_json``)."""
    return parse_json(read_body(request, max_bytes), empty=empty)


def clean_text(value, max_chars: int = MAX_VALUE_CHARS) -> str:
    """``value`` as text that any database stores: NUL removed, lone surrogates replaced, bounded."""
    if value is None or isinstance(value, (str, int, float)):
        text = "" if value is None else str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")[:max_chars]


def clean_message(data: dict) -> dict:
    """An inbound flat message as text that can be stored and signed-over as is: keys and values as
    strings without NUL or unencodable characters, bounded in number and size. Nothing a real sender
    sends is changed; a hostile message can still be recorded, then refused."""
    return {clean_text(key, 100): clean_text(value) for key, value in list(data.items())[:MAX_FIELDS]}


def row_id(text) -> int | None:
    """The id of a row named by ``text`` (a form field, a query parameter), or None when it cannot be
    one: ASCII digits only (``str.isdigit`` also accepts "²" and other scripts' digits) and no larger
    than a database key (a bigger number overflows the query: a 500, not a "not found")."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None
