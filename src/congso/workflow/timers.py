"""Time in processes: BPMN timers and step deadlines (electronic ISO), run by the periodic job
``workflow.timers`` every 30 seconds on some worker.

**BPMN timers.** Boundary timers (on a step) and intermediate timer events, with ``timeDuration``
(``PT4H``) or ``timeDate``, count calendar time on the platform clock. The instance stores the earliest
due moment in ``next_timer_at``; the job takes the due instances (indexed query), fires their timers and
runs the engine on (``services.refresh_timers``), one instance per transaction.

**Step deadlines and escalation** (the mechanism congso uses for every step, with no drawing needed):
each work item's ``due_at`` is its ``allottedHours`` counted in working hours on the working-day
calendar. When an open item passes ``due_at``, the job marks it ``escalated_at``, publishes
``workflow.step_overdue`` (notifications subscribe) and opens an ``escalation`` work item for the
**leaders of the same agency**, due ``ESCALATION_RESPONSE_HOURS`` working hours later. The escalation
item closes by itself when the step is done, or when a leader acknowledges it
(``services.acknowledge_escalation``). A step is escalated once.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import events
from congso.core.scheduling import periodic

from . import engine, services
from .models import InstanceState, ProcessInstance, WorkItem, WorkItemKind, WorkItemState

logger = logging.getLogger(__name__)

ESCALATION_ROLE = "leader"
ESCALATION_RESPONSE_HOURS = 4
BATCH = 200


@periodic("workflow.timers", every=30)
def run_timers() -> dict:
    """The periodic job: fire due BPMN timers, then escalate overdue steps."""
    return {"timers": fire_due_timers(), "escalated": escalate_overdue()}


def fire_due_timers(now=None) -> int:
    """Refresh every running instance whose ``next_timer_at`` has passed; return how many were refreshed.

    An instance whose step fails for a reason that will not go away by itself (``WorkflowError``, a
    refusal from ``dossiers.services``) is set to the ``error`` state with the reason, for an
    administrator to see; other failures are logged and retried at the next run.
    """
    now = now or timezone.now()
    due = list(
        ProcessInstance.objects.filter(state=InstanceState.RUNNING, next_timer_at__lte=now)
        .order_by("next_timer_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    done = 0
    for pk in due:
        try:
            services.refresh_timers(ProcessInstance(pk=pk))
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            _mark_error(pk, exc)
        except Exception:
            logger.exception("Timers of process instance %s failed; will retry", pk)
    return done


def _mark_error(pk: int, exc: Exception) -> None:
    message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    logger.warning("Process instance %s stopped on error: %s", pk, message)
    with transaction.atomic():
        ProcessInstance.objects.filter(pk=pk, state=InstanceState.RUNNING).update(
            state=InstanceState.ERROR,
            last_error=message[:4000],
            next_timer_at=None,
            updated_at=timezone.now(),
        )
        events.publish("workflow.instance_failed", {"instance_id": pk, "error": message[:1000]})


def escalate_overdue(now=None) -> int:
    """Escalate the open steps past their deadline (see the module docstring); return how many."""
    now = now or timezone.now()
    ids = list(
        WorkItem.objects.filter(
            state=WorkItemState.OPEN, kind=WorkItemKind.TASK, escalated_at__isnull=True, due_at__lte=now
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    count = 0
    for pk in ids:
        with transaction.atomic():
            item = (
                WorkItem.objects.select_for_update(skip_locked=True)
                .select_related("agency", "instance")
                .filter(pk=pk, state=WorkItemState.OPEN, escalated_at__isnull=True)
                .first()
            )
            if item is None:
                continue
            escalate(item, now)
            count += 1
    return count


def escalate(item: WorkItem, now) -> WorkItem:
    """Mark ``item`` overdue and open the leaders' escalation item (inside the caller's transaction)."""
    item.escalated_at = now
    item.save(update_fields=["escalated_at"])
    escalation = WorkItem.objects.create(
        instance=item.instance,
        kind=WorkItemKind.ESCALATION,
        task_name=item.task_name,
        label=_("Đôn đốc: “%(step)s” đã quá hạn") % {"step": item.label},
        role=ESCALATION_ROLE,
        agency=item.agency,
        opened_at=now,
        due_at=engine.compute_due_at(now, ESCALATION_RESPONSE_HOURS),
        escalation_of=item,
    )
    events.publish(
        "workflow.step_overdue",
        {
            "instance_id": item.instance_id,
            "dossier_id": item.instance.dossier_id,
            "work_item_id": item.pk,
            "escalation_item_id": escalation.pk,
            "step": item.task_name,
            "label": item.label,
            "agency_code": item.agency.code,
            "role": item.role,
            "assigned_user_id": item.assigned_user_id,
            "escalation_role": ESCALATION_ROLE,  # who is asked to follow it up (notifications tell them)
            "due_at": item.due_at.isoformat(),
        },
        aggregate=item,
    )
    return escalation
