"""The engine: runs an instance's SpiffWorkflow workflow and keeps the work items in step with it.

Callers (``services``, ``timers``) hold a transaction and the instance's row lock; functions here do the
work inside it:

- ``new_workflow`` / ``load_workflow`` give a workflow with ``SafeScriptEngine`` attached and a
  ``Runtime`` that runs platform actions for the instance's dossier as the acting officer;
- ``advance`` runs engine steps (gateways, service tasks, timers that have fired) until only user tasks
  and waiting events remain, turning failures into ``WorkflowError`` with a Vietnamese message;
- ``sync_work_items`` opens a ``WorkItem`` for each new READY user task (resolving its lane to a role and
  an agency) and cancels the items whose task is no longer READY (an interrupting timer, a terminate end);
- ``save_workflow`` writes the serialized workflow with an optimistic ``lock_version`` check.

The process's authority. What the drawing makes happen to the dossier — a hand-over, a status change
by a service task — is done on the process's own authority: a ``dossiers.process_authority.ProcessAuthority``
issued here and nowhere else (``_issue_authority``; ``dossiers`` refuses a token from any other module).
The engine has already checked the officer who completed the step that led there (``may_perform``), or
the path was fired by a timer with no officer; the dossier then records the process ("Quy trình: <name>
(phiên bản <n>)") as the actor and that officer as ``step_completed_by``. Views never get a token: they call
``services.complete`` and the engine does the rest.

Hand-over (the control sheet, form 06) — one mechanism, here (``record_steps``): every time the process
moves, the engine reports to ``dossiers.services.hand_over_by_process`` the steps that ended (their
rows close and are classified early / on time / late) and the steps that opened in another unit (a row
each, from the unit of the step that led there). A unit is an agency plus a lane (or a named person).
Consecutive steps of one unit are one hand-over: the row continues and its allotted time grows. The
first step of a process needs no row when it is at the one-stop desk of the receiving agency (the
dossier is already there). When steps run in parallel (a parallel split: liên thông police and social
insurance; a non-interrupting timer's step beside the one it watches) — that is, when after the move the
workflow has more than one live thread (open steps, joins waiting for other branches, timers a branch
waits on) — each opened step is a **branch** row: its agency joins the dossier's processing agencies
but the dossier's current agency stays the lead (the agency that sent it into the branches and gets it
back at the join). ``route_to_agency`` only changes which agency later lanes refer to.

The dossier is bound to its process while it runs (``attach``/``release``): officers may not route it by
hand meanwhile, so there are never two routing mechanisms for one dossier.
"""

import copy
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import InclusiveGateway, IntermediateCatchEvent, ParallelGateway
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from congso.agencies import services as agency_services
from congso.core import events, working_days
from congso.dossiers.process_authority import issue_process_authority
from congso.identity import services as identity_services

from . import bpmn
from .actions import ENGINE_DATA_KEY, ActionContext, ActionRefused, platform_actions
from .errors import ConcurrentUpdate, WorkflowError
from .models import InstanceState, ProcessInstance, WorkItem, WorkItemKind, WorkItemState
from .spiff import CLOCK_TIMERS, SERIALIZER, SafeScriptEngine, StepFailure

RESERVED_DATA_KEYS = frozenset({"dossier", "form", ENGINE_DATA_KEY})
MAX_DATA_BYTES = 64 * 1024
# do_engine_steps ends by refreshing timers; a timer that fired then needs one more round.
MAX_ENGINE_ROUNDS = 20


def _dossier_services():
    from congso.dossiers import services

    return services


# --- The process's authority ------------------------------------------------------------------------

# The control sheet's and the history's name for the process as the actor. Stored with the rows as data
# (the Vietnamese form is what the printed forms show), so it is not translated at run time. It names the
# process as officers know it (its name, not its technical key): the dossier page and form 06 show it.
PROCESS_LABEL = "Quy trình: {name} (phiên bản {number})"
# The dossier's and the hand-over's label columns hold 200 characters; a long name is shortened to fit.
PROCESS_LABEL_LENGTH = 200


def process_label(version) -> str:
    """The process ``version`` as the actor of the steps it routes: its name and version number."""
    name = version.definition.name.strip() or version.definition.key
    room = PROCESS_LABEL_LENGTH - len(PROCESS_LABEL.format(name="", number=version.number))
    if len(name) > room:
        name = name[: room - 1].rstrip() + "…"
    return PROCESS_LABEL.format(name=name, number=version.number)


