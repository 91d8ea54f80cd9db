"""congso's one expression language: gateway conditions (and quoted timer expressions) of BPMN processes,
and the ``show_if`` conditions of conditional form sections (docs/expressions.md says why this one).

A process designer writes conditions such as ``form.so_trang > 10 and dossier.channel == "online"`` on
the outgoing flows of a gateway; a form author writes ``nop_thay == true`` on a section. The text comes
from an uploaded file, so it is never given to Python's ``eval``/``exec``/``compile``: it is parsed with
``ast.parse(mode="eval")`` only to get a syntax tree, the tree is checked against a strict whitelist and
turned into this package's own node objects, and those are evaluated by this package (``nodes``: the
nodes and the run-time rules; ``compiler``: the whitelist; ``foreign``: the messages for conditions
written for other engines; ``browser``: what an expression reads and its shape for the browser).

The language:

- literals: numbers, strings, ``true``/``false``/``null`` (``True``/``False``/``None`` also accepted),
  list literals ``[1, 2, "a"]``;
- variable paths over plain JSON data: ``form.so_trang``, ``dossier.channel``, ``items[0]``,
  ``form["họ_tên"]``. A path descends only into dicts and lists — never into attributes of Python
  objects — and a missing name or key is ``null``;
- comparisons ``== != < <= > >=`` (chains allowed), ``in`` / ``not in``; equality is JSON's (``1 == 1.0``
  but ``true != 1``);
- ``and``, ``or``, ``not``; arithmetic ``+ - * /`` on numbers, ``+`` on two strings; parentheses;
- three functions: ``filled(x)`` (answered: not null, not empty), ``len(x)`` and ``lower(x)``.

Limits: 500 characters, 40 levels of nesting, 200 nodes; names may not start with ``_``; numbers stay
below 10^15 in magnitude and strings below 10,000 characters. Everything else — attribute access on
objects, calls of other functions, lambdas, comprehensions, ``**``, f-strings, subscripts with
computed indexes — is refused with a Vietnamese message, at upload time and again at run time.
"""

import ast
from functools import lru_cache

from django.utils.translation import gettext as _

from .browser import browser_condition, referenced_paths
from .compiler import _bracket_depth, _Compiler
from .foreign import _foreign_syntax, _syntax_message
from .nodes import MAX_DEPTH, MAX_LENGTH, ExpressionError

# --- Public API -----------------------------------------------------------------------------------


class Expression:
    """A compiled, safe expression. ``evaluate(data)`` reads only the given dict."""

    def __init__(self, source: str, root):
        self.source = source
        self._root = root

    def evaluate(self, data: dict):
        """Evaluate against ``data`` (a dict of JSON values). Raises ``ExpressionError``."""
        try:
            return self._root.eval(data if isinstance(data, dict) else {})
        except ExpressionError:
            raise
        except RecursionError as exc:
            raise ExpressionError(_("Dữ liệu lồng nhau quá sâu.")) from exc

    @property
    def paths(self) -> set[str]:
        """The dotted paths of every variable the expression reads (``form.so_trang``, ``nop_thay``)."""
        return referenced_paths(self._root)

    def browser_condition(self) -> dict | None:
        """The same condition for the applicant's browser (``browser.browser_condition``), or ``None``."""
        return browser_condition(self._root)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


@lru_cache(maxsize=1024)
def compile_expression(source: str) -> Expression:
    """Parse and check ``source``; return an ``Expression``. Raises ``ExpressionError`` (Vietnamese)."""
    if not isinstance(source, str):
        raise ExpressionError(_("Điều kiện phải là một chuỗi ký tự."))
    text = source.strip()
    if not text:
        raise ExpressionError(_("Điều kiện đang để trống."))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_("Điều kiện dài quá %(n)s ký tự.") % {"n": MAX_LENGTH})
    # Newlines would let a second statement hide after a comment in some tools; one line only.
    if "\n" in text or "\r" in text:
        raise ExpressionError(_("Điều kiện phải viết trên một dòng."))
    if _bracket_depth(text) > MAX_DEPTH:
        raise ExpressionError(_("Biểu thức lồng nhau quá sâu (tối đa %(n)s mức).") % {"n": MAX_DEPTH})
    foreign = _foreign_syntax(text)
    if foreign:
        raise ExpressionError(foreign)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        # Python's own words ("invalid syntax", "'(' was never closed") mean nothing to a process designer.
        raise ExpressionError(_syntax_message(text, exc.offset or 0)) from exc
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ExpressionError(_("Điều kiện lồng nhau quá sâu hoặc không đọc được.")) from exc
    root = _Compiler().compile(tree, 0)
    return Expression(text, root)


def validate(source: str) -> str | None:
    """Return the Vietnamese reason ``source`` is refused, or ``None`` if it is a valid expression."""
    try:
        compile_expression(source)
    except ExpressionError as exc:
        return exc.message
    return None


def evaluate(source: str, data: dict):
    """Compile (cached) and evaluate ``source`` against ``data``. Raises ``ExpressionError``."""
    return compile_expression(source).evaluate(data)
