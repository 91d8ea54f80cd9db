"""Compilation of an expression: Python's syntax tree, checked against a whitelist, becomes the nodes of
``nodes`` (nothing is ever given to ``eval``/``compile``)."""

import ast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .nodes import (
    _COMPARATORS,
    _FUNCTIONS,
    _LITERAL_NAMES,
    MAX_DEPTH,
    MAX_NODES,
    MAX_STRING,
    ExpressionError,
    _Arith,
    _BoolOp,
    _Call,
    _check_number,
    _Compare,
    _Const,
    _is_number,
    _List,
    _Neg,
    _Not,
    _Path,
)

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
            raise ExpressionError(_("Chỉ được gọi các hàm filled(), len() và lower()."))
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