def _issue_authority(version, dossier, actor=None):
    """The process's authority over ``dossier`` (see the module docstring). ``actor`` is the officer whose
    completed step led here, ``None`` on a timer path or when the process starts without an officer."""
    return issue_process_authority(
        dossier=dossier,
        process_ref=f"workflow:{version.definition.key}:v{version.number}",
        label=process_label(version),
        step_completed_by=actor if getattr(actor, "pk", None) else None,
    )


def attach(version, dossier, actor=None) -> None:
    """Bind ``dossier`` to the process ``version`` (locks the dossier row until the transaction ends).
    Errors of ``dossiers.services.attach_process`` (a finished dossier) pass through."""
    _dossier_services().attach_process(dossier, authority=_issue_authority(version, dossier, actor))


def release(instance: ProcessInstance, dossier, reason: str = "") -> None:
    """The process of ``instance`` no longer routes ``dossier`` (completed or cancelled)."""
    _dossier_services().release_process(
        dossier, authority=_issue_authority(instance.process_version, dossier), reason=reason
    )


# --- Time --------------------------------------------------------------------------------------------


def compute_due_at(start: datetime, hours: int | Decimal | None) -> datetime:
    """The end of a step's allotted working hours from ``start`` (the working-day calendar)."""
    if not hours:
        return start
    return working_days.due_at_hours(start, hours)


# --- Agencies and people -------------------------------------------------------------------------------


def _agency_model():
    from congso.agencies.models import Agency

    return Agency


def resolve_agency(rule: dict, dossier, data: dict | None = None):
    """The agency a lane rule (``conventions.parse_agency``) designates for ``dossier``.

    ``current``: the agency set by ``route_to_agency`` in the workflow data, else the dossier's current
    agency. ``receiving``: the receiving agency. ``kind``: the agency of that kind, in force today, in the
    receiving agency's administrative unit, else in the nearest parent unit that has one. ``code``: that
    agency. Raises ``WorkflowError`` when none is found.
    """
    Agency = _agency_model()
    mode = (rule or {}).get("mode", "current")
    if mode == "current":
        routed = ((data or {}).get(ENGINE_DATA_KEY) or {}).get("routing_agency")
        if routed:
            agency = agency_services.get_agency(routed)
            if agency is not None:
                return agency
        return dossier.current_agency
    if mode == "receiving":
        return dossier.receiving_agency
    if mode == "code":
        try:
            return agency_services.get_agency_by_code(rule["code"])
        except Agency.DoesNotExist as exc:
            raise WorkflowError(str(exc)) from exc
    if mode == "kind":
        return _agency_of_kind(rule["kind"], dossier)
    raise WorkflowError(_("Quy tắc cơ quan không hợp lệ: %(rule)s") % {"rule": rule})


def _agency_of_kind(kind: str, dossier):
    base = dossier.receiving_agency
    unit = base.administrative_unit or dossier.current_agency.administrative_unit
    seen = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        found = agency_services.agency_of_kind_in_unit(kind, unit)
        if found is not None:
            return found
        unit = unit.parent
    raise WorkflowError(
        _("Không tìm thấy cơ quan loại “%(kind)s” cho địa bàn của %(agency)s.")
        % {"kind": kind, "agency": base}
    )


def _unit_label(step: dict, agency, user) -> str:
    from congso.agencies.models import Role

    if user is not None:
        return str(user)
    lane = (step.get("lane") or "").partition("@")[0].strip()
    if step.get("role") and (not lane or lane == step["role"]):
        return str(Role(step["role"]).label)
    return lane or str(Role(step["role"]).label)


def held_roles(user) -> set[tuple[int, str]]:
    """``(agency id, role)`` pairs ``user`` holds today (through ``agencies.services``)."""
    return {(m.agency_id, m.role) for m in agency_services.memberships_for(user)}


