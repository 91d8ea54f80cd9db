"""Conditional form sections (``form_ui.fields.*.show_if``) are now written in congso's one expression
language (``congso.core.expressions``, docs/expressions.md) instead of JSON objects: rewrite the stored
ones. ``{"field": "nop_thay", "equals": true}`` becomes ``"nop_thay == true"``; a condition already
written as text is left alone. The rewrite is frozen here (the old format exists nowhere else any more).
"""

import json

from django.db import migrations


def _value(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _part(condition) -> str:
    text = _expression(condition)
    return f"({text})" if ("all" in condition or "any" in condition) else text


def _expression(condition) -> str:
    """The expression for one old JSON condition (which passed the old checks)."""
    if "all" in condition:
        return " and ".join(_part(c) for c in condition["all"])
    if "any" in condition:
        return " or ".join(_part(c) for c in condition["any"])
    if "not" in condition:
        return f"not ({_expression(condition['not'])})"
    field = condition["field"]
    if "equals" in condition:
        return f"{field} == {_value(condition['equals'])}"
    if "not_equals" in condition:
        return f"{field} != {_value(condition['not_equals'])}"
    if "in" in condition:
        return f"{field} in {_value(condition['in'])}"
    return f"filled({field})" if condition["filled"] else f"not filled({field})"


def rewrite(form_ui):
    """``form_ui`` with every JSON ``show_if`` rewritten, and whether anything changed."""
    fields = form_ui.get("fields") if isinstance(form_ui, dict) else None
    changed = False
    for hints in (fields or {}).values() if isinstance(fields, dict) else ():
        condition = hints.get("show_if") if isinstance(hints, dict) else None
        if isinstance(condition, dict):
            hints["show_if"] = _expression(condition)
            changed = True
    return form_ui, changed


def forwards(apps, schema_editor):
    ProcedureVersion = apps.get_model("catalog", "ProcedureVersion")
    for version in ProcedureVersion.objects.exclude(form_ui={}).only("pk", "form_ui").iterator():
        form_ui, changed = rewrite(version.form_ui)
        if changed:
            ProcedureVersion.objects.filter(pk=version.pk).update(form_ui=form_ui)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_online_mode_one_label"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
