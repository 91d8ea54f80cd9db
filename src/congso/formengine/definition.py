"""A procedure's online form, read from its JSON Schema and its UI hints (see docs/forms.md).

``build(schema, ui)`` checks both and returns a ``FormDefinition``: the fields as a tree of ``Node``
(sections are JSON objects, leaves are answers), grouped into ``Step`` pages. The definition then does
everything the portal needs with answers: turn a posted page into JSON (``apply_post``), drop the
answers of hidden conditional sections (``drop_hidden``), validate against the schema with Vietnamese
messages per field (``validate``), and list the answers for check-your-answers (``answers``).

The server is the authority: the browser's ``accept``, ``required`` or JavaScript never decide whether
answers are valid.
"""

import copy
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from jsonschema import SchemaError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

from . import conditions, messages, prefill, values
from .conditions import MISSING, get_path

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")
STEP_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}\Z")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")

SUPPORTED_TYPES = ("string", "integer", "number", "boolean", "object")
WIDGETS = {
    "string": {"text", "textarea", "tel", "email", "date", "select", "radio"},
    "integer": {"text", "select", "radio"},
    "number": {"text", "select", "radio"},
    "boolean": {"yesno", "checkbox", "radio"},
    "object": set(),
}
WIDTHS = {"short", "medium"}
# Radios read better than a select while the options fit on a phone screen.
RADIO_MAX_OPTIONS = 5
DEFAULT_STEP_ID = "to-khai"
# The portal's questions about the person represented (portal.application_views.acting_for_definition)
# that a form may answer itself through ``represented`` (docs/forms.md).
REPRESENTED_RELATIONS = ("parent_guardian", "authorised")
REPRESENTED_KEYS = ("full_name", "national_id")