def may_perform(user, item: WorkItem) -> bool:
    """Whether ``user`` may complete ``item``: the named user, or a holder of its role at its agency."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if item.assigned_user_id is not None:
        return item.assigned_user_id == user.pk
    return (item.agency_id, item.role) in held_roles(user)


# --- Workflow objects ------------------------------------------------------------------------------------


class Runtime:
    """Runs platform actions for one instance on the process's authority; ``actor`` is the officer whose
    step led here, or None (a timer, a start without an officer)."""

    def __init__(self, instance: ProcessInstance, dossier, actor=None):
        self.instance = instance
        self.dossier = dossier
        self.actor = actor
        self.authority = _issue_authority(instance.process_version, dossier, actor)

    def run_action(self, task, name: str, params: dict):
        if name not in platform_actions:
            raise StepFailure(_("Không có thao tác “%(name)s”.") % {"name": name}, task.task_spec.name)
        context = ActionContext(
            instance=self.instance,
            dossier=self.dossier,
            actor=self.actor,
            authority=self.authority,
            task_name=task.task_spec.bpmn_id or task.task_spec.name,
            label=task.task_spec.bpmn_name or task.task_spec.name,
            params=dict(params),
            data=copy.deepcopy(task.data),
        )
        try:
            result = platform_actions[name](context)
        except ActionRefused as exc:
            raise StepFailure(exc.message, task.task_spec.name) from exc
        if result is not None and not isinstance(result, dict):
            raise StepFailure(
                _("Thao tác “%(name)s” trả về dữ liệu không hợp lệ.") % {"name": name}, task.task_spec.name
            )
        return result


def new_workflow(version, runtime: Runtime, initial_data: dict) -> BpmnWorkflow:
    spec, subprocess_specs = bpmn.build_specs(version.bpmn_xml, version.process_id, version.sha256)
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=SafeScriptEngine(runtime))
    start = workflow.get_next_task(state=TaskState.READY)
    start.data.update(copy.deepcopy(initial_data))
    return workflow


def load_workflow(instance: ProcessInstance, runtime: Runtime) -> BpmnWorkflow:
    workflow = SERIALIZER.deserialize_json(instance.serialized)
    # A restored workflow carries SpiffWorkflow's default (Python) engine: replace it before anything runs.
    workflow.script_engine = SafeScriptEngine(runtime)
    return workflow


def serialize(workflow: BpmnWorkflow) -> str:
    return SERIALIZER.serialize_json(workflow)


def advance(workflow: BpmnWorkflow) -> None:
    """Run engine steps until only user tasks and waiting events remain."""
    try:
        for _round in range(MAX_ENGINE_ROUNDS):
            workflow.refresh_timers()
            workflow.do_engine_steps()
            if not any(not t.task_spec.manual for t in workflow.get_tasks(state=TaskState.READY)):
                break
    except StepFailure as exc:
        raise WorkflowError(exc.message) from exc
    except SpiffWorkflowException as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, StepFailure):
            raise WorkflowError(cause.message) from exc
        if str(exc).startswith("No conditions satisfied"):
            spec = getattr(exc, "task_spec", None)
            step = getattr(spec, "bpmn_name", None) or getattr(spec, "name", "")
            raise WorkflowError(
                _("Không luồng nào ra khỏi cổng “%(step)s” thỏa điều kiện; hãy thêm luồng mặc định cho cổng.")
                % {"step": step}
            ) from exc
        raise WorkflowError(_("Bộ máy quy trình báo lỗi: %(detail)s") % {"detail": str(exc)[:300]}) from exc


def next_timer_at(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest moment a waiting timer of ``workflow`` is due."""
    moments = []
    for task in workflow.event_manager.tasks.values():
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, CLOCK_TIMERS):
            value = task._get_internal_data("event_value")
            if value:
                moments.append(datetime.fromisoformat(value))
    return min(moments) if moments else None


def workflow_data(workflow: BpmnWorkflow) -> dict:
    """The data of the most recently completed task (what monitoring shows), JSON only."""
    import json

    source = workflow.last_task.data if workflow.last_task is not None else workflow.data
    return json.loads(json.dumps(source, default=str))


def dossier_snapshot(dossier) -> dict:
    """What conditions may read about the dossier as ``dossier.*`` (``form.*`` is its form data)."""
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "channel": dossier.channel,
        "status": dossier.status,
        "procedure_code": dossier.procedure_version.procedure.code,
        "receiving_agency": dossier.receiving_agency.code,
        "current_agency": dossier.current_agency.code,
    }


def initial_data(dossier) -> dict:
    return {
        "dossier": dossier_snapshot(dossier),
        "form": copy.deepcopy(dossier.form_data or {}),
        ENGINE_DATA_KEY: {},
    }


def check_submitted_data(data) -> dict:
    """Officer-submitted step data: a JSON object of modest size without the engine's reserved keys."""
    import json

    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise WorkflowError(_("Dữ liệu của bước phải là một đối tượng JSON."))
    clash = sorted(RESERVED_DATA_KEYS.intersection(data))
    if clash:
        raise WorkflowError(
            _("Không được ghi đè các trường dành riêng: %(keys)s.") % {"keys": ", ".join(clash)}
        )
    try:
        encoded = json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise WorkflowError(_("Dữ liệu của bước chỉ được chứa giá trị JSON.")) from exc
    if len(encoded.encode("utf-8")) > MAX_DATA_BYTES:
        raise WorkflowError(_("Dữ liệu của bước quá lớn."))
    return json.loads(encoded)


