"""The nodes of a compiled expression, the limits of the language and its run-time rules (what ``==``,
``<``, ``in`` and the functions do with JSON values)."""

import ast
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

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
        if self.name == "filled":
            # An answer left empty is not an answer: the form engine stores no "" but a draft may.
            return value is not None and value not in ("", [], {})
        if self.name == "len":
            if not isinstance(value, str | list | dict):
                raise ExpressionError(_("Hàm len() chỉ dùng với chuỗi, danh sách hoặc đối tượng."))
            return len(value)
        if not isinstance(value, str):
            raise ExpressionError(_("Hàm lower() chỉ dùng với chuỗi ký tự."))
        return value.lower()


_FUNCTIONS = {"filled", "len", "lower"}


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


def _same(a, b) -> bool:
    """JSON equality: one number type (1 == 1.0), but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def _compare(op: str, left, right) -> bool:
    if op == "==":
        return _same(left, right)
    if op == "!=":
        return not _same(left, right)
    if op in ("in", "not in"):
        if isinstance(right, list):
            found = any(_same(left, item) for item in right)
        elif isinstance(right, dict):
            found = isinstance(left, str) and left in right
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
