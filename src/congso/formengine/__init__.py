"""The form engine of online applications: a procedure version's ``form_schema`` (JSON Schema, draft
2020-12) and ``form_ui`` (labels, help, steps, widgets, conditional sections, prefill) become pages of
questions, posted answers become validated JSON, and errors become Vietnamese messages per field.

The format is documented in docs/forms.md. Public names::

    definition = build(version.form_schema, version.form_ui)    # FormDefinitionError if unusable
    submission = definition.apply_post(step, request.POST, draft.data, locked=...)
    result = definition.validate(data)                           # .fields {path: message}, .form
    items = page_items(definition, step, data, raw=..., errors=...)

The engine knows nothing about drafts, users or dossiers; the portal's views do.
"""

from .conditions import MISSING, get_path
from .definition import (
    AnswerGroup,
    AnswerRow,
    FormDefinition,
    FormDefinitionError,
    Node,
    Step,
    StepAnswers,
    Submission,
    ValidationResult,
    build,
    set_path,
)
from .rendering import BoundField, error_summary, page_answers, page_items

__all__ = [
    "MISSING",
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
]