def save_workflow(instance: ProcessInstance, workflow: BpmnWorkflow, **extra) -> None:
    """Write the workflow and ``extra`` fields; refuse if another save overtook this one."""
    now = timezone.now()
    fields = {
        "serialized": serialize(workflow),
        "data": workflow_data(workflow),
        "next_timer_at": next_timer_at(workflow),
        "lock_version": instance.lock_version + 1,
        "updated_at": now,
        **extra,
    }
    if workflow.is_completed() and instance.state == InstanceState.RUNNING and "state" not in extra:
        fields["state"] = InstanceState.COMPLETED
        fields["completed_at"] = now
    updated = ProcessInstance.objects.filter(pk=instance.pk, lock_version=instance.lock_version).update(
        **fields
    )
    if updated != 1:
        raise ConcurrentUpdate(
            _("Quy trình của hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thử lại.")
        )
    for name, value in fields.items():
        setattr(instance, name, value)
    if fields.get("state") == InstanceState.COMPLETED:
        events.publish(
            "workflow.completed",
            {"instance_id": instance.pk, "dossier_id": instance.dossier_id},
            aggregate=instance,
        )


# --- Work items ---------------------------------------------------------------------------------------------


def find_task(workflow: BpmnWorkflow, task_id):
    """The task ``task_id`` of ``workflow`` or of any of its sub-processes (an embedded sub-process's
    tasks live in its own sub-workflow, not in ``workflow.tasks``), or ``None``."""
    try:
        return workflow.get_task_from_id(task_id)
    except TaskNotFoundException:
        return None


def _ready_user_tasks(workflow: BpmnWorkflow) -> list:
    tasks = workflow.get_tasks(state=TaskState.READY, manual=True)
    return sorted(tasks, key=lambda t: (t.task_spec.name, str(t.id)))


def _close_escalations(item: WorkItem, at: datetime, state: str) -> None:
    item.escalations.filter(state=WorkItemState.OPEN).update(state=state, completed_at=at)


def cancel_item(item: WorkItem, at: datetime, note: str) -> None:
    item.state = WorkItemState.CANCELLED
    item.completed_at = at
    item.note = note
    item.save(update_fields=["state", "completed_at", "note"])
    _close_escalations(item, at, WorkItemState.CANCELLED)


def _open_item(instance, version, dossier, task, now) -> WorkItem:
    name = task.task_spec.bpmn_id or task.task_spec.name
    step = version.step(name)
    if step.get("kind") != "user":
        raise WorkflowError(
            _("Bước “%(step)s” không có cấu hình trong phiên bản quy trình.") % {"step": name}
        )
    user = None
    if step.get("user"):
        user = identity_services.find_by_username(step["user"])
        if user is None:
            raise WorkflowError(
                _("Không có tài khoản “%(user)s” cho bước “%(step)s”.")
                % {"user": step["user"], "step": step["label"]}
            )
    agency = resolve_agency(step.get("agency") or {}, dossier, task.data)
    hours = step.get("allotted_hours")
    # step_config holds JSON numbers (``8``, ``0.5``); through str() so 0.5 stays exactly 0.5.
    hours = Decimal(str(hours)) if hours is not None else None
    item = WorkItem.objects.create(
        instance=instance,
        kind=WorkItemKind.TASK,
        task_id=task.id,
        task_name=name,
        label=step["label"][:300],
        lane=(step.get("lane") or "")[:200],
        role=step.get("role") or "",
        agency=agency,
        assigned_user=user,
        allotted_hours=hours,
        opened_at=now,
        # Capped at the dossier's appointment, by the rule its control sheet row follows too.
        due_at=_dossier_services().step_deadline(dossier, now, hours) if hours else now,
    )
    events.publish(
        "workflow.step_opened",
        {
            "instance_id": instance.pk,
            "dossier_id": dossier.pk,
            "work_item_id": item.pk,
            "step": name,
            "label": item.label,
            "agency_code": agency.code,
            "role": item.role,
            "assigned_user_id": user.pk if user else None,
            "due_at": item.due_at.isoformat(),
        },
        aggregate=item,
    )
    return item


