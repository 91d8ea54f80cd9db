"""The safe expression language of gateway conditions (and of quoted timer expressions).

A process designer writes conditions such as ``form.so_trang > 10 and dossier.channel == "online"`` on
the outgoing flows of a gateway. The text comes from an uploaded file, so it is never given to Python's
``eval``/``exec``/``compile``: it is parsed with ``ast.parse(mode="eval")`` only to get a syntax tree, the
tree is checked against a strict whitelist and turned into this module's own node objects, and those are
evaluated here.

The language:

- literals: numbers, strings, ``true``/``false``/``null`` (``True``/``False``/``None`` also accepted),
  list literals ``[1, 2, "a"]``;
- variable paths over plain JSON data: ``form.so_trang``, ``dossier.channel``, ``items[0]``,
  ``form["họ_tên"]``. A path descends only into dicts and lists — never into attributes of Python
  objects — and a missing name or key is ``null``;
- comparisons ``== != < <= > >=`` (chains allowed), ``in`` / ``not in``;
- ``and``, ``or``, ``not``; arithmetic ``+ - * /`` on numbers, ``+`` on two strings; parentheses;
- two functions: ``len(x)`` and ``lower(x)``.

Limits: 500 characters, 40 levels of nesting, 200 nodes; names may not start with ``_``; numbers stay
below 10^15 in magnitude and strings below 10,000 characters. Everything else — attribute access on
objects, calls of other functions, lambdas, comprehensions, ``**``, f-strings, subscripts with
computed indexes — is refused with a Vietnamese message, at upload time and again at run time.
"""

import ast
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_NODES = 200
MAX_NUMBER = 10**15
MAX_STRING = 10_000

_LITERAL_NAMES = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}


class ExpressionError(ValueError):
    """An expression that cannot be parsed or evaluated; ``message`` is in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Nodes of the compiled expression --------------------------------------------------------------


@dataclass(frozen=True)
class _Const:
    value: object

    def eval(self, ctx):
        return self.value


@dataclass(frozen=True)
class _List:
    items: tuple

    def eval(self, ctx):
        return [item.eval(ctx) for item in self.items]


@dataclass(frozen=True)
class _Path:
    """A variable followed by keys/indexes: ``form.so_trang`` is ``_Path("form", ("so_trang",))``."""

    root: str
    keys: tuple

    def eval(self, ctx):
        value = ctx.get(self.root) if isinstance(ctx, dict) else None
        for key in self.keys:
            if isinstance(value, dict) and isinstance(key, str):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
                value = value[key] if -len(value) <= key < len(value) else None
            else:
                # Never getattr: a path only walks JSON containers; anything else is simply absent.
                return None
        return _check_value(value)


@dataclass(frozen=True)
class _Not:
    operand: object

    def eval(self, ctx):
        return not _truth(self.operand.eval(ctx))


@dataclass(frozen=True)
class _Neg:
    operand: object
    sign: int

    def eval(self, ctx):
        value = self.operand.eval(ctx)
        if not _is_number(value):
            raise ExpressionError(_("Dấu âm/dương chỉ dùng được với số."))
        return value * self.sign


@dataclass(frozen=True)
class _BoolOp:
    is_and: bool
    operands: tuple

    def eval(self, ctx):
        for operand in self.operands:
            truth = _truth(operand.eval(ctx))
            if self.is_and and not truth:
                return False
            if not self.is_and and truth:
                return True
        return self.is_and


@dataclass(frozen=True)
class _Arith:
    op: str
    left: object
    right: object

    def eval(self, ctx):
        a, b = self.left.eval(ctx), self.right.eval(ctx)
        if self.op == "+" and isinstance(a, str) and isinstance(b, str):
            if len(a) + len(b) > MAX_STRING:
                raise ExpressionError(_("Chuỗi ký tự quá dài."))
            return a + b
        if not (_is_number(a) and _is_number(b)):
            raise ExpressionError(_("Phép tính “%(op)s” chỉ dùng được với số.") % {"op": self.op})
        if self.op == "+":
            result = a + b
        elif self.op == "-":
            result = a - b
        elif self.op == "*":
            result = a * b
        else:
            if b == 0:
                raise ExpressionError(_("Không chia được cho 0."))
            result = a / b
        return _check_number(result)


_COMPARATORS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}


@dataclass(frozen=True)
class _Compare:
    first: object
    ops: tuple
    rest: tuple

    def eval(self, ctx):
        left = self.first.eval(ctx)
        for op, node in zip(self.ops, self.rest, strict=True):
            right = node.eval(ctx)
            if not _compare(op, left, right):
                return False
            left = right
        return True


@dataclass(frozen=True)
class _Call:
    name: str
    argument: object

    def eval(self, ctx):
        value = self.argument.eval(ctx)
        if self.name == "len":
            if not isinstance(value, str | list | dict):
                raise ExpressionError(_("Hàm len() chỉ dùng với chuỗi, danh sách hoặc đối tượng."))
            return len(value)
        if not isinstance(value, str):
            raise ExpressionError(_("Hàm lower() chỉ dùng với chuỗi ký tự."))
        return value.lower()


_FUNCTIONS = {"len", "lower"}


# --- Run-time helpers --------------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_number(value):
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError(_("Kết quả phép tính không hữu hạn."))
    if abs(value) >= MAX_NUMBER:
        raise ExpressionError(_("Kết quả phép tính vượt quá giới hạn cho phép."))
    return value


def _check_value(value):
    """Data values must be JSON values; anything else (never expected) reads as absent."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return None


