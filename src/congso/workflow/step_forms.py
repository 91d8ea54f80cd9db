"""What a step asks the officer: the small form a BPMN user task declares in its extension properties
(``parse_step_form``), read for an open task (``step_fields``). Re-exported by ``services``."""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from . import bpmn, conventions, engine
from .errors import WorkflowError
from .models import WorkItem

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FIELD_KINDS = ("text", "textarea", "list", "choice", "bool", "int", "date")
REQUIRED_BY_DEFAULT = frozenset({"choice", "int", "date"})
DECISION_FIELD = "approved"
NOTE_FIELD = "ghi_chu"


@dataclass(frozen=True)
class StepField:
    """One thing a step asks the officer (see ``step_fields``). ``kind`` is one of ``FIELD_KINDS`` or
    ``decision`` (the approve / reject choice, sent as a boolean); ``choices`` are (value, label) pairs."""

    name: str
    kind: str
    label: str
    required: bool
    choices: tuple[tuple[str, str], ...] = ()


@lru_cache(maxsize=256)
def _task_properties(sha256: str, xml: str, task_name: str) -> dict:
    root = bpmn.parse_xml(xml)
    if root is None:
        return {}
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("id") == task_name:
            return conventions.read_properties(node)
    return {}


def _parse_field(spec: str, labels: dict) -> StepField:
    head, _sep, rest = spec.partition(":")
    kind, _sep, options = rest.partition(":")
    name, kind = head.strip(), kind.strip() or "text"
    required = None
    if name.endswith(("!", "?")):
        name, required = name[:-1], name.endswith("!")
    if not FIELD_NAME.match(name) or name in engine.RESERVED_DATA_KEYS:
        raise WorkflowError(_("Tên trường “%(name)s” không hợp lệ.") % {"name": name[:40]})
    if kind not in FIELD_KINDS:
        raise WorkflowError(
            _("Trường “%(name)s”: kiểu “%(kind)s” không có (dùng: %(kinds)s).")
            % {"name": name, "kind": kind[:20], "kinds": ", ".join(FIELD_KINDS)}
        )
    choices = ()
    if kind == "choice":
        pairs = [part.strip().partition("=") for part in options.split("|") if part.strip()]
        choices = tuple((value.strip(), (label.strip() or value.strip())) for value, _eq, label in pairs)
        if len(choices) < 2 or any(not FIELD_NAME.match(value) for value, _label in choices):
            raise WorkflowError(
                _("Trường “%(name)s”: cần ít nhất hai lựa chọn dạng ma_lua_chon=Nhãn, cách nhau bởi “|”.")
                % {"name": name}
            )
    if kind == "bool":
        required = False
    elif required is None:
        required = kind in REQUIRED_BY_DEFAULT
    label = labels.get(name) or (
        _("Ý kiến, ghi chú") if name == NOTE_FIELD else name.replace("_", " ").capitalize()
    )
    return StepField(name=name, kind=kind, label=label, required=required, choices=choices)


def step_fields(item: WorkItem) -> list[StepField]:
    """What completing the task ``item`` asks the officer: ``parse_step_form`` of its BPMN user task's
    extension properties (read from the instance's process version, cached per file).
    Errors: ``WorkflowError`` when the properties do not follow the convention."""
    version = item.instance.process_version
    return parse_step_form(_task_properties(version.sha256, version.bpmn_xml, item.task_name))


def parse_step_form(properties: dict) -> list[StepField]:
    """The form a user task declares in its extension properties — a small convention congso reads:

    ``fields``
        ``name[!|?]:type[:options]`` separated by commas, e.g.
        ``ket_qua:choice:dong_y=Đồng ý|khong_dong_y=Không đồng ý, ghi_chu:textarea``. ``name`` is a data
        key (lower-case letters, digits, ``_``; not ``dossier``, ``form``, ``congso``) that gateway
        conditions read. Types: ``text`` (one line), ``textarea``, ``list`` (one entry per line, sent as
        a list of strings — e.g. ``supplement_items`` for the ``request_supplement`` action), ``choice``
        (``value=Label|value=Label``; a value without label shows as is; no comma inside a label, as
        commas separate the fields), ``bool`` (a tick box: true or
        false), ``int`` (a whole number), ``date`` (entered dd/mm/yyyy, sent as ``YYYY-MM-DD``).
        ``choice``, ``int`` and ``date`` are required, the others optional; ``!`` after the name makes a
        field required, ``?`` optional.
    ``label.<name>``
        the Vietnamese question shown for the field (default: the name with spaces).
    ``decision``
        ``approve``: the step is a review or approval — a required choice "Đồng ý / Không đồng ý" sent as
        ``approved`` (true / false), before any ``fields``; a gateway after it reads ``approved == true``.

    Every step also offers an optional note, ``ghi_chu`` ("Ý kiến, ghi chú"), unless ``fields`` names it.
    Errors: ``WorkflowError`` when the properties do not follow the convention (the message says how).
    """
    labels = {
        key[len("label.") :]: value for key, value in properties.items() if key.startswith("label.") and value
    }
    fields: list[StepField] = []
    decision = properties.get("decision", "").strip().lower()
    if decision:
        if decision != "approve":
            raise WorkflowError(_("Thuộc tính decision chỉ nhận giá trị “approve”."))
        fields.append(
            StepField(
                name=DECISION_FIELD,
                kind="decision",
                label=labels.get(DECISION_FIELD) or _("Kết luận"),
                required=True,
                choices=(("true", _("Đồng ý")), ("false", _("Không đồng ý"))),
            )
        )
    for spec in (properties.get("fields") or "").split(","):
        if spec.strip():
            fields.append(_parse_field(spec.strip(), labels))
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise WorkflowError(_("Thuộc tính fields khai báo một trường hai lần."))
    if NOTE_FIELD not in names:
        fields.append(
            StepField(NOTE_FIELD, "textarea", labels.get(NOTE_FIELD) or _("Ý kiến, ghi chú"), required=False)
        )
    return fields
