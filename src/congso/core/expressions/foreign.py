"""Conditions written for other engines (Camunda 7/Flowable ``${…}``, Camunda 8 ``=…``, ``&&``, ``||``,
``!``): recognised so that the refusal says what to write instead, in Vietnamese."""

import ast
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .compiler import _Compiler
from .nodes import ExpressionError

# What congso reads, in the words of every syntax message (the designer's page, docs/process-design.md,
# says the same).
_HOW_CONGSO_READS = gettext_noop(
    "congso đọc biểu thức dạng “approved == true”, “form.so_trang > 10 and dossier.channel == "
    '"online"” (so sánh == != < <= > >=, in, and, or, not).'
)

# Operators of JUEL/JavaScript/FEEL that Python's parser would only call "invalid syntax":
# (theirs as written, a pattern finding it, ours).
_FOREIGN_OPERATORS = (
    ("&&", re.compile(r"\s*&&\s*"), " and "),
    ("||", re.compile(r"\s*\|\|\s*"), " or "),
    ("===", re.compile(r"==="), "=="),
    ("!==", re.compile(r"!=="), "!="),
    ("!", re.compile(r"!(?!=)\s*"), "not "),
    ("=", re.compile(r"(?<![=!<>])=(?!=)"), "=="),
)


def _rewrite(text: str) -> tuple[str, list[str]]:
    """``text`` with the foreign operators replaced by congso's, and the hints that say so."""
    hints = []
    for theirs, pattern, ours in _FOREIGN_OPERATORS:
        if pattern.search(text):
            text = pattern.sub(ours, text)
            hints.append(_("“%(ours)s” thay cho “%(theirs)s”") % {"ours": ours.strip(), "theirs": theirs})
    return " ".join(text.split()), hints


def _example(inner: str) -> str:
    """The condition congso would read for ``inner``, or "" when even the rewrite is not valid."""
    rewritten, _hints = _rewrite(inner)
    if not rewritten or _foreign_syntax(rewritten):
        return ""
    try:
        _Compiler().compile(ast.parse(rewritten, mode="eval"), 0)
    except (SyntaxError, ExpressionError, RecursionError, MemoryError, ValueError):
        return ""
    return rewritten


def _foreign_syntax(text: str) -> str | None:
    """The message for a condition written for Camunda 7 / Flowable (``${…}``, ``#{…}``) or Camunda 8
    (FEEL, ``=…``): what to remove, and what congso reads instead. ``None`` for anything else."""
    found = None
    for opening, engines in (("${", "Camunda 7, Flowable (JUEL)"), ("#{", "Flowable, Activiti (JUEL)")):
        if text.startswith(opening) and text.endswith("}"):
            found = (engines, _("Hãy bỏ “%(open)s” ở đầu và “}” ở cuối.") % {"open": opening})
            inner = text[len(opening) : -1].strip()
    if found is None and text.startswith("=") and not text.startswith("=="):
        found = ("Camunda 8 (FEEL)", _("Hãy bỏ dấu “=” ở đầu."))
        inner = text[1:].strip()
    if found is None:
        return None
    engines, remove = found
    message = _("Điều kiện “%(expr)s” viết theo cú pháp của %(engines)s. %(how)s %(remove)s") % {
        "expr": text[:80],
        "engines": engines,
        "how": _(_HOW_CONGSO_READS),
        "remove": remove,
    }
    example = _example(inner)
    if example:
        message += " " + _("Viết ở đây: “%(example)s”.") % {"example": example[:120]}
    return message


def _syntax_message(text: str, column: int) -> str:
    """A Vietnamese syntax error: where, a hint for the usual foreign operators, and what congso reads."""
    _rewritten, hints = _rewrite(text)
    if column:
        message = _("Điều kiện sai cú pháp ở vị trí %(col)s.") % {"col": column}
    else:
        message = _("Điều kiện sai cú pháp.")
    if hints:
        message += " " + _("Gợi ý: dùng %(hints)s.") % {"hints": "; ".join(hints)}
    return f"{message} {_(_HOW_CONGSO_READS)}"
