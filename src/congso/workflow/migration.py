"""Moving running process instances to a new version of their process: the dry run that says which
can move (``plan_migration``) and the move itself (``migrate``). Re-exported by ``services``."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from congso.core import audit, events

from . import bpmn, engine
from .errors import WorkflowError
from .lifecycle import lock_instance
from .models import InstanceState, ProcessInstance, ProcessVersion, WorkItemKind, WorkItemState
from .spiff import SERIALIZER


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
            instance = lock_instance(row.instance.pk)
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
