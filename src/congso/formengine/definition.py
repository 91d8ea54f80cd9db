"""A procedure's online form, once checked (``builder.build``): a ``FormDefinition`` does everything the
portal needs with answers — turn a posted page into JSON (``apply_post``), drop the answers of hidden
conditional sections (``drop_hidden``), validate against the schema with Vietnamese messages per field
(``validate``), and list the answers for check-your-answers (``answers``). See docs/forms.md.

The server is the authority: the browser's ``accept``, ``required`` or JavaScript never decide whether
answers are valid.
"""

import copy
import re

from django.utils.translation import gettext as _
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

from . import conditions, messages, values
from .nodes import AnswerGroup, AnswerRow, Node, Step, StepAnswers, Submission, ValidationResult
from .paths import MISSING, get_path, prune, set_path

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


class FormDefinition:
    """A checked form: ``steps`` (pages) and ``nodes`` (every field by dotted path, in form order)."""

    def __init__(self, schema: dict, ui: dict, steps: list[Step], nodes: dict[str, Node], roots: dict):
        self.schema = schema
        self.ui = ui
        self.steps = steps
        self.nodes = nodes
        self.roots = roots
        self.leaves = [n for n in nodes.values() if not n.is_section]
        self.step_of = {leaf.path: step.id for step in steps for leaf in step.leaves()}
        self._validator = None

    # --- structure -------------------------------------------------------------------------------

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def applicant_map(self) -> dict:
        return dict(self.ui.get("applicant") or {})

    def represented_map(self, relation: str) -> dict:
        """``{question: field path or None}``: what the form itself asks (or rules out) about the person
        represented under ``relation``; the portal does not ask these again."""
        return dict((self.ui.get("represented") or {}).get(relation) or {})

    def prefill_references(self) -> dict[str, str]:
        """``{leaf path: "source.attribute"}`` for every leaf that is filled in from a prefill source."""
        return {leaf.path: leaf.prefill for leaf in self.leaves if leaf.prefill}

    # --- visibility ------------------------------------------------------------------------------

    def is_visible(self, path: str, data) -> bool:
        node = self.nodes[path]
        return all(n.show_if is None or conditions.holds(n.show_if, data) for n in [*node.ancestors(), node])

    def visible_steps(self, data) -> list[Step]:
        """Steps with at least one visible leaf: a step whose every field is hidden is skipped."""
        return [s for s in self.steps if any(self.is_visible(leaf.path, data) for leaf in s.leaves())]

    def drop_hidden(self, data) -> dict:
        """A copy of ``data`` without the answers of hidden fields and sections. Repeated until stable,
        because dropping a hidden controller can hide what depends on it."""
        result = copy.deepcopy(data or {})
        for _round in range(len(self.nodes) + 1):
            hidden = [
                n.path
                for n in self.nodes.values()
                if n.show_if is not None
                and get_path(result, n.path) is not MISSING
                and not conditions.holds(n.show_if, result)
            ]
            if not hidden:
                break
            for path in hidden:
                set_path(result, path, MISSING)
        return prune(result)

    def only_known(self, data) -> dict:
        """``data`` restricted to this form's leaves (anything else is left out)."""
        result: dict = {}
        for leaf in self.leaves:
            value = get_path(data or {}, leaf.path)
            if value is not MISSING:
                set_path(result, leaf.path, value)
        return result

    def clean_data(self, data) -> dict:
        """What is submitted: known leaves only, hidden answers dropped."""
        return self.drop_hidden(self.only_known(data))

    def rendered_nodes(self, step: Step, data) -> list[tuple[Node, dict | None]]:
        """The nodes a page shows, each with the condition to reveal it in the browser (or None).

        A field whose condition reads a field of this same page is always rendered (revealed by script,
        or shown with its "only if" hint without script); one whose condition reads earlier pages is
        rendered only if the saved answers satisfy it.
        """
        on_page = {leaf.path for leaf in step.leaves()}
        out: list[tuple[Node, dict | None]] = []

        def reveal_for(conds) -> tuple[bool, dict | None]:
            local = []
            for cond in conds:
                if cond.paths & on_page:
                    local.append(cond.browser_condition())
                elif not conditions.holds(cond, data):
                    return False, None
            if not local:
                return True, None
            return True, local[0] if len(local) == 1 else {"all": local}

        def visit(node: Node, inherited: list) -> None:
            conds = inherited + ([node.show_if] if node.show_if is not None else [])
            shown, reveal = reveal_for(conds)
            if not shown:
                return
            out.append((node, reveal))
            for child in node.children:
                visit(child, [])

        for entry in step.entries:
            visit(entry, [a.show_if for a in entry.ancestors() if a.show_if is not None])
        return out

    # --- answers from a page -----------------------------------------------------------------------

    def apply_post(
        self, step: Step, post, data, *, require: bool = True, locked: dict | None = None, control_names=()
    ) -> Submission:
        """Read the page ``step`` from ``post`` (a ``QueryDict`` or ``{name: [values]}``) into a copy of
        ``data`` and validate it.

        ``locked`` maps leaf paths to values that come from a trusted source (read-only prefilled
        fields) and may not be posted. ``control_names`` are other inputs the page may post (CSRF token,
        buttons). With ``require=False`` (saving a draft) unanswered questions are not errors, but
        malformed answers are. A posted name the page does not have, or several values for one field,
        refuse the whole page. Nothing is changed in ``data``; on success ``Submission.data`` holds the
        new answers, hidden conditional answers dropped.
        """
        locked = {p: v for p, v in (locked or {}).items() if p in self.nodes}
        getlist = post.getlist if hasattr(post, "getlist") else (lambda name: list(post.get(name) or []))
        rendered = [n for n, _r in self.rendered_nodes(step, data) if not n.is_section]
        editable = [n for n in rendered if n.path not in locked]
        names = {n.html_name for n in editable}
        names.update(name for n in editable if n.kind == "date" for name in values.date_part_names(n))
        unknown = sorted(k for k in post.keys() if k not in names and k not in control_names)
        if unknown:
            return Submission(
                False,
                data,
                {},
                {},
                [
                    _(
                        "Biểu mẫu gửi lên có mục không thuộc trang này (%(names)s). "
                        "Vui lòng tải lại trang và nhập lại."
                    )
                    % {"names": ", ".join(n[:40] for n in unknown[:5])}
                ],
            )
        new = copy.deepcopy(data or {})
        errors: dict[str, str] = {}
        raw: dict = {}
        for node in editable:
            answer, several = values.posted(node, getlist)
            raw[node.path] = answer
            if several:
                errors[node.path] = messages.for_keyword(node, "multiple")
                continue
            try:
                set_path(new, node.path, values.parse(node, answer))
            except values.ParseError as exc:
                errors[node.path] = values.message_for(node, exc)
        for path, value in locked.items():
            set_path(new, path, value)
        new = self.drop_hidden(prune(new))
        visible = [n.path for n in editable if self.is_visible(n.path, new)]
        errors = {p: m for p, m in errors.items() if p in visible}
        checked = self.validate(new, paths=set(visible) - set(errors), require=require)
        errors.update(checked.fields)
        order = {n.path: i for i, n in enumerate(rendered)}
        errors = dict(sorted(errors.items(), key=lambda item: order.get(item[0], len(order))))
        ok = not errors and not checked.form
        return Submission(ok, new if ok else data, errors, raw, checked.form)

    # --- validation --------------------------------------------------------------------------------

    @property
    def validator(self):
        if self._validator is None:
            cls = validator_for(self.schema)
            self._validator = cls(self.schema, format_checker=cls.FORMAT_CHECKER)
        return self._validator

    def validate(self, data, *, paths=None, require: bool = True) -> ValidationResult:
        """Check ``data`` against the schema (and the UI's date bounds). With ``paths``, only errors of
        those leaves (and of the sections containing them) are kept; with ``require=False``,
        unanswered questions are not errors. Messages are Vietnamese and name the field."""
        result = ValidationResult()
        if not self.schema:
            return result
        found: list[tuple[str, str, str]] = []
        for error in self.validator.iter_errors(data):
            found.extend(self._map(error))
        found.extend(self._date_bound_errors(data))
        for path, category, message in found:
            if not require and category == "missing":
                continue
            node = self.nodes.get(path)
            if node is not None and not node.is_section:
                if paths is not None and path not in paths:
                    continue
                if not self.is_visible(path, data):
                    # A hidden field the schema still requires: the form itself is inconsistent.
                    self._add_form_error(result, messages.section_invalid(node.label))
                    continue
                if path not in result.fields:
                    result.fields[path] = message
                    result.categories[path] = category
            elif paths is None or (path and any(p.startswith(path + ".") for p in paths)):
                self._add_form_error(result, message)
        order = {leaf.path: i for i, leaf in enumerate(self.leaves)}
        result.fields = dict(sorted(result.fields.items(), key=lambda item: order[item[0]]))
        return result

    @staticmethod
    def _add_form_error(result: ValidationResult, message: str) -> None:
        if message not in result.form:
            result.form.append(message)

    def _map(self, error):
        """(path, category, message) for one jsonschema error."""
        if error.validator in ("anyOf", "oneOf") and error.context:
            yield from self._map(best_match(error.context))
            return
        location = ".".join(str(p) for p in error.absolute_path)
        instance = error.instance if isinstance(error.instance, dict) else {}
        if error.validator == "required":
            for name in error.validator_value:
                if name not in instance:
                    yield from self._missing(_join(location, name))
            return
        if error.validator == "dependentRequired":
            for prop, deps in (error.validator_value or {}).items():
                if prop in instance:
                    for dep in deps:
                        if dep not in instance:
                            yield from self._missing(_join(location, dep))
            return
        node = self.nodes.get(location)
        if node is not None and not node.is_section:
            missing = error.validator == "const" and node.kind == "checkbox" and error.instance is False
            yield (
                location,
                "missing" if missing else "invalid",
                messages.for_keyword(node, error.validator, error.validator_value),
            )
        elif node is not None:
            yield location, "invalid", messages.section_invalid(node.label)
        else:
            yield location, "invalid", messages.form_invalid()

    def _missing(self, path: str):
        node = self.nodes.get(path)
        if node is None:
            yield "", "missing", messages.form_invalid()
        elif node.is_section:
            required_children = [c for c in node.children if c.required]
            if not required_children:
                yield path, "missing", messages.section_invalid(node.label)
            for child in required_children:
                yield from self._missing(child.path)
        else:
            yield path, "missing", messages.required(node)

    def _date_bound_errors(self, data):
        from django.utils import timezone

        today = timezone.localdate().isoformat()
        for leaf in self.leaves:
            if leaf.kind != "date":
                continue
            value = get_path(data, leaf.path)
            if not isinstance(value, str) or not ISO_DATE.match(value):
                continue
            for key, too_far in (("max", lambda v, b: v > b), ("min", lambda v, b: v < b)):
                bound = leaf.ui.get(key)
                if bound is None:
                    continue
                limit = today if bound == "today" else bound
                if too_far(value, limit):
                    shown = bound if bound == "today" else values.iso_to_dmy(bound)
                    yield leaf.path, "invalid", messages.for_keyword(leaf, f"date_{key}", shown)

    def errors_by_step(self, data) -> dict[str, dict[str, str]]:
        """Full validation of ``data``, errors grouped by the id of the step that asks the field."""
        result = self.validate(data)
        grouped: dict[str, dict[str, str]] = {}
        for path, message in result.fields.items():
            grouped.setdefault(self.step_of.get(path, ""), {})[path] = message
        return grouped

    def compatible_data(self, old_data) -> dict:
        """The answers of ``old_data`` (written for another version of the form) that still fit this
        form: known fields only, hidden answers dropped, answers this schema rejects left out."""
        data = self.clean_data(old_data)
        for path, category in self.validate(data).categories.items():
            if category == "invalid":
                set_path(data, path, MISSING)
        return prune(data)

    # --- reading answers ----------------------------------------------------------------------------

    def answers(self, data) -> list[StepAnswers]:
        """Every visible question of every visible step with its answer as people read it."""
        result = []
        for step in self.visible_steps(data):
            groups: list[AnswerGroup] = []
            for node, _reveal in self.rendered_nodes(step, data):
                if node.is_section or not self.is_visible(node.path, data):
                    continue
                heading = node.parent.label if node.parent is not None else ""
                if not groups or groups[-1].heading != heading:
                    groups.append(AnswerGroup(heading, []))
                shown = values.display(node, get_path(data, node.path))
                groups[-1].rows.append(AnswerRow(node, node.label, shown, shown != ""))
            result.append(StepAnswers(step, groups))
        return result

    def display_value(self, path: str, data) -> str:
        node = self.nodes.get(path)
        return values.display(node, get_path(data, path)) if node is not None else ""


def _join(location: str, name: str) -> str:
    return f"{location}.{name}" if location else name
