"""Reading a form: ``build(schema, ui)`` checks a version's JSON Schema and UI hints (docs/forms.md) and
returns a ``FormDefinition``, or raises ``FormDefinitionError`` listing every problem in Vietnamese."""

import copy
import difflib
import hashlib
import json
import re
import threading
from collections import OrderedDict

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jsonschema import SchemaError
from jsonschema.validators import validator_for

from . import conditions, prefill, values
from .definition import ISO_DATE, FormDefinition
from .nodes import FormDefinitionError, Node, Step

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")
STEP_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}\Z")

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
# The portal's questions about the person represented (portal.questions.acting_for_definition)
# that a form may answer itself through ``represented`` (docs/forms.md).
REPRESENTED_RELATIONS = ("parent_guardian", "authorised")
REPRESENTED_KEYS = ("full_name", "national_id")
# The top-level keys of the UI hints (docs/forms.md). Any other key is refused rather than ignored: a
# misspelt "step" or another editor's "ui:order" would otherwise silently give a different form.
UI_KEYS = ("steps", "order", "fields", "applicant", "represented")


def unknown_ui_keys(ui) -> list[str]:
    """One message per top-level key of ``ui`` the engine does not read (empty if none, or if ``ui`` is
    not a JSON object: that has a message of its own)."""
    if not isinstance(ui, dict):
        return []
    return [_unknown_key_message(key) for key in ui if key not in UI_KEYS]


def _unknown_key_message(key) -> str:
    params = {"key": str(key)[:60], "names": ", ".join(UI_KEYS)}
    guess = difflib.get_close_matches(str(key).removeprefix("ui:"), UI_KEYS, n=1)
    if guess:
        params["guess"] = guess[0]
        return (
            _(
                "Gợi ý hiển thị có khóa “%(key)s” không được hỗ trợ (có phải là “%(guess)s”?); "
                "chỉ nhận %(names)s."
            )
            % params
        )
    return _("Gợi ý hiển thị có khóa “%(key)s” không được hỗ trợ; chỉ nhận %(names)s.") % params


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
        self.problems.extend(unknown_ui_keys(self.ui))
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
        self._check_browser_conditions(steps)
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
                and not (isinstance(bound, str) and ISO_DATE.match(bound))
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
            source = node.ui.get("show_if")
            if source is None:
                continue
            node.show_if, problems = conditions.compile_condition(source, leaf_paths, where=node.path)
            self.problems.extend(problems)
            if problems:
                continue
            if node.path in node.show_if.paths or any(
                p.startswith(node.path + ".") for p in node.show_if.paths
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

    def _check_browser_conditions(self, steps: list[Step]) -> None:
        """A condition reading a field of its own page is decided in the browser as the applicant
        answers, so it must have a browser shape."""
        for step in steps:
            on_page = {leaf.path for leaf in step.leaves()}
            for entry in step.entries:
                for node in [*entry.ancestors(), *_descendants(entry)]:
                    if node.show_if is None or not node.show_if.paths & on_page:
                        continue
                    problem = conditions.browser_problem(node.show_if, where=node.path)
                    if problem and problem not in self.problems:
                        self.problem(problem)

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


def _descendants(node: Node) -> list[Node]:
    return [node, *(d for child in node.children for d in _descendants(child))]


# Checking a form costs milliseconds (the meta-schema, every condition compiled, every path checked) and
# the same few forms are read on every page of an application and every submission, so checked forms are
# kept, per language (default step titles and messages are translated while building). The key is the
# content, not a version id: a form edited in place is a new key. A ``FormDefinition`` is not changed
# after it is built, so one instance serves every request.
_BUILT_MAX = 256
_built: "OrderedDict[tuple[str, str, str], FormDefinition]" = OrderedDict()
_built_lock = threading.Lock()


def _content_key(schema, ui) -> str:
    text = json.dumps([schema, ui], sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def build(schema, ui) -> "FormDefinition":
    """Read a version's ``form_schema`` and ``form_ui``; raise ``FormDefinitionError`` listing every problem.
    An empty schema gives a definition with no steps (a procedure that needs only papers)."""
    schema, ui = schema or {}, ui or {}
    # The prefill sources a form may name are part of what is checked.
    key = (get_language() or "", ",".join(prefill.register), _content_key(schema, ui))
    with _built_lock:
        found = _built.get(key)
        if found is not None:
            _built.move_to_end(key)
            return found
    # The caller's dicts may be changed later (an admin form, a test); the kept definition owns copies.
    definition = _Builder(copy.deepcopy(schema), copy.deepcopy(ui)).build()
    with _built_lock:
        _built[key] = definition
        while len(_built) > _BUILT_MAX:
            _built.popitem(last=False)
    return definition
