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

Hand-over (the control sheet, form 06) — one mechanism, here: when **one** new step opens in a different
lane or agency from the step it follows, the engine calls ``dossiers.services.hand_over`` with the new
step's name, agency, unit label and allotted hours, given by the officer who completed the previous step.
Consecutive steps in the same lane are one hand-over. When several steps open at once (a parallel split,
liên thông), the dossier is not handed over — ``dossiers`` keeps a single current agency — and each
branch is recorded by its work items. When the giving officer may not hand the dossier over (a clerk,
an officer of another branch's agency, a timer path without an officer), the engine does not fail the
step: it publishes ``workflow.hand_over_skipped`` with the reason, and the work item still records the
step. ``route_to_agency`` only changes which agency later lanes refer to.
"""

import copy
import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from congso.core import events, working_days

from . import bpmn
from .actions import ENGINE_DATA_KEY, ActionContext, ActionRefused, platform_actions
from .errors import ConcurrentUpdate, WorkflowError
from .models import InstanceState, ProcessInstance, StepResult, WorkItem, WorkItemKind, WorkItemState
from .spiff import CLOCK_TIMERS, SERIALIZER, SafeScriptEngine, StepFailure

logger = logging.getLogger(__name__)

RESERVED_DATA_KEYS = frozenset({"dossier", "form", ENGINE_DATA_KEY})
MAX_DATA_BYTES = 64 * 1024
# do_engine_steps ends by refreshing timers; a timer that fired then needs one more round.
MAX_ENGINE_ROUNDS = 20


def _dossier_services():
    from congso.dossiers import services

    return services


# --- Time --------------------------------------------------------------------------------------------


def compute_due_at(start: datetime, hours: int | None) -> datetime:
    """The end of a step's allotted working hours from ``start`` (the working-day calendar)."""
    if not hours:
        return start
    return working_days.due_at_hours(start, hours)


def classify(completed_at: datetime, due_at: datetime) -> str:
    """Early / on time / late (STANDARDS §1): late after the deadline; early when finished on an earlier
    day than the deadline's; on time otherwise. The same rule as the dossier's timeliness."""
    if completed_at > due_at:
        return StepResult.LATE
    if timezone.localtime(completed_at).date() < timezone.localtime(due_at).date():
        return StepResult.EARLY
    return StepResult.ON_TIME


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
            agency = Agency.objects.filter(pk=routed).first()
            if agency is not None:
                return agency
        return dossier.current_agency
    if mode == "receiving":
        return dossier.receiving_agency
    if mode == "code":
        from congso.agencies import services as agency_services

        try:
            return agency_services.get_agency_by_code(rule["code"])
        except Agency.DoesNotExist as exc:
            raise WorkflowError(str(exc)) from exc
    if mode == "kind":
        return _agency_of_kind(rule["kind"], dossier)
    raise WorkflowError(_("Quy tắc cơ quan không hợp lệ: %(rule)s") % {"rule": rule})


def _agency_of_kind(kind: str, dossier):
    Agency = _agency_model()
    base = dossier.receiving_agency
    unit = base.administrative_unit or dossier.current_agency.administrative_unit
    candidates = Agency.objects.valid_on().filter(kind=kind)
    seen = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        found = candidates.filter(administrative_unit=unit).order_by("code").first()
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
    from congso.agencies import services as agency_services

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
    """Runs platform actions for one instance, as ``actor`` (the officer whose step led here, or None)."""

    def __init__(self, instance: ProcessInstance, dossier, actor=None):
        self.instance = instance
        self.dossier = dossier
        self.actor = actor

    def run_action(self, task, name: str, params: dict):
        if name not in platform_actions:
            raise StepFailure(_("Không có thao tác “%(name)s”.") % {"name": name}, task.task_spec.name)
        context = ActionContext(
            instance=self.instance,
            dossier=self.dossier,
            actor=self.actor,
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
        user = get_user_model().objects.filter(username=step["user"]).first()
        if user is None:
            raise WorkflowError(
                _("Không có tài khoản “%(user)s” cho bước “%(step)s”.")
                % {"user": step["user"], "step": step["label"]}
            )
    agency = resolve_agency(step.get("agency") or {}, dossier, task.data)
    hours = step.get("allotted_hours")
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
        due_at=compute_due_at(now, hours),
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
    instance, workflow, dossier, *, actor=None, previous: WorkItem | None = None
) -> list[WorkItem]:
    """Make the open task items match the READY user tasks; return the items opened.

    ``previous`` is the item whose completion led here (for the hand-over); ``actor`` completed it.
    """
    now = timezone.now()
    version = instance.process_version
    ready = {task.id: task for task in _ready_user_tasks(workflow)}
    open_items = list(instance.work_items.filter(kind=WorkItemKind.TASK, state=WorkItemState.OPEN))
    for item in open_items:
        if item.task_id not in ready:
            cancel_item(item, now, _("Bước không còn chờ xử lý: quy trình đã đi tiếp theo sự kiện khác."))
    known = {item.task_id for item in open_items}
    opened = [
        _open_item(instance, version, dossier, task, now)
        for task_id, task in ready.items()
        if task_id not in known
    ]
    if previous is None:
        previous = (
            instance.work_items.filter(kind=WorkItemKind.TASK)
            .exclude(state=WorkItemState.OPEN)
            .order_by("-completed_at", "-id")
            .first()
        )
    if len(opened) == 1 and previous is not None:
        item = opened[0]
        if (item.agency_id, item.lane, item.assigned_user_id) != (
            previous.agency_id,
            previous.lane,
            previous.assigned_user_id,
        ):
            record_hand_over(dossier, item, version.step(item.task_name), actor)
    return opened


def record_hand_over(dossier, item: WorkItem, step: dict, actor) -> None:
    """Record the hand-over of ``dossier`` to ``item``'s unit (see the module docstring)."""
    services = _dossier_services()
    reason = ""
    if actor is None:
        reason = "no_actor"
    elif not services.can(actor, services.permissions.HAND_OVER, dossier):
        reason = "not_permitted"
    if reason:
        logger.info("Hand-over of dossier %s to step %s not recorded: %s", dossier.pk, item.task_name, reason)
        events.publish(
            "workflow.hand_over_skipped",
            {
                "dossier_id": dossier.pk,
                "work_item_id": item.pk,
                "step": item.task_name,
                "to_agency_code": item.agency.code,
                "reason": reason,
                "actor_id": actor.pk if actor is not None else None,
            },
            aggregate=item,
        )
        return
    services.hand_over(
        dossier,
        to_agency=item.agency,
        to_unit_label=_unit_label(step, item.agency, item.assigned_user),
        step_name=item.label,
        given_by=actor,
        allotted_working_hours=item.allotted_hours,
    )
