"""How user-facing texts are put together, so that every page writes them the same way.

``with_note_html(text, note)`` adds a note in brackets to a label without doubling the brackets:
"Thời gian được giao (giờ làm việc)" + "không bắt buộc" → "Thời gian được giao (giờ làm việc, không bắt
buộc)", never "(giờ làm việc) (không bắt buộc)". A note that only repeats a condition the text already
states ("(nếu …)" + "nếu có") is left out. Templates use it through ``{% load congso_text %}``.

Quotation marks in Vietnamese texts are the typographic “…”, never «…» or straight "…"
(tests/core/test_text.py checks the catalogue and the citizen's pages).
"""

import re
import unicodedata

from django.utils.html import format_html
from django.utils.translation import gettext as _


def _split_trailing_bracket(text: str) -> tuple[str, str] | None:
    """``("Thời gian được giao", "giờ làm việc")`` for a text ending in a bracketed part, else None."""
    text = text.rstrip()
    if not text.endswith(")"):
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                return text[:index].rstrip(), text[index + 1 : -1]
    return None


def _repeats_condition(inner: str, note: str) -> bool:
    # "(nếu đã từng kết hôn)" already says when the paper is needed: "nếu có" adds nothing. Names of
    # papers are data, in Vietnamese whatever the page's language; the note is translated.
    words = tuple({"nếu", str(_("nếu")).lower()})
    return inner.strip().lower().startswith(words) and note.strip().lower().startswith(words)


def with_note_html(text, note, css_class: str = "optional"):
    """``text`` followed by ``note`` in brackets, HTML-escaped, the note in ``<span class=css_class>``
    (muted): merged into the bracket ``text`` ends with, or left out when it repeats its condition."""
    text, note = str(text), str(note)
    split = _split_trailing_bracket(text)
    if split is None:
        return format_html('{} <span class="{}">({})</span>', text, css_class, note)
    head, inner = split
    if _repeats_condition(inner, note):
        return format_html("{}", text.rstrip())
    return format_html('{} ({}<span class="{}">, {}</span>)', head, inner, css_class, note)


def fold(text: str) -> str:
    """``"Đăng ký Khai sinh!"`` → ``"dang ky khai sinh"``: lower case, no diacritics, words separated by
    single spaces. How Vietnamese text is compared in searches, so typing without diacritics finds it."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _NON_WORD.sub(" ", text.lower()).strip()


_NON_WORD = re.compile(r"[^a-z0-9]+")