def _truth(value) -> bool:
    return bool(value)


def _compare(op: str, left, right) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op in ("in", "not in"):
        if isinstance(right, list | dict):
            found = left in right
        elif isinstance(right, str) and isinstance(left, str):
            found = left in right
        else:
            raise ExpressionError(_("Phép “in” cần một danh sách hoặc chuỗi ký tự ở vế phải."))
        return found if op == "in" else not found
    comparable = (_is_number(left) and _is_number(right)) or (
        isinstance(left, str) and isinstance(right, str)
    )
    if not comparable:
        raise ExpressionError(
            _("Không so sánh “%(op)s” được giữa %(left)s và %(right)s.")
            % {"op": op, "left": _type_name(left), "right": _type_name(right)}
        )
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


def _type_name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("giá trị đúng/sai")
    if _is_number(value):
        return _("số")
    if isinstance(value, str):
        return _("chuỗi ký tự")
    if isinstance(value, list):
        return _("danh sách")
    return _("đối tượng")


# --- Compilation: Python syntax tree → whitelisted nodes ------------------------------------------


class _Compiler:
    def __init__(self):
        self.nodes = 0

    def compile(self, node, depth: int):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(_("Biểu thức quá phức tạp (tối đa %(n)s thành phần).") % {"n": MAX_NODES})
        if depth > MAX_DEPTH:
            raise ExpressionError(_("Biểu thức lồng nhau quá sâu (tối đa %(n)s mức).") % {"n": MAX_DEPTH})
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ExpressionError(_refusal(node))
        return method(node, depth + 1)

    def _Expression(self, node, depth):
        return self.compile(node.body, depth)

    def _Constant(self, node, depth):
        value = node.value
        if isinstance(value, bool) or value is None:
            return _Const(value)
        if isinstance(value, int | float):
            return _Const(_check_number(value))
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise ExpressionError(_("Chuỗi ký tự quá dài."))
            return _Const(value)
        raise ExpressionError(_("Kiểu giá trị này không được dùng trong điều kiện."))

    def _Name(self, node, depth):
        if node.id in _LITERAL_NAMES:
            return _Const(_LITERAL_NAMES[node.id])
        _check_identifier(node.id)
        return _Path(node.id, ())

    def _Attribute(self, node, depth):
        base = self.compile(node.value, depth)
        if not isinstance(base, _Path):
            raise ExpressionError(_("Chỉ được lấy trường của một biến dữ liệu (ví dụ form.so_trang)."))
        _check_identifier(node.attr)
        return _Path(base.root, base.keys + (node.attr,))

    def _Subscript(self, node, depth):
        base = self.compile(node.value, depth)
        if not isinstance(base, _Path):
            raise ExpressionError(_("Chỉ được lấy phần tử của một biến dữ liệu."))
        index = node.slice
        if (
            isinstance(index, ast.UnaryOp)
            and isinstance(index.op, ast.USub)
            and isinstance(index.operand, ast.Constant)
        ):
            key = -index.operand.value if _is_number(index.operand.value) else None
        elif isinstance(index, ast.Constant):
            key = index.value
        else:
            key = None
        if isinstance(key, bool) or not isinstance(key, int | str):
            raise ExpressionError(_("Chỉ số phải là một số nguyên hoặc chuỗi ký tự cố định."))
        if isinstance(key, str):
            _check_identifier(key, strict=False)
        return _Path(base.root, base.keys + (key,))

    def _List(self, node, depth):
        return _List(tuple(self.compile(item, depth) for item in node.elts))

    def _UnaryOp(self, node, depth):
        operand = self.compile(node.operand, depth)
        if isinstance(node.op, ast.Not):
            return _Not(operand)
        if isinstance(node.op, ast.USub):
            return _Neg(operand, -1)
        if isinstance(node.op, ast.UAdd):
            return _Neg(operand, 1)
        raise ExpressionError(_refusal(node.op))

    def _BoolOp(self, node, depth):
        return _BoolOp(isinstance(node.op, ast.And), tuple(self.compile(v, depth) for v in node.values))

    def _BinOp(self, node, depth):
        ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
        op = ops.get(type(node.op))
        if op is None:
            raise ExpressionError(_refusal(node.op))
        return _Arith(op, self.compile(node.left, depth), self.compile(node.right, depth))

    def _Compare(self, node, depth):
        ops = []
        for op in node.ops:
            symbol = _COMPARATORS.get(type(op))
            if symbol is None:
                raise ExpressionError(_refusal(op))
            ops.append(symbol)
        return _Compare(
            self.compile(node.left, depth),
            tuple(ops),
            tuple(self.compile(c, depth) for c in node.comparators),
        )

    def _Call(self, node, depth):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            raise ExpressionError(_("Chỉ được gọi các hàm len() và lower()."))
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ExpressionError(_("Hàm %(name)s() nhận đúng một đối số.") % {"name": node.func.id})
        return _Call(node.func.id, self.compile(node.args[0], depth))


