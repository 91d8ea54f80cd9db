"""What a compiled expression reads, and the same condition in the shape the applicant's browser
evaluates (``data-show-if``, read by portal/apply.js: ``{"field", "equals"|"not_equals"|"in"|"filled"}``,
``{"all"|"any": [...]}``, ``{"not": …}``).

Only the part of the language that a page can decide from its own inputs has a browser shape:
comparisons of a field with fixed values by ``==``, ``!=``, ``in``, ``not in``, ``filled(field)`` and
``and``/``or``/``not`` over those. The form engine refuses any other condition on a field of the same
page (docs/forms.md).
"""

from .nodes import _Arith, _BoolOp, _Call, _Compare, _Const, _List, _Neg, _Not, _Path


def _children(node) -> tuple:
    if isinstance(node, _List):
        return node.items
    if isinstance(node, _Not | _Neg):
        return (node.operand,)
    if isinstance(node, _BoolOp):
        return node.operands
    if isinstance(node, _Arith):
        return (node.left, node.right)
    if isinstance(node, _Compare):
        return (node.first, *node.rest)
    if isinstance(node, _Call):
        return (node.argument,)
    return ()


def dotted(path: _Path) -> str:
    """``form.cha["so"][0]`` → ``form.cha.so``: the dotted path up to the first list index."""
    parts = [path.root]
    for key in path.keys:
        if not isinstance(key, str):
            break
        parts.append(key)
    return ".".join(parts)


def referenced_paths(node) -> set[str]:
    """The dotted paths of every variable the expression reads."""
    if isinstance(node, _Path):
        return {dotted(node)}
    return set().union(*(referenced_paths(child) for child in _children(node)))


def _constant(node):
    """``(True, value)`` for a fixed value (``-3`` included), else ``(False, None)``."""
    if isinstance(node, _Const):
        return True, node.value
    if isinstance(node, _Neg) and isinstance(node.operand, _Const):
        value = node.operand.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, value * node.sign
    return False, None


def _field(node) -> str | None:
    # List indexes have no browser input: only plain dotted paths qualify.
    if isinstance(node, _Path) and all(isinstance(k, str) for k in node.keys):
        return dotted(node)
    return None


def _comparison(node: _Compare):
    if len(node.ops) != 1:
        return None
    op, left, right = node.ops[0], node.first, node.rest[0]
    if op in ("==", "!=") and _field(left) is None:
        left, right = right, left
    path = _field(left)
    if path is None:
        return None
    if op in ("==", "!="):
        fixed, value = _constant(right)
        if not fixed:
            return None
        return {"field": path, "equals" if op == "==" else "not_equals": value}
    if op in ("in", "not in") and isinstance(right, _List):
        options = [_constant(item) for item in right.items]
        if not all(fixed for fixed, _value in options):
            return None
        condition = {"field": path, "in": [value for _fixed, value in options]}
        return condition if op == "in" else {"not": condition}
    return None


def browser_condition(node) -> dict | None:
    """The browser shape of the expression, or ``None`` when it has none."""
    if isinstance(node, _Compare):
        return _comparison(node)
    if isinstance(node, _Call) and node.name == "filled":
        path = _field(node.argument)
        return {"field": path, "filled": True} if path is not None else None
    if isinstance(node, _Not):
        inner = browser_condition(node.operand)
        return {"not": inner} if inner is not None else None
    if isinstance(node, _BoolOp):
        parts = [browser_condition(operand) for operand in node.operands]
        if any(part is None for part in parts):
            return None
        return {"all" if node.is_and else "any": parts}
    return None
