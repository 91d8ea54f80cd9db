"""The form engine of online applications: a procedure version's ``form_schema`` (JSON Schema, draft
2020-12) and ``form_ui`` (labels, help, steps, widgets, conditional sections, prefill) become pages of
questions, posted answers become validated JSON, and errors become Vietnamese messages per field.

The format is documented in docs/forms.md. Public names::

    definition = build(version.form_schema, version.form_ui)    # FormDefinitionError if unusable
    submission = definition.apply_post(step, request.POST, draft.data, locked=...)
    result = definition.validate(data)                           # .fields {path: message}, .form
    items = page_items(definition, step, data, raw=..., errors=...)

Modules: ``builder`` (checks schema and UI hints), ``definition`` (a checked form and what it does with
answers), ``nodes`` (fields, pages, results), ``paths`` (dotted paths in answers), ``conditions``
(``show_if``, in the expression language of ``congso.core.expressions``), ``values`` (posted text ↔
JSON), ``messages``, ``rendering``, ``prefill``.

The engine knows nothing about drafts, users or dossiers; the portal's views do.
"""

from .builder import UI_KEYS, build, unknown_ui_keys
from .definition import FormDefinition
from .nodes import (
    AnswerGroup,
    AnswerRow,
    FormDefinitionError,
    Node,
    Step,
    StepAnswers,
    Submission,
    ValidationResult,
)
from .paths import MISSING, get_path, set_path
from .rendering import BoundField, error_summary, page_answers, page_items

__all__ = [
    "MISSING",
    "UI_KEYS",
    "AnswerGroup",
    "AnswerRow",
    "BoundField",
    "FormDefinition",
    "FormDefinitionError",
    "Node",
    "Step",
    "StepAnswers",
    "Submission",
    "ValidationResult",
    "build",
    "error_summary",
    "get_path",
    "page_answers",
    "page_items",
    "set_path",
    "unknown_ui_keys",
]
