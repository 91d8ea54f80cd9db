"""What the templates need to draw a page of a form: a flat list of items (section opens, fields,
section closes) and the error summary.

Templates stay simple (no recursion): ``portal/apply/includes/fields.html`` walks ``page_items`` and
includes ``field.html`` for each field. Every field carries its id, name, value, hint, error and the
ids for ``aria-describedby``, following the GOV.UK pattern described in congso.css.
"""

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import values
from .conditions import browser_paths
from .paths import MISSING, get_path

INPUT_TYPES = {"email": "email", "tel": "tel"}
INPUT_MODES = {"integer": "numeric", "number": "decimal", "date": "numeric", "tel": "tel"}


@dataclass
class Choice:
    key: str
    label: str
    hint: str
    checked: bool
    id: str


@dataclass
class DateInput:
    """One box of a date (GOV.UK date input): the day's box carries the field's id, so that the error
    summary's link lands on the first box of the group."""

    id: str
    name: str
    label: str
    value: str
    width: str


@dataclass
class BoundField:
    node: object
    id: str
    name: str
    label: str
    help: str
    kind: str
    value: str
    error: str = ""
    choices: list[Choice] = field(default_factory=list)
    checked: bool = False
    optional: bool = False
    prefilled_from: str = ""
    readonly: bool = False
    readonly_text: str = ""
    reveal: str = ""
    reveal_hint: str = ""
    date_inputs: list[DateInput] = field(default_factory=list)
    input_type: str = "text"
    inputmode: str = ""
    autocomplete: str = ""
    width: str = ""
    rows: int = 5

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def describedby(self) -> str:
        ids = []
        if self.help or self.kind == "date":
            ids.append(self.hint_id)
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def is_group(self) -> bool:
        """Radios and yes/no are a group: a fieldset whose legend is the question."""
        return self.kind in ("radio", "yesno")

    @property
    def is_date(self) -> bool:
        """A date is three boxes (day, month, year) in a fieldset whose legend is the question."""
        return self.kind == "date"


@dataclass
class Item:
    kind: str  # "open", "field" or "close"
    field: BoundField | None = None
    label: str = ""
    help: str = ""
    id: str = ""
    reveal: str = ""
    reveal_hint: str = ""


def _reveal_hint(definition, condition) -> str:
    """The hint "Chỉ trả lời nếu …" of a field revealed by an answer on the same page, for readers
    without script."""
    if "field" in condition and ("equals" in condition or "in" in condition):
        controller = definition.nodes[condition["field"]]
        wanted = [condition["equals"]] if "equals" in condition else list(condition["in"])
        shown = " / ".join(f"“{values.display(controller, v)}”" for v in wanted)
        return _("Chỉ trả lời nếu ở câu “%(question)s” bạn chọn %(answer)s.") % {
            "question": controller.label,
            "answer": shown,
        }
    labels = sorted({definition.nodes[p].label for p in browser_paths(condition)})
    return _("Chỉ trả lời nếu câu trả lời của bạn ở %(questions)s đòi hỏi phần này.") % {
        "questions": ", ".join(f"“{label}”" for label in labels)
    }


def bind(definition, node, data, *, raw=None, error="", prefill_marks=None, locked=None) -> BoundField:
    """One leaf ready for ``field.html``: value from ``raw`` (what was just posted) or ``data``."""
    raw = raw or {}
    locked = locked or {}
    stored = get_path(data, node.path)
    text = raw[node.path] if node.path in raw else values.to_input(node, stored)
    width = node.ui.get("width") if node.ui.get("width") in ("short", "medium") else ""
    if not width and node.kind in ("integer", "number"):
        width = "short"
    if not width and node.kind == "date":
        width = "medium"
    bound = BoundField(
        node=node,
        id=node.html_id,
        name=node.html_name,
        label=node.label,
        help=node.help,
        kind=node.kind,
        value=text,
        error=error,
        optional=node.optional,
        prefilled_from=(prefill_marks or {}).get(node.path, ""),
        input_type=INPUT_TYPES.get(node.kind, "text"),
        inputmode=str(node.ui.get("inputmode") or INPUT_MODES.get(node.kind, "")),
        autocomplete=str(node.ui.get("autocomplete") or ""),
        width=width,
        rows=int(node.ui.get("rows") or 5) if str(node.ui.get("rows") or "5").isdigit() else 5,
    )
    if node.path in locked:
        bound.readonly = True
        bound.readonly_text = values.display(node, locked[node.path])
    if node.kind == "checkbox":
        bound.checked = text == "true"
    if node.kind == "date":
        bound.value = ""
        bound.date_inputs = _date_inputs(node, values.date_parts(text))
    for index, (value, label) in enumerate(node.choices):
        key = values.choice_key(value)
        bound.choices.append(
            Choice(
                key=key,
                label=label,
                hint=node.choice_hints.get(key, ""),
                checked=(key == text),
                id=node.html_id if index == 0 else f"{node.html_id}-{index + 1}",
            )
        )
    return bound


