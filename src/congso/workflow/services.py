"""The public API of the workflow block: what the lifecycle subscribers (``subscribers``), the work-item
pages (``task_views``), the monitoring pages, the admin and the demo seeding call.

A dossier's process starts when the dossier is accepted (``start_for_dossier``, from the outbox) and is
cancelled when the dossier is withdrawn, refused or stopped (``cancel``). Officers complete its steps
(``complete``) with the data the step's form asks for (``step_fields``); what the drawing then does to
the dossier — hand-overs, status changes — the engine does on the process's authority (see ``engine``).

Every function that changes something runs in one database transaction with the instance's row locked
(``select_for_update``) and an optimistic ``lock_version`` check: the workflow, the work items, what
platform actions did to the dossier (through ``dossiers.services``), the audit entries and the outbox
events commit together or not at all. Errors carry a Vietnamese message; when one is raised, nothing
was changed:

- ``WorkflowError`` (a ``ValidationError``) — refused or failed operation;
- ``BpmnRejected`` (a ``ValidationError``) — an uploaded file with ``errors = [(line, message)]``;
- ``PermissionDenied`` (Django) — the user may not do this step;
- errors of ``dossiers.services`` raised by an action or a hand-over pass through unchanged.

Conventions of the BPMN files: ``conventions`` (lanes, properties) and ``bpmn`` (what is accepted).
Step deadlines and escalation: ``timers``.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from congso.core import audit, events, timeliness

from . import bpmn, conventions, engine
from .errors import BpmnRejected, ConcurrentUpdate, WorkflowError
from .models import (
    InstanceState,
    ProcessDefinition,
    ProcessInstance,
    ProcessVersion,
    WorkItem,
    WorkItemKind,
    WorkItemState,
)
from .spiff import SERIALIZER

logger = logging.getLogger(__name__)

__all__ = [
    "BpmnRejected",
    "ConcurrentUpdate",
    "DEFAULT_PROCESSES",
    "MigrationRow",
    "ProcessAlreadyStarted",
    "WorkflowError",
    "acknowledge_escalation",
    "activate_version",
    "cancel",
    "complete",
    "load_default_processes",
    "migrate",
    "plan_migration",
    "refresh_timers",
    "StepField",
    "start",
    "parse_step_form",
    "start_for_dossier",
    "step_fields",
    "upload_version",
]

BPMN_DIR = Path(__file__).resolve().parent / "bpmn"


class ProcessAlreadyStarted(WorkflowError):
    """The dossier already has its process instance (a second start, e.g. an event delivered twice)."""


# --- Process definitions -------------------------------------------------------------------------


def upload_version(
    *,
    key: str,
    name: str,
    xml,
    uploaded_by=None,
    description: str = "",
    activate: bool = True,
    note: str = "",
) -> ProcessVersion:
    """Check a BPMN file and store it as the next version of process ``key``.

    Inputs: ``key`` (a slug; a new key creates the definition), ``name``, ``xml`` (text or bytes),
    ``uploaded_by``, ``description``, ``activate`` (make it the version new dossiers use), ``note``.
    Effects: a ``ProcessVersion`` numbered one above the latest, with ``step_config`` read from the file;
    when ``activate``, the previous active version is deactivated (running instances keep theirs);
    audit ``workflow.version.upload``, event ``workflow.version_uploaded``.
    Errors: ``BpmnRejected`` with line-precise reasons; ``WorkflowError`` for a bad key or name, or a
    file identical to the latest version.
    """
    key = (key or "").strip()
    if not key or slugify(key) != key or len(key) > 100:
        raise WorkflowError(_("Mã quy trình chỉ gồm chữ thường không dấu, số và dấu gạch ngang."))
    name = " ".join((name or "").split())
    outcome = bpmn.validate(xml)
    if not outcome.ok:
        raise BpmnRejected(outcome.errors)
    text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    with transaction.atomic():
        definition = ProcessDefinition.objects.select_for_update().filter(key=key).first()
        if definition is None:
            if not name:
                raise WorkflowError(_("Vui lòng nhập tên quy trình."))
            definition = ProcessDefinition.objects.create(key=key, name=name[:300], description=description)
        elif name and (name != definition.name or (description and description != definition.description)):
            definition.name = name[:300]
            definition.description = description or definition.description
            definition.save(update_fields=["name", "description"])
        latest = definition.versions.order_by("-number").first()
        if latest is not None and latest.sha256 == outcome.sha256:
            raise WorkflowError(_("Tệp này giống hệt phiên bản %(n)s đã có.") % {"n": latest.number})
        if activate:
            definition.versions.filter(is_active=True).update(is_active=False)
        version = ProcessVersion.objects.create(
            definition=definition,
            number=(latest.number + 1) if latest else 1,
            bpmn_xml=text,
            process_id=outcome.process_id,
            sha256=outcome.sha256,
            step_config=outcome.step_config,
            is_active=activate,
            uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
            note=(note or "")[:500],
        )
        changes = {"key": key, "number": version.number, "sha256": version.sha256, "active": activate}
        audit.record("workflow.version.upload", version, changes=changes, actor=uploaded_by)
        events.publish("workflow.version_uploaded", changes, aggregate=version)
    return version


def activate_version(version: ProcessVersion, *, by=None) -> ProcessVersion:
    """Make ``version`` the one new dossiers use. Effects: the others of its definition deactivated,
    audit ``workflow.version.activate``. Running instances are not moved (see ``migrate``)."""
    with transaction.atomic():
        ProcessDefinition.objects.select_for_update().filter(pk=version.definition_id).first()
        ProcessVersion.objects.filter(definition_id=version.definition_id, is_active=True).update(
            is_active=False
        )
        ProcessVersion.objects.filter(pk=version.pk).update(is_active=True)
        version.is_active = True
        audit.record("workflow.version.activate", version, changes={"number": version.number}, actor=by)
    return version


# --- Running a dossier's process -------------------------------------------------------------------


def _lock_instance(pk) -> ProcessInstance:
    return (
        ProcessInstance.objects.select_for_update()
        .select_related(
            "process_version__definition",
            "dossier__procedure_version__procedure",
            "dossier__receiving_agency",
            "dossier__current_agency",
        )
        .get(pk=pk)
    )


def _version_for(dossier) -> ProcessVersion:
    if not (dossier.procedure_version.process_key or "").strip():
        raise WorkflowError(_("Thủ tục của hồ sơ chưa được gắn quy trình xử lý."))
    version = active_version_for(dossier)
    if version is None:
        raise WorkflowError(
            _("Quy trình “%(key)s” chưa có phiên bản đang dùng.")
            % {"key": dossier.procedure_version.process_key.strip()}
        )
    return version


def start(dossier, process_version: ProcessVersion | None = None, *, by=None) -> ProcessInstance:
    """Start the process of ``dossier``: the active version of its procedure's ``process_key``, or
    ``process_version`` when given.

    Inputs: an open dossier (normally just accepted); ``by``: the officer who starts it, if any (the
    lifecycle subscriber starts it with none).
    Effects: the dossier bound to the process (its row locked first, so a withdrawal at the same moment
    is serialised with the start); a ``ProcessInstance``; engine steps run until the first user tasks,
    each getting an open ``WorkItem`` for its lane's role at the resolved agency, with its deadline;
    service tasks met on the way run their actions on the process's authority; a control-sheet row when
    the first step is not at the receiving agency's one-stop desk; audit ``workflow.start``, events
    ``workflow.started`` and ``workflow.step_opened``.
    Errors: ``ProcessAlreadyStarted`` (the dossier already has a process); ``WorkflowError`` (no process
    for the procedure, a step failed); ``IllegalTransition`` of ``dossiers`` (a finished dossier).
    """
    with transaction.atomic():
        version = process_version or _version_for(dossier)
        engine.attach(version, dossier, by)
        if ProcessInstance.objects.filter(dossier=dossier).exists():
            raise ProcessAlreadyStarted(_("Hồ sơ %(code)s đã có quy trình xử lý.") % {"code": dossier.code})
        now = timezone.now()
        try:
            with transaction.atomic():
                instance = ProcessInstance.objects.create(
                    dossier=dossier, process_version=version, started_at=now
                )
        except IntegrityError as exc:  # a concurrent start won the race
            raise ProcessAlreadyStarted(
                _("Hồ sơ %(code)s đã có quy trình xử lý.") % {"code": dossier.code}
            ) from exc
        runtime = engine.Runtime(instance, dossier, actor=by)
        workflow = engine.new_workflow(version, runtime, engine.initial_data(dossier))
        engine.advance(workflow)
        engine.save_workflow(instance, workflow)
        opened = engine.sync_work_items(instance, workflow, dossier, actor=by, at_start=True)
        audit.record(
            "workflow.start",
            instance,
            actor=by,
            label=engine.process_label(version),
            changes={
                "dossier": dossier.code,
                "version": str(version),
                "opened": [i.task_name for i in opened],
            },
        )
        events.publish(
            "workflow.started",
            {
                "instance_id": instance.pk,
                "dossier_id": dossier.pk,
                "process_key": version.definition.key,
                "version": version.number,
            },
            aggregate=instance,
        )
    return instance


def active_version_for(dossier) -> ProcessVersion | None:
    """The process version a new instance of ``dossier`` would run: the active version of its
    procedure's ``process_key``; ``None`` when the procedure names no process or it has no active
    version. Reads only."""
    key = (dossier.procedure_version.process_key or "").strip()
    if not key:
        return None
    active = ProcessVersion.objects.filter(definition__key=key, is_active=True)
    return active.select_related("definition").first()


def start_for_dossier(dossier) -> ProcessInstance | None:
    """Start ``dossier``'s process if its procedure has one and it has not started yet — idempotent, for
    the lifecycle subscriber (an event may be delivered more than once).

    Returns the new instance, or ``None`` when nothing was started: the procedure names no process
    (officers route such dossiers with ``dossiers.services.hand_over``), the named process has no active
    version (logged, and ``workflow.not_started`` published so the administrators see it), the dossier
    already has its process, or it is no longer open (withdrawn, refused, stopped before the start ran).
    Errors: ``WorkflowError`` when the process fails on its first steps (the delivery is retried).
    """
    from congso.dossiers.services import IllegalTransition

    if not (dossier.procedure_version.process_key or "").strip():
        return None
    version = active_version_for(dossier)
    if version is None:
        key = dossier.procedure_version.process_key
        logger.warning("Dossier %s names process %r, which has no active version", dossier.code, key)
        events.publish(
            "workflow.not_started",
            {"dossier_id": dossier.pk, "process_key": key, "reason": "no_active_version"},
            aggregate=dossier,
        )
        return None
    if ProcessInstance.objects.filter(dossier=dossier).exists():
        return None
    try:
        return start(dossier, version)
    except (ProcessAlreadyStarted, IllegalTransition):
        return None


def complete(work_item: WorkItem, user, data: dict | None = None) -> list[WorkItem]:
    """Complete a step: ``user`` finishes ``work_item`` with ``data`` (merged into the workflow data).

    Inputs: an open task item; ``user`` who holds the item's role at its agency today (or is its named
    user); ``data`` — a JSON object, e.g. ``{"approved": true}``, read by later gateway conditions
    (the keys ``dossier``, ``form`` and ``congso`` are reserved).
    Effects, in one transaction: the SpiffWorkflow task completed and engine steps run (service tasks'
    actions change the dossier as ``user``); the item closed as done and classified early / on time /
    late against its deadline; items opened for the next steps and, when the dossier moves to another
    unit, its hand-over recorded (see ``engine``); audit ``workflow.step.complete``, events
    ``workflow.step_completed`` (and those of what followed). Returns the items opened.
    Errors: ``PermissionDenied`` (wrong role or user); ``WorkflowError`` (item closed, instance not
    running, bad data, a step failed, concurrent update); errors of ``dossiers.services``.
    """
    data = engine.check_submitted_data(data)
    with transaction.atomic():
        instance = _lock_instance(work_item.instance_id)
        item = WorkItem.objects.select_related("agency").get(pk=work_item.pk)
        if item.kind != WorkItemKind.TASK:
            raise WorkflowError(_("Đây là việc đôn đốc; hãy dùng chức năng xác nhận đôn đốc."))
        if item.state != WorkItemState.OPEN:
            raise WorkflowError(_("Bước “%(step)s” đã được xử lý hoặc đã hủy.") % {"step": item.label})
        if instance.state != InstanceState.RUNNING:
            raise WorkflowError(_("Quy trình của hồ sơ không còn chạy."))
        if not engine.may_perform(user, item):
            raise PermissionDenied(
                _("Bạn không được giao bước “%(step)s” tại %(agency)s.")
                % {"step": item.label, "agency": item.agency}
            )
        dossier = instance.dossier
        workflow = engine.load_workflow(instance, engine.Runtime(instance, dossier, actor=user))
        task = engine.find_task(workflow, item.task_id)
        if task is None or task.state != TaskState.READY:
            raise WorkflowError(_("Bước “%(step)s” không còn chờ xử lý.") % {"step": item.label})
        task.data.update(data)
        task.data["dossier"] = engine.dossier_snapshot(dossier)
        task.run()
        engine.advance(workflow)
        now = timezone.now()
        item.state, item.completed_at, item.completed_by = WorkItemState.DONE, now, user
        item.result = timeliness.classify(now, item.due_at)
        item.data = data
        item.save(update_fields=["state", "completed_at", "completed_by", "result", "data"])
        item.escalations.filter(state=WorkItemState.OPEN).update(state=WorkItemState.DONE, completed_at=now)
        engine.save_workflow(instance, workflow)
        opened = engine.sync_work_items(instance, workflow, dossier, actor=user, previous=item)
        changes = {
            "step": item.task_name,
            "result": item.result,
            "data": data,
            "opened": [i.task_name for i in opened],
        }
        audit.record("workflow.step.complete", item, actor=user, changes=changes)
        events.publish(
            "workflow.step_completed",
            {
                "instance_id": instance.pk,
                "dossier_id": dossier.pk,
                "work_item_id": item.pk,
                "step": item.task_name,
                "result": item.result,
                "completed_by": user.pk,
            },
            aggregate=item,
        )
    return opened


def acknowledge_escalation(item: WorkItem, user, note: str = "") -> WorkItem:
    """A leader closes an escalation item after following up the overdue step.

    Errors: ``WorkflowError`` (not an open escalation), ``PermissionDenied`` (not a leader there).
    Effects: the item done with the note, audit ``workflow.escalation.acknowledge``."""
    with transaction.atomic():
        item = WorkItem.objects.select_for_update().select_related("agency").get(pk=item.pk)
        if item.kind != WorkItemKind.ESCALATION or item.state != WorkItemState.OPEN:
            raise WorkflowError(_("Việc đôn đốc này không còn mở."))
        if not engine.may_perform(user, item):
            raise PermissionDenied(
                _("Chỉ lãnh đạo của %(agency)s xác nhận được việc đôn đốc này.") % {"agency": item.agency}
            )
        item.state, item.completed_at, item.completed_by = WorkItemState.DONE, timezone.now(), user
        item.note = (note or "")[:4000]
        item.save(update_fields=["state", "completed_at", "completed_by", "note"])
        audit.record("workflow.escalation.acknowledge", item, actor=user, changes={"note": item.note})
    return item


def cancel(dossier, *, by=None, reason: str = "") -> ProcessInstance | None:
    """Stop the process of ``dossier`` (withdrawn, refused or stopped dossier). Returns the instance, or
    ``None`` when the dossier has none. Effects: instance cancelled, open items cancelled, timers
    dropped, the dossier released (the open rows of the process's steps closed; officers may route it
    again if it is still open), audit ``workflow.cancel``, event ``workflow.cancelled``. Cancelling twice
    changes nothing."""
    with transaction.atomic():
        instance = ProcessInstance.objects.select_for_update().filter(dossier=dossier).first()
        if instance is None or instance.state != InstanceState.RUNNING:
            return instance
        now = timezone.now()
        for item in instance.work_items.filter(state=WorkItemState.OPEN):
            engine.cancel_item(item, now, reason or _("Quy trình đã dừng."))
        updated = ProcessInstance.objects.filter(pk=instance.pk, lock_version=instance.lock_version).update(
            state=InstanceState.CANCELLED,
            completed_at=now,
            next_timer_at=None,
            lock_version=instance.lock_version + 1,
        )
        if updated != 1:
            raise ConcurrentUpdate(_("Quy trình của hồ sơ vừa được người khác cập nhật; vui lòng thử lại."))
        instance.refresh_from_db()
        engine.release(instance, dossier, reason=reason)
        audit.record(
            "workflow.cancel",
            instance,
            actor=by,
            label=engine.process_label(instance.process_version),
            changes={"reason": reason},
        )
        events.publish(
            "workflow.cancelled",
            {"instance_id": instance.pk, "dossier_id": dossier.pk, "reason": reason},
            aggregate=instance,
        )
    return instance


def refresh_timers(instance: ProcessInstance) -> list[WorkItem]:
    """Fire the due timers of one instance (the periodic job calls this; see ``timers``).

    Effects, in one transaction: timers whose moment has passed fire, engine steps run (without an
    officer), work items are opened or cancelled accordingly, ``next_timer_at`` is recomputed.
    Returns the items opened. Errors: ``WorkflowError``."""
    with transaction.atomic():
        instance = _lock_instance(instance.pk)
        if instance.state != InstanceState.RUNNING:
            return []
        dossier = instance.dossier
        workflow = engine.load_workflow(instance, engine.Runtime(instance, dossier, actor=None))
        engine.advance(workflow)
        engine.save_workflow(instance, workflow)
        return engine.sync_work_items(instance, workflow, dossier, actor=None)


# --- What a step asks the officer ---------------------------------------------------------------------

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


# --- Moving running instances to a new version ---------------------------------------------------


@dataclass
class MigrationRow:
    instance: ProcessInstance
    can_move: bool
    reason: str


def _target(definition_key: str, to_version) -> ProcessVersion:
    if isinstance(to_version, ProcessVersion):
        return to_version
    version = ProcessVersion.objects.filter(definition__key=definition_key, number=to_version).first()
    if version is None:
        raise WorkflowError(
            _("Quy trình “%(key)s” không có phiên bản %(n)s.") % {"key": definition_key, "n": to_version}
        )
    return version


def _pending_task_names(workflow) -> list[tuple[object, str]]:
    """(workflow or sub-workflow, spec name) of the tasks that are READY or WAITING."""
    pending = []
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        pending.append((task.workflow, task.task_spec.name))
    return pending


def _plan_row(instance, target, spec, subprocess_specs) -> MigrationRow:
    workflow = engine.load_workflow(instance, engine.Runtime(instance, instance.dossier))
    missing = []
    for owner, name in _pending_task_names(workflow):
        owner_spec = spec if owner is workflow else subprocess_specs.get(owner.spec.name)
        if owner_spec is None or name not in owner_spec.task_specs:
            missing.append(name)
    for item in instance.work_items.filter(kind=WorkItemKind.TASK, state=WorkItemState.OPEN):
        if target.step(item.task_name).get("kind") != "user" and item.task_name not in missing:
            missing.append(item.task_name)
    if missing:
        reason = _("Các bước đang chờ không có trong phiên bản mới: %(steps)s.") % {
            "steps": ", ".join(sorted(missing))
        }
        return MigrationRow(instance, False, reason)
    return MigrationRow(instance, True, _("Chuyển được: mọi bước đang chờ đều có trong phiên bản mới."))


def plan_migration(definition_key: str, to_version) -> list[MigrationRow]:
    """Dry run: for each running instance of ``definition_key`` on another version, whether it can move
    to ``to_version`` (a number or a ``ProcessVersion``): it can when every task it is waiting on (READY
    or WAITING) exists in the new version. Reads only. Errors: ``WorkflowError`` (no such version)."""
    target = _target(definition_key, to_version)
    spec, subprocess_specs = bpmn.build_specs(target.bpmn_xml, target.process_id, target.sha256)
    instances = (
        ProcessInstance.objects.filter(
            process_version__definition=target.definition, state=InstanceState.RUNNING
        )
        .exclude(process_version=target)
        .select_related("process_version", "dossier")
        .order_by("pk")
    )
    return [_plan_row(instance, target, spec, subprocess_specs) for instance in instances]


def migrate(definition_key: str, to_version, *, instances=None, by=None) -> list[MigrationRow]:
    """Move running instances to ``to_version``: those ``plan_migration`` finds movable (only among
    ``instances`` when given). Each instance moves in its own transaction: its workflow takes the new
    spec (SpiffWorkflow's diff and migrate: waiting tasks are re-predicted on the new version, timers
    restart), engine steps run, work items follow, audit ``workflow.migrate``, event
    ``workflow.migrated``. Returns the plan rows, with ``can_move`` false for those left in place."""
    target = _target(definition_key, to_version)
    spec, subprocess_specs = bpmn.build_specs(target.bpmn_xml, target.process_id, target.sha256)
    wanted = {i.pk if hasattr(i, "pk") else i for i in instances} if instances is not None else None
    rows = plan_migration(definition_key, target)
    for row in rows:
        if not row.can_move or (wanted is not None and row.instance.pk not in wanted):
            continue
        with transaction.atomic():
            instance = _lock_instance(row.instance.pk)
            before = instance.process_version
            dossier = instance.dossier
            workflow = engine.load_workflow(instance, engine.Runtime(instance, dossier, actor=None))
            top_diff, sub_diffs = diff_workflow(SERIALIZER.registry, workflow, spec, subprocess_specs)
            migrate_workflow(top_diff, workflow, spec)
            for sub_id, sub in list(workflow.subprocesses.items()):
                if sub_diffs.get(sub_id) is not None:
                    migrate_workflow(sub_diffs[sub_id], sub, subprocess_specs[sub.spec.name])
            workflow.subprocess_specs = subprocess_specs
            engine.advance(workflow)
            instance.process_version = target
            engine.save_workflow(instance, workflow, process_version=target)
            engine.sync_work_items(instance, workflow, dossier, actor=None)
            changes = {"from": str(before), "to": str(target)}
            audit.record("workflow.migrate", instance, actor=by, changes=changes)
            events.publish(
                "workflow.migrated",
                {"instance_id": instance.pk, "dossier_id": dossier.pk, **changes},
                aggregate=instance,
            )
            row.instance = instance
    return rows


# --- Default processes ------------------------------------------------------------------------------------

DEFAULT_PROCESSES = (
    (
        "chung-thuc-trong-ngay",
        "chung-thuc-trong-ngay.bpmn",
        "Chứng thực bản sao trong ngày (cấp xã)",
        "Tiếp nhận → chứng thực, ký → trả kết quả trong ngày tại UBND cấp xã.",
    ),
    (
        "giai-quyet-tai-so",
        "giai-quyet-tai-so.bpmn",
        "Giải quyết hồ sơ tại sở, ngành",
        "Tiếp nhận → phân công → xử lý → xem xét (không đạt thì xử lý lại) → phê duyệt → ký → trả kết quả.",
    ),
    (
        "lien-thong-khai-sinh-thuong-tru-bhyt",
        "lien-thong-khai-sinh.bpmn",
        "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi",
        "UBND cấp xã tiếp nhận, đăng ký khai sinh, lãnh đạo ký giấy khai sinh (không đồng ý thì đăng ký "
        "lại) → song song: Công an đăng ký thường trú, Bảo hiểm xã hội cấp thẻ BHYT → tổng hợp → trả kết "
        "quả.",
    ),
    (
        "tham-dinh-ky-duyet",
        "tham-dinh-ky-duyet.bpmn",
        "Thẩm định, lãnh đạo ký duyệt, trả kết quả (một cơ quan)",
        "Chuyên viên thẩm định, dự thảo → lãnh đạo xem xét, phê duyệt và ký (không đồng ý thì thẩm định "
        "lại) → ghi nhận kết quả → một cửa trả kết quả. Cho thủ tục mà kết quả là quyết định, giấy chứng "
        "nhận, giấy phép có chữ ký của người có thẩm quyền.",
    ),
    (
        "lien-thong-khai-tu-xoa-thuong-tru-mai-tang",
        "lien-thong-khai-tu.bpmn",
        "Liên thông đăng ký khai tử, xóa đăng ký thường trú, trợ cấp mai táng",
        "UBND cấp xã đăng ký khai tử, lãnh đạo ký trích lục → song song: Công an xóa đăng ký thường trú, "
        "Bảo hiểm xã hội giải quyết trợ cấp mai táng → tổng hợp → trả kết quả.",
    ),
)


def load_default_processes(*, by=None) -> list[ProcessVersion]:
    """Install the processes shipped in ``workflow/bpmn/`` (idempotent: a file already the latest version
    of its key is skipped; a changed file becomes a new active version). Returns the versions created.
    Called by the demo seeding and ``manage.py load_default_processes``."""
    created = []
    for key, filename, name, description in DEFAULT_PROCESSES:
        xml = (BPMN_DIR / filename).read_text(encoding="utf-8")
        latest = ProcessVersion.objects.filter(definition__key=key).order_by("-number").first()
        if latest is not None and latest.sha256 == hashlib.sha256(xml.encode("utf-8")).hexdigest():
            continue
        created.append(
            upload_version(
                key=key,
                name=name,
                description=description,
                xml=xml,
                uploaded_by=by,
                note=_("Quy trình mẫu của congso"),
            )
        )
    return created


def can_monitor(user) -> bool:
    """Whether ``user`` may open the process monitoring pages (a leader, the province). Reads only."""
    from .permissions import monitoring_scope

    return monitoring_scope(user) is not None
