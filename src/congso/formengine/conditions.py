"""Conditions of conditional sections (``show_if``): plain data, evaluated here, never ``eval``-ed.

A condition is one of::

    {"field": "nop_thay", "equals": true}
    {"field": "hinh_thuc_nhan", "not_equals": "truc_tiep"}
    {"field": "loai_cho_o", "in": ["thue", "muon"]}
    {"field": "cha.so_dinh_danh", "filled": true}      # answered (false: not answered)
    {"all": [<condition>, ...]}   {"any": [<condition>, ...]}   {"not": <condition>}

``field`` is the dotted path of another field of the same form. A field that is not answered (or is itself
hidden) has no value: ``equals`` is then false, ``not_equals`` true.
"""

from django.utils.translation import gettext as _

MISSING = object()

_COMPARISONS = ("equals", "not_equals", "in", "filled")


def get_path(data, path: str):
    """The value at the dotted ``path`` of ``data``, or ``MISSING``."""
    current = data
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return MISSING
        current = current[part]
    return current


def evaluate(condition, data) -> bool:
    """Whether ``condition`` holds for the answers ``data``. ``condition`` must have passed ``check``."""
    if "all" in condition:
        return all(evaluate(c, data) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, data) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], data)
    value = get_path(data, condition["field"])
    if "equals" in condition:
        return value is not MISSING and _same(value, condition["equals"])
    if "not_equals" in condition:
        return value is MISSING or not _same(value, condition["not_equals"])
    if "in" in condition:
        return value is not MISSING and any(_same(value, option) for option in condition["in"])
    answered = value is not MISSING and value != ""
    return answered == bool(condition["filled"])


def _same(a, b) -> bool:
    # JSON has one number type: 1 == 1.0, but True must not equal 1.
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def referenced_paths(condition) -> set[str]:
    """Every field path the condition reads."""
    if "all" in condition or "any" in condition:
        parts = condition.get("all") or condition.get("any") or []
        return set().union(*(referenced_paths(c) for c in parts)) if parts else set()
    if "not" in condition:
        return referenced_paths(condition["not"])
    return {condition["field"]}


def check(condition, known_paths, *, where: str) -> list[str]:
    """Problems with ``condition`` (Vietnamese, for the administrator), empty when it is well formed.
    ``known_paths`` are the form's field paths; ``where`` names the field carrying the condition."""
    if not isinstance(condition, dict):
        return [_("%(where)s: điều kiện hiển thị phải là một đối tượng JSON.") % {"where": where}]
    for combinator in ("all", "any"):
        if combinator in condition:
            parts = condition[combinator]
            if len(condition) != 1 or not isinstance(parts, list) or not parts:
                return [
                    _("%(where)s: “%(key)s” phải là danh sách điều kiện không rỗng và đứng một mình.")
                    % {"where": where, "key": combinator}
                ]
            return [problem for part in parts for problem in check(part, known_paths, where=where)]
    if "not" in condition:
        if len(condition) != 1:
            return [_("%(where)s: “not” phải đứng một mình.") % {"where": where}]
        return check(condition["not"], known_paths, where=where)
    field = condition.get("field")
    comparisons = [key for key in _COMPARISONS if key in condition]
    problems = []
    if not isinstance(field, str) or field not in known_paths:
        problems.append(
            _("%(where)s: điều kiện hiển thị tham chiếu trường “%(field)s” không có trong biểu mẫu.")
            % {"where": where, "field": field}
        )
    if len(comparisons) != 1 or set(condition) != {"field", comparisons[0]}:
        problems.append(
            _(
                "%(where)s: điều kiện hiển thị cần “field” và đúng một trong các phép so sánh "
                "equals, not_equals, in, filled."
            )
            % {"where": where}
        )
    elif comparisons[0] == "in" and not isinstance(condition["in"], list):
        problems.append(_("%(where)s: “in” phải là một danh sách giá trị.") % {"where": where})
    return problems