def _date_inputs(node, parts: dict) -> list[DateInput]:
    labels = {
        "day": pgettext("date input", "Ngày"),
        "month": pgettext("date input", "Tháng"),
        "year": pgettext("date input", "Năm"),
    }
    names = values.date_part_names(node)
    inputs = []
    for index, ((key, suffix), name) in enumerate(zip(values.DATE_PARTS, names, strict=True)):
        inputs.append(
            DateInput(
                id=node.html_id if index == 0 else f"{node.html_id}-{suffix}",
                name=name,
                label=str(labels[key]),
                value=parts.get(key, ""),
                width="4" if key == "year" else "2",
            )
        )
    return inputs


def page_items(
    definition, step, data, *, raw=None, errors=None, prefill_marks=None, locked=None
) -> list[Item]:
    """The items of the page ``step`` in order; a section is an "open" item, its fields, a "close"."""
    errors = errors or {}
    items: list[Item] = []
    stack: list = []
    for node, reveal in definition.rendered_nodes(step, data):
        # Nodes come depth first: close every open section this node is not inside.
        ancestors = node.ancestors()
        while stack and stack[-1] not in ancestors:
            stack.pop()
            items.append(Item("close"))
        reveal_json = json.dumps(reveal, ensure_ascii=False, separators=(",", ":")) if reveal else ""
        reveal_hint = _reveal_hint(definition, reveal) if reveal else ""
        if node.is_section:
            items.append(
                Item(
                    "open",
                    label=node.label,
                    help=node.help,
                    id=node.html_id,
                    reveal=reveal_json,
                    reveal_hint=reveal_hint,
                )
            )
            stack.append(node)
            continue
        bound = bind(
            definition,
            node,
            data,
            raw=raw,
            error=errors.get(node.path, ""),
            prefill_marks=prefill_marks,
            locked=locked,
        )
        bound.reveal, bound.reveal_hint = reveal_json, reveal_hint
        items.append(Item("field", field=bound))
    items.extend(Item("close") for _node in stack)
    return items


def page_answers(definition, step, data) -> str:
    """JSON of the saved answers that this page's reveal conditions read from other pages, for the
    progressive-enhancement script (``data-answers``)."""
    on_page = {leaf.path for leaf in step.leaves()}
    needed = set()
    for _node, reveal in definition.rendered_nodes(step, data):
        if reveal:
            needed |= browser_paths(reveal) - on_page
    answers = {}
    for path in sorted(needed):
        value = get_path(data, path)
        if value is not MISSING:
            answers[path] = value
    return json.dumps(answers, ensure_ascii=False, separators=(",", ":"))


def error_summary(definition, errors: dict, form_errors=(), *, href_prefix: str = "") -> list[dict]:
    """``[{"href", "message"}]`` for the error summary: form-level errors first (no link), then one
    link per field error to its input (``href_prefix`` lets the review page link to another page)."""
    summary = [{"href": "", "message": message} for message in form_errors]
    for path, message in errors.items():
        node = definition.nodes.get(path)
        href = f"{href_prefix}#{node.html_id}" if node is not None else ""
        summary.append({"href": href, "message": message})
    return summary
