"""A dossier's process from start to end: starting it (``start``, ``start_for_dossier``), completing its
steps (``complete``), acknowledging escalations, refreshing its timers and cancelling it (``cancel``).
Each change runs in one transaction with the instance's row locked (``lock_instance``). Re-exported by
``services``, whose docstring describes the guarantees and errors."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from SpiffWorkflow.util.task import TaskState

from congso.core import audit, events, timeliness

from . import engine
from .errors import ConcurrentUpdate, WorkflowError
from .models import InstanceState, ProcessInstance, ProcessVersion, WorkItem, WorkItemKind, WorkItemState

# The logger keeps the name it had before the split, the one logging configurations name.
logger = logging.getLogger("congso.workflow.services")


class ProcessAlreadyStarted(WorkflowError):
    """The dossier already has its process instance (a second start, e.g. an event delivered twice)."""


def lock_instance(pk) -> ProcessInstance:
    """The instance ``pk`` with its row locked (``select_for_update``) for the current transaction."""
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
        instance = lock_instance(work_item.instance_id)
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
        instance = lock_instance(instance.pk)
        if instance.state != InstanceState.RUNNING:
            return []
        dossier = instance.dossier
        workflow = engine.load_workflow(instance, engine.Runtime(instance, dossier, actor=None))
        engine.advance(workflow)
        engine.save_workflow(instance, workflow)
        return engine.sync_work_items(instance, workflow, dossier, actor=None)


def can_monitor(user) -> bool:
    """Whether ``user`` may open the process monitoring pages (a leader, the province). Reads only."""
    from .permissions import monitoring_scope

    return monitoring_scope(user) is not None


def deliver_message(dossier_id, name: str, payload: dict) -> bool:
    """Deliver the message ``name`` (``conventions.MESSAGES``) to the process of dossier ``dossier_id``:
    its step waiting for that message ends, ``payload`` goes into the workflow data under the message's
    name (``tra-loi-van-ban`` → ``tra_loi_van_ban``), engine steps run without an officer and work items
    are opened accordingly, in one transaction. False (and nothing changed) when the dossier has no
    running process or its process is not waiting for that message — an answer that came after the
    officers went on without it, or a second delivery of the same event.
    Errors: ``WorkflowError``."""
    from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
    from SpiffWorkflow.bpmn.util.event import BpmnEvent

    pk = ProcessInstance.objects.filter(dossier_id=dossier_id).values_list("pk", flat=True).first()
    if pk is None:
        return False
    with transaction.atomic():
        instance = lock_instance(pk)
        if instance.state != InstanceState.RUNNING:
            return False
        dossier = instance.dossier
        workflow = engine.load_workflow(instance, engine.Runtime(instance, dossier, actor=None))
        waiting = [
            e
            for e in workflow.waiting_events()
            if e.event_type == "MessageEventDefinition" and e.name == name
        ]
        if not waiting:
            return False
        # SpiffWorkflow merges the message's payload into the task data: one key, the message's name.
        workflow.catch(BpmnEvent(MessageEventDefinition(name), {name.replace("-", "_"): payload}))
        engine.advance(workflow)
        engine.save_workflow(instance, workflow)
        engine.sync_work_items(instance, workflow, dossier, actor=None)
        audit.record("workflow.message", instance, label=name)
    return True