class FormDefinitionError(Exception):
    """The schema or the UI hints cannot make a form; ``problems`` lists why, in Vietnamese."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(eq=False)
class Node:
    """A field of the form: a section (JSON object) or a leaf (one answer)."""

    path: str
    name: str
    schema: dict
    ui: dict
    parent: "Node | None"
    kind: str
    label: str
    help: str = ""
    required: bool = False
    conditionally_required: bool = False
    children: list["Node"] = field(default_factory=list)
    choices: list[tuple] = field(default_factory=list)
    choice_hints: dict = field(default_factory=dict)
    show_if: dict | None = None
    prefill: str = ""
    readonly: bool = False
    messages: dict = field(default_factory=dict)

    @property
    def is_section(self) -> bool:
        return self.kind == "section"

    @property
    def html_id(self) -> str:
        # Names are [a-z0-9_], so "." → "-" cannot collide.
        return "f-" + self.path.replace(".", "-")

    @property
    def html_name(self) -> str:
        return self.path

    @property
    def optional(self) -> bool:
        return not (self.required or self.conditionally_required)

    def leaves(self) -> list["Node"]:
        if not self.is_section:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def ancestors(self) -> list["Node"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


@dataclass(eq=False)
class Step:
    """One page of the form."""

    id: str
    title: str
    description: str
    entries: list[Node]

    def leaves(self) -> list[Node]:
        return [leaf for entry in self.entries for leaf in entry.leaves()]


@dataclass
class ValidationResult:
    """Errors by leaf path (in form order), their category ("missing" or "invalid"), form-level errors."""

    fields: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    form: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.fields and not self.form


@dataclass
class Submission:
    """The outcome of ``apply_post``: on success ``data`` is the new complete answers."""

    ok: bool
    data: dict
    errors: dict[str, str]
    raw: dict  # {path: posted text, or a date's three boxes}
    form_errors: list[str]


@dataclass
class AnswerRow:
    node: Node
    label: str
    value: str
    answered: bool


@dataclass
class AnswerGroup:
    heading: str
    rows: list[AnswerRow]


@dataclass
class StepAnswers:
    step: Step
    groups: list[AnswerGroup]


def set_path(data: dict, path: str, value) -> None:
    """Set (or, for ``MISSING``, remove) the value at the dotted ``path``, creating sections."""
    parts = path.split(".")
    current = data
    for part in parts[:-1]:
        if not isinstance(current.get(part), dict):
            if value is MISSING:
                return
            current[part] = {}
        current = current[part]
    if value is MISSING:
        current.pop(parts[-1], None)
    else:
        current[parts[-1]] = value


def prune(data):
    """Remove sections left empty, so an unanswered optional section is absent rather than ``{}``."""
    if not isinstance(data, dict):
        return data
    result = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = prune(value)
            if not value:
                continue
        result[key] = value
    return result


def _primary_type(schema: dict):
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = [t for t in declared if t != "null"]
        return declared[0] if len(declared) == 1 else None
    if declared is None and "properties" in schema:
        return "object"
    if declared is None and ("enum" in schema or "oneOf" in schema):
        options = schema.get("enum") or [
            o.get("const") for o in schema.get("oneOf", []) if isinstance(o, dict)
        ]
        if options and all(isinstance(o, str) for o in options):
            return "string"
    return declared


def _conditionally_required(parent_schema: dict) -> set[str]:
    """Names that some if/then/else or dependentRequired of the parent makes required."""
    names: set[str] = set()
    branches = [parent_schema] + [s for s in parent_schema.get("allOf", []) if isinstance(s, dict)]
    for branch in branches:
        for key in ("then", "else"):
            sub = branch.get(key)
            if isinstance(sub, dict):
                names.update(n for n in sub.get("required", []) if isinstance(n, str))
    for deps in (parent_schema.get("dependentRequired") or {}).values():
        if isinstance(deps, list):
            names.update(d for d in deps if isinstance(d, str))
    return names


class _Builder:
    def __init__(self, schema: dict, ui: dict):
        self.schema = schema
        self.ui = ui
        self.ui_fields = ui.get("fields") or {}
        self.problems: list[str] = []
        self.nodes: dict[str, Node] = {}

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def build(self) -> "FormDefinition":
        if not isinstance(self.ui, dict):
            raise FormDefinitionError([_("Gợi ý hiển thị biểu mẫu phải là một đối tượng JSON.")])
        if not isinstance(self.schema, dict):
            raise FormDefinitionError([_("Biểu mẫu trực tuyến phải là một đối tượng JSON Schema.")])
        if not self.schema:
            return FormDefinition(self.schema, self.ui, [], {}, {})
        self._check_meta_schema()
        if not isinstance(self.ui_fields, dict):
            self.problem(_("“fields” trong gợi ý hiển thị phải là một đối tượng JSON."))
            self.ui_fields = {}
        if self.problems:
            raise FormDefinitionError(self.problems)
        if _primary_type(self.schema) != "object" or not isinstance(self.schema.get("properties"), dict):
            raise FormDefinitionError(
                [_('Gốc của biểu mẫu phải là một đối tượng ("type": "object") có “properties”.')]
            )
        roots = self._children(self.schema, None, self.ui.get("order"), "")
        self._check_ui_paths()
        self._check_conditions()
        self._check_prefill()
        steps = self._steps(roots)
        self._check_applicant_map()
        self._check_represented_map()
        if self.problems:
            raise FormDefinitionError(self.problems)
        return FormDefinition(self.schema, self.ui, steps, self.nodes, {n.path: n for n in roots})

    def _check_meta_schema(self) -> None:
        try:
            validator_for(self.schema).check_schema(self.schema)
        except SchemaError as exc:
            where = "/".join(str(p) for p in exc.path) or _("gốc")
            self.problem(
                _("Biểu mẫu không phải JSON Schema hợp lệ (tại %(where)s): %(reason)s")
                % {"where": where, "reason": exc.message}
            )

    def _children(self, schema: dict, parent: Node | None, order, prefix: str) -> list[Node]:
        properties = schema.get("properties") or {}
        names = list(properties)
        if order is not None:
            if not isinstance(order, list) or not all(isinstance(n, str) for n in order):
                self.problem(
                    _("“order” của %(where)s phải là danh sách tên trường.")
                    % {"where": prefix or _("biểu mẫu")}
                )
            else:
                unknown = [n for n in order if n not in properties]
                if unknown:
                    self.problem(
                        _("“order” của %(where)s có tên không có trong JSON Schema: %(names)s.")
                        % {"where": prefix or _("biểu mẫu"), "names": ", ".join(unknown)}
                    )
                names = [n for n in order if n in properties] + [n for n in names if n not in order]
        required = set(schema.get("required") or [])
        conditional = _conditionally_required(schema)
        nodes = []
        for name in names:
            node = self._node(name, properties[name], parent, prefix, name in required, name in conditional)
            if node is not None:
                nodes.append(node)
        return nodes

    def _node(self, name, schema, parent, prefix, required, conditional) -> Node | None:
        path = f"{prefix}.{name}" if prefix else name
        if not NAME_RE.match(name):
            self.problem(
                _(
                    "Tên trường “%(path)s” chỉ được gồm chữ thường không dấu, chữ số và dấu gạch dưới, "
                    "bắt đầu bằng chữ cái."
                )
                % {"path": path}
            )
            return None
        if not isinstance(schema, dict):
            self.problem(
                _("Trường “%(path)s” phải được mô tả bằng một đối tượng JSON Schema.") % {"path": path}
            )
            return None
        if "$ref" in schema:
            self.problem(
                _("Trường “%(path)s”: biểu mẫu chưa hỗ trợ $ref, hãy viết trực tiếp định nghĩa.")
                % {"path": path}
            )
            return None
        kind_type = _primary_type(schema)
        if kind_type not in SUPPORTED_TYPES:
            self.problem(
                _(
                    "Trường “%(path)s”: kiểu “%(type)s” chưa được hỗ trợ (chỉ hỗ trợ string, integer, "
                    "number, boolean, object)."
                )
                % {"path": path, "type": schema.get("type")}
            )
            return None
        ui = self.ui_fields.get(path) or {}
        if not isinstance(ui, dict):
            self.problem(_("Gợi ý hiển thị của “%(path)s” phải là một đối tượng JSON.") % {"path": path})
            ui = {}
        node = Node(
            path=path,
            name=name,
            schema=schema,
            ui=ui,
            parent=parent,
            kind="",
            label=str(ui.get("label") or schema.get("title") or name),
            help=str(ui.get("help") or schema.get("description") or ""),
            required=required,
            conditionally_required=conditional,
            show_if=ui.get("show_if"),
            prefill=str(ui.get("prefill") or ""),
            readonly=bool(ui.get("readonly")),
        )
        msgs = ui.get("messages") or {}
        if not isinstance(msgs, dict) or not all(isinstance(v, str) for v in msgs.values()):
            self.problem(
                _("“messages” của “%(path)s” phải là đối tượng JSON từ khóa → câu thông báo.")
                % {"path": path}
            )
            msgs = {}
        node.messages = dict(msgs)
        node.kind = self._kind(node, kind_type)
        self.nodes[path] = node
        if node.kind == "section":
            node.children = self._children(schema, node, ui.get("order"), path)
        return node

    def _kind(self, node: Node, kind_type: str) -> str:
        schema, ui = node.schema, node.ui
        widget = ui.get("widget")
        if widget is not None and widget not in WIDGETS[kind_type]:
            self.problem(
                _("Trường “%(path)s”: kiểu hiển thị “%(widget)s” không dùng được cho kiểu %(type)s.")
                % {"path": node.path, "widget": widget, "type": kind_type}
            )
            widget = None
        if kind_type == "object":
            return "section"
        options = self._options(node)
        if kind_type == "boolean":
            labels = ui.get("choices") or {}
            node.choices = [
                (True, str(labels.get("true", _("Có")))),
                (False, str(labels.get("false", _("Không")))),
            ]
            return "checkbox" if widget == "checkbox" else "yesno"
        if options is not None:
            node.choices = options
            if widget in ("select", "radio"):
                return widget
            return "radio" if len(options) <= RADIO_MAX_OPTIONS else "select"
        if widget in ("select", "radio"):
            self.problem(
                _("Trường “%(path)s” hiển thị dạng lựa chọn nhưng JSON Schema không có “enum”.")
                % {"path": node.path}
            )
        if kind_type in ("integer", "number"):
            return kind_type
        if schema.get("format") == "date" or widget == "date":
            self._date_bounds(node)
            return "date"
        if schema.get("format") == "email" or widget == "email":
            return "email"
        if widget in ("textarea", "tel"):
            return widget
        return "text"

    def _options(self, node: Node):
        schema = node.schema
        labels = node.ui.get("choices") or {}
        if not isinstance(labels, dict):
            self.problem(
                _("“choices” của “%(path)s” phải là đối tượng giá trị → nhãn.") % {"path": node.path}
            )
            labels = {}
        hints = node.ui.get("choice_hints") or {}
        node.choice_hints = {str(k): str(v) for k, v in hints.items()} if isinstance(hints, dict) else {}
        if isinstance(schema.get("enum"), list):
            return [(v, str(labels.get(values.choice_key(v), v))) for v in schema["enum"]]
        one_of = schema.get("oneOf")
        if isinstance(one_of, list) and one_of and all(isinstance(o, dict) and "const" in o for o in one_of):
            return [
                (o["const"], str(labels.get(values.choice_key(o["const"]), o.get("title", o["const"]))))
                for o in one_of
            ]
        return None

    def _date_bounds(self, node: Node) -> None:
        for key in ("min", "max"):
            bound = node.ui.get(key)
            if (
                bound is not None
                and bound != "today"
                and not (isinstance(bound, str) and _ISO_DATE.match(bound))
            ):
                self.problem(
                    _("Trường “%(path)s”: “%(key)s” của ngày phải là “today” hoặc ngày dạng yyyy-mm-dd.")
                    % {"path": node.path, "key": key}
                )

    def _check_ui_paths(self) -> None:
        for path in self.ui_fields:
            if path not in self.nodes:
                self.problem(
                    _("Gợi ý hiển thị nói về trường “%(path)s” không có trong JSON Schema.") % {"path": path}
                )
        for node in self.nodes.values():
            if node.readonly and not node.prefill:
                self.problem(
                    _("Trường “%(path)s” chỉ đọc (readonly) thì phải có nguồn điền sẵn (prefill).")
                    % {"path": node.path}
                )

    def _check_conditions(self) -> None:
        leaf_paths = {p for p, n in self.nodes.items() if not n.is_section}
        for node in self.nodes.values():
            if node.show_if is None:
                continue
            problems = conditions.check(node.show_if, leaf_paths, where=node.path)
            self.problems.extend(problems)
            if problems:
                continue
            if node.path in conditions.referenced_paths(node.show_if) or any(
                p.startswith(node.path + ".") for p in conditions.referenced_paths(node.show_if)
            ):
                self.problem(
                    _("Trường “%(path)s” không thể có điều kiện hiển thị dựa trên chính nó.")
                    % {"path": node.path}
                )
            if node.required:
                self.problem(
                    _(
                        "Trường “%(path)s” có điều kiện hiển thị nhưng nằm trong “required” của JSON Schema: "
                        "khi bị ẩn, tờ khai sẽ không bao giờ hợp lệ. Hãy đưa nó vào “then.required” của "
                        "một điều kiện if/then tương ứng."
                    )
                    % {"path": node.path}
                )

    def _check_prefill(self) -> None:
        for node in self.nodes.values():
            if not node.prefill:
                continue
            if node.is_section:
                self.problem(
                    _("Trường “%(path)s” là một phần (object), không điền sẵn được.") % {"path": node.path}
                )
                continue
            problem = prefill.check_reference(node.prefill)
            if problem:
                self.problem(_("Trường “%(path)s”: %(problem)s") % {"path": node.path, "problem": problem})

    def _steps(self, roots: list[Node]) -> list[Step]:
        declared = self.ui.get("steps")
        if declared is None:
            return [Step(DEFAULT_STEP_ID, _("Tờ khai"), "", roots)] if roots else []
        if not isinstance(declared, list):
            self.problem(_("“steps” phải là danh sách các bước."))
            return []
        steps, seen_ids, covered = [], set(), {}
        for position, raw in enumerate(declared, start=1):
            if not isinstance(raw, dict):
                self.problem(_("Bước thứ %(n)s phải là một đối tượng JSON.") % {"n": position})
                continue
            step_id = raw.get("id")
            if not isinstance(step_id, str) or not STEP_ID_RE.match(step_id):
                self.problem(
                    _("Bước thứ %(n)s: “id” phải là chuỗi chữ thường không dấu, chữ số và dấu gạch ngang.")
                    % {"n": position}
                )
                continue
            if step_id in seen_ids:
                self.problem(_("Hai bước cùng có id “%(id)s”.") % {"id": step_id})
                continue
            seen_ids.add(step_id)
            entries = []
            for path in raw.get("fields") or []:
                node = self.nodes.get(path) if isinstance(path, str) else None
                if node is None:
                    self.problem(
                        _("Bước “%(id)s” nhắc đến trường “%(path)s” không có trong JSON Schema.")
                        % {"id": step_id, "path": path}
                    )
                    continue
                for leaf in node.leaves():
                    if leaf.path in covered:
                        self.problem(
                            _("Trường “%(path)s” xuất hiện ở cả bước “%(a)s” và bước “%(b)s”.")
                            % {"path": leaf.path, "a": covered[leaf.path], "b": step_id}
                        )
                    covered[leaf.path] = step_id
                entries.append(node)
            if not entries:
                self.problem(_("Bước “%(id)s” không có trường nào.") % {"id": step_id})
            steps.append(
                Step(step_id, str(raw.get("title") or step_id), str(raw.get("description") or ""), entries)
            )
        for node in self.nodes.values():
            if not node.is_section and node.path not in covered:
                self.problem(
                    _("Trường “%(path)s” không thuộc bước nào nên người dân sẽ không được hỏi.")
                    % {"path": node.path}
                )
        return steps

    def _check_applicant_map(self) -> None:
        mapping = self.ui.get("applicant") or {}
        if not isinstance(mapping, dict):
            self.problem(_("“applicant” phải là đối tượng JSON (phone, email, address → trường)."))
            return
        for key, path in mapping.items():
            if key not in ("phone", "email", "address"):
                self.problem(
                    _("“applicant” chỉ nhận phone, email, address; không nhận “%(key)s”.") % {"key": key}
                )
            elif path not in self.nodes or self.nodes[path].is_section:
                self.problem(
                    _("“applicant.%(key)s” trỏ đến trường “%(path)s” không có trong biểu mẫu.")
                    % {"key": key, "path": path}
                )

    def _check_represented_map(self) -> None:
        """``represented``: per relation, the questions about the person represented that the form itself
        asks (a field path) or that do not apply (null), so that the portal does not ask them twice."""
        mapping = self.ui.get("represented") or {}
        if not isinstance(mapping, dict) or not all(isinstance(v, dict) for v in mapping.values()):
            self.problem(
                _(
                    "“represented” phải là đối tượng JSON: quan hệ → {full_name, national_id → trường "
                    "hoặc null}."
                )
            )
            return
        for relation, fields in mapping.items():
            if relation not in REPRESENTED_RELATIONS:
                self.problem(
                    _("“represented” chỉ nhận %(names)s; không nhận “%(key)s”.")
                    % {"names": ", ".join(REPRESENTED_RELATIONS), "key": relation}
                )
                continue
            for key, path in fields.items():
                if key not in REPRESENTED_KEYS:
                    self.problem(
                        _("“represented.%(relation)s” chỉ nhận %(names)s; không nhận “%(key)s”.")
                        % {"relation": relation, "names": ", ".join(REPRESENTED_KEYS), "key": key}
                    )
                elif path is not None and (path not in self.nodes or self.nodes[path].is_section):
                    self.problem(
                        _(
                            "“represented.%(relation)s.%(key)s” trỏ đến trường “%(path)s” không có "
                            "trong biểu mẫu."
                        )
                        % {"relation": relation, "key": key, "path": path}
                    )


def build(schema, ui) -> "FormDefinition":
    """Read a version's ``form_schema`` and ``form_ui``; raise ``FormDefinitionError`` listing every problem.
    An empty schema gives a definition with no steps (a procedure that needs only papers)."""
    return _Builder(schema or {}, ui or {}).build()


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
        return all(
            n.show_if is None or conditions.evaluate(n.show_if, data) for n in [*node.ancestors(), node]
        )

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
                and not conditions.evaluate(n.show_if, result)
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
                if conditions.referenced_paths(cond) & on_page:
                    local.append(cond)
                elif not conditions.evaluate(cond, data):
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
            if not isinstance(value, str) or not _ISO_DATE.match(value):
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