def _check_identifier(name: str, strict: bool = True) -> None:
    if name.startswith("_"):
        raise ExpressionError(
            _("Tên “%(name)s” không được bắt đầu bằng dấu gạch dưới.") % {"name": name[:40]}
        )
    if strict and not name.isidentifier():
        raise ExpressionError(_("Tên “%(name)s” không hợp lệ.") % {"name": name[:40]})


_REFUSALS = {
    "Lambda": gettext_noop("Không được dùng hàm lambda."),
    "ListComp": gettext_noop("Không được dùng biểu thức sinh danh sách (comprehension)."),
    "SetComp": gettext_noop("Không được dùng biểu thức sinh danh sách (comprehension)."),
    "DictComp": gettext_noop("Không được dùng biểu thức sinh danh sách (comprehension)."),
    "GeneratorExp": gettext_noop("Không được dùng biểu thức sinh danh sách (comprehension)."),
    "Pow": gettext_noop("Không được dùng phép lũy thừa (**)."),
    "JoinedStr": gettext_noop("Không được dùng chuỗi định dạng (f-string)."),
    "Tuple": gettext_noop("Dùng danh sách trong ngoặc vuông [ ] thay cho bộ giá trị ( )."),
    "NamedExpr": gettext_noop("Không được gán giá trị trong điều kiện."),
    "IfExp": gettext_noop("Không được dùng biểu thức điều kiện “a if b else c”."),
    "Await": gettext_noop("Không được dùng await."),
    "Yield": gettext_noop("Không được dùng yield."),
    "YieldFrom": gettext_noop("Không được dùng yield."),
}


def _refusal(node) -> str:
    name = type(node).__name__
    message = _REFUSALS.get(name)
    if message is not None:
        return _(message)
    return _("Thành phần “%(name)s” không được phép trong điều kiện.") % {"name": name}


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

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


def _bracket_depth(text: str) -> int:
    """Deepest nesting of brackets outside string literals (parentheses leave no trace in the tree)."""
    depth = deepest = 0
    quote = None
    escaped = False
    for char in text:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


# --- Conditions written for other engines -------------------------------------------------------------

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
