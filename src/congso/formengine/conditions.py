"""Conditions of conditional sections (``show_if``), written in congso's one expression language
(``congso.core.expressions``, the language of gateway conditions too)::

    "show_if": "nop_thay == true"
    "show_if": "hinh_thuc_nhan != \"truc_tiep\""
    "show_if": "loai_cho_o in [\"thue\", \"muon\"]"
    "show_if": "filled(cha.so_dinh_danh)"          # answered (not answered: "not filled(…)")
    "show_if": "nop_thay == true and (so_ban > 2 or filled(ghi_chu))"

Variables are the dotted paths of other fields of the same form. A field that is not answered (or is
itself hidden) is ``null``: ``==`` is then false, ``!=`` true. A condition that cannot be evaluated on
the answers (``so_ban > 2`` while ``so_ban`` is unanswered) does not hold: the section stays hidden.
"""

from django.utils.translation import gettext as _

from congso.core.expressions import Expression, ExpressionError, compile_expression


def compile_condition(source, known_paths, *, where: str) -> tuple[Expression | None, list[str]]:
    """``(expression, [])`` for a well-formed condition, else ``(None, problems)`` (Vietnamese, for the
    administrator). ``known_paths`` are the form's leaf paths; ``where`` names the field carrying it."""
    if not isinstance(source, str):
        return None, [
            _(
                "%(where)s: điều kiện hiển thị phải là một biểu thức (chuỗi ký tự), ví dụ "
                "“nop_thay == true” (xem docs/forms.md)."
            )
            % {"where": where}
        ]
    try:
        expression = compile_expression(source)
    except ExpressionError as exc:
        return None, [
            _("%(where)s: điều kiện hiển thị không hợp lệ: %(reason)s")
            % {"where": where, "reason": exc.message}
        ]
    problems = [
        _("%(where)s: điều kiện hiển thị tham chiếu trường “%(field)s” không có trong biểu mẫu.")
        % {"where": where, "field": path}
        for path in sorted(expression.paths - set(known_paths))
    ]
    return (None, problems) if problems else (expression, [])


def holds(expression: Expression, data) -> bool:
    """Whether the condition holds for the answers ``data``."""
    try:
        return bool(expression.evaluate(data if isinstance(data, dict) else {}))
    except ExpressionError:
        return False


def browser_problem(expression: Expression, *, where: str) -> str | None:
    """Why the applicant's browser cannot decide ``expression`` (a condition on a field of the same
    page must be revealed as the applicant answers), or ``None``."""
    if expression.browser_condition() is not None:
        return None
    return _(
        "%(where)s: điều kiện hiển thị đọc câu trả lời trên cùng trang nên chỉ được so sánh một trường với "
        "giá trị cố định bằng ==, !=, in, not in, filled(…) và nối bằng and, or, not."
    ) % {"where": where}


def browser_paths(condition: dict) -> set[str]:
    """The field paths a browser condition (``Expression.browser_condition``) reads."""
    if "all" in condition or "any" in condition:
        return set().union(*(browser_paths(part) for part in condition.get("all") or condition.get("any")))
    if "not" in condition:
        return browser_paths(condition["not"])
    return {condition["field"]}