def sync_work_items(
    instance, workflow, dossier, *, actor=None, previous: WorkItem | None = None, at_start: bool = False
) -> list[WorkItem]:
    """Make the open task items match the READY user tasks, record the move on the dossier's control
    sheet (``record_steps``) and release the dossier when the process has completed; return the items
    opened.

    ``previous`` is the item whose completion led here and ``actor`` the officer who completed it; on a
    timer path (no ``previous``) the one item a timer cancelled stands for it. ``at_start``: the first
    sync of a new instance.
    """
    now = timezone.now()
    version = instance.process_version
    ready = {task.id: task for task in _ready_user_tasks(workflow)}
    open_items = list(instance.work_items.filter(kind=WorkItemKind.TASK, state=WorkItemState.OPEN))
    cancelled = []
    for item in open_items:
        if item.task_id not in ready:
            cancel_item(item, now, _("Bước không còn chờ xử lý: quy trình đã đi tiếp theo sự kiện khác."))
            cancelled.append(item)
    known = {item.task_id for item in open_items}
    opened = [
        _open_item(instance, version, dossier, task, now)
        for task_id, task in ready.items()
        if task_id not in known
    ]
    if previous is None and len(cancelled) == 1:
        previous = cancelled[0]
    record_steps(
        instance,
        workflow,
        dossier,
        actor=actor,
        previous=previous,
        cancelled=cancelled,
        opened=opened,
        at_start=at_start,
    )
    if instance.state == InstanceState.COMPLETED:
        release(instance, dossier, reason=_("Quy trình đã hoàn thành."))
    return opened


# --- The control sheet ------------------------------------------------------------------------------------

ONE_STOP_ROLE = "one_stop_officer"


def step_ref(item: WorkItem) -> str:
    """The reference of ``item``'s step on the dossier's control sheet (``HandOver.step_ref``)."""
    return f"workflow:{item.pk}"


def _unit_key(item: WorkItem) -> tuple:
    return (item.agency_id, item.lane or item.role, item.assigned_user_id)


def _at_reception_desk(item: WorkItem, dossier) -> bool:
    """Whether ``item`` is for the one-stop desk of the receiving agency, where an accepted dossier is."""
    return (
        item.agency_id == dossier.receiving_agency_id
        and item.role == ONE_STOP_ROLE
        and item.assigned_user_id is None
    )


def live_threads(instance: ProcessInstance, workflow: BpmnWorkflow) -> int:
    """How many lines of work the process has now: open steps, joins waiting for other branches, and
    intermediate timers a branch waits on (a boundary timer watching a step is part of that step)."""
    items = instance.work_items.filter(kind=WorkItemKind.TASK, state=WorkItemState.OPEN).count()
    waiting = sum(
        1
        for task in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(task.task_spec, ParallelGateway | InclusiveGateway | IntermediateCatchEvent)
    )
    return items + waiting


def record_steps(
    instance, workflow, dossier, *, actor, previous: WorkItem | None, cancelled, opened, at_start=False
) -> None:
    """Report the move to the dossier's control sheet (see the module docstring), on the process's
    authority: rows of the steps that ended close, steps opened in another unit get a row."""
    finished = [step_ref(item) for item in cancelled]
    if previous is not None and previous.state == WorkItemState.DONE:
        finished.append(step_ref(previous))
    if not finished and not opened:
        return
    services = _dossier_services()
    version = instance.process_version
    branch = len(opened) > 1 or live_threads(instance, workflow) > 1
    if previous is not None:
        origin = (previous.agency, _item_unit_label(version, previous))
    elif at_start:
        from congso.agencies.models import Role

        origin = (dossier.receiving_agency, str(Role.ONE_STOP_OFFICER.label))
    else:
        origin = (dossier.current_agency, "")
    steps = []
    for item in opened:
        if at_start and previous is None and _at_reception_desk(item, dossier):
            continue  # the accepted dossier is already at the one-stop desk of the receiving agency
        same_unit = previous is not None and _unit_key(item) == _unit_key(previous)
        steps.append(
            services.ProcessStep(
                ref=step_ref(item),
                step_name=item.label[:200],
                to_agency=item.agency,
                to_unit_label=_item_unit_label(version, item)[:200],
                allotted_working_hours=item.allotted_hours,
                received_by=item.assigned_user,
                from_agency=origin[0],
                from_unit_label=origin[1][:200],
                continues=step_ref(previous) if same_unit else "",
                branch=branch,
            )
        )
    if finished or steps:
        services.hand_over_by_process(
            dossier, authority=_issue_authority(version, dossier, actor), finished=finished, opened=steps
        )


def _item_unit_label(version, item: WorkItem) -> str:
    step = version.step(item.task_name) or {"lane": item.lane, "role": item.role}
    return _unit_label(step, item.agency, item.assigned_user)
